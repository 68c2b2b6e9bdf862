"""What a function's variables allow to take away, before they are renamed (`simplify`).

- a variable assigned anew at the function's top level starts a new variable: `x = np.asarray(x)`
  reads as `x2 = np.asarray(x)`, and what follows reads `x2`, as if the copier had renamed it;
- an assignment to a name the function never reads is dropped;
- split temporaries: `t = a * b` then `y = t + c` reads `y = a * b + c` when `t` is assigned once and
  read once, that read comes later in the same block (not inside a loop, a comprehension, a lambda
  or a nested definition), and nothing in between assigns a name `a * b` reads. So code that
  splits a line and code that merges two read the same.

A function that reads its names by text (`locals()`, `vars()`, `eval`, `exec`) is left as it is
(`Names.dynamic`).
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


class Names:
    """How often a function reads and assigns each name, and the names it binds otherwise (parameters,
    definitions, imports, `global`, `except … as`): those are never dropped nor inlined."""

    def __init__(self, function: ast.AST) -> None:
        self.loads: Counter[str] = Counter()
        self.stores: Counter[str] = Counter()
        self.bound: set[str] = set()
        for node in ast.walk(function):
            if isinstance(node, ast.Name):
                (self.loads if isinstance(node.ctx, ast.Load) else self.stores)[node.id] += 1
            elif isinstance(node, ast.arg):
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
    nested definition binds or read before (it would read the new value), nor one declared `global`. Whether
    any did (`names` is then out of date)."""
    params = {a.arg for a in ast.walk(function.args) if isinstance(a, ast.arg)}
    nested = {a.arg for statement in function.body for node in ast.walk(statement)
              if isinstance(node, ast.FunctionDef | ast.AsyncFunctionDef | ast.Lambda)
              for a in ast.walk(node.args) if isinstance(a, ast.arg)}
    kept = names.bound - params | nested
    seen, body, count = set(params), function.body, Counter[str]()
    for i, node in enumerate(body):
        if isinstance(node, ast.Assign) and len(node.targets) == 1 and isinstance(node.targets[0], ast.Name):
            name = node.targets[0].id
            if name in seen and name not in kept and not _closures(body[:i], name):
                count[name] += 1
                node.targets[0].id = new = f"{name}'{count[name]}"
                for sub in (sub for later in body[i + 1:] for sub in ast.walk(later)):
                    if isinstance(sub, ast.Name) and sub.id == name:
                        sub.id = new
        seen.update(n.id for n in ast.walk(node) if isinstance(n, ast.Name) and not isinstance(n.ctx, ast.Load))
    return bool(count)


def _closures(body: list[ast.stmt], name: str) -> bool:
    """Whether a function or lambda defined in `body` reads `name`."""
    return any(isinstance(node, ast.FunctionDef | ast.AsyncFunctionDef | ast.Lambda) and _mentions(node, name)
               for statement in body for node in ast.walk(statement))


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
    if any(isinstance(n, _BINDS) for n in ast.walk(value)):
        return False
    reads = {n.id for n in ast.walk(value) if isinstance(n, ast.Name)}
    for j in range(i + 1, len(block)):
        place = _place(block[j], None, "", j, name)
        if place is False:
            return False
        if place is not None:
            parent, field, index = place
            before = isinstance(block[j], _SIMPLE) or parent is block[j] and field in ("iter", "test")
            if not before and _writes(block[j]) & reads:
                return False  # read after something in that statement assigns what the value reads
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


#: Statements that read all they read before they assign anything.
_SIMPLE = (ast.Assign, ast.AugAssign, ast.AnnAssign, ast.Return, ast.Expr, ast.Raise, ast.Assert)
_Place = tuple[ast.AST, str, "int | None"]


def _writes(node: ast.AST) -> set[str]:
    return {n.id for n in ast.walk(node) if isinstance(n, ast.Name) and not isinstance(n.ctx, ast.Load)}


def _mentions(node: ast.AST, name: str) -> bool:
    return any(isinstance(n, ast.Name) and n.id == name for n in ast.walk(node))


def _place(node: ast.AST, parent: ast.AST | None, field: str, index: int | None, name: str) -> _Place | bool | None:
    """Where `node` (`parent.field`, or `parent.field[index]`) reads `name`: that parent, field and index;
    False where the read is behind a barrier (a loop's body, a comprehension, a lambda, a nested
    definition; a for loop's iterable is read once, before it); None where `node` does not read it."""
    if isinstance(node, ast.Name):
        return (parent, field, index) if node.id == name and isinstance(node.ctx, ast.Load) else None  # type: ignore
    if isinstance(node, _BARRIERS):
        if isinstance(node, ast.For | ast.AsyncFor):
            found = _place(node.iter, node, "iter", None, name)
            if found is not None:
                return found
        return False if _mentions(node, name) else None
    for key, value in ast.iter_fields(node):
        items = enumerate(value) if isinstance(value, list) else [(None, value)]
        for position, child in items:
            if isinstance(child, ast.AST):
                found = _place(child, node, key, position, name)
                if found is not None:
                    return found
    return None
