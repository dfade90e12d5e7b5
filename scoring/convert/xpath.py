"""GuideCheck expressions to and from the small part of XPath that XLSForm and REDCap use.

Forward (``to_xpath``, ``to_redcap``) walks the tree that ``expressions.parse`` compiles, so every
expression GuideCheck accepts has a translation. Backward (``from_xpath``) reads a whitelist:
``${name}``, numbers, quoted strings, ``= != < <= > >=``, ``+ - * div``, ``and``, ``or``,
``not()``, ``selected()``, ``true()`` and ``false()``; anything else raises ``Unsupported`` with
the construct named, so that the caller can report it by row. Hand-written because no maintained
library translates between these two languages; the subset is small and closed.
"""

from __future__ import annotations

import re

from .. import expressions as ex
from ..errors import GuideCheckError


class Unsupported(GuideCheckError, ValueError):
    """A construct that has no GuideCheck translation (the message names it)."""


_XPATH_CMP = {"==": "=", "!=": "!=", "<": "<", "<=": "<=", ">": ">", ">=": ">="}
_XPATH_ARITH = {"+": "+", "-": "-", "*": "*", "/": "div"}


def _quote(text: str, redcap: bool = False) -> str:
    if redcap:
        if '"' in text and "'" in text:
            raise Unsupported(f"the string {text!r} holds both kinds of quote")
        return f"'{text}'" if "'" not in text else f'"{text}"'
    if "'" not in text:
        return f"'{text}'"
    if '"' not in text:
        return f'"{text}"'
    raise Unsupported(f"the string {text!r} holds both kinds of quote, which XPath 1.0 cannot write")


def _num(value: float) -> str:
    return str(int(value)) if float(value).is_integer() else repr(float(value))


# Precedence of the output (XPath and REDCap agree): or < and < comparison < + - < * div < unary.
_PREC = {"or": 1, "and": 2, "cmp": 3, "+": 4, "-": 4, "*": 5, "/": 5}


def _wrap(text: str, prec: int, above: int) -> str:
    return text if prec > above else f"({text})"


def to_xpath(source: str) -> str:
    """An XLSForm ``relevant`` / ``calculation`` for a GuideCheck expression."""
    return _xp(ex.parse(source))[0]


def _literal(value: ex.Constant, redcap: bool = False) -> str:
    if value is None:
        return "''"
    if isinstance(value, bool):
        return ("1" if value else "0") if redcap else ("true()" if value else "false()")
    if isinstance(value, float):
        return _num(value)
    return _quote(value, redcap)


def _xp(node: ex.Node) -> tuple[str, int]:
    match node:
        case ex.Lit(value):
            return _literal(value), 9
        case ex.Name(name):
            return "${" + name + "}", 9
        case ex.Not(operand):
            return f"not({_xp(operand)[0]})", 9
        case ex.Neg(operand):
            return f"-{_wrap(*_xp(operand), 5)}", 6
        case ex.And(left, right) | ex.Or(left, right):
            kind = "and" if isinstance(node, ex.And) else "or"
            p = _PREC[kind]
            return f"{_wrap(*_xp(left), p)} {kind} {_wrap(*_xp(right), p)}", p
        case ex.Arith(op, left, right):
            p = _PREC[op]
            return f"{_wrap(*_xp(left), p - 1)} {_XPATH_ARITH[op]} {_wrap(*_xp(right), p)}", p
        case ex.Cmp(op, left, right):
            return f"{_wrap(*_xp(left), 3)} {_XPATH_CMP[op]} {_wrap(*_xp(right), 3)}", 3
        case ex.InList(left, values):
            shown = _xp(left)[0]
            parts = [f"{shown} = {_literal(v)}" for v in values]
            return " or ".join(parts), (3 if len(parts) == 1 else 1)
        case ex.InSet(ex.Lit(option), ex.Name(name)):
            return f"selected(${{{name}}}, {_literal(_option_text(option))})", 9
    raise Unsupported(type(node).__name__)  # pragma: no cover - every node of expressions.py is listed above


def _option_text(value: object) -> str:
    return _num(value) if isinstance(value, float) else str(value)


def to_redcap(source: str, checkbox: set[str]) -> str:
    """REDCap branching logic: ``[field] = 'v'``; a multi item is a checkbox, ``[field(v)] = '1'``."""
    return _rc(ex.parse(source), checkbox)[0]


