"""What each top-level definition of a submission uses of the libraries, read from its source alone.

Nothing is executed: the source is parsed (`ast`), and every name, attribute chain and
call is resolved through the module's imports and aliases to the library name it stands
for. So `np.linalg.lstsq`, `la.lstsq` after `import numpy.linalg as la`, `ls` after
`from numpy.linalg import lstsq as ls`, `fit = np.polyfit`, `getattr(np, "polyfit")` and
`importlib.import_module("torch")` all read as the names they are; an attribute of any object
reads as `.name` too (`loss.backward()` uses `.backward`). A definition also uses what the
submission's other definitions that it names use (a helper it calls).

What it cannot see: names built at run time (`getattr(np, "poly" + "fit")`), code run from
text (`exec`, `eval`, `compile`), modules found by path, and code that comes from data.
"""

from __future__ import annotations

import ast
import builtins
from dataclasses import dataclass, field

from ..pysource import defined_names, statements

BUILTINS = frozenset(dir(builtins))
#: The definition name of code at module level that defines nothing (a bare call, a loop).
MODULE = ""


@dataclass(frozen=True)
class Use:
    """One use of a library name: `name` ("numpy.polyfit", or ".backward" for an attribute of anything),
    at `line`, inside the top-level definition `definition`."""

    name: str
    line: int
    definition: str


@dataclass
class Analysis:
    """A submission's uses, per top-level definition, and the names its module binds to libraries."""

    uses: dict[str, list[Use]] = field(default_factory=dict)
    calls: dict[str, set[str]] = field(default_factory=dict)  # definition -> the other definitions it names
    aliases: dict[str, str] = field(default_factory=dict)  # module-level name -> library name
    functions: set[str] = field(default_factory=set)  # every function or method the submission defines

    def used_by(self, definition: str) -> list[Use]:
        """What `definition` uses, itself or through the submission's definitions it names, in line order."""
        seen, todo, found = {definition}, [definition], []
        while todo:
            current = todo.pop()
            found += self.uses.get(current, [])
            for name in sorted(self.calls.get(current, ())):
                if name not in seen:
                    seen.add(name)
                    todo.append(name)
        return sorted(set(found), key=lambda u: (u.line, u.name, u.definition))


def analyse(source: str) -> Analysis:
    """The uses of every top-level definition of `source` (the parts that parse)."""
    body = statements(source)
    analysis = Analysis()
    for node in body:
        if not isinstance(node, (ast.FunctionDef, ast.AsyncFunctionDef, ast.ClassDef)):
            _bind(node, analysis.aliases, descend=True)
    defined = {name for node in body for name in _names(node)}
    analysis.functions = {n.name for node in body for n in ast.walk(node)
                          if isinstance(n, (ast.FunctionDef, ast.AsyncFunctionDef))}
    for node in body:
        aliases = dict(analysis.aliases)
        _bind(node, aliases, descend=True)
        found = _uses(node, aliases)
        named = {n.id for n in ast.walk(node) if isinstance(n, ast.Name)} & defined
        for name in _names(node) or [MODULE]:
            analysis.uses.setdefault(name, []).extend(Use(u, line, name) for u, line in found)
            analysis.calls.setdefault(name, set()).update(named - {name})
    return analysis


def _names(node: ast.stmt) -> list[str]:
    if isinstance(node, (ast.Import, ast.ImportFrom)):
        return []
    return defined_names(node)


def _bind(node: ast.AST, aliases: dict[str, str], *, descend: bool) -> None:
    """Add the names `node` binds to library names: its imports and `name = <library name>` assignments,
    in nested blocks too (with `descend`, inside functions and classes as well)."""
    walk = ast.walk(node) if descend else [node]
    for sub in walk:
        if isinstance(sub, ast.Import):
            for alias in sub.names:
                if alias.asname:
                    aliases[alias.asname] = alias.name
                else:
                    top = alias.name.split(".")[0]
                    aliases[top] = top
        elif isinstance(sub, ast.ImportFrom) and sub.module and not sub.level:
            for alias in sub.names:
                key = f"*{sub.module}" if alias.name == "*" else alias.asname or alias.name
                aliases[key] = sub.module if alias.name == "*" else f"{sub.module}.{alias.name}"
        elif isinstance(sub, ast.Assign) and len(sub.targets) == 1 and isinstance(sub.targets[0], ast.Name):
            target = resolve(sub.value, aliases)
            if target is not None:
                aliases[sub.targets[0].id] = target


def resolve(node: ast.AST, aliases: dict[str, str]) -> str | None:
    """The library name `node` stands for ("numpy.linalg.lstsq"), or None when it is not one."""
    if isinstance(node, ast.Name):
        if node.id in aliases:
            return aliases[node.id]
        star = next((module for key, module in aliases.items() if key.startswith("*")), None)
        return f"{star}.{node.id}" if star and node.id not in BUILTINS else None
    if isinstance(node, ast.Attribute):
        base = resolve(node.value, aliases)
        return f"{base}.{node.attr}" if base else None
    if isinstance(node, ast.Call) and node.args:
        function = resolve(node.func, aliases) or (node.func.id if isinstance(node.func, ast.Name) else None)
        first, text = node.args[0], _text(node.args[0])
        if function in ("getattr", "builtins.getattr") and len(node.args) >= 2:
            base, name = resolve(first, aliases), _text(node.args[1])
            return f"{base}.{name}" if base and name else None
        if text and function in ("__import__", "builtins.__import__"):
            return text.split(".")[0]
        if text and function == "importlib.import_module":
            return text
    return None


def _text(node: ast.AST) -> str | None:
    return node.value if isinstance(node, ast.Constant) and isinstance(node.value, str) else None


def _uses(node: ast.AST, aliases: dict[str, str]) -> set[tuple[str, int]]:
    """Every library name `node` uses, with its line: imports, resolved names and calls, attribute names."""
    found: set[tuple[str, int]] = set()
    for sub in ast.walk(node):
        line = getattr(sub, "lineno", 0)
        if isinstance(sub, ast.Import):
            found |= {(alias.name, line) for alias in sub.names}
        elif isinstance(sub, ast.ImportFrom) and sub.module and not sub.level:
            found |= {(sub.module if alias.name == "*" else f"{sub.module}.{alias.name}", line)
                      for alias in sub.names}
        elif isinstance(sub, (ast.Name, ast.Attribute, ast.Call)):
            name = resolve(sub, aliases)
            if name is not None:
                found.add((name, line))
            if isinstance(sub, ast.Attribute):
                found.add((f".{sub.attr}", line))
    return found
