"""The expression language of ``show_if``, ``when`` and ``derived``.

Parsed with Python's own parser (``ast.parse(mode="eval")`` only builds a tree, it runs
nothing) and then accepted node by node against a whitelist; anything else is refused with a
message. The accepted tree is compiled into typed, frozen nodes (``Lit``, ``Name``, ``Not``,
``Neg``, ``And``, ``Or``, ``Arith``, ``Cmp``, ``InList``, ``InSet``). Each node class holds its
operator's three forms side by side: ``check`` (the static type, at load time), ``scalar`` (one
response, plain Python, the reference) and ``vector`` (whole columns, NumPy). Both evaluators
follow SQL-style null semantics. Code outside this module walks a tree with ``match``.

Why not simpleeval: it evaluates one row at a time, and scoring a million responses needs the
same expression over whole columns; the whitelist below is short and the same tree serves both.

Values in the vector evaluator: numbers and booleans as float64 arrays (NaN is null; booleans
are 1.0 / 0.0), strings as object arrays (None is null), a ``multi`` answer as a mapping from
option value to a boolean column.

The checker's messages are ``i18n.Message``s: their text is the English, and a page renders them
in its own language.
"""

from __future__ import annotations

import ast
import itertools
import operator
from collections import ChainMap
from collections.abc import Callable, Mapping
from dataclasses import dataclass
from typing import Any, Union

import numpy as np

from .errors import GuideCheckError
from .i18n import Message

MAX_LENGTH = 1000
MAX_DEPTH = 40

NUM, STR, BOOL, SET, NULL = "number", "text", "true/false", "multi", "null"

# The name of each type in messages (a key, so that a Dutch page names it in Dutch)
_TYPE_KEYS = {NUM: "expr.type_number", STR: "expr.type_text", BOOL: "expr.type_bool", SET: "expr.type_multi",
              NULL: "expr.type_null"}


def type_text(kind: str) -> str:
    """A type's name for a message: a Message whose text is the English name (``kind`` itself)."""
    key = _TYPE_KEYS.get(kind)
    return Message(key) if key is not None else kind


class ExprError(GuideCheckError):
    """A problem found while checking an expression at load time; ``message`` is its Message."""

    def __init__(self, message: Message):
        super().__init__(message)
        self.message = message


Constant = Union[float, str, bool, None]  # the value of a literal (numbers are floats)
Scalar = Any  # a value of one response: a Constant, or a set of options for a multi item
Column = Any  # a value over n responses: an array, or {option: array} for a multi item


@dataclass(frozen=True)
class NameType:
    """What a name stands for: its type and, for strings and multi answers, the allowed values."""

    type: str
    domain: tuple[object, ...] | None = None
    label: str = ""


# --------------------------------------------------------------------------- the nodes
# Each node: check(env) -> NameType, scalar(env) -> value, vector(env, n) -> column.
# scalar env: name -> value (None is null; multi: a set); vector env: name -> column (may be lazy:
# a mapping whose __getitem__ computes a derived value on first use).


@dataclass(frozen=True)
class Lit:
    value: Constant

    def check(self, env: Mapping[str, NameType]) -> NameType:
        v = self.value
        if v is None:
            return NameType(NULL)
        if isinstance(v, bool):
            return NameType(BOOL)
        if isinstance(v, float):
            return NameType(NUM)
        return NameType(STR, (v,))

    def scalar(self, env: Mapping[str, Scalar]) -> Scalar:
        return self.value

    def vector(self, env: Mapping[str, Column], n: int) -> np.ndarray:
        v = self.value
        if v is None:
            return np.full(n, np.nan)
        if isinstance(v, bool):
            return np.full(n, 1.0 if v else 0.0)
        if isinstance(v, float):
            return np.full(n, v)
        out = np.empty(n, dtype=object)
        out[:] = v
        return out


@dataclass(frozen=True)
class Name:
    id: str

    def check(self, env: Mapping[str, NameType]) -> NameType:
        if self.id not in env:
            raise ExprError(Message("expr.unknown_name", name=self.id, known=_some_names(env)))
        t = env[self.id]
        if t.type == SET:
            raise ExprError(Message("expr.multi_as_value", name=self.id))
        return t

    def scalar(self, env: Mapping[str, Scalar]) -> Scalar:
        return env.get(self.id)

    def vector(self, env: Mapping[str, Column], n: int) -> Column:
        return env[self.id]  # [], not get: a lazy env computes a derived value in __getitem__


