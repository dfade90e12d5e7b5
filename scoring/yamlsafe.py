"""Defensive YAML reading with a line number for every path.

Why not ``yaml.safe_load``: it resolves scalars by YAML 1.1 (``yes`` becomes True, ``010``
becomes 8), expands aliases (a memory bomb even when "safe"), silently keeps the last of
duplicate keys, and forgets where each value stood. ruamel.yaml does YAML 1.2, but it also
builds aliases and its line bookkeeping is tied to its round-trip types. So we let libyaml
(PyYAML's C parser) produce *events* and build plain dicts and lists from them ourselves, in one
streaming pass: an alias, anchor or tag is refused the moment it is seen, before anything is
expanded; depth is checked as it grows; scalars follow the YAML 1.2 core schema.
"""

from __future__ import annotations

import math
import re
from contextvars import ContextVar
from dataclasses import dataclass, field
from pathlib import Path

import yaml

from .errors import GuideCheckError

MAX_BYTES = 1024 * 1024
MAX_DEPTH = 12  # the format needs 8 levels (root/sections/item/options/option/label); room for x- data
MAX_INT_DIGITS = 18
# libyaml alone needs ~0.65 s to hand over the ~350,000 values a 1 MiB file can hold; a real
# instrument has a few thousand, so a cap keeps every file well under a second.
MAX_VALUES = 50_000
_MAYBE_NOT_TEXT = set("0123456789+-.~nNtTfF")

_Parser = getattr(yaml, "CSafeLoader", yaml.SafeLoader)

# YAML 1.2 core schema (https://yaml.org/spec/1.2.2/#1032-tag-resolution)
_NULL = re.compile(r"^(?:~|null|Null|NULL|)$")
_TRUE = re.compile(r"^(?:true|True|TRUE)$")
_FALSE = re.compile(r"^(?:false|False|FALSE)$")
_INT10 = re.compile(r"^[-+]?[0-9]+$")
_INT8 = re.compile(r"^0o[0-7]+$")
_INT16 = re.compile(r"^0x[0-9a-fA-F]+$")
_FLOAT = re.compile(r"^[-+]?(?:\.[0-9]+|[0-9]+(?:\.[0-9]*)?)(?:[eE][-+]?[0-9]+)?$")
_INF_NAN = re.compile(r"^(?:[-+]?\.(?:inf|Inf|INF)|\.nan|\.NaN|\.NAN)$")


@dataclass
class Problem:
    """One problem in a file: shown as ``PATH:LINE: message``."""

    path: str
    line: int | None
    message: str

    def __str__(self) -> str:
        return f"{self.path}:{self.line}: {self.message}" if self.line else f"{self.path}: {self.message}"


@dataclass
class Document:
    data: object
    lines: dict[tuple, int | None] = field(default_factory=dict)  # None: the parser gave no mark

    def line_of(self, loc: tuple) -> int | None:
        """The line of the deepest known prefix of ``loc`` (a path of keys and indices)."""
        loc = tuple(loc)
        while loc:
            if loc in self.lines:
                return self.lines[loc]
            loc = loc[:-1]
        return self.lines.get((), 1)


class YamlRefused(GuideCheckError):
    """The file is refused; ``message`` is a ``Message`` (its English is the ``str``)."""

    def __init__(self, line: int | None, message: str):
        super().__init__(message)
        self.line = line
        self.message = message


# Set while a refusal's text is looked up: the catalogues are themselves read with this reader, so
# a refusal inside a shipped catalogue would ask for the catalogues again, without end.
_SAYING: ContextVar[bool] = ContextVar("_SAYING", default=False)


def _say(key: str, /, **args: object) -> str:
    """The refusal ``key`` as a ``Message`` (English text, rendered in a page's language).

    Imported here, not at the top: ``i18n`` reads its catalogues with this module. While a
    catalogue is being read for the text of a refusal, the key and arguments are given as they are."""
    if _SAYING.get():
        return f"{key} {args}"
    token = _SAYING.set(True)
    try:
        from .i18n import Message

        return Message(key, **args)
    finally:
        _SAYING.reset(token)


def _scalar(value: str, plain: bool, line: int | None) -> str | int | float | bool | None:
    if not plain or (value and value[0] not in _MAYBE_NOT_TEXT):
        return value
    if _NULL.match(value):
        return None
    if _TRUE.match(value):
        return True
    if _FALSE.match(value):
        return False
    if _INT10.match(value) or _INT8.match(value) or _INT16.match(value):
        digits = value.lstrip("+-")
        if len(digits) > MAX_INT_DIGITS:
            raise YamlRefused(line, _say("yaml.number_too_long", value=value[:24]))
        if digits.startswith("0o"):
            return int(value[2:], 8)
        if digits.startswith("0x"):
            return int(value[2:], 16)
        return int(value, 10)
    if _FLOAT.match(value):
        number = float(value)
        if not math.isfinite(number):
            raise YamlRefused(line, _say("yaml.number_out_of_range", value=value[:24]))
        return number
    if _INF_NAN.match(value):
        raise YamlRefused(line, _say("yaml.not_finite", value=value))
    return value