_OPPOSITE = {"==": "!=", "!=": "==", "<": ">=", "<=": ">", ">": "<=", ">=": "<"}


def _rc(node: ex.Node, checkbox: set[str]) -> tuple[str, int]:
    match node:
        case ex.Lit(value):
            return _literal(value, redcap=True), 9
        case ex.Name(name):
            return f"[{name}]", 9
        case ex.Not(operand):
            return _rc_not(operand, checkbox)
        case ex.Neg(operand):
            return f"-{_wrap(*_rc(operand, checkbox), 5)}", 6
        case ex.And(left, right) | ex.Or(left, right):
            kind = "and" if isinstance(node, ex.And) else "or"
            p = _PREC[kind]
            return f"{_wrap(*_rc(left, checkbox), p)} {kind} {_wrap(*_rc(right, checkbox), p)}", p
        case ex.Arith(op, left, right):
            p = _PREC[op]
            return f"{_wrap(*_rc(left, checkbox), p - 1)} {op} {_wrap(*_rc(right, checkbox), p)}", p
        case ex.Cmp(op, left, right):
            shown = "<>" if op == "!=" else ("=" if op == "==" else op)
            return f"{_wrap(*_rc(left, checkbox), 3)} {shown} {_wrap(*_rc(right, checkbox), 3)}", 3
        case ex.InList(left, values):
            shown = _rc(left, checkbox)[0]
            parts = [f"{shown} = {_literal(v, redcap=True)}" for v in values]
            return " or ".join(parts), (3 if len(parts) == 1 else 1)
        case ex.InSet(ex.Lit(option), ex.Name(name)):
            return f"[{name}({_option_text(option)})] = '1'", 3
    raise Unsupported(type(node).__name__)  # pragma: no cover


def _rc_not(inner: ex.Node, checkbox: set[str]) -> tuple[str, int]:
    """``not inner``: REDCap logic has no not(), so the negation is pushed inwards."""
    match inner:
        case ex.Cmp(op, left, right):
            return _rc(ex.Cmp(_OPPOSITE[op], left, right), checkbox)
        case ex.InSet(ex.Lit(option), ex.Name(name)):
            return f"[{name}({_option_text(option)})] = '0'", 3
        case ex.InList(left, values):
            shown = _rc(left, checkbox)[0]
            return " and ".join(f"{shown} <> {_literal(v, redcap=True)}" for v in values), 2
        case ex.And(left, right):  # De Morgan
            return _rc(ex.Or(ex.Not(left), ex.Not(right)), checkbox)
        case ex.Or(left, right):
            return _rc(ex.And(ex.Not(left), ex.Not(right)), checkbox)
        case ex.Not(operand):
            return _rc(operand, checkbox)
    raise Unsupported("REDCap logic cannot negate this expression")


# --------------------------------------------------------------------------- XPath -> GuideCheck

_TOKEN = re.compile(r"""\s*(?:
    (?P<ref>\$\{\s*(?P<refname>[^}\s]+)\s*\})
  | (?P<num>\d+(?:\.\d+)?|\.\d+)
  | (?P<str>'[^']*'|"[^"]*")
  | (?P<op>!=|<=|>=|=|<|>|\+|-|\*|\(|\)|,)
  | (?P<word>[A-Za-z_][A-Za-z0-9_:.-]*)
  | (?P<dot>\.)
  | (?P<bad>\S)
)""", re.VERBOSE)

_FUNCTIONS_OK = ("not", "selected", "true", "false")


def _tokens(text: str) -> list[tuple[str, str]]:
    out: list[tuple[str, str]] = []
    pos = 0
    text = text.strip()
    while pos < len(text):
        m = _TOKEN.match(text, pos)
        if not m or m.end() == pos:
            break
        pos = m.end()
        if m.lastgroup is None:  # never: every alternative of _TOKEN is a named group
            break
        kind = m.lastgroup if m.lastgroup != "refname" else "ref"
        if m.group("ref"):
            out.append(("ref", m.group("refname")))
        elif kind == "bad":
            raise Unsupported(f"'{m.group('bad')}' is not understood")
        else:
            out.append((kind, m.group(kind)))
    return out