@dataclass(frozen=True)
class Not:
    operand: Node

    def check(self, env: Mapping[str, NameType]) -> NameType:
        _want(self.operand.check(env), BOOL, "not")
        return NameType(BOOL)

    def scalar(self, env: Mapping[str, Scalar]) -> Scalar:
        v = self.operand.scalar(env)
        return None if v is None else not v

    def vector(self, env: Mapping[str, Column], n: int) -> np.ndarray:
        return 1.0 - self.operand.vector(env, n)  # NaN stays NaN


@dataclass(frozen=True)
class Neg:
    operand: Node

    def check(self, env: Mapping[str, NameType]) -> NameType:
        _want(self.operand.check(env), NUM, "-")
        return NameType(NUM)

    def scalar(self, env: Mapping[str, Scalar]) -> Scalar:
        v = self.operand.scalar(env)
        return None if v is None else -v

    def vector(self, env: Mapping[str, Column], n: int) -> np.ndarray:
        return -self.operand.vector(env, n)


@dataclass(frozen=True)
class And:
    left: Node
    right: Node

    def check(self, env: Mapping[str, NameType]) -> NameType:
        return _check_logic(self.left, self.right, env, "and")

    def scalar(self, env: Mapping[str, Scalar]) -> Scalar:
        a, b = self.left.scalar(env), self.right.scalar(env)
        if a is False or b is False:
            return False
        return None if a is None or b is None else True

    def vector(self, env: Mapping[str, Column], n: int) -> np.ndarray:
        a, b = self.left.vector(env, n), self.right.vector(env, n)
        return np.where((a == 0) | (b == 0), 0.0, np.where((a == 1) & (b == 1), 1.0, np.nan))


@dataclass(frozen=True)
class Or:
    left: Node
    right: Node

    def check(self, env: Mapping[str, NameType]) -> NameType:
        return _check_logic(self.left, self.right, env, "or")

    def scalar(self, env: Mapping[str, Scalar]) -> Scalar:
        a, b = self.left.scalar(env), self.right.scalar(env)
        if a is True or b is True:
            return True
        return None if a is None or b is None else False

    def vector(self, env: Mapping[str, Column], n: int) -> np.ndarray:
        a, b = self.left.vector(env, n), self.right.vector(env, n)
        return np.where((a == 1) | (b == 1), 1.0, np.where((a == 0) & (b == 0), 0.0, np.nan))


def _check_logic(left: Node, right: Node, env: Mapping[str, NameType], op: str) -> NameType:
    _want(left.check(env), BOOL, op)
    _want(right.check(env), BOOL, op)
    return NameType(BOOL)


# One table for both evaluators: operator.add(a, b) is a + b for numbers and for arrays alike.
_OPERATORS: dict[str, Callable[[Any, Any], Any]] = {
    "+": operator.add, "-": operator.sub, "*": operator.mul, "/": operator.truediv,
    "==": operator.eq, "!=": operator.ne, "<": operator.lt, "<=": operator.le, ">": operator.gt, ">=": operator.ge}
_ORDERING = ("<", "<=", ">", ">=")


@dataclass(frozen=True)
class Arith:
    op: str  # + - * /
    left: Node
    right: Node

    def check(self, env: Mapping[str, NameType]) -> NameType:
        _want(self.left.check(env), NUM, self.op)
        _want(self.right.check(env), NUM, self.op)
        return NameType(NUM)

    def scalar(self, env: Mapping[str, Scalar]) -> Scalar:
        a, b = self.left.scalar(env), self.right.scalar(env)
        if a is None or b is None or (self.op == "/" and b == 0):
            return None  # division by zero is null, as in SQL
        return _OPERATORS[self.op](a, b)

    def vector(self, env: Mapping[str, Column], n: int) -> np.ndarray:
        a, b = self.left.vector(env, n), self.right.vector(env, n)
        with np.errstate(all="ignore"):
            if self.op == "/":
                return a / np.where(b == 0, np.nan, b)
            return _OPERATORS[self.op](a, b)


