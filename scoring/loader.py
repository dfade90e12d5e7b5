"""Loading and validating instruments: YAML -> schema -> cross-checks -> worked examples.

Every problem of a file is reported together as ``PATH:LINE: message``; nothing raises a
traceback at the user. ``load_instrument`` raises one error type, ``InstrumentError``.
"""

from __future__ import annotations

import difflib
import typing
from collections.abc import Iterable
from pathlib import Path
from typing import Any

from pydantic import ValidationError
from pydantic_core import ErrorDetails

from . import model
from .answers import AnswerError
from .engine import Result, score_response
from .errors import GuideCheckError
from .i18n import Message
from .instrument import OUTCOMES, Instrument, Loc, build
from .yamlsafe import Document, Problem, YamlRefused, parse_yaml_bytes, read_yaml_file

YAML_SUFFIXES = (".yaml", ".yml")


class InstrumentError(GuideCheckError, ValueError):
    """An instrument could not be loaded; ``problems`` lists every problem found."""

    def __init__(self, problems: list[Problem]):
        self.problems = problems
        super().__init__("\n".join(str(p) for p in problems))


def strip_x_keys(node: object) -> object:
    """Drop ``x-`` keys at every level: they are the user's own metadata and never validated."""
    if isinstance(node, dict):
        return {k: strip_x_keys(v) for k, v in node.items() if not (isinstance(k, str) and k.startswith("x-"))}
    if isinstance(node, list):
        return [strip_x_keys(v) for v in node]
    return node


def validate_file(path: str | Path) -> tuple[Instrument | None, list[Problem]]:
    """Load and check one file. Returns (instrument or None, problems sorted by line)."""
    name = str(path)
    try:
        doc = read_yaml_file(path)
    except YamlRefused as exc:
        return None, [Problem(name, exc.line, exc.message)]
    except OSError as exc:
        return None, [Problem(name, None, Message("instrument.cannot_read", reason=exc.strerror or str(exc)))]
    return validate_document(doc, name)


def validate_bytes(raw: bytes, name: str = "<upload>") -> tuple[Instrument | None, list[Problem]]:
    """The same as ``validate_file`` for bytes already in memory (an upload)."""
    try:
        doc = parse_yaml_bytes(raw)
    except YamlRefused as exc:
        return None, [Problem(name, exc.line, exc.message)]
    return validate_document(doc, name)


def validate_document(doc: Document, name: str) -> tuple[Instrument | None, list[Problem]]:
    if not isinstance(doc.data, dict):
        return None, [Problem(name, doc.line_of(()), Message("instrument.not_mapping"))]
    data = strip_x_keys(doc.data)
    try:
        spec = model.InstrumentSpec.model_validate(data)
    except ValidationError as exc:
        return None, _sorted([Problem(name, doc.line_of(loc), msg) for loc, msg in schema_messages(exc, data)])
    inst, found = build(spec, name)
    problems = [Problem(name, doc.line_of(loc), msg) for loc, msg in found]
    if not problems:
        problems = [Problem(name, doc.line_of(loc), msg) for loc, msg in run_examples(inst)]
    return (None if problems else inst), _sorted(problems)


def _sorted(problems: list[Problem]) -> list[Problem]:
    return sorted(problems, key=lambda p: (p.line or 0))


def load_instrument(path: str | Path) -> Instrument:
    """Load a validated instrument, or raise InstrumentError listing every problem."""
    inst, problems = validate_file(path)
    if inst is None:  # then there are problems
        raise InstrumentError(problems)
    return inst


def instrument_files(paths: Iterable[str | Path]) -> tuple[list[Path], list[Problem]]:
    """Expand files and folders into YAML files (a folder: its *.yaml and *.yml, sorted)."""
    files: list[Path] = []
    problems: list[Problem] = []
    for p in map(Path, paths):
        if p.is_dir():
            found = sorted(f for f in p.iterdir() if f.suffix in YAML_SUFFIXES and f.is_file())
            if not found:
                problems.append(Problem(str(p), None, Message("instrument.empty_folder")))
            files.extend(found)
        elif p.exists():
            files.append(p)
        else:
            problems.append(Problem(str(p), None, Message("instrument.no_such_path")))
    return files, problems