# a token (kind, text), (None, None) past the end; a parsed part (GuideCheck text, kind, precedence)
Token = tuple[str, str] | tuple[None, None]
Side = tuple[str, str, int]


class _Parser:
    """Recursive descent over the whitelist; builds GuideCheck source text."""

    def __init__(self, text: str, types: dict[str, str], rename: dict[str, str]):
        self.toks = _tokens(text)
        self.i = 0
        self.types = types  # name -> "number" | "text" | "multi" | "yes_no"
        self.rename = rename

    def peek(self, k: int = 0) -> Token:
        j = self.i + k
        return self.toks[j] if j < len(self.toks) else (None, None)

    def take(self, value: str | None = None) -> Token:
        tok = self.peek()
        if value is not None and tok[1] != value:
            raise Unsupported(f"expected '{value}' but found '{tok[1] or 'the end'}'")
        self.i += 1
        return tok

    def parse(self) -> str:
        out = self.or_()
        if self.peek()[0] is not None:
            raise Unsupported(f"'{self.peek()[1]}' is not understood here")
        return out[0]

    # Each rule returns (text, kind, precedence); kind is "name:<id>", "num", "str", "bool" or "expr".
    # Parentheses are written only where GuideCheck's (Python's) precedence needs them.
    OR, AND, NOT, CMP, ADD, MUL, NEG, ATOM = range(1, 9)

    @staticmethod
    def wrap(side: Side, above: int) -> str:
        return side[0] if side[2] > above else f"({side[0]})"

    def or_(self) -> Side:
        left = self.and_()
        while self.peek() == ("word", "or"):
            self.take()
            right = self.and_()
            left = (f"{self.wrap(left, self.OR - 1)} or {self.wrap(right, self.OR - 1)}", "bool", self.OR)
        return left

    def and_(self) -> Side:
        left = self.cmp()
        while self.peek() == ("word", "and"):
            self.take()
            right = self.cmp()
            left = (f"{self.wrap(left, self.AND - 1)} and {self.wrap(right, self.AND - 1)}", "bool", self.AND)
        return left

    def cmp(self) -> Side:
        left = self.add()
        tok = self.peek()
        if tok[0] == "op" and tok[1] in ("=", "!=", "<", "<=", ">", ">="):
            self.take()
            right = self.add()
            if "''" in (left[0], right[0]) or '""' in (left[0], right[0]):
                raise Unsupported("a comparison with '' (an empty answer) has no GuideCheck form: "
                                  "an unanswered question is null, and a comparison with it is never true")
            a, b = self._coerce(left, right), self._coerce(right, left)
            op = {"=": "==", "!=": "!="}.get(tok[1], tok[1])
            return (f"{a} {op} {b}", "bool", self.CMP)
        return left

    def _coerce(self, side: Side, other: Side) -> str:
        text, kind, _ = side
        if kind == "str":
            inner = text[1:-1]
            if other[1].startswith("name:") and self.types.get(other[1][5:]) == "number":
                try:
                    return ex_num(float(inner))
                except ValueError:
                    raise Unsupported(f"{text} is compared with the number question "
                                      f"${{{other[1][5:]}}}") from None
            return '"' + inner + '"' if '"' not in inner else "'" + inner + "'"
        if kind == "num" and other[1].startswith("name:") and self.types.get(other[1][5:]) in ("text", "yes_no"):
            return f'"{text}"'
        return self.wrap(side, self.CMP)

    def add(self) -> Side:
        left = self.mul()
        while self.peek()[0] == "op" and self.peek()[1] in ("+", "-"):
            op = self.take()[1]
            right = self.mul()
            left = (f"{self.wrap(left, self.ADD - 1)} {op} {self.wrap(right, self.ADD)}", "num", self.ADD)
        return left

    def mul(self) -> Side:
        left = self.unary()
        while self.peek() in (("op", "*"), ("word", "div")):
            op = "*" if self.take()[1] == "*" else "/"
            right = self.unary()
            left = (f"{self.wrap(left, self.MUL - 1)} {op} {self.wrap(right, self.MUL)}", "num", self.MUL)
        if self.peek() == ("word", "mod"):
            raise Unsupported("'mod' has no GuideCheck form")
        return left

    def unary(self) -> Side:
        if self.peek() == ("op", "-"):
            self.take()
            inner = self.unary()
            return (f"-{self.wrap(inner, self.NEG - 1)}", "num", self.NEG)
        return self.primary()

    def primary(self) -> Side:
        kind, value = self.take()
        if kind is None or value is None:
            raise Unsupported("the expression ends too early")
        if kind == "num":
            return (value, "num", self.ATOM)
        if kind == "str":
            return (value, "str", self.ATOM)
        if kind == "ref":
            if value not in self.rename:
                raise Unsupported(f"${{{value}}} is not a question of this form that GuideCheck carries")
            name = self.rename[value]
            if self.types.get(name) in ("multi", "multi_num"):
                raise Unsupported(f"${{{value}}} is a select_multiple: only selected(${{{value}}}, 'x') "
                                  "is understood")
            return (name, f"name:{name}", self.ATOM)
        if kind == "op" and value == "(":
            inner = self.or_()
            self.take(")")
            return inner if inner[1] != "str" else (inner[0], "expr", inner[2])
        if kind == "word" and self.peek() == ("op", "("):
            if value not in _FUNCTIONS_OK:
                raise Unsupported(f"the function {value}() has no GuideCheck form")
            self.take("(")
            if value in ("true", "false"):
                self.take(")")
                return (value, "bool", self.ATOM)
            if value == "not":
                inner = self.or_()
                self.take(")")
                return (f"not {self.wrap(inner, self.NOT - 1)}", "bool", self.NOT)
            ref = self.take()
            if ref[0] != "ref" or ref[1] not in self.rename:
                raise Unsupported("selected() needs a select_multiple question of this form as its first argument")
            self.take(",")
            opt = self.take()
            if opt[0] not in ("str", "num"):
                raise Unsupported("selected() needs a quoted choice as its second argument")
            self.take(")")
            name = self.rename[ref[1]]
            choice = opt[1].strip("'\"")
            if self.types.get(name) not in ("multi", "multi_num"):
                raise Unsupported(f"selected() on ${{{ref[1]}}}, which is not a select_multiple")
            literal = choice if self.types.get(name) == "multi_num" else f'"{choice}"'
            return (f"{literal} in {name}", "bool", self.CMP)
        if kind == "dot":
            raise Unsupported("'.' (the current answer) is only understood in a constraint")
        raise Unsupported(f"'{value}' is not understood")