@dataclass(frozen=True)
class Cmp:
    op: str  # == != < <= > >=
    left: Node
    right: Node

    def check(self, env: Mapping[str, NameType]) -> NameType:
        a, b = self.left.check(env), self.right.check(env)
        if self.op in _ORDERING:
            _want(a, NUM, self.op)
            _want(b, NUM, self.op)
        else:
            if NULL not in (a.type, b.type) and a.type != b.type:
                raise ExprError(Message("expr.compares", op=self.op, left=type_text(a.type),
                                        right=type_text(b.type)))
            _domain_check(a, b)
            _domain_check(b, a)
        return NameType(BOOL)

    def scalar(self, env: Mapping[str, Scalar]) -> Scalar:
        a, b = self.left.scalar(env), self.right.scalar(env)
        if a is None or b is None:
            return None
        return _OPERATORS[self.op](a, b)

    def vector(self, env: Mapping[str, Column], n: int) -> np.ndarray:
        a, b = self.left.vector(env, n), self.right.vector(env, n)
        null = _isnull(a) | _isnull(b)
        with np.errstate(invalid="ignore"):
            if a.dtype == object or b.dtype == object:
                res = _object_cmp(self.op, a, b, null)
            else:
                res = _OPERATORS[self.op](a, b)
        return np.where(null, np.nan, res.astype(float))


@dataclass(frozen=True)
class InList:
    left: Node
    values: tuple[float | str | bool, ...]  # literals, never null

    def check(self, env: Mapping[str, NameType]) -> NameType:
        a = self.left.check(env)
        for v in self.values:
            lit = Lit(v).check(env)
            if a.type != NULL and lit.type != a.type:
                raise ExprError(Message("expr.in_compares", type=type_text(a.type), value=repr(v)))
            _domain_check(a, lit)
        return NameType(BOOL)

    def scalar(self, env: Mapping[str, Scalar]) -> Scalar:
        a = self.left.scalar(env)
        return None if a is None else a in self.values

    def vector(self, env: Mapping[str, Column], n: int) -> np.ndarray:
        a = self.left.vector(env, n)
        res = np.zeros(n, dtype=bool)
        for v in self.values:
            res |= np.asarray(a == v, dtype=bool)
        return np.where(_isnull(a), np.nan, res.astype(float))


@dataclass(frozen=True)
class InSet:
    """``"option" in multi_item``. Parsed from any ``x in name``; ``check`` accepts only a
    literal option on the left and a multi item on the right, and the evaluators rely on it."""

    element: Node
    collection: Node

    def check(self, env: Mapping[str, NameType]) -> NameType:
        right = self.collection
        if not isinstance(right, Name) or right.id not in env:
            raise ExprError(Message("expr.unknown_name_plain", name=_shown(right)))
        s = env[right.id]
        if s.type != SET:
            raise ExprError(Message("expr.in_not_multi", name=right.id))
        if not isinstance(self.element, Lit) or self.element.value is None:
            raise ExprError(Message("expr.in_literal", name=right.id))
        opt = self.element.value
        if s.domain is not None and opt not in s.domain:
            raise ExprError(Message("expr.not_option", value=repr(opt), name=right.id,
                                    options=", ".join(map(str, s.domain))))
        return NameType(BOOL)

    def scalar(self, env: Mapping[str, Scalar]) -> Scalar:
        name, option = self._checked()
        s = env.get(name)
        return None if s is None else option in s

    def vector(self, env: Mapping[str, Column], n: int) -> np.ndarray:
        name, option = self._checked()
        return env[name][option]

    def _checked(self) -> tuple[str, Constant]:
        match self:
            case InSet(Lit(option), Name(name)):
                return name, option
        raise ValueError("refused by check() at load time")  # pragma: no cover


Node = Union[Lit, Name, Not, Neg, And, Or, Arith, Cmp, InList, InSet]
Tree = Node  # the older name, kept for callers


def _shown(node: Node) -> str:
    """A name or literal as written in the expression."""
    match node:
        case Name(name):
            return name
        case Lit(None):
            return "null"
        case Lit(bool(value)):
            return "true" if value else "false"
    return repr(node)  # pragma: no cover - parse puts only names, true, false and null right of 'in'


