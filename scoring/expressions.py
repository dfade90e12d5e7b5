"""The expression language of ``show_if``, ``when`` and ``derived``.

Parsed with Python's own parser (``ast.parse(mode="eval")`` only builds a tree, it runs
nothing) and then accepted node by node against a whitelist; anything else is refused with a
message. The accepted tree is compiled into small tuples that two evaluators walk:
``eval_scalar`` for one response (plain Python, the reference) and ``eval_vector`` for whole
columns (NumPy). Both follow SQL-style null semantics.

Why not simpleeval: it evaluates one row at a time, and scoring a million responses needs the
same expression over whole columns; the whitelist below is short and the same tree serves both.

Values in the vector evaluator: numbers and booleans as float64 arrays (NaN is null; booleans
are 1.0 / 0.0), strings as object arrays (None is null), a ``multi`` answer as a mapping from
option value to a boolean column.
"""

from __future__ import annotations

import ast
import itertools
import operator
from collections import ChainMap
from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any

import numpy as np

from .errors import GuideCheckError

MAX_LENGTH = 1000
MAX_DEPTH = 40

NUM, STR, BOOL, SET, NULL = "number", "text", "true/false", "multi", "null"


class ExprError(GuideCheckError):
    """A problem found while checking an expression at load time."""


# A compiled expression: a positional tuple whose first element names the node ("lit", "name",
# "and", "cmp", ...) and whose other elements are values or further trees (see _compile). Its parts
# differ by node kind, hence Any until the trees become typed nodes.
Tree = tuple[Any, ...]


@dataclass(frozen=True)
class NameType:
    """What a name stands for: its type and, for strings and multi answers, the allowed values."""

    type: str
    domain: tuple | None = None
    label: str = ""


_CMP = {ast.Eq: "==", ast.NotEq: "!=", ast.Lt: "<", ast.LtE: "<=", ast.Gt: ">", ast.GtE: ">="}
_ARITH = {ast.Add: "+", ast.Sub: "-", ast.Mult: "*", ast.Div: "/"}
_LITERAL_NAMES = {"true": True, "false": False, "null": None}


def parse(source: str) -> Tree:
    """Parse and whitelist ``source``; return the compiled tree. Raise ExprError."""
    if not isinstance(source, str) or not source.strip():
        raise ExprError("an expression must be a non-empty string")
    if len(source) > MAX_LENGTH:
        raise ExprError(f"expression is {len(source)} characters long; the limit is {MAX_LENGTH}")
    try:
        tree = ast.parse(source.strip(), mode="eval")
    except SyntaxError as exc:
        raise ExprError(f"syntax error in expression '{source}': {exc.msg}") from None
    except (RecursionError, MemoryError, ValueError):
        raise ExprError(f"expression '{source[:40]}...' is nested too deeply") from None
    return _compile(tree.body, source, 0)