def validate_paths(paths: Iterable[str | Path]) -> tuple[dict[str, Instrument], list[Problem]]:
    """Validate files and folders; instrument ids must be unique across all of them."""
    files, problems = instrument_files(paths)
    loaded: dict[str, Instrument] = {}
    for f in files:
        inst, found = validate_file(f)
        problems.extend(found)
        if inst is None:
            continue
        if inst.id in loaded:
            problems.append(Problem(str(f), 1, Message("instrument.id_clash", id=inst.id, other=loaded[inst.id].path)))
            continue
        loaded[inst.id] = inst
    return loaded, problems


def load_folder(path: str | Path) -> dict[str, Instrument]:
    """Every instrument in a folder by id; raise InstrumentError if any file has a problem."""
    loaded, problems = validate_paths([path])
    if problems:
        raise InstrumentError(problems)
    return loaded


# --------------------------------------------------------------------------- schema messages

# pydantic error type -> what the value should have been, when several alternatives of a union
# failed at one place ("expected a text or a mapping"); literal_error counts as such a failure
_KIND = {
    "string_type": "instrument.kind.text", "dict_type": "instrument.kind.mapping",
    "model_type": "instrument.kind.mapping", "int_type": "instrument.kind.whole_number",
    "float_type": "instrument.kind.number", "bool_type": "instrument.kind.boolean", "list_type": "instrument.kind.list",
    "none_required": "instrument.kind.null", "literal_error": None,
}

# pydantic error type -> our key for its text (the English is pydantic's own text, byte for byte;
# tests/test_messages_nl.py checks it); a type not listed is shown in pydantic's English
_PYDANTIC = {
    "string_type": "schema.string_type", "int_type": "schema.int_type", "float_type": "schema.float_type",
    "bool_type": "schema.bool_type", "list_type": "schema.list_type", "dict_type": "schema.dict_type",
    "model_type": "schema.model_type", "model_attributes_type": "schema.model_attributes_type",
    "none_required": "schema.none_required", "literal_error": "schema.literal_error",
    "string_too_short": "schema.string_too_short", "string_too_long": "schema.string_too_long",
    "too_short": "schema.too_short", "too_long": "schema.too_long", "greater_than": "schema.greater_than",
    "greater_than_equal": "schema.greater_than_equal", "less_than": "schema.less_than",
    "less_than_equal": "schema.less_than_equal", "finite_number": "schema.finite_number",
}
_LIMITS = {"greater_than": "gt", "greater_than_equal": "ge", "less_than": "lt", "less_than_equal": "le"}

SchemaError = ErrorDetails  # one of pydantic's errors: type, loc, msg, input, ctx
Found = tuple[Loc, str]  # where in the YAML, and the message


def _clean_loc(loc: tuple, data: object) -> Loc:
    """Drop the parts of a pydantic location that name a union member, not a key in the data."""
    out: list[str | int] = []
    node = data
    for part in loc:
        if isinstance(node, dict) and part in node:
            out.append(part)
            node = node[part]
        elif isinstance(node, list) and isinstance(part, int) and 0 <= part < len(node):
            out.append(part)
            node = node[part]
        elif part == "[key]":
            continue
    return tuple(out)


def _field_types(key: str) -> list[str]:
    return sorted(t for t, cls in model.ITEM_TYPES.items() if key in cls.model_fields)


def _where(loc: tuple) -> str:
    parts = [str(p) if not isinstance(p, int) else f"[{p}]" for p in loc]
    return ".".join(parts).replace(".[", "[") or Message("instrument.top_level")


