"""What a copier adds to hide a copy without changing what the code computes, taken away.

Applied to the parsed code before its names are made canonical (`normalise`), so that what is
taken away leaves no trace in the numbering of the names:

- no-op arithmetic: `x * 1`, `1 * x`, `x + 0`, `0 + x`, `x - 0`, `x / 1`, `x ** 1`, `+x`, `--x`,
  `not not x`, `~~x`, `a if True else b`, `not <constant>` (redundant brackets are gone with the parse);
- dead statements: `pass` beside other statements, an expression statement without a call (`x`,
  `0`, `a + b`, `...`), `x = x`, `if False:` and `while False:` blocks (`if True:` reads as its body),
  `if c: pass`, `else: pass`;
- `x += y` reads `x = x + y` (for a name `x`), and so on for every operator;
- in a function, what its variables allow (`temporaries`): a variable assigned anew starts a new
  one, an assignment nobody reads is dropped, and a temporary read once is replaced by its value.

For numbers and arrays none of this changes what the code computes (`not not x` drops a conversion
to bool, `x + 0` one to float, `x += y` an update in place: none matters when comparing code).
"""

from __future__ import annotations

import ast

from .temporaries import BLOCKS, Names, drop_unused, inline, rebind

#: At most this many passes over a function: each inlines or drops what the one before freed.
ROUNDS = 8
_EFFECTS = (ast.Call, ast.Await, ast.Yield, ast.YieldFrom, ast.NamedExpr)
#: Nodes without children that the passes never change: not visited, which saves a third of the calls.
LEAVES = (ast.expr_context, ast.operator, ast.unaryop, ast.cmpop, ast.boolop)


def simplify_function(function: ast.FunctionDef | ast.AsyncFunctionDef) -> ast.FunctionDef | ast.AsyncFunctionDef:
    """`function` (changed in place) without no-op arithmetic, dead statements and split temporaries."""
    _Fold().visit(function)
    names = Names(function)
    if names.dynamic:
        return function
    if rebind(function, names):
        names = Names(function)
    for _ in range(ROUNDS):
        if not drop_unused(function.body, names) | inline(function.body, names):
            break
        if names.constants:  # a constant read in place of a temporary: `one = 1; y = a * one`
            _Fold().visit(function)
        names = Names(function)
    return function


def simplify_statement(node: ast.stmt) -> list[ast.stmt]:
    """A module-level statement without no-op arithmetic and dead statements: `[]` where it is itself dead,
    several where it was an `if True:` block. (Module-level names are the submission's interface: an
    assignment nobody reads in the module may be read by its importer, so all are kept.)"""
    found = _Fold().visit(node)
    return [] if found is None else found if isinstance(found, list) else [found]


def _is(node: ast.AST, number: int) -> bool:
    return (isinstance(node, ast.Constant) and type(node.value) in (int, float) and node.value == number)


def _passes(block: list[ast.stmt]) -> bool:
    return all(isinstance(s, ast.Pass) for s in block)


def _pure(node: ast.AST) -> bool:
    """Whether evaluating `node` has no effect but its value (no call, no await, no assignment inside)."""
    return not any(isinstance(sub, _EFFECTS) for sub in ast.walk(node))


class _Fold(ast.NodeTransformer):
    """Folds no-op arithmetic and drops dead statements, bottom-up."""

    def visit(self, node: ast.AST) -> ast.AST | list[ast.stmt] | None:
        return node if isinstance(node, LEAVES) else super().visit(node)

    def generic_visit(self, node: ast.AST) -> ast.AST:
        super().generic_visit(node)
        for field in BLOCKS:
            block = getattr(node, field, None)
            if not isinstance(block, list) or not block or not isinstance(block[0], ast.stmt):
                continue
            kept = [s for s in block if not isinstance(s, ast.Pass)]
            if kept and len(kept) < len(block) or not kept and field == "orelse":
                setattr(node, field, kept)  # `pass` beside other statements, `else: pass`
        if isinstance(node, ast.stmt | ast.excepthandler | ast.match_case) and hasattr(node, "body") \
                and not node.body:
            node.body = [ast.Pass()]  # a block emptied by what was dropped
        return node

    def visit_AugAssign(self, node: ast.AugAssign) -> ast.AST:
        self.generic_visit(node)
        if not isinstance(node.target, ast.Name):
            return node
        value = ast.BinOp(ast.Name(node.target.id, ast.Load()), node.op, node.value)
        return ast.copy_location(ast.Assign([node.target], value), node)

    def visit_BinOp(self, node: ast.BinOp) -> ast.AST:
        self.generic_visit(node)
        op, left, right = node.op, node.left, node.right
        if isinstance(op, ast.Add | ast.Sub) and _is(right, 0) or isinstance(op, ast.Mult | ast.Div | ast.Pow) \
                and _is(right, 1):
            return left
        if isinstance(op, ast.Add) and _is(left, 0) or isinstance(op, ast.Mult) and _is(left, 1):
            return right
        return node

    def visit_UnaryOp(self, node: ast.UnaryOp) -> ast.AST:
        self.generic_visit(node)
        op, operand = node.op, node.operand
        if isinstance(op, ast.UAdd):
            return operand
        if isinstance(operand, ast.UnaryOp) and type(operand.op) is type(op):
            return operand.operand
        if isinstance(op, ast.Not) and isinstance(operand, ast.Constant):
            return ast.Constant(not operand.value)
        return node

    def visit_IfExp(self, node: ast.IfExp) -> ast.AST:
        self.generic_visit(node)
        if isinstance(node.test, ast.Constant):
            return node.body if node.test.value else node.orelse
        return node

    def visit_Expr(self, node: ast.Expr) -> ast.AST | None:
        self.generic_visit(node)
        return None if _pure(node.value) else node

    def visit_Assign(self, node: ast.Assign) -> ast.AST | None:
        self.generic_visit(node)
        (target, *more), value = node.targets, node.value
        same = not more and isinstance(target, ast.Name) and isinstance(value, ast.Name) and target.id == value.id
        return None if same else node

    def visit_If(self, node: ast.If) -> ast.AST | list[ast.stmt] | None:
        self.generic_visit(node)
        if isinstance(node.test, ast.Constant):
            return (node.body if node.test.value else node.orelse) or None
        if _passes(node.body) and not node.orelse and _pure(node.test):
            return None
        return node

    def visit_While(self, node: ast.While) -> ast.AST | list[ast.stmt] | None:
        self.generic_visit(node)
        if isinstance(node.test, ast.Constant) and not node.test.value:
            return node.orelse or None
        return node