def ex_num(value: float) -> str:
    return _num(value)


def from_xpath(text: str, types: dict[str, str], rename: dict[str, str]) -> str:
    """A GuideCheck expression for an XLSForm expression; raise Unsupported.

    ``types`` gives each GuideCheck name its kind (number, text, yes_no, multi, or multi_num for a
    multi item with numeric choices); ``rename`` maps XLSForm names to GuideCheck ids.
    """
    out = _Parser(text, types, rename).parse()
    ex.parse(out)  # our own output must be a valid expression
    return out


_BOUND = re.compile(r"^\s*\.\s*(<=|>=|<|>)\s*(-?\d+(?:\.\d+)?)\s*$")
_LENGTH = re.compile(r"^\s*string-length\(\s*\.\s*\)\s*<=?\s*(\d+)\s*$")


def parse_constraint(text: str, integer: bool) -> tuple[dict, list[str]]:
    """Bounds from ``. >= 0 and . <= 10`` (or ``string-length(.) <= 200``): (keys, notes)."""
    out, notes = {}, []
    for part in re.split(r"\s+and\s+", text.strip()):
        part = part.strip()
        while part.startswith("(") and part.endswith(")"):
            part = part[1:-1].strip()
        m = _BOUND.match(part)
        if m:
            op, value = m.group(1), float(m.group(2))
            key = "min" if op in (">", ">=") else "max"
            if op in ("<", ">"):
                if integer and value.is_integer():
                    value = value + 1 if op == ">" else value - 1
                else:
                    notes.append(f"'{part}' is kept as '{'. >=' if key == 'min' else '. <='} {_num(value)}' "
                                 "(GuideCheck bounds include the bound itself)")
            out[key] = int(value) if value.is_integer() else value
            continue
        m = _LENGTH.match(part)
        if m:
            out["max_length"] = int(m.group(1))
            continue
        raise Unsupported(f"the constraint part '{part}' has no GuideCheck form (only '. >= N', '. <= N' "
                          "and string-length(.) <= N are carried)")
    return out, notes
