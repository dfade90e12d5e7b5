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

from . import model
from .answers import AnswerError
from .engine import score_response
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
        return None, [Problem(name, None, f"cannot read: {exc.strerror or exc}")]
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
        return None, [Problem(name, doc.line_of(()),
                              "an instrument must be a mapping of keys (format, id, ...) at the top")]
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

_KIND = {
    "string_type": "a text", "dict_type": "a mapping", "model_type": "a mapping", "int_type": "a whole number",
    "float_type": "a number", "bool_type": "true or false", "list_type": "a list", "none_required": "null",
    "literal_error": None,
}


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


def schema_messages(exc: ValidationError, data: object) -> list[tuple[Loc, str]]:
    """Turn pydantic's errors into one plain message per problem, with the YAML path."""
    errors = exc.errors(include_url=False)
    cleaned = [(_clean_loc(e["loc"], data), e) for e in errors]
    deeper = {loc[:k] for loc, _ in cleaned for k in range(len(loc))}
    grouped: dict[tuple, list] = {}
    for loc, e in cleaned:
        if e["type"] in _KIND and loc in deeper:
            continue  # an alternative of a union failed deeper down: that message explains it
        grouped.setdefault(loc, []).append(e)
    messages: list[tuple[tuple, str]] = []
    for loc, errs in grouped.items():
        where = _where(loc)
        first = errs[0]
        kind = first["type"]
        raw_loc = first["loc"]
        if kind == "extra_forbidden":
            key = raw_loc[-1]
            parent = data_at(data, loc[:-1])
            if isinstance(parent, dict) and parent.get("type") in model.ITEM_TYPES and _field_types(str(key)):
                owners = ", ".join(_field_types(str(key)))
                msg = Message("instrument.key_of_other_type", key=key, type=parent["type"], owners=owners)
            else:
                allowed = _allowed_keys(raw_loc[:-1], data)
                close = difflib.get_close_matches(str(key), allowed, n=1)
                msg = (Message("instrument.unknown_key_close", key=key, close=close[0]) if close
                       else Message("instrument.unknown_key", key=key))
            messages.append((loc, Message("instrument.at", where=_where(loc[:-1]), message=msg)))
            continue
        if kind == "missing":
            messages.append((loc, Message("instrument.missing_key", where=where, key=raw_loc[-1])))
            continue
        if kind == "union_tag_invalid":
            messages.append((loc + ("type",), Message("instrument.unknown_type", where=where,
                                                         type=first["input"].get("type"),
                                                         types=", ".join(model.ITEM_TYPES))))
            continue
        if kind == "union_tag_not_found":
            messages.append((loc, Message("instrument.needs_type", where=where, types=", ".join(model.ITEM_TYPES))))
            continue
        if kind == "string_pattern_mismatch" and raw_loc[-1] == "[key]" and " " in str(first["input"]):
            messages.append((loc, Message("instrument.not_language_code", where=where, input=first["input"])))
            continue
        if kind == "string_pattern_mismatch":
            shown = first["input"]
            messages.append((loc, Message("instrument.pattern", where=where, input=shown,
                                                         pattern=first["ctx"].get("pattern", ""))))
            continue
        kinds = [kind for e in errs if (kind := _KIND.get(e["type"]))]
        if len(errs) > 1 and len(kinds) == len(errs):
            expected = " or ".join(dict.fromkeys(kinds))
            messages.append((loc, f"{where}: expected {expected}, got {_show(first['input'])}"))
            continue
        for e in errs:
            messages.append((loc, f"{where}: {e['msg']}" + (
                f", got {_show(e['input'])}" if e["type"] in _KIND else "")))
    return messages


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


def run_examples(inst: Instrument) -> list[tuple[Loc, str]]:
    """Score every worked example and report where the result differs from ``expect``."""
    out: list[tuple[Loc, str]] = []
    outcomes = set(OUTCOMES) | {b.id for b in inst.spec.bands}
    resolved: dict[str, dict] = {}  # name -> answers, with `like` applied
    size = len(inst.items) + len(inst.derived) + len(inst.rules) + len(inst.scores)
    work = 0
    for k, example in enumerate(inst.spec.examples):
        loc: Loc = ("examples", k)
        label = f"example '{example.name}'"
        work += size + len(example.answers) + (len(resolved.get(example.like, {})) if example.like is not None else 0)
        if work > EXAMPLE_WORK:
            out.append((loc, f"{label}: the worked examples are more than validate checks ({len(inst.spec.examples)} "
                             f"examples of an instrument with {size:,} items, derived values, rules and scores; "
                             f"examples x that size may be at most {EXAMPLE_WORK:,}): keep fewer examples"))
            break
        if example.name in resolved:
            out.append((loc + ("name",), f"{label}: the name is used twice"))
        answers = dict(example.answers)
        if example.like is not None:
            if example.like not in resolved:
                out.append((loc + ("like",), f"{label}: 'like' names no earlier example '{example.like}'"))
                continue
            answers = resolved[example.like] | answers
        resolved[example.name] = answers
        expect = example.expect
        given = expect.model_fields_set
        bad_ref = False
        for sid in expect.scores:
            if sid not in inst.score_ids:
                out.append((loc + ("expect", "scores", sid), f"{label}: no score '{sid}'"))
                bad_ref = True
        for fid in expect.flags or []:
            if fid not in inst.severity:
                out.append((loc + ("expect", "flags"), f"{label}: no flag '{fid}'"))
                bad_ref = True
        for iid in expect.unverified or []:
            if iid not in inst.items:
                out.append((loc + ("expect", "unverified"), f"{label}: no item '{iid}'"))
                bad_ref = True
        if "verdict" in given and expect.verdict is not None and expect.verdict not in outcomes:
            out.append((loc + ("expect", "verdict"),
                        f"{label}: verdict '{expect.verdict}' is not one of {', '.join(sorted(outcomes))}"))
            bad_ref = True
        try:
            result = score_response(inst, answers, example.context, example.audience, label, stage=example.stage)
        except AnswerError as exc:
            for p in exc.problems:
                key = ("answers", p.item) if p.item else ()
                out.append((loc + key, f"{label}: {p.item + ': ' if p.item else ''}{p.message}"))
            continue
        if bad_ref:
            continue
        for sid, want in expect.scores.items():
            got = result.scores[sid]
            if (got is None) != (want is None) or (got is not None and want is not None and abs(got - want) > 0.01):
                out.append((loc + ("expect", "scores", sid),
                            f"{label}: score {sid} is {_num(got)}, expected {_num(want)}"))
        if "verdict" in given and result.verdict != expect.verdict:
            out.append((loc + ("expect", "verdict"),
                        f"{label}: verdict is {result.verdict or 'null'}, expected {expect.verdict or 'null'}"))
        if expect.flags is not None and sorted(result.flags) != sorted(expect.flags):
            out.append((loc + ("expect", "flags"),
                        f"{label}: flags are [{', '.join(result.flags)}], expected [{', '.join(expect.flags)}]"))
        if expect.unverified is not None and sorted(result.unverified) != sorted(expect.unverified):
            out.append((loc + ("expect", "unverified"), f"{label}: unverified items are "
                        f"[{', '.join(result.unverified)}], expected [{', '.join(expect.unverified)}]"))
    return out


def _num(v: float | None) -> str:
    return "null" if v is None else f"{v:g}"
