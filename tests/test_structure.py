"""The package's shape: imports flow one way, modules stay small, and the public names are pinned."""

from __future__ import annotations

import ast
import subprocess
import sys
from pathlib import Path

import pytest

from autograder import checks, cli, results, testing

from .conftest import ROOT

PACKAGE = ROOT / "autograder"
MAX_LINES = 350


def module_name(path: Path) -> str:
    parts = list(path.relative_to(ROOT).with_suffix("").parts)
    return ".".join(parts[:-1] if parts[-1] == "__init__" else parts)


MODULES = {module_name(p): p for p in sorted(PACKAGE.rglob("*.py"))}


def statements(tree: ast.AST):
    """Every node of `tree`, but for what only type checkers read (`if TYPE_CHECKING:` blocks)."""
    for node in ast.iter_child_nodes(tree):
        if isinstance(node, ast.If) and isinstance(node.test, ast.Name) and node.test.id == "TYPE_CHECKING":
            yield from (n for child in node.orelse for n in [child, *statements(child)])
            continue
        yield node
        yield from statements(node)


def imported(name: str, path: Path, *, typed: bool = False) -> set[str]:
    """The package's modules that `name` imports anywhere in its file (inside functions too; with `typed`, in
    `if TYPE_CHECKING:` blocks too)."""
    package = name if path.name == "__init__.py" else name.rsplit(".", 1)[0]
    found = set()
    tree = ast.parse(path.read_text(encoding="utf-8"))
    for node in ast.walk(tree) if typed else statements(tree):
        if isinstance(node, ast.Import):
            targets = [alias.name for alias in node.names]
        elif isinstance(node, ast.ImportFrom):
            base = node.module or ""
            if node.level:
                anchor = package.split(".")[: len(package.split(".")) - node.level + 1]
                base = ".".join(anchor + ([node.module] if node.module else []))
            targets = [base] + [f"{base}.{alias.name}" for alias in node.names]
        else:
            continue
        found |= {t for t in targets if t in MODULES and t != name}
    return found


GRAPH = {name: imported(name, path) for name, path in MODULES.items()}
#: The same, counting what only type checkers read too: a cycle there is a cycle of the design.
TYPED_GRAPH = {name: imported(name, path, typed=True) for name, path in MODULES.items()}


@pytest.mark.parametrize("graph", [GRAPH, TYPED_GRAPH], ids=["imports", "with type-checking imports"])
def test_no_import_cycle_among_the_packages_modules(graph):
    state: dict[str, str] = {}

    def visit(node: str, trail: list[str]) -> None:
        state[node] = "open"
        for nxt in graph[node]:
            if state.get(nxt) == "open":
                raise AssertionError("import cycle: " + " -> ".join(trail[trail.index(nxt):] + [node, nxt]))
            if nxt not in state:
                visit(nxt, trail + [node])
        state[node] = "done"

    for module in graph:
        if module not in state:
            visit(module, [])


def reachable(start: str) -> set[str]:
    seen, todo = set(), [start]
    while todo:
        for nxt in GRAPH[todo.pop()] - seen:
            seen.add(nxt)
            todo.append(nxt)
    return seen


def test_results_is_the_bottom_of_the_stack_and_scoring_imports_only_results():
    assert GRAPH["autograder.results"] == set()
    assert reachable("autograder.scoring") <= {"autograder.results", "autograder"}


def test_the_runtime_imports_nothing_outside_its_folder():
    runtime = "autograder.sandbox.runtime"
    for name in (m for m in GRAPH if m.startswith(runtime)):
        assert {m for m in GRAPH[name] if not m.startswith(runtime)} == set(), name


@pytest.mark.parametrize("name", sorted(MODULES))
def test_no_module_is_over_350_lines(name):
    lines = len(MODULES[name].read_text(encoding="utf-8").splitlines())
    assert lines <= MAX_LINES, f"{name} has {lines} lines: split it by concern"


def loaded_after(code: str) -> list[str]:
    """The modules of the standard library and the package that `code` leaves loaded, in a fresh interpreter."""
    script = f"import sys\n{code}\nprint('\\n'.join(sorted(sys.modules)))"
    process = subprocess.run([sys.executable, "-c", script], capture_output=True, text=True, cwd=ROOT, timeout=120)
    assert process.returncode == 0, process.stderr
    return process.stdout.split()


def test_importing_scoring_loads_no_sandbox_and_no_subprocess():
    loaded = loaded_after("import autograder.scoring")
    assert "subprocess" not in loaded and "select" not in loaded
    assert not any(m.startswith("autograder.sandbox") for m in loaded)


def test_grade_run_does_not_import_the_distributions():
    code = ("from autograder.cli import main\n"
            f"main(['run', {str(ROOT / 'solutions' / 'linear_regression.py')!r}, '--format', 'json'], "
            "standalone_mode=False)")
    assert not [m for m in loaded_after(code) if m.startswith("autograder.distribute")]


def test_the_public_names_are_pinned():
    assert sorted(testing.__all__) == ["TestCase", "check", "recipe", "test"]
    assert sorted(results.__all__) == ["AssignmentResult", "Outcome", "Status", "SubmissionResult", "TYPES",
                                       "TestResult", "Verdict", "from_json", "to_json"]
    assert sorted(checks.__all__) == ["CheckFailed", "DIFFERENCE", "EXACT", "FLOAT", "LOSS", "PROBABILITY", "TRAINED",
                                      "Tolerance", "agrees", "as_array", "close", "equal", "mapping", "noting",
                                      "number", "one_of", "printed", "raises", "sequence", "shape", "that"]
    assert sorted(cli.main.commands) == ["batch", "build", "check", "demo", "list", "run", "similarity", "templates",
                                         "train", "verify", "worker"]


@pytest.mark.parametrize("module", [testing, results, checks], ids=lambda m: m.__name__)
def test_every_public_name_is_exported_and_exists(module):
    defined = {name for name, value in vars(module).items() if not name.startswith("_")
               and getattr(value, "__module__", module.__name__) == module.__name__ and not isinstance(value, type(sys))
               and (callable(value) or name.isupper())}
    assert defined <= set(module.__all__) | {"annotations"}
    assert all(hasattr(module, name) for name in module.__all__)
