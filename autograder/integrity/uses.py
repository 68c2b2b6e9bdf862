"""What each top-level definition of a submission uses of the libraries, read from its source alone.

Nothing is executed: the source is parsed (`ast`), and every name, attribute chain and
call is resolved through the module's imports and aliases to the library name it stands
for. So `np.linalg.lstsq`, `la.lstsq` after `import numpy.linalg as la`, `ls` after
`from numpy.linalg import lstsq as ls`, `fit = np.polyfit`, `getattr(np, "polyfit")`,
`np.linalg.__getattribute__("lstsq")`, `vars(np.linalg)["lstsq"]`, `np.linalg.__dict__["lstsq"]`,
`sys.modules["numpy.linalg"].lstsq`, `__import__("numpy.linalg", fromlist=["lstsq"])`,
`operator.attrgetter("linalg.lstsq")(np)`, `functools.reduce(getattr, ["linalg", "lstsq"], np)` and
`importlib.import_module("torch")` all read as the names they are; an attribute of any object
reads as `.name` too (`loss.backward()` uses `.backward`). A definition also uses what the
submission's other definitions that it names use (a helper it calls). A private module path
(`np.linalg._linalg.lstsq`) reads as written; `spellings` maps it to the public name.

Each definition is analysed on its own: one nested too deeply to analyse is listed in
`Analysis.unchecked`, and the others are still analysed.

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
#: The longest prefix of an attribute chain kept as a use of its own (the whole chain is one too).
MAX_PARTS = 16


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
    unchecked: dict[str, int] = field(default_factory=dict)  # definition (MODULE: top-level code) -> its line

    def used_by(self, definition: str) -> list[Use]:
        """What `definition` uses, itself or through the submission's definitions it names, in line order."""
        found = [use for name in sorted(self.reached(definition)) for use in self.uses.get(name, [])]
        return sorted(set(found), key=lambda u: (u.line, u.name, u.definition))

    def reached(self, definition: str) -> set[str]:
        """`definition` and every definition of the submission it names, directly or through others."""
        seen, todo = {definition}, [definition]
        while todo:
            for name in self.calls.get(todo.pop(), ()):
                if name not in seen:
                    seen.add(name)
                    todo.append(name)
        return seen


def analyse(source: str | list[ast.stmt]) -> Analysis:
    """The uses of every top-level definition of `source` (the parts that parse), or of its statements
    already parsed (`pysource.statements`: parse once, share them). A definition nested too deeply to
    analyse is left in `unchecked`, the others analysed."""
    body = statements(source) if isinstance(source, str) else source
    analysis = Analysis()
    for node in body:
        if not isinstance(node, (ast.FunctionDef, ast.AsyncFunctionDef, ast.ClassDef)):
            try:
                _bind(node, analysis.aliases, descend=True)
            except RecursionError:
                analysis.unchecked.setdefault(MODULE, node.lineno)
    defined = {name for node in body for name in _names(node)}
    analysis.functions = {n.name for node in body for n in ast.walk(node)
                          if isinstance(n, (ast.FunctionDef, ast.AsyncFunctionDef))}
    for node in body:
        named = {n.id for n in ast.walk(node) if isinstance(n, ast.Name)} & defined
        try:
            aliases = dict(analysis.aliases)
            _bind(node, aliases, descend=True)
            found = _uses(node, aliases)
        except RecursionError:
            for name in _names(node) or [MODULE]:
                analysis.unchecked.setdefault(name, node.lineno)
            found = set()
        for name in _names(node) or [MODULE]:
            analysis.uses.setdefault(name, []).extend(Use(u, line, name) for u, line in found)
            analysis.calls.setdefault(name, set()).update(named - {name})
    return analysis


def _names(node: ast.stmt) -> list[str]:
    if isinstance(node, (ast.Import, ast.ImportFrom)):
        return []
    return defined_names(node)


def module_aliases(body: list[ast.stmt]) -> dict[str, str]:
    """The library names that the module's own statements bind (its imports and `name = <library name>`
    assignments, outside its definitions), `from m import *` as the key `*m`."""
    aliases: dict[str, str] = {}
    for node in body:
        if not isinstance(node, (ast.FunctionDef, ast.AsyncFunctionDef, ast.ClassDef)):
            _bind(node, aliases, descend=True)
    return aliases


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


_GETATTR = frozenset({"getattr", "builtins.getattr", "inspect.getattr_static"})
_IMPORT = frozenset({"__import__", "builtins.__import__", "importlib.__import__"})
_VARS = frozenset({"vars", "builtins.vars"})
_DUNDER_GETATTR = frozenset({"__getattribute__", "__getattr__"})


def resolve(node: ast.AST, aliases: dict[str, str]) -> str | None:
    """The library name `node` stands for ("numpy.linalg.lstsq"), or None when it is not one. An attribute
    chain is followed without recursion, however long."""
    attributes = []
    while isinstance(node, ast.Attribute):
        attributes.append(node.attr)
        node = node.value
    base = _base(node, aliases)
    return ".".join([base, *reversed(attributes)]) if base else None