class _Builder:
    """Plain dicts and lists built from libyaml's events, with the line of every path."""

    def __init__(self) -> None:
        self.lines: dict[tuple, int | None] = {}
        # each open collection: [container, path, pending key or _NO_KEY, key line, start line]
        self.stack: list[list] = []
        self.root: list = []
        self.count = 0

    def attach(self, value: object, line: int | None) -> None:
        self.count += 1
        if self.count > MAX_VALUES:
            raise YamlRefused(line, _say("yaml.too_many_values", max=MAX_VALUES))
        if not self.stack:
            self.root.append(value)
            self.lines[()] = line
            return
        top = self.stack[-1]
        container, path = top[0], top[1]
        if isinstance(container, list):
            self.lines[path + (len(container),)] = line
            container.append(value)
        elif top[2] is _NO_KEY:
            if isinstance(value, (dict, list)):
                raise YamlRefused(line, _say("yaml.complex_key"))
            if value in container or (value is None and None in container):
                raise YamlRefused(line, _say("yaml.duplicate_key", key=value))
            top[2], top[3] = value, line
        else:
            key = top[2]
            container[key] = value
            self.lines[path + (key,)] = top[3]
            top[2] = _NO_KEY

    def open(self, container: dict | list, line: int | None) -> None:
        if len(self.stack) >= MAX_DEPTH:
            raise YamlRefused(line, _say("yaml.too_deep", max=MAX_DEPTH))
        self.stack.append([container, self._child_path(line), _NO_KEY, None, line])

    def close(self) -> None:
        container, _path, _key, _key_line, start = self.stack.pop()
        self.attach(container, start)

    def _child_path(self, line: int | None) -> tuple:
        if not self.stack:
            return ()
        container, path, key = self.stack[-1][0], self.stack[-1][1], self.stack[-1][2]
        if isinstance(container, list):
            return path + (len(container),)
        if key is _NO_KEY:
            raise YamlRefused(line, _say("yaml.complex_key"))
        return path + (key,)


_NO_KEY = object()  # a mapping waits for its next key


def _refuse_markup(event: yaml.Event, line: int | None) -> None:
    """Aliases, anchors and tags are refused the moment they are seen, before anything is expanded."""
    if isinstance(event, yaml.AliasEvent):
        raise YamlRefused(line, _say("yaml.alias", anchor=event.anchor))
    anchor = getattr(event, "anchor", None)
    if anchor:
        raise YamlRefused(line, _say("yaml.anchor", anchor=anchor))
    tag = getattr(event, "tag", None)
    if tag is not None and not (isinstance(event, yaml.ScalarEvent) and tag == "!"):
        raise YamlRefused(line, _say("yaml.tag", tag=tag))


def _build(text: str) -> _Builder:
    built = _Builder()
    documents = 0
    for event in yaml.parse(text, Loader=_Parser):
        line = event.start_mark.line + 1 if event.start_mark else None
        _refuse_markup(event, line)
        if isinstance(event, yaml.DocumentStartEvent):
            documents += 1
            if documents > 1:
                raise YamlRefused(line, _say("yaml.documents"))
        elif isinstance(event, yaml.ScalarEvent):
            # a plain scalar: libyaml gives style "", pure-Python PyYAML gives None
            plain = not event.style and bool(event.implicit and event.implicit[0])
            built.attach(_scalar(event.value, plain, line), line)
        elif isinstance(event, (yaml.MappingStartEvent, yaml.SequenceStartEvent)):
            built.open({} if isinstance(event, yaml.MappingStartEvent) else [], line)
        elif isinstance(event, (yaml.MappingEndEvent, yaml.SequenceEndEvent)):
            built.close()
    return built


def parse_yaml(text: str) -> Document:
    """Build plain Python data from ``text``; raise YamlRefused on anything the format forbids."""
    try:
        built = _build(text)
    except yaml.MarkedYAMLError as exc:
        mark = exc.problem_mark or exc.context_mark
        message = " ".join(p for p in (exc.context, exc.problem) if p) or "invalid YAML"
        raise YamlRefused(mark.line + 1 if mark else None, _say("yaml.syntax", detail=message)) from None
    except yaml.YAMLError as exc:  # pragma: no cover - libyaml reports marks for nearly everything
        raise YamlRefused(None, _say("yaml.syntax", detail=str(exc))) from None
    except RecursionError:  # pragma: no cover - the depth limit comes first
        raise YamlRefused(None, _say("yaml.too_deep_python")) from None
    if not built.root or built.root[0] is None:
        raise YamlRefused(1, _say("yaml.empty"))
    return Document(built.root[0], built.lines)


def read_yaml_file(path: str | Path) -> Document:
    """Read ``path`` with every limit applied; raise YamlRefused with a line where it is known."""
    path = Path(path)
    size = path.stat().st_size
    if size > MAX_BYTES:
        raise YamlRefused(None, _say("yaml.too_big", size=size, limit=MAX_BYTES))
    return parse_yaml_bytes(path.read_bytes())


def parse_yaml_bytes(raw: bytes) -> Document:
    if len(raw) > MAX_BYTES:
        raise YamlRefused(None, _say("yaml.too_big", size=len(raw), limit=MAX_BYTES))
    if raw.startswith(b"\xef\xbb\xbf"):
        raw = raw[3:]
    try:
        text = raw.decode("utf-8")
    except UnicodeDecodeError as exc:
        line = raw[: exc.start].count(b"\n") + 1
        raise YamlRefused(line, _say("yaml.not_utf8", byte=raw[exc.start])) from None
    return parse_yaml(text)