def schema_messages(exc: ValidationError, data: object) -> list[Found]:
    """Turn pydantic's errors into one plain message per problem, with the YAML path."""
    errors = exc.errors(include_url=False)
    cleaned = [(_clean_loc(e["loc"], data), e) for e in errors]
    deeper = {loc[:k] for loc, _ in cleaned for k in range(len(loc))}
    grouped: dict[tuple, list] = {}
    for loc, e in cleaned:
        if e["type"] in _KIND and loc in deeper:
            continue  # an alternative of a union failed deeper down: that message explains it
        grouped.setdefault(loc, []).append(e)
    return [found for loc, errs in grouped.items() for found in _group_messages(loc, errs, data)]


def _group_messages(loc: Loc, errs: list[SchemaError], data: object) -> list[Found]:
    """The messages for the errors pydantic reports at one place of the file."""
    first = errs[0]
    special = _SPECIAL.get(first["type"])
    if special is not None:
        return [special(loc, first, data)]
    kinds = [kind for e in errs if (kind := _KIND.get(e["type"]))]
    if len(errs) > 1 and len(kinds) == len(errs):
        expected = _either([Message(k) for k in dict.fromkeys(kinds)])
        return [(loc, Message("instrument.expected", where=_where(loc), expected=expected, got=_show(first["input"])))]
    return [(loc, _pydantic_message(_where(loc), e)) for e in errs]


def _extra_key(loc: Loc, e: SchemaError, data: object) -> Found:
    key = e["loc"][-1]
    parent = data_at(data, loc[:-1])
    if isinstance(parent, dict) and parent.get("type") in model.ITEM_TYPES and _field_types(str(key)):
        owners = ", ".join(_field_types(str(key)))
        msg = Message("instrument.key_of_other_type", key=key, type=parent["type"], owners=owners)
    else:
        close = difflib.get_close_matches(str(key), _allowed_keys(e["loc"][:-1], data), n=1)
        msg = (Message("instrument.unknown_key_close", key=key, close=close[0]) if close
               else Message("instrument.unknown_key", key=key))
    return loc, Message("instrument.at", where=_where(loc[:-1]), message=msg)


def _missing(loc: Loc, e: SchemaError, data: object) -> Found:
    return loc, Message("instrument.missing_key", where=_where(loc), key=e["loc"][-1])


def _unknown_type(loc: Loc, e: SchemaError, data: object) -> Found:
    return loc + ("type",), Message("instrument.unknown_type", where=_where(loc), type=e["input"].get("type"),
                                    types=", ".join(model.ITEM_TYPES))


def _needs_type(loc: Loc, e: SchemaError, data: object) -> Found:
    return loc, Message("instrument.needs_type", where=_where(loc), types=", ".join(model.ITEM_TYPES))


def _pattern(loc: Loc, e: SchemaError, data: object) -> Found:
    if e["loc"][-1] == "[key]" and " " in str(e["input"]):
        return loc, Message("instrument.not_language_code", where=_where(loc), input=e["input"])
    return loc, Message("instrument.pattern", where=_where(loc), input=e["input"],
                        pattern=e["ctx"].get("pattern", ""))


_SPECIAL = {"extra_forbidden": _extra_key, "missing": _missing, "union_tag_invalid": _unknown_type,
            "union_tag_not_found": _needs_type, "string_pattern_mismatch": _pattern}


def _pydantic_message(where: str, e: SchemaError) -> str:
    """``where: pydantic's text`` (with the value given, where a type was wrong)."""
    text = _schema_text(e)
    if e["type"] in _KIND:
        return Message("instrument.schema_got", where=where, message=text, got=_show(e["input"]))
    return Message("instrument.at", where=where, message=text)