def _base(node: ast.AST, aliases: dict[str, str]) -> str | None:
    if isinstance(node, ast.Name):
        if node.id in aliases:
            return aliases[node.id]
        star = next((module for key, module in aliases.items() if key.startswith("*")), None)
        return f"{star}.{node.id}" if star and node.id not in BUILTINS else None
    if isinstance(node, ast.Subscript):  # vars(m)["f"], m.__dict__["f"], sys.modules["m"]
        return _item(resolve(node.value, aliases), _text(node.slice))
    if not isinstance(node, ast.Call) or not node.args:
        return None
    if isinstance(node.func, ast.Call):  # operator.attrgetter("linalg.lstsq")(np)
        getter, paths = node.func, [_text(a) for a in node.func.args]
        if resolve(getter.func, aliases) != "operator.attrgetter" or len(paths) != 1 or not paths[0]:
            return None
        base = resolve(node.args[0], aliases)
        return f"{base}.{paths[0]}" if base else None
    function = resolve(node.func, aliases) or (node.func.id if isinstance(node.func, ast.Name) else None)
    first, text = node.args[0], _text(node.args[0])
    if isinstance(node.func, ast.Attribute) and node.func.attr in _DUNDER_GETATTR:  # m.__getattribute__("f")
        base, name = (resolve(node.func.value, aliases), text) if len(node.args) == 1 else \
            (resolve(first, aliases), _text(node.args[1]))
        return f"{base}.{name}" if base and name else None
    if function in _GETATTR and len(node.args) >= 2:
        base, name = resolve(first, aliases), _text(node.args[1])
        return f"{base}.{name}" if base and name else None
    if function in _VARS and len(node.args) == 1:
        base = resolve(first, aliases)
        return f"{base}.__dict__" if base else None
    if function and function.endswith(".get"):  # sys.modules.get("m"), vars(m).get("f")
        return _item(resolve(node.func.value, aliases) if isinstance(node.func, ast.Attribute) else None, text)
    if function in ("functools.reduce", "_functools.reduce") and len(node.args) == 3:
        getter, path, base = node.args[0], _strings(node.args[1]), resolve(node.args[2], aliases)
        is_getattr = resolve(getter, aliases) in _GETATTR or isinstance(getter, ast.Name) and getter.id == "getattr"
        return ".".join([base, *path]) if is_getattr and path and base else None
    if text and function in _IMPORT:
        return text if _fromlist(node) else text.split(".")[0]
    if text and function == "importlib.import_module":
        return text
    return None


def _item(container: str | None, key: str | None) -> str | None:
    """What `container[key]` stands for: a module of `sys.modules`, or a name of a module's `__dict__`."""
    if container is None or not key:
        return None
    if container == "sys.modules":
        return key
    return f"{container[:-len('.__dict__')]}.{key}" if container.endswith(".__dict__") else None


def _fromlist(node: ast.Call) -> list[str]:
    """The names an `__import__(..., fromlist=[...])` call imports from its module."""
    given = [k.value for k in node.keywords if k.arg == "fromlist"] + node.args[3:4]
    return _strings(given[0]) if given else []


def _strings(node: ast.AST) -> list[str]:
    """The strings of a literal list or tuple of them, or of `"a.b".split(".")`."""
    if isinstance(node, (ast.List, ast.Tuple)):
        texts = [_text(element) for element in node.elts]
        return [t for t in texts if t] if all(texts) else []
    if isinstance(node, ast.Call) and isinstance(node.func, ast.Attribute) and node.func.attr == "split":
        text, separators = _text(node.func.value), [_text(a) for a in node.args]
        return text.split(".") if text and separators == ["."] else []
    return []


def _text(node: ast.AST) -> str | None:
    return node.value if isinstance(node, ast.Constant) and isinstance(node.value, str) else None


def _uses(node: ast.AST, aliases: dict[str, str]) -> set[tuple[str, int]]:
    """Every library name `node` uses, with its line: imports, resolved names and calls (each prefix of an
    attribute chain), attribute names."""
    found: set[tuple[str, int]] = set()
    walked = list(ast.walk(node))
    inner = {id(sub.value) for sub in walked if isinstance(sub, ast.Attribute)}  # resolved with their chain
    for sub in walked:
        line = getattr(sub, "lineno", 0)
        if isinstance(sub, ast.Import):
            found |= {(alias.name, line) for alias in sub.names}
        elif isinstance(sub, ast.ImportFrom) and sub.module and not sub.level:
            found |= {(sub.module if alias.name == "*" else f"{sub.module}.{alias.name}", line)
                      for alias in sub.names}
        if isinstance(sub, ast.Attribute):
            found.add((f".{sub.attr}", line))
        if isinstance(sub, (ast.Name, ast.Attribute, ast.Call, ast.Subscript)) and id(sub) not in inner:
            name = resolve(sub, aliases)
            if name:  # the chain's prefixes too: numpy, numpy.linalg, numpy.linalg.lstsq (the first MAX_PARTS)
                parts = name.split(".")
                found |= {(".".join(parts[:cut]), line) for cut in range(1, min(len(parts), MAX_PARTS) + 1)}
                found.add((name, line))
        if isinstance(sub, ast.Call) and (module := resolve(sub, aliases)) and _fromlist(sub):
            found |= {(f"{module}.{name}", line) for name in _fromlist(sub)}
    return found