# --------------------------------------------------------------------------- parsing


_CMP = {ast.Eq: "==", ast.NotEq: "!=", ast.Lt: "<", ast.LtE: "<=", ast.Gt: ">", ast.GtE: ">="}
_ARITH = {ast.Add: "+", ast.Sub: "-", ast.Mult: "*", ast.Div: "/"}
_LITERAL_NAMES: dict[str, Constant] = {"true": True, "false": False, "null": None}


def parse(source: str) -> Node:
    """Parse and whitelist ``source``; return the compiled tree. Raise ExprError."""
    if not isinstance(source, str) or not source.strip():
        raise ExprError(Message("expr.empty"))
    if len(source) > MAX_LENGTH:
        raise ExprError(Message("expr.too_long", length=len(source), limit=MAX_LENGTH))
    try:
        tree = ast.parse(source.strip(), mode="eval")
    except SyntaxError as exc:
        raise ExprError(Message("expr.syntax", source=source, detail=exc.msg)) from None
    except (RecursionError, MemoryError, ValueError):
        raise ExprError(Message("expr.too_deep", start=source[:40])) from None
    return _compile(tree.body, source, 0)


def _compile(node: ast.expr, src: str, depth: int) -> Node:
    if depth > MAX_DEPTH:
        raise ExprError(Message("expr.depth", start=src[:40], limit=MAX_DEPTH))
    d = depth + 1
    match node:
        case ast.Constant(value):
            return _constant(value, node)
        case ast.Name(name):
            return _name(name)
        case ast.UnaryOp(ast.Not(), operand):
            return Not(_compile(operand, src, d))
        case ast.UnaryOp(ast.UAdd(), operand):
            return _compile(operand, src, d)
        case ast.UnaryOp(ast.USub(), operand):
            inner = _compile(operand, src, d)
            if isinstance(inner, Lit) and isinstance(inner.value, float):
                return Lit(-inner.value)
            return Neg(inner)
        case ast.BoolOp(op, values):
            kind = And if isinstance(op, ast.And) else Or
            parts = [_compile(v, src, d) for v in values]
            out = parts[0]
            for p in parts[1:]:  # a and b and c: And(And(a, b), c)
                out = kind(out, p)
            return out
        case ast.BinOp(left, op, right) if type(op) in _ARITH:
            return Arith(_ARITH[type(op)], _compile(left, src, d), _compile(right, src, d))
        case ast.Compare():
            return _compare(node, src, d)
    raise ExprError(Message("expr.refused", what=_describe(node)))


def _constant(value: object, node: ast.expr) -> Lit:
    if isinstance(value, bool) or value is None:  # Python's True, False, None
        raise ExprError(Message("expr.lower_case"))
    if isinstance(value, (int, float)):
        try:
            return Lit(float(value))
        except OverflowError:  # an integer of hundreds of digits: float() refuses it
            raise ExprError(Message("expr.too_large", start=str(value)[:20])) from None
    if isinstance(value, str):
        return Lit(value)
    raise ExprError(Message("expr.literal", text=ast.unparse(node)))


def _name(name: str) -> Node:
    if name in _LITERAL_NAMES:
        return Lit(_LITERAL_NAMES[name])
    if name.startswith("_"):
        raise ExprError(Message("expr.name_refused", name=name))
    return Name(name)


def _compare(node: ast.Compare, src: str, d: int) -> Node:
    if len(node.ops) != 1:
        raise ExprError(Message("expr.chained", source=src))
    cmpop, right = node.ops[0], node.comparators[0]
    left = _compile(node.left, src, d)
    if isinstance(cmpop, (ast.In, ast.NotIn)):
        out = _in(left, right, src, d)
        return Not(out) if isinstance(cmpop, ast.NotIn) else out
    if type(cmpop) in _CMP:
        return Cmp(_CMP[type(cmpop)], left, _compile(right, src, d))
    raise ExprError(Message("expr.refused", what=_describe(node)))