def _compile(node: ast.expr, src: str, depth: int) -> Tree:
    if depth > MAX_DEPTH:
        raise ExprError(f"expression '{src[:40]}' is nested more than {MAX_DEPTH} levels deep")
    d = depth + 1
    if isinstance(node, ast.Constant):
        v = node.value
        if isinstance(v, bool) or v is None:  # Python's True, False, None
            raise ExprError("write true, false and null in lower case")
        if isinstance(v, (int, float)) and not isinstance(v, complex):
            return ("lit", float(v))
        if isinstance(v, str):
            return ("lit", v)
        raise ExprError(f"'{ast.unparse(node)}' is not a number, string, true, false or null")
    if isinstance(node, ast.Name):
        if node.id in _LITERAL_NAMES:
            return ("lit", _LITERAL_NAMES[node.id])
        if node.id.startswith("_"):
            raise ExprError(f"name '{node.id}' is not allowed")
        return ("name", node.id)
    if isinstance(node, ast.UnaryOp):
        if isinstance(node.op, ast.Not):
            return ("not", _compile(node.operand, src, d))
        if isinstance(node.op, (ast.USub, ast.UAdd)):
            inner = _compile(node.operand, src, d)
            if isinstance(node.op, ast.UAdd):
                return inner
            if inner[0] == "lit" and isinstance(inner[1], float):
                return ("lit", -inner[1])
            return ("neg", inner)
    if isinstance(node, ast.BoolOp):
        op = "and" if isinstance(node.op, ast.And) else "or"
        parts = [_compile(v, src, d) for v in node.values]
        out = parts[0]
        for p in parts[1:]:
            out = (op, out, p)
        return out
    if isinstance(node, ast.BinOp) and type(node.op) in _ARITH:
        return ("arith", _ARITH[type(node.op)], _compile(node.left, src, d), _compile(node.right, src, d))
    if isinstance(node, ast.Compare):
        if len(node.ops) != 1:
            raise ExprError(f"chained comparison in '{src}': join comparisons with 'and'")
        cmpop, right = node.ops[0], node.comparators[0]
        left = _compile(node.left, src, d)
        if isinstance(cmpop, (ast.In, ast.NotIn)):
            if isinstance(right, ast.List):
                items = [_compile(e, src, d) for e in right.elts]
                if not items:
                    raise ExprError("an 'in' list must not be empty")
                if any(i[0] != "lit" for i in items):
                    raise ExprError("an 'in' list may hold only numbers and strings")
                if any(i[1] is None for i in items):
                    raise ExprError("null cannot be in an 'in' list")
                out = ("inlist", left, tuple(i[1] for i in items))
            elif isinstance(right, ast.Name):
                out = ("inset", left, _compile(right, src, d))
            else:
                raise ExprError("'in' takes a list in brackets or the id of a multi item")
            return ("not", out) if isinstance(cmpop, ast.NotIn) else out
        if type(cmpop) in _CMP:
            return ("cmp", _CMP[type(cmpop)], left, _compile(right, src, d))
    raise ExprError(f"'{_describe(node)}' is not allowed in expressions")


def _describe(node: ast.AST) -> str:
    names = {
        ast.Attribute: "attribute access", ast.Call: "function calls", ast.Subscript: "subscripts",
        ast.ListComp: "comprehensions", ast.GeneratorExp: "comprehensions", ast.Lambda: "lambda",
        ast.DictComp: "comprehensions", ast.SetComp: "comprehensions", ast.IfExp: "if/else",
        ast.JoinedStr: "f-strings", ast.NamedExpr: "':='", ast.Tuple: "tuples", ast.Dict: "dicts",
    }
    if isinstance(node, ast.BinOp):
        return {ast.Pow: "**", ast.FloorDiv: "//", ast.Mod: "%"}.get(type(node.op), "bitwise operators")
    if isinstance(node, ast.Compare):
        return "is / is not"
    if isinstance(node, ast.List):
        return "a list outside 'in'"
    for cls, name in names.items():
        if isinstance(node, cls):
            return name
    return type(node).__name__


def names(tree: Tree) -> set[str]:
    """The names a compiled tree refers to."""
    out: set[str] = set()
    stack = [tree]
    while stack:
        node = stack.pop()
        if node[0] == "name":
            out.add(node[1])
        else:
            stack.extend(part for part in node[1:] if isinstance(part, tuple) and part and isinstance(part[0], str))
    return out


# --------------------------------------------------------------------------- static types