def _schema_text(e: SchemaError) -> str:
    """pydantic's text of one error as a Message with the same English; its own text if unmapped."""
    kind, ctx = e["type"], e.get("ctx") or {}
    key = _PYDANTIC.get(kind)
    if key is None:
        return str(e["msg"])
    if kind == "literal_error":
        return Message(key, expected=_either_text(str(ctx["expected"])))
    if kind == "model_type":
        return Message(key, class_name=ctx["class_name"])
    if kind in ("string_too_short", "too_short"):
        return Message(key, n=ctx["min_length"], **_list_args(ctx))
    if kind in ("string_too_long", "too_long"):
        return Message(key, n=ctx["max_length"], **_list_args(ctx))
    if kind in _LIMITS:
        return Message(key, limit=_limit(ctx[_LIMITS[kind]]))
    return Message(key)


def _list_args(ctx: dict[str, Any]) -> dict[str, object]:
    if "actual_length" not in ctx:  # a text's length: no list named
        return {}
    kind = ctx.get("field_type")
    return {"field_type": Message("schema.list") if kind == "List" else kind, "actual": ctx["actual_length"]}


def _limit(value: object) -> object:
    """A bound as pydantic writes it (0.0 as 0, 0.5 as 0.5)."""
    return f"{value:g}" if isinstance(value, float) else value


def _either(choices: list[str]) -> str:
    """'a or b or c' with the language's word for 'or'."""
    text = choices[0]
    for choice in choices[1:]:
        text = Message("instrument.or", a=text, b=choice)
    return text


def _either_text(expected: str) -> str:
    """pydantic's "'a', 'b' or 'c'" with the language's word for 'or'."""
    head, sep, last = expected.rpartition(" or ")
    return Message("instrument.or", a=head, b=last) if sep else expected


def data_at(data: object, loc: tuple) -> Any:
    node: Any = data  # parsed YAML: whatever the file holds
    for part in loc:
        try:
            node = node[part]
        except (KeyError, IndexError, TypeError):
            return None
    return node


def _allowed_keys(raw_loc: tuple, data: object) -> list[str]:
    """Keys the model at ``raw_loc`` accepts (for 'did you mean')."""
    cls: type[model.Strict] | None = model.InstrumentSpec
    node: Any = data
    for part in raw_loc:
        if cls is None:
            return []
        if isinstance(part, int):
            node = node[part] if isinstance(node, list) and part < len(node) else None
            continue
        if part in model.ITEM_TYPES:
            cls = model.ITEM_TYPES[part]
            continue
        f = cls.model_fields.get(part) if hasattr(cls, "model_fields") else None
        if f is None:
            return []
        node = node.get(part) if isinstance(node, dict) else None
        cls = _inner_model(f.annotation)
    return list(cls.model_fields) if cls is not None and hasattr(cls, "model_fields") else []


def _inner_model(annotation: object) -> type[model.Strict] | None:
    stack = [annotation]
    while stack:
        a = stack.pop()
        if isinstance(a, type) and issubclass(a, model.Strict):
            return a
        stack.extend(typing.get_args(a))
    return None


def _show(value: object) -> str:
    text = repr(value)
    return text if len(text) <= 60 else text[:57] + "..."


# --------------------------------------------------------------------------- worked examples


# Each example scores the whole instrument, so examples x (items, derived values, rules, scores,
# answers) bounds the work: 2,800 examples of a 2,500-item file took 23 s. This budget (about 1 s)
# leaves room for 100 examples of a 3,000-item instrument; the built-in ones use under 1 %.
EXAMPLE_WORK = 300_000


