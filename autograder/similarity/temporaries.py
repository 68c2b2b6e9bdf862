"""What a function's variables allow to take away, before they are renamed (`simplify`).

- a variable assigned anew at the function's top level starts a new variable: after
  `x = np.asarray(x)` the code reads a new name, as if the copier had renamed it;
- an assignment to a name the function never reads is dropped;
- split temporaries: `t = a * b` then `y = t + c` reads `y = a * b + c` when `t` is assigned once and
  read once, that read comes within the next `LOOKAHEAD` statements of the same block (not inside a
  loop, a comprehension, a lambda or a nested definition), nothing in between assigns a name `a * b`
  reads, and the value is no larger than `MAX_MOVED` nodes nor the result deeper than `MAX_DEPTH`. So
  code that splits a line and code that merges two read the same.

A function that reads its names by text (`locals()`, `vars()`, `eval`, `exec`) is left as it is
(`Names.dynamic`). Each step is linear in the function's size, so the budget on its size bounds the time.
"""

from __future__ import annotations

import ast
from collections import Counter
from collections.abc import Iterator

#: Where a read of a temporary is not moved to: evaluated many times, later, or in another scope.
_BARRIERS = (ast.For, ast.AsyncFor, ast.While, ast.Lambda, ast.ListComp, ast.SetComp, ast.DictComp,
             ast.GeneratorExp, ast.FunctionDef, ast.AsyncFunctionDef, ast.ClassDef)
_BINDS = (ast.Yield, ast.YieldFrom, ast.Await, ast.NamedExpr, ast.Starred)
_DYNAMIC = frozenset({"locals", "vars", "eval", "exec"})
#: The fields of a statement that hold blocks of statements.
BLOCKS = ("body", "orelse", "finalbody")
#: The deepest nesting of code that is normalised (`normalise` refuses deeper code; an inlined temporary
#: never makes it deeper), how many statements after a temporary its read is looked for, and the most nodes
#: a temporary's value moved into its read has: each keeps the work linear in the function's size.
MAX_DEPTH, LOOKAHEAD, MAX_MOVED = 100, 20, 100


class Names:
    """How often a function reads and assigns each name, and the names it binds otherwise (parameters,
    definitions, imports, `global`, `except … as`): those are never dropped nor inlined."""

    def __init__(self, function: ast.AST) -> None:
        self.loads: Counter[str] = Counter()
        self.stores: Counter[str] = Counter()
        self.args: Counter[str] = Counter()  # how many parameters of it and its nested definitions have each name
        self.bound: set[str] = set()
        for node in ast.walk(function):
            if isinstance(node, ast.Name):
                (self.loads if isinstance(node.ctx, ast.Load) else self.stores)[node.id] += 1
            elif isinstance(node, ast.arg):
                self.args[node.arg] += 1
                self.bound.add(node.arg)
            elif isinstance(node, ast.FunctionDef | ast.AsyncFunctionDef | ast.ClassDef):
                self.bound.add(node.name)
            elif isinstance(node, ast.Global | ast.Nonlocal):
                self.bound.update(node.names)
            elif isinstance(node, ast.alias):
                self.bound.add((node.asname or node.name).split(".")[0])
            elif isinstance(node, ast.ExceptHandler | ast.MatchAs | ast.MatchStar) and node.name:
                self.bound.add(node.name)
            elif isinstance(node, ast.MatchMapping) and node.rest:
                self.bound.add(node.rest)
        self.dynamic = bool(_DYNAMIC & set(self.loads))
        self.constants = False  # whether a constant was read in place of a temporary since

    def unread(self, target: ast.AST) -> bool:
        return isinstance(target, ast.Name) and not self.loads[target.id] and target.id not in self.bound


def rebind(function: ast.FunctionDef | ast.AsyncFunctionDef, names: Names) -> bool:
    """Each top-level assignment to a name bound before it (a parameter, an earlier assignment) starts a new
    variable: it and everything after it read a new name (`x'1`, which no source can hold). Not for a name a
    nested definition binds or has read before (it would read the new value), nor one declared `global`.
    Whether any did (`names` is then out of date)."""
    params = {a.arg for a in ast.walk(function.args) if isinstance(a, ast.arg)}
    kept = names.bound - params | {a for a in params if names.args[a] > 1}  # a nested definition's parameter too
    seen, closed = set(params), set[str]()  # closed: what nested definitions read, as renamed
    current: dict[str, str] = {}  # a name -> the name of its latest variable
    count = Counter[str]()
    for node in function.body:
        target = node.targets[0] if isinstance(node, ast.Assign) and len(node.targets) == 1 else None
        stored, nested = set[str](), []
        for sub in ast.walk(node):
            if isinstance(sub, ast.Name) and sub is not target:
                stored.update([sub.id] if not isinstance(sub.ctx, ast.Load) else [])
                sub.id = current.get(sub.id, sub.id)
            elif isinstance(sub, ast.FunctionDef | ast.AsyncFunctionDef | ast.Lambda):
                nested.append(sub)
        if isinstance(target, ast.Name):
            name = target.id
            if name in seen and name not in kept and current.get(name, name) not in closed:
                count[name] += 1
                current[name] = f"{name}'{count[name]}"
            target.id, stored = current.get(name, name), stored | {name}
        seen |= stored
        closed |= {n.id for definition in nested for n in ast.walk(definition) if isinstance(n, ast.Name)}
    return bool(count)