def check_types(tree: Tree, env: Mapping[str, NameType]) -> NameType:
    """Infer the type of ``tree``; raise ExprError for unknown names and visible type errors."""
    kind = tree[0]
    if kind == "lit":
        v = tree[1]
        if v is None:
            return NameType(NULL)
        if isinstance(v, bool):
            return NameType(BOOL)
        if isinstance(v, float):
            return NameType(NUM)
        return NameType(STR, (v,))
    if kind == "name":
        if tree[1] not in env:
            raise ExprError(f"unknown name '{tree[1]}' (known here: {_some_names(env)})")
        t = env[tree[1]]
        if t.type == SET:
            raise ExprError(f"'{tree[1]}' is a multi item: use it as '\"option\" in {tree[1]}'")
        return t
    if kind == "not":
        _want(check_types(tree[1], env), BOOL, "not")
        return NameType(BOOL)
    if kind == "neg":
        _want(check_types(tree[1], env), NUM, "-")
        return NameType(NUM)
    if kind in ("and", "or"):
        _want(check_types(tree[1], env), BOOL, kind)
        _want(check_types(tree[2], env), BOOL, kind)
        return NameType(BOOL)
    if kind == "arith":
        _want(check_types(tree[2], env), NUM, tree[1])
        _want(check_types(tree[3], env), NUM, tree[1])
        return NameType(NUM)
    if kind == "cmp":
        op, a, b = tree[1], check_types(tree[2], env), check_types(tree[3], env)
        if op in ("<", "<=", ">", ">="):
            _want(a, NUM, op)
            _want(b, NUM, op)
        else:
            if NULL not in (a.type, b.type) and a.type != b.type:
                raise ExprError(f"'{op}' compares a {a.type} with a {b.type}")
            _domain_check(a, b)
            _domain_check(b, a)
        return NameType(BOOL)
    if kind == "inlist":
        a = check_types(tree[1], env)
        for v in tree[2]:
            lit = check_types(("lit", v), env)
            if a.type != NULL and lit.type != a.type:
                raise ExprError(f"'in' compares a {a.type} with {v!r}")
            _domain_check(a, lit)
        return NameType(BOOL)
    if kind == "inset":
        right = tree[2]
        if right[0] != "name" or right[1] not in env:
            raise ExprError(f"unknown name '{right[1] if right[0] == 'name' else right}'")
        s = env[right[1]]
        if s.type != SET:
            raise ExprError(f"'in {right[1]}': {right[1]} is not a multi item; use 'in [..]' for a list")
        if tree[1][0] != "lit" or tree[1][1] is None:
            raise ExprError(f"write the option to look for in {right[1]} as a literal, e.g. \"x\" in {right[1]}")
        opt = tree[1][1]
        if s.domain is not None and opt not in s.domain:
            raise ExprError(f"{opt!r} is not an option of {right[1]} (options: {', '.join(map(str, s.domain))})")
        return NameType(BOOL)
    raise ExprError(f"unknown expression node {kind}")  # pragma: no cover


def _some_names(env: Mapping[str, NameType], limit: int = 12) -> str:
    """Up to ``limit`` names of ``env``, sorted. Listing them all put every name of a large
    instrument into each message (tens of KB per problem, quadratic in the file's size); the
    names are read lazily so that a ChainMap or a view is not copied."""
    maps = env.maps if isinstance(env, ChainMap) else [env]
    first: list[str] = []
    for name in itertools.chain.from_iterable(maps):
        if name not in first:
            first.append(name)
            if len(first) > limit:
                break
    return ", ".join(sorted(first[:limit])) + (", ..." if len(first) > limit else "") or "none"


def _want(t: NameType, want: str, op: str) -> None:
    if t.type not in (want, NULL):
        raise ExprError(f"'{op}' needs a {want}, got a {t.type}{' (' + t.label + ')' if t.label else ''}")


def _domain_check(name_t: NameType, lit_t: NameType) -> None:
    """A literal compared with a name of known values must be one of them."""
    if name_t.domain is None or not name_t.label or lit_t.label or lit_t.domain is None:
        return
    for v in lit_t.domain:
        if v not in name_t.domain:
            shown = ", ".join(str(x) for x in name_t.domain)
            raise ExprError(f"{v!r} can never be a value of {name_t.label} (its values: {shown})")


# --------------------------------------------------------------------------- scalar evaluation


def eval_scalar(tree: Tree, env: Mapping[str, Any]) -> Any:
    """Evaluate for one response. ``env`` maps names to values (None is null; multi: a set). The
    result's type is the one check_types found for the tree at load time (hence ``Any``)."""
    kind = tree[0]
    if kind == "lit":
        return tree[1]
    if kind == "name":
        return env.get(tree[1])
    if kind == "not":
        v = eval_scalar(tree[1], env)
        return None if v is None else not v
    if kind == "neg":
        v = eval_scalar(tree[1], env)
        return None if v is None else -v
    if kind == "and":
        a, b = eval_scalar(tree[1], env), eval_scalar(tree[2], env)
        if a is False or b is False:
            return False
        return None if a is None or b is None else True
    if kind == "or":
        a, b = eval_scalar(tree[1], env), eval_scalar(tree[2], env)
        if a is True or b is True:
            return True
        return None if a is None or b is None else False
    if kind in ("arith", "cmp"):
        a, b = eval_scalar(tree[2], env), eval_scalar(tree[3], env)
        if a is None or b is None or (tree[1] == "/" and b == 0):
            return None
        return _OPERATORS[tree[1]](a, b)
    if kind == "inlist":
        a = eval_scalar(tree[1], env)
        return None if a is None else a in tree[2]
    if kind == "inset":
        s = env.get(tree[2][1])
        return None if s is None else tree[1][1] in s
    raise ValueError(kind)  # pragma: no cover


