"""Normalisation beyond names: what a copier adds to hide a copy without changing what the code computes
reads the same as the original (`similarity.simplify`, `similarity.order`), what changes the computation
does not, and code beyond the budget is refused with a sentence (`similarity.normalise`)."""

from __future__ import annotations

import ast

import pytest

from autograder.similarity.normalise import MAX_DEPTH, MAX_NODES, NotNormalised, normalise


def canonical(body: str) -> str:
    """The canonical text of `def f(a, b, c, x, y):` with `body` (indented by four spaces)."""
    source = "import numpy as np\n\ndef f(a, b, c, x, y):\n" + "".join(f"    {line}\n" for line in body.splitlines())
    return normalise(source, {"f"})["f"].text


SAME = {
    # no-op arithmetic
    "x * 1": ("return a * b + c", "return (a * 1) * (b + 0) + c * 1.0 - 0"),
    "1 * x, 0 + x, x / 1, x ** 1": ("return a / b", "return (1 * a) / (0 + b) / 1 ** 1"),
    "--x, +x": ("return -a + b", "return -(-(-a)) + (+b)"),
    "not not x": ("return a and not b", "return not not a and not b"),
    "brackets": ("return a * b + c", "return ((a) * (b)) + ((c))"),
    "a constant condition": ("return a", "return a if True else b"),
    # dead statements
    "pass and bare expressions": ("y = a * b\nreturn y + c",
                                  "pass\ny = a * b\nNone\na + b\n...\n'a note'\nreturn y + c"),
    "if False, while False, if c: pass": (
        "return a", "if False:\n    print(b)\nwhile 0:\n    b = 1\nif a > b:\n    pass\nreturn a"),
    "if True reads as its body": ("y = a\nreturn y * b", "if True:\n    y = a\nelse:\n    y = b\nreturn y * b"),
    "unused temporaries": ("return np.dot(a, b)", "unused = a * 2\ntmp = np.zeros(3)\nreturn np.dot(a, b)"),
    "x = x": ("y = a\nfor i in b:\n    y = y + i\nreturn y", "y = a\ny = y\nfor i in b:\n    y = y + i\nreturn y"),
    "else: pass": ("if a:\n    return b\nreturn c", "if a:\n    return b\nelse:\n    pass\nreturn c"),
    # operand order
    "sums": ("return a + b - c", "return -c + b + a"),
    "a - (b - c)": ("return a - b + c", "return a - (b - c)"),
    "-(a - b)": ("return b - a", "return -(a - b)"),
    "products": ("return a * b / c", "return b / c * a"),
    "products inside sums": ("return a * b + c * x", "return x * c + b * a"),
    "comparisons": ("return a < b and x == y", "return y == x and b > a"),
    "chains of >": ("return a <= b < c", "return c > b >= a"),
    "bit operators": ("return a & b | c", "return c | b & a"),
    "x += y": ("y = a\ny += b\nreturn y", "y = a\ny = b + y\nreturn y"),
    "comprehension variables": ("return [i * j for i in a for j in b]", "return [j * i for i in a for j in b]"),
    # split temporaries, either way
    "a split line": ("return a * b + c", "t = a * b\nreturn t + c"),
    "a chain of temporaries": ("y = np.sum(a * b) / len(a) + c\nreturn y",
                               "p = a * b\ns = np.sum(p)\nm = s / len(a)\ny = c + m\nreturn y"),
    "a temporary read in an if": ("if a:\n    return b * c\nreturn a", "t = b * c\nif a:\n    return t\nreturn a"),
    "a temporary read by a loop's iterable": ("for i in range(len(a)):\n    b.append(i)\nreturn b",
                                              "n = len(a)\nfor i in range(n):\n    b.append(i)\nreturn b"),
    "a parameter assigned anew": ("a = np.asarray(a)\nreturn a * 2", "xs = np.asarray(a)\nreturn 2 * xs"),
    "a variable assigned anew": ("t = a * b\nt = t + c\nreturn t", "return a * b + c"),
    "all at once": ("d = a - b\nreturn float(np.sum(d * d) / (2 * len(a)))",
                    "d = (a - b) * 1\npass\nsq = d * d\ntotal = np.sum(sq)\nn = len(a) + 0\nunused = n\n"
                    "return float(total / (n * 2))"),
}