def run_examples(inst: Instrument) -> list[Found]:
    """Score every worked example and report where the result differs from ``expect``."""
    out: list[Found] = []
    outcomes = set(OUTCOMES) | {b.id for b in inst.spec.bands}
    resolved: dict[str, dict] = {}  # name -> answers, with `like` applied
    size = len(inst.items) + len(inst.derived) + len(inst.rules) + len(inst.scores)
    work = 0
    for k, example in enumerate(inst.spec.examples):
        loc: Loc = ("examples", k)
        label = Message("example.label", name=example.name)
        work += size + len(example.answers) + (len(resolved.get(example.like, {})) if example.like is not None else 0)
        if work > EXAMPLE_WORK:
            out.append((loc, Message("example.too_much", label=label, examples=len(inst.spec.examples), size=size,
                                     max=EXAMPLE_WORK)))
            break
        if example.name in resolved:
            out.append((loc + ("name",), Message("example.name_twice", label=label)))
        answers = dict(example.answers)
        if example.like is not None:
            if example.like not in resolved:
                out.append((loc + ("like",), Message("example.like_unknown", label=label, like=example.like)))
                continue
            answers = resolved[example.like] | answers
        resolved[example.name] = answers
        out.extend(_example_result(inst, example, answers, loc, label, outcomes))
    return out


def _example_result(inst: Instrument, example: model.Example, answers: dict, loc: Loc, label: str,
                    outcomes: set[str]) -> list[Found]:
    """The problems of one example: names that do not exist, answers that are refused, or a result
    other than the one expected."""
    bad_refs = _unknown_names(inst, example.expect, loc, label, outcomes)
    try:
        result = score_response(inst, answers, example.context, example.audience, label, stage=example.stage)
    except AnswerError as exc:
        return bad_refs + [(loc + (("answers", p.item) if p.item else ()),
                            Message("example.answer_item", label=label, item=p.item, message=p.message) if p.item
                            else Message("example.answer", label=label, message=p.message)) for p in exc.problems]
    return bad_refs or _differences(example.expect, result, loc, label)


def _unknown_names(inst: Instrument, expect: model.Expect, loc: Loc, label: str, outcomes: set[str]) -> list[Found]:
    """Scores, flags, items and a verdict that ``expect`` names but the instrument does not have."""
    out: list[Found] = []
    out += [(loc + ("expect", "scores", sid), Message("example.no_score", label=label, id=sid))
            for sid in expect.scores if sid not in inst.score_ids]
    out += [(loc + ("expect", "flags"), Message("example.no_flag", label=label, id=fid))
            for fid in expect.flags or [] if fid not in inst.severity]
    out += [(loc + ("expect", "unverified"), Message("example.no_item", label=label, id=iid))
            for iid in expect.unverified or [] if iid not in inst.items]
    if "verdict" in expect.model_fields_set and expect.verdict is not None and expect.verdict not in outcomes:
        out.append((loc + ("expect", "verdict"), Message("example.verdict_unknown", label=label,
                                                         verdict=expect.verdict, outcomes=", ".join(sorted(outcomes)))))
    return out


def _differences(expect: model.Expect, result: Result, loc: Loc, label: str) -> list[Found]:
    """Where the scored ``result`` differs from what the example expects."""
    out: list[Found] = []
    for sid, want in expect.scores.items():
        got = result.scores[sid]
        if (got is None) != (want is None) or (got is not None and want is not None and abs(got - want) > 0.01):
            out.append((loc + ("expect", "scores", sid),
                        Message("example.score", label=label, id=sid, got=_num(got), want=_num(want))))
    if "verdict" in expect.model_fields_set and result.verdict != expect.verdict:
        out.append((loc + ("expect", "verdict"), Message("example.verdict", label=label, got=result.verdict or "null",
                                                         want=expect.verdict or "null")))
    if expect.flags is not None and sorted(result.flags) != sorted(expect.flags):
        out.append((loc + ("expect", "flags"), Message("example.flags", label=label, got=", ".join(result.flags),
                                                       want=", ".join(expect.flags))))
    if expect.unverified is not None and sorted(result.unverified) != sorted(expect.unverified):
        out.append((loc + ("expect", "unverified"), Message("example.unverified", label=label,
                                                            got=", ".join(result.unverified),
                                                            want=", ".join(expect.unverified))))
    return out


def _num(v: float | None) -> str:
    return "null" if v is None else f"{v:g}"