def _blocks(body: list[ast.stmt]) -> Iterator[list[ast.stmt]]:
    """`body` and every block nested in it, nested functions' included, classes' not (their names are
    attributes, read as such)."""
    yield body
    for node in body:
        if isinstance(node, ast.ClassDef):
            continue
        for field in BLOCKS:
            block = getattr(node, field, None)
            if isinstance(block, list) and block and isinstance(block[0], ast.stmt):
                yield from _blocks(block)
        for handler in getattr(node, "handlers", []) + getattr(node, "cases", []):
            yield from _blocks(handler.body)


def drop_unused(body: list[ast.stmt], names: Names) -> bool:
    """Drop every assignment (`=`, `: T =`) to names the function never reads."""
    changed = False
    for block in _blocks(body):
        kept = [s for s in block if not _unused(s, names)]
        if len(kept) < len(block):
            block[:] = kept or [ast.Pass()]
            changed = True
    return changed


def _unused(node: ast.stmt, names: Names) -> bool:
    if isinstance(node, ast.Assign):
        targets = node.targets
    elif isinstance(node, ast.AnnAssign) and node.value is not None:
        targets = [node.target]
    else:
        return False
    return all(names.unread(t) for t in targets) and not any(isinstance(n, _BINDS) for n in ast.walk(node.value))


def inline(body: list[ast.stmt], names: Names) -> bool:
    """Replace each temporary assigned once and read once, later in the same block, by its value."""
    changed = False
    for block in _blocks(body):
        i = 0
        while i < len(block):
            if _inline_at(block, i, names):
                changed = True  # block[i] is now the next statement
            else:
                i += 1
    return changed


def _inline_at(block: list[ast.stmt], i: int, names: Names) -> bool:
    node = block[i]
    if not (isinstance(node, ast.Assign) and len(node.targets) == 1 and isinstance(node.targets[0], ast.Name)):
        return False
    name, value = node.targets[0].id, node.value
    if names.loads[name] != 1 or names.stores[name] != 1 or name in names.bound:
        return False
    facts = _facts(value)
    if facts is None:
        return False
    deep, reads = facts
    for j in range(i + 1, min(len(block), i + 1 + LOOKAHEAD)):
        place = _place(block[j], None, "", j, name, 1)
        if place is False:
            return False
        if place is not None:
            parent, field, index, depth = place
            before = isinstance(block[j], _SIMPLE) or parent is block[j] and field in ("iter", "test")
            if not before and _writes(block[j]) & reads or depth + deep > MAX_DEPTH:
                return False  # read after that statement assigns what the value reads, or too deep
            if index is None:
                setattr(parent, field, value)
            else:
                getattr(parent, field)[index] = value
            del block[i]
            names.loads[name] = names.stores[name] = 0
            names.constants = names.constants or isinstance(value, ast.Constant | ast.UnaryOp)
            return True
        if _writes(block[j]) & reads:
            return False
    return False


def _facts(value: ast.expr) -> tuple[int, set[str]] | None:
    """How deep `value` nests and the names it reads; None where it is not moved: it binds a name, awaits or
    yields, or has more than `MAX_MOVED` nodes (no line a student splits is that long)."""
    deepest, reads, todo, count = 0, set(), [(value, 1)], 0
    while todo:
        node, depth = todo.pop()
        count += 1
        if count > MAX_MOVED or isinstance(node, _BINDS):
            return None
        deepest = max(deepest, depth)
        if isinstance(node, ast.Name):
            reads.add(node.id)
        todo += [(child, depth + 1) for child in ast.iter_child_nodes(node)]
    return deepest, reads


#: Statements that read all they read before they assign anything.
_SIMPLE = (ast.Assign, ast.AugAssign, ast.AnnAssign, ast.Return, ast.Expr, ast.Raise, ast.Assert)
_Place = tuple[ast.AST, str, "int | None", int]


def _writes(node: ast.AST) -> set[str]:
    return {n.id for n in ast.walk(node) if isinstance(n, ast.Name) and not isinstance(n.ctx, ast.Load)}


def _mentions(node: ast.AST, name: str) -> bool:
    return any(isinstance(n, ast.Name) and n.id == name for n in ast.walk(node))


def _place(node: ast.AST, parent: ast.AST | None, field: str, index: int | None, name: str,
           depth: int) -> _Place | bool | None:
    """Where `node` (`parent.field`, or `parent.field[index]`, `depth` deep) reads `name`: that parent, field,
    index and depth; False where the read is behind a barrier (a loop's body, a comprehension, a lambda, a
    nested definition; a for loop's iterable is read once, before it); None where `node` does not read it."""
    if isinstance(node, ast.Name):
        found = node.id == name and isinstance(node.ctx, ast.Load)
        return (parent, field, index, depth) if found else None  # type: ignore[return-value]
    if isinstance(node, _BARRIERS):
        if isinstance(node, ast.For | ast.AsyncFor):
            found_in_iter = _place(node.iter, node, "iter", None, name, depth + 1)
            if found_in_iter is not None:
                return found_in_iter
        return False if _mentions(node, name) else None
    for key, value in ast.iter_fields(node):
        items = enumerate(value) if isinstance(value, list) else [(None, value)]
        for position, child in items:
            if isinstance(child, ast.AST):
                found_below = _place(child, node, key, position, name, depth + 1)
                if found_below is not None:
                    return found_below
    return None