@pytest.mark.parametrize("original, rewritten", SAME.values(), ids=SAME.keys())
def test_a_light_rewrite_reads_the_same_as_the_original(original, rewritten):
    assert canonical(rewritten) == canonical(original)


DIFFERENT = {
    "subtraction": ("return a - b", "return b - a"),
    "division": ("return a / b", "return b / a"),
    "the matrix product": ("return a @ b", "return b @ a"),
    "floor division by one": ("return a // 1", "return a"),
    "a power": ("return a ** 2", "return a ** 1"),
    "another library call": ("return np.sum(a)", "return np.mean(a)"),
    "a temporary read twice": ("t = a * b\nreturn t + t", "return a * b + a * b"),
    "a temporary read in a loop": ("t = a * b\nfor i in c:\n    x.append(t)\nreturn x",
                                   "for i in c:\n    x.append(a * b)\nreturn x"),
    "a temporary whose inputs change before its read": ("t = a * b\na = c\nreturn t + a", "a = c\nreturn a * b + a"),
    "a call's effect": ("print(a)\nreturn b", "return b"),
    "an assignment that is read": ("y = a\nreturn y", "return b"),
}


@pytest.mark.parametrize("one, other", DIFFERENT.values(), ids=DIFFERENT.keys())
def test_what_changes_the_computation_reads_differently(one, other):
    assert canonical(one) != canonical(other)


def test_a_function_that_reads_its_names_by_text_keeps_its_assignments():
    assert "v6 = 1" in canonical("z = 1\nreturn locals()")


def test_the_lines_a_statement_comes_from_include_its_temporaries():
    source = "def f(a, b):\n    t = a * b\n    pass\n    return t + 1\n"
    unit = normalise(source, {"f"})["f"]
    assert unit.lines(0, len(unit.text)) == {1, 2, 3, 4}


HOSTILE = {
    "nested brackets": ("def f(x):\n    return " + "(" * 1000 + "x" + ")" * 1000 + "\n", "does not parse"),
    "a long unary chain": ("def f(x):\n    return " + "-" * 100_000 + "x\n", "nested too deeply to parse"),
    "a long sum": ("def f(x):\n    return x" + " + x" * 500 + "\n", f"nests more than {MAX_DEPTH} levels"),
    "many statements": ("".join(f"v{i} = {i} * 2 + 1\n" for i in range(MAX_NODES // 8)), f"{MAX_NODES:,}"),
    "no code that parses": ("def f(x)\n    return x\n", "does not parse: expected ':' (line 1)"),
}


@pytest.mark.parametrize("source, reason", HOSTILE.values(), ids=HOSTILE.keys())
def test_code_beyond_the_budget_or_the_parser_is_refused_with_a_sentence(source, reason):
    with pytest.raises(NotNormalised, match="its code") as refused:
        normalise(source, {"f"})
    assert reason in str(refused.value)


def test_a_syntax_error_in_one_function_leaves_the_others_compared():
    units = normalise("def f(x):\n    return x +\n\ndef g(x):\n    return x * 2\n", {"f", "g"})
    assert set(units) == {"g"}


def depth(node: ast.AST) -> int:
    return 1 + max((depth(child) for child in ast.iter_child_nodes(node)), default=0)


LONG = {
    "a variable assigned anew 3000 times": "def f(x):\n" + "    x = x + 1\n" * 3000 + "    return x\n",
    "a chain of 3000 temporaries": "def f(x):\n    t0 = x\n" + "".join(
        f"    t{i + 1} = t{i} * 2\n" for i in range(3000)) + "    return t3000\n",
}


@pytest.mark.parametrize("source", LONG.values(), ids=LONG.keys())
def test_temporaries_taken_in_never_nest_deeper_than_the_budget(source):
    (unit,) = normalise(source, {"f"}).values()
    assert depth(ast.parse(unit.text)) <= MAX_DEPTH + 3  # the module, the definition, the statement