_OPERATORS = {"+": operator.add, "-": operator.sub, "*": operator.mul, "/": operator.truediv,
              "==": operator.eq, "!=": operator.ne, "<": operator.lt, "<=": operator.le, ">": operator.gt,
              ">=": operator.ge}


# --------------------------------------------------------------------------- vector evaluation


def eval_vector(tree: Tree, env: Mapping[str, Any], n: int) -> Any:
    """Evaluate over ``n`` responses. ``env`` is a mapping (may be lazy) of name -> column."""
    kind = tree[0]
    if kind == "lit":
        v = tree[1]
        if v is None:
            return np.full(n, np.nan)
        if isinstance(v, bool):
            return np.full(n, 1.0 if v else 0.0)
        if isinstance(v, float):
            return np.full(n, v)
        out = np.empty(n, dtype=object)
        out[:] = v
        return out
    if kind == "name":
        return env[tree[1]]
    if kind == "not":
        return 1.0 - eval_vector(tree[1], env, n)  # NaN stays NaN
    if kind == "neg":
        return -eval_vector(tree[1], env, n)
    if kind in ("and", "or"):
        a, b = eval_vector(tree[1], env, n), eval_vector(tree[2], env, n)
        if kind == "and":
            out = np.where((a == 0) | (b == 0), 0.0, np.where((a == 1) & (b == 1), 1.0, np.nan))
        else:
            out = np.where((a == 1) | (b == 1), 1.0, np.where((a == 0) & (b == 0), 0.0, np.nan))
        return out
    if kind == "arith":
        a, b = eval_vector(tree[2], env, n), eval_vector(tree[3], env, n)
        op = tree[1]
        with np.errstate(all="ignore"):
            if op == "+":
                return a + b
            if op == "-":
                return a - b
            if op == "*":
                return a * b
            out = a / np.where(b == 0, np.nan, b)
            return out
    if kind == "cmp":
        a, b = eval_vector(tree[2], env, n), eval_vector(tree[3], env, n)
        null = _isnull(a) | _isnull(b)
        op = tree[1]
        with np.errstate(invalid="ignore"):
            if a.dtype == object or b.dtype == object:
                res = _object_cmp(op, a, b, null)
            else:
                res = {"==": a == b, "!=": a != b, "<": a < b, "<=": a <= b, ">": a > b, ">=": a >= b}[op]
        return np.where(null, np.nan, res.astype(float))
    if kind == "inlist":
        a = eval_vector(tree[1], env, n)
        res = np.zeros(n, dtype=bool)
        for v in tree[2]:
            res |= np.asarray(a == v, dtype=bool)
        return np.where(_isnull(a), np.nan, res.astype(float))
    if kind == "inset":
        column = env[tree[2][1]]
        return column[tree[1][1]]
    raise ValueError(kind)  # pragma: no cover


def _isnull(a: np.ndarray) -> np.ndarray:
    if a.dtype == object:
        return np.equal(a, None)  # type: ignore[call-overload]  # numpy's stubs leave out None, which compares each object with None
    return np.isnan(a)


def _object_cmp(op: str, a: np.ndarray, b: np.ndarray, null: np.ndarray) -> np.ndarray:
    if op in ("==", "!="):
        eq = np.zeros(len(a), dtype=bool)
        ok = ~null
        eq[ok] = a[ok] == b[ok]
        return eq if op == "==" else ~eq
    raise ValueError("ordering needs numbers")  # pragma: no cover - refused at load time


def truthy(value: object) -> bool:
    """A when/show_if result: null counts as false."""
    return value is True


def truthy_vector(values: np.ndarray) -> np.ndarray:
    return values == 1.0