def _in(left: Node, right: ast.expr, src: str, d: int) -> InList | InSet:
    if isinstance(right, ast.List):
        items = [_compile(e, src, d) for e in right.elts]
        if not items:
            raise ExprError(Message("expr.in_empty"))
        literals = [i.value for i in items if isinstance(i, Lit)]
        if len(literals) != len(items):
            raise ExprError(Message("expr.in_literals"))
        values = tuple(v for v in literals if v is not None)
        if len(values) != len(literals):
            raise ExprError(Message("expr.in_null"))
        return InList(left, values)
    if isinstance(right, ast.Name):
        return InSet(left, _compile(right, src, d))
    raise ExprError(Message("expr.in_right"))


# What a refused construct is called: a key (worded per language) or, for a symbol, the symbol.
_REFUSED_KEYS: dict[type, str] = {
    ast.Attribute: "expr.what_attribute", ast.Call: "expr.what_call", ast.Subscript: "expr.what_subscript",
    ast.ListComp: "expr.what_comprehension", ast.GeneratorExp: "expr.what_comprehension",
    ast.DictComp: "expr.what_comprehension", ast.SetComp: "expr.what_comprehension",
    ast.IfExp: "expr.what_if_else", ast.JoinedStr: "expr.what_f_string", ast.Tuple: "expr.what_tuple",
    ast.Dict: "expr.what_dict", ast.List: "expr.what_list"}
_REFUSED_SIGNS: dict[type, str] = {ast.Lambda: "lambda", ast.NamedExpr: "':='", ast.Compare: "is / is not",
                                   ast.Pow: "**", ast.FloorDiv: "//", ast.Mod: "%"}


def _describe(node: ast.AST) -> str:
    if isinstance(node, ast.BinOp):
        if type(node.op) in _REFUSED_SIGNS:
            return _REFUSED_SIGNS[type(node.op)]
        return Message("expr.what_bitwise")
    if type(node) in _REFUSED_KEYS:
        return Message(_REFUSED_KEYS[type(node)])
    return _REFUSED_SIGNS.get(type(node), type(node).__name__)


def names(tree: Node) -> set[str]:
    """The names a compiled tree refers to."""
    out: set[str] = set()
    stack = [tree]
    while stack:
        match stack.pop():  # the commonest nodes first
            case Name(name):
                out.add(name)
            case Lit():
                pass
            case Cmp(_, left, right) | And(left, right) | Or(left, right) | Arith(_, left, right) | InSet(left, right):
                stack += (left, right)
            case Not(operand) | Neg(operand) | InList(operand):
                stack.append(operand)
    return out


# --------------------------------------------------------------------------- static types


def check_types(tree: Node, env: Mapping[str, NameType]) -> NameType:
    """Infer the type of ``tree``; raise ExprError for unknown names and visible type errors."""
    return tree.check(env)


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
    if not first:
        return Message("expr.none")
    return ", ".join(sorted(first[:limit])) + (", ..." if len(first) > limit else "")


def _want(t: NameType, want: str, op: str) -> None:
    if t.type not in (want, NULL):
        if t.label:
            raise ExprError(Message("expr.needs_label", op=op, want=type_text(want), got=type_text(t.type),
                                    label=t.label))
        raise ExprError(Message("expr.needs", op=op, want=type_text(want), got=type_text(t.type)))


def _domain_check(name_t: NameType, lit_t: NameType) -> None:
    """A literal compared with a name of known values must be one of them."""
    if name_t.domain is None or not name_t.label or lit_t.label or lit_t.domain is None:
        return
    for v in lit_t.domain:
        if v not in name_t.domain:
            shown = ", ".join(str(x) for x in name_t.domain)
            raise ExprError(Message("expr.never_value", value=repr(v), label=name_t.label, values=shown))


# --------------------------------------------------------------------------- evaluation


def eval_scalar(tree: Node, env: Mapping[str, Scalar]) -> Scalar:
    """Evaluate for one response. ``env`` maps names to values (None is null; multi: a set). The
    result's type is the one check_types found for the tree at load time."""
    return tree.scalar(env)


def eval_vector(tree: Node, env: Mapping[str, Column], n: int) -> Column:
    """Evaluate over ``n`` responses. ``env`` is a mapping (may be lazy) of name -> column."""
    return tree.vector(env, n)


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
