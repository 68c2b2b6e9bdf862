"""A canonical order for the operands of commutative operators, so that swapping them changes nothing.

Applied to code whose names are already canonical (v1, v2, …; `normalise`), bottom-up:

- sums: `c + a - b`, `a - (b - c)`, `-b + a + c` are flattened into terms added and terms subtracted,
  each sorted: `a + c - b`;
- products: factors and divisors likewise (`b / c * a` reads `a * b / c`); `@`, `//` and `%` are left as
  they are (the matrix product does not commute);
- `&`, `|`, `^`, `and`, `or`: operands sorted;
- comparisons: `==`, `!=`, `is` and `is not` with their two operands sorted; `a > b` reads `b < a`,
  `a >= b` reads `b <= a` (a chain of `>` and `>=` reads as its mirror).

Operands are sorted by a key built from their own canonical form, so the order does not depend on
the order the code was written in. Floating-point sums do depend on it, a little; code that is
compared, not run, does not.
"""

from __future__ import annotations

import ast

from .simplify import LEAVES

_SUM, _PRODUCT = (ast.Add, ast.Sub), (ast.Mult, ast.Div)
_BITS = (ast.BitAnd, ast.BitOr, ast.BitXor)
_SYMMETRIC = (ast.Eq, ast.NotEq, ast.Is, ast.IsNot)
_MIRROR: dict[type[ast.cmpop], type[ast.cmpop]] = {ast.Gt: ast.Lt, ast.GtE: ast.LtE}


def order(node: ast.AST) -> ast.AST:
    """`node` with the operands of its commutative operators in canonical order (changed in place where it
    can be; use the result)."""
    return _Order().visit(node)


class _Order(ast.NodeTransformer):
    """Sorts commutative operands bottom-up; `_key` is each operand's canonical form, computed once."""

    def __init__(self) -> None:
        self.keys: dict[int, tuple[ast.AST, str]] = {}

    def visit(self, node: ast.AST) -> ast.AST:
        return node if isinstance(node, LEAVES) else super().visit(node)

    def _key(self, node: ast.AST) -> str:
        found = self.keys.get(id(node))
        if found is not None and found[0] is node:
            return found[1]
        if isinstance(node, ast.Name):
            key = node.id
        elif isinstance(node, ast.Constant):
            key = repr(node.value)
        else:
            parts = []
            for field, value in ast.iter_fields(node):
                if field == "ctx":
                    continue
                items = value if isinstance(value, list) else [value]
                parts.append(",".join(self._key(v) if isinstance(v, ast.AST) else repr(v) for v in items))
            key = f"{type(node).__name__}({';'.join(parts)})"
        self.keys[id(node)] = (node, key)  # the node is kept, so its id is not reused for another
        return key

    def _sorted(self, nodes: list[ast.expr]) -> list[ast.expr]:
        return sorted(nodes, key=self._key)

    def visit_BinOp(self, node: ast.BinOp) -> ast.AST:
        if isinstance(node.op, _SUM):
            return self._sum(node, negated=False)
        if isinstance(node.op, _PRODUCT):
            up, down = _split(node, _PRODUCT, ast.Div)
            return _chain(self._sorted([self.visit(n) for n in up]), ast.Mult,
                          self._sorted([self.visit(n) for n in down]), ast.Div)
        if isinstance(node.op, _BITS):
            operands, _ = _split(node, (type(node.op),), None)
            return _chain(self._sorted([self.visit(n) for n in operands]), type(node.op), [], type(node.op))
        self.generic_visit(node)
        return node

    def _sum(self, node: ast.expr, negated: bool) -> ast.expr:
        added, taken = _split(node, _SUM, ast.Sub)
        if negated:
            added, taken = taken, added
        added, taken = self._sorted([self.visit(n) for n in added]), self._sorted([self.visit(n) for n in taken])
        if not added:  # -a - b
            added, taken = [ast.UnaryOp(ast.USub(), taken[0])], taken[1:]
        return _chain(added, ast.Add, taken, ast.Sub)

    def visit_UnaryOp(self, node: ast.UnaryOp) -> ast.AST:
        if isinstance(node.op, ast.USub) and isinstance(node.operand, ast.BinOp) and isinstance(node.operand.op, _SUM):
            return self._sum(node.operand, negated=True)  # -(a - b) reads b - a
        self.generic_visit(node)
        return node

    def visit_BoolOp(self, node: ast.BoolOp) -> ast.AST:
        values: list[ast.expr] = []
        todo = list(node.values)
        while todo:
            value = todo.pop(0)
            if isinstance(value, ast.BoolOp) and type(value.op) is type(node.op):
                todo[:0] = value.values
            else:
                values.append(self.visit(value))
        node.values = self._sorted(values)
        return node

    def visit_Compare(self, node: ast.Compare) -> ast.AST:
        self.generic_visit(node)
        if all(type(op) in _MIRROR for op in node.ops):
            operands = [node.left, *node.comparators][::-1]
            node.left, node.comparators = operands[0], operands[1:]
            node.ops = [_MIRROR[type(op)]() for op in node.ops[::-1]]
        elif len(node.ops) == 1 and isinstance(node.ops[0], _SYMMETRIC):
            node.left, node.comparators[0] = self._sorted([node.left, node.comparators[0]])
        return node


def _split(node: ast.expr, ops: tuple[type[ast.operator], ...], inverse: type[ast.operator] | None,
           ) -> tuple[list[ast.expr], list[ast.expr]]:
    """The operands of a chain of `ops` (`a - (b - c)`: `[a, c]` and `[b]`), those under an odd number of
    `inverse` operators (`-` in a sum, `/` in a product) second; a negated term of a sum counts as subtracted."""
    found: tuple[list[ast.expr], list[ast.expr]] = ([], [])
    todo: list[tuple[ast.expr, int]] = [(node, 0)]
    while todo:
        current, side = todo.pop()
        if isinstance(current, ast.BinOp) and isinstance(current.op, ops):
            flip = side ^ 1 if inverse is not None and isinstance(current.op, inverse) else side
            todo += [(current.right, flip), (current.left, side)]
        elif inverse is ast.Sub and isinstance(current, ast.UnaryOp) and isinstance(current.op, ast.USub):
            todo.append((current.operand, side ^ 1))
        else:
            found[side].append(current)
    return found


def _chain(first: list[ast.expr], op: type[ast.operator], second: list[ast.expr],
           inverse: type[ast.operator]) -> ast.expr:
    """`first[0] op first[1] … inverse second[0] inverse …`, associated to the left as Python reads it."""
    result = first[0]
    for operand in first[1:]:
        result = ast.BinOp(result, op(), operand)
    for operand in second:
        result = ast.BinOp(result, inverse(), operand)
    return result
