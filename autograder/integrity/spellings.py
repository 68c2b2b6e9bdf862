"""Every other name of what a rule forbids, from the real objects: `numpy.linalg._linalg.lstsq` is `numpy.linalg.lstsq`.

A rule names a function by its public name; the same function object is also an attribute of the
private module that defines it, and of every module that imports it (`numpy.lib._polynomial_impl.lstsq`).
The static check reads names, so it needs the table from name to rule: built on the grader's side,
once per set of rules and packages loaded, by looking through the modules the grader has imported
for attributes that *are* the objects a rule stands for (`guard.targets`, the same objects the
student's process guards). Only numpy, which the grader imports to judge every answer anyway, is
imported for it: a package the grader has not imported (torch, for `grade check` of the backpropagation,
where importing it would cost seconds) adds no spellings yet, and the student's process still guards
every one of them.
"""

from __future__ import annotations

import contextlib
import functools
import importlib
import itertools
import sys
import types
import warnings

from ..sandbox.runtime.guard import targets

#: The most dotted parts a spelling has (a module path and an attribute).
MAX_PARTS = 12


#: Packages the grader imports for its own work whatever the assignment: looking into them costs nothing.
GRADERS_OWN = ("numpy",)


def spellings(rules: tuple[str, ...]) -> dict[str, str]:
    """`{other name: public name}` for what `rules` forbid ("numpy.lib._polynomial_impl.polyfit":
    "numpy.polyfit"), from the packages the grader has imported; attribute rules (".backward") have none."""
    tops = sorted({r.split(".")[0] for r in rules if not r.startswith(".")})
    for top in tops:
        if top in GRADERS_OWN and top not in sys.modules:
            with contextlib.suppress(ImportError):
                importlib.import_module(top)
    return _spellings(rules, tuple(top for top in tops if top in sys.modules))


@functools.cache
def _spellings(rules: tuple[str, ...], loaded: tuple[str, ...]) -> dict[str, str]:
    table: dict[str, str] = {}
    for rule in rules:
        if rule.startswith("."):
            continue
        objects = targets(rule, load=False)
        module = sys.modules.get(rule)
        if isinstance(module, types.ModuleType):
            objects[id(module)] = (module, rule)
        top = rule.split(".")[0]
        for name, module in sorted(list(sys.modules.items())):
            if (name == top or name.startswith(top + ".")) and isinstance(module, types.ModuleType):
                for attr, value in list(vars(module).items()):
                    found = objects.get(id(value))
                    if found is not None and found[0] is value and f"{name}.{attr}" != found[1]:
                        table.setdefault(f"{name}.{attr}", found[1])
                table.update(_lazy(name, module, objects))
    return table


def _lazy(name: str, module: types.ModuleType, objects: dict[int, tuple[object, str]]) -> dict[str, str]:
    """The spellings a module gives through its `__getattr__` (a deprecated alias module such as
    `numpy.linalg.linalg`), asked for the rules' own last names only."""
    if "__getattr__" not in vars(module):
        return {}
    found = {}
    for value, public in list(objects.values()):
        attr = public.rsplit(".", 1)[-1]
        if attr in vars(module):
            continue
        with warnings.catch_warnings():
            warnings.simplefilter("ignore")
            try:
                other = getattr(module, attr)
            except Exception:  # noqa: BLE001 - a library's lazy lookup may raise anything
                continue
        if other is value and f"{name}.{attr}" != public:
            found[f"{name}.{attr}"] = public
    return found


def public_name(used: str, table: dict[str, str]) -> str:
    """`used` with its longest prefix that is another spelling replaced by the public name:
    "numpy.linalg._linalg.lstsq" -> "numpy.linalg.lstsq"."""
    if not table:
        return used
    parts = used.split(".", MAX_PARTS)  # no spelling is longer: the rest is attributes of what it names
    prefixes = list(itertools.accumulate(parts[:MAX_PARTS], lambda prefix, part: f"{prefix}.{part}"))
    for cut in range(len(prefixes), 0, -1):
        public = table.get(prefixes[cut - 1])
        if public is not None:
            return used.replace(prefixes[cut - 1], public, 1)
    return used
