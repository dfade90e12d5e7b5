"""The loaded instrument: the validated spec plus what scoring needs, and the checks that
run after parsing (references, languages, expressions, ranges, types).

``build`` returns the instrument and every problem it found, each tied to a path in the
YAML so that the loader can give it a line number.
"""

from __future__ import annotations

import graphlib
import hashlib
import json
from collections import ChainMap
from collections.abc import Iterable, Iterator, Mapping, MutableMapping
from dataclasses import dataclass, field, replace
from typing import NamedTuple, cast

from . import expressions as ex
from . import model
from .i18n import Message
from .items import plugin as item_type

RESERVED = {"value", "context", "audience", "stage", "true", "false", "null", "and", "or", "not", "in",
            "response_id", "verdict", "flags", "unverified", "unsure"}
TEXT_FIELDS = ("title", "description", "text", "self_audit_text", "help", "unit", "label", "message",
               "ask", "self_audit_message")
# Verdicts that are not bands: a raised critical flag, an unsure or unanswered critical-capable item
# (revision 2), a banded score that is null.
OUTCOMES = ("critical", "unverified", "incomplete")
# The tone of each outcome, for reports that colour verdicts (only `good` may look reassuring).
OUTCOME_TONES = {"critical": "poor", "unverified": "mixed", "incomplete": None}
STAGE_INDEX: dict[str, int] = {s: k for k, s in enumerate(model.STAGES)}
CAPPABLE = ("major", "minor")


Loc = tuple[str | int, ...]  # a path in the YAML: ("sections", 0, "items", 2, "text")
Problem = tuple[Loc, str]


@dataclass(frozen=True)
class ItemInfo:
    spec: model.AnyItem
    section: str
    loc: Loc
    name_type: ex.NameType  # what its id stands for in expressions
    pmin: float | None = None  # least points it can give; None: the item gives no points
    pmax: float | None = None
    show_if: ex.Node | None = None
    flag: ex.Node | None = None  # its flag's compiled ``when``
    critical: bool = False  # critical-capable: an answer to it could raise a critical flag or rule

    @property
    def weight(self) -> float:
        return float(self.spec.weight)

    @property
    def stage(self) -> int:
        """The item's stage as an index into model.STAGES (0: before the intake)."""
        return STAGE_INDEX[self.spec.stage]

    @property
    def id(self) -> str:
        return self.spec.id

    @property
    def scored(self) -> bool:
        return self.pmin is not None


@dataclass(frozen=True)
class ScoreInfo:
    spec: model.Score
    items: list[str]  # the items it adds up, in order (a list: pandas takes it as a list of columns)


class CompiledRule(NamedTuple):
    """A rule with its compiled ``when``; unpacks as ``rule, tree``."""

    spec: model.Rule
    when: ex.Node


@dataclass
class Instrument:
    """A validated instrument, ready to score. ``spec`` is the parsed YAML. Its parts are built by
    ``build`` and not changed afterwards (``content_hash`` excepted: the store sets the hash a
    version was stored under)."""

    spec: model.InstrumentSpec
    path: str = ""
    content_hash: str = ""
    items: Mapping[str, ItemInfo] = field(default_factory=dict)
    derived: Mapping[str, ex.Node] = field(default_factory=dict)  # in evaluation order
    derived_items: DerivedItems = field(default_factory=lambda: DerivedItems({}))  # items each derived value rests on
    rules: tuple[CompiledRule, ...] = ()
    scores: tuple[ScoreInfo, ...] = ()
    band_score: str | None = None
    caps: Mapping[str, int] = field(default_factory=dict)  # severity -> index of the band it caps at
    flag_ids: tuple[str, ...] = ()  # items with a flag, in order, then rules
    severity: dict[str, str] = field(default_factory=dict)  # flag id -> severity (a dict: research takes one)
    expression_names: frozenset[str] = frozenset()  # names some expression reads (others need no value)

    @property
    def id(self) -> str:
        return self.spec.id

    @property
    def version(self) -> str:
        return self.spec.version

    @property
    def languages(self) -> list[str]:
        return list(self.spec.languages)

    @property
    def score_ids(self) -> list[str]:
        return [s.spec.id for s in self.scores]

    def text(self, value: str | Mapping[str, str] | None, lang: str | None = None) -> str:
        """A user-facing text in ``lang`` (the instrument's first language if absent)."""
        if value is None:
            return ""
        if isinstance(value, str):
            return value
        chosen = lang if lang is not None and lang in value else self.spec.languages[0]
        return value.get(chosen, next(iter(value.values()), ""))

    def title(self, lang: str | None = None) -> str:
        return self.text(self.spec.title, lang)

    def band_tone(self, band_id: str) -> str | None:
        """A band's tone: its own, else good for the first band, poor for the last, mixed between."""
        bands = self.spec.bands
        for k, band in enumerate(bands):
            if band.id == band_id:
                if band.tone is not None:
                    return band.tone
                return "good" if k == 0 else "poor" if k == len(bands) - 1 else "mixed"
        return None

    def verdict_tone(self, verdict: str | None) -> str | None:
        """The tone of a verdict: a band's tone, poor for critical, mixed for unverified, else None."""
        if verdict is None:
            return None
        if verdict in OUTCOME_TONES:
            return OUTCOME_TONES[verdict]
        return self.band_tone(verdict)

    def flag_message(self, flag_id: str, audience: str = "vetting") -> model.Text:
        """The message of a flag or rule (the self-audit one for that audience, where given)."""
        spec: model.Flag | model.Rule | None = self.items[flag_id].spec.flag if flag_id in self.items else None
        if spec is None:
            spec = next((r for r, _ in self.rules if r.id == flag_id), None)
            if spec is None:
                return flag_id
        if audience == "self_audit" and spec.self_audit_message is not None:
            return spec.self_audit_message
        return spec.message

    def scale_points(self, item: model.LikertItem) -> list[model.ScalePoint]:
        """A likert item's points: its own options, else its named scale's."""
        return item.options if item.options is not None else self.spec.scales.get(item.scale or "", [])

    def ask_text(self, item_id: str, lang: str | None = None) -> str:
        """The item as a question to put to the provider (``ask``), falling back to ``text``."""
        spec = self.items[item_id].spec
        return self.text(spec.ask if spec.ask is not None else spec.text, lang)

    def source_of(self, item_id: str) -> tuple[str, str, str | None] | None:
        """(key, full reference, locator) of an item's source."""
        src = self.items[item_id].spec.source
        if src is None:
            return None
        key, locator = split_source(src)
        return key, self.spec.sources.get(key, key), locator

    def __repr__(self) -> str:
        return f"<Instrument {self.id} {self.version}: {len(self.items)} items>"


class DerivedItems(Mapping[str, set[str]]):
    """derived id -> the items it rests on, directly or through other derived values.

    Found when asked rather than stored: a chain of derived values, each reading the one before,
    held a set of thousands of items per value (264 MB for one upload inside the caps)."""

    def __init__(self, items: Mapping[str, object], reads: Mapping[str, frozenset[str]] | None = None):
        self.item_ids = items  # not ``items``: that would hide Mapping.items()
        self.reads: Mapping[str, frozenset[str]] = reads or {}  # derived id -> the names its expression reads

    def of(self, names: Iterable[str]) -> set[str]:
        """The items that ``names`` (items, derived values, other names) rest on; one pass."""
        found: set[str] = set()
        seen: set[str] = set()
        stack = list(names)
        while stack:
            name = stack.pop()
            if name in self.reads:
                if name not in seen:
                    seen.add(name)
                    stack.extend(self.reads[name])
            elif name in self.item_ids:
                found.add(name)
        return found

    def __getitem__(self, did: str) -> set[str]:
        if did not in self.reads:
            raise KeyError(did)
        return self.of([did])

    def __iter__(self) -> Iterator[str]:
        return iter(self.reads)

    def __len__(self) -> int:
        return len(self.reads)


class _Before(Mapping[str, ex.NameType]):
    """The names a show_if at position ``pos`` may read: ``base``, earlier items, and derived
    values resting only on earlier items. One view moved along the items: a dict built per item
    (with a set of the earlier items per derived value) took minutes inside the caps."""

    def __init__(self, base: Mapping[str, ex.NameType], env: Mapping[str, ex.NameType],
                 position: Mapping[str, int], last: Mapping[str, int]):
        self.base, self.env, self.position, self.last, self.pos = base, env, position, last, 0

    def __getitem__(self, name: str) -> ex.NameType:
        if name in self.base:
            return self.base[name]
        where = self.position.get(name, self.last.get(name))
        if where is None or where >= self.pos:
            raise KeyError(name)
        return self.env[name]

    def __iter__(self) -> Iterator[str]:
        yield from self.base
        yield from (n for n, p in self.position.items() if p < self.pos)
        yield from (n for n, p in self.last.items() if p < self.pos)

    def __len__(self) -> int:
        return sum(1 for _ in self)


def split_source(src: str | model.SourceRef) -> tuple[str, str | None]:
    """``"key"``, ``"key locator..."`` / ``"key, locator"`` or ``{key, locator}``."""
    if isinstance(src, model.SourceRef):
        return src.key, src.locator
    text = src.strip()
    for i, ch in enumerate(text):
        if ch.isspace() or ch == ",":
            return text[:i], text[i + 1:].strip(" ,") or None
    return text, None


# Keys that revision 2 added, at the value that means what revision 1 meant: left out of the
# content hash, so that an instrument whose scoring did not change keeps its hash (stored research
# answers to it stay one version). The default of `min_answered` did change (0 -> 0.5), so a score
# that relied on it hashes anew: its scoring changed.
_REVISION2_DEFAULTS: dict[str, object] = {"ask": None, "stage": "before_intake", "weight": 1,
                                          "self_audit_message": None, "tone": None, "caps": {}}


def _without_revision2_defaults(node: object) -> object:
    if isinstance(node, dict):
        return {k: _without_revision2_defaults(v) for k, v in node.items()
                if not (k in _REVISION2_DEFAULTS and v == _REVISION2_DEFAULTS[k])}
    if isinstance(node, list):
        return [_without_revision2_defaults(v) for v in node]
    return node


def content_hash(spec: model.InstrumentSpec) -> str:
    """sha256 of the instrument's content (examples and x- keys left out), 16 hex digits."""
    data = _without_revision2_defaults(spec.model_dump(mode="json", exclude={"examples"}))
    blob = json.dumps(data, sort_keys=True, ensure_ascii=False, separators=(",", ":"))
    return hashlib.sha256(blob.encode()).hexdigest()[:16]


# --------------------------------------------------------------------------- checks


class _Problems(list[Problem]):
    def add(self, loc: Loc, message: str) -> None:
        self.append((tuple(loc), message))


def _check_texts(node: object, loc: Loc, langs: list[str], out: _Problems) -> None:
    """Every user-facing text must exist in every declared language, and in no other."""
    if isinstance(node, list):
        for i, v in enumerate(node):
            _check_texts(v, loc + (i,), langs, out)
        return
    if not isinstance(node, model.Strict):
        return
    for name in type(node).model_fields:
        value = getattr(node, name)
        if name in TEXT_FIELDS and (isinstance(value, (str, dict))):
            _check_text(name, value, loc, langs, out)
        elif isinstance(value, (list, model.Strict)):
            _check_texts(value, loc + (name,), langs, out)
        elif isinstance(value, dict) and name == "scales":
            for key, points in value.items():
                _check_texts(points, loc + (name, key), langs, out)


def _check_text(name: str, value: str | dict[str, str], loc: Loc, langs: list[str], out: _Problems) -> None:
    """One text field: a string (one language) or a mapping with exactly the declared languages."""
    if isinstance(value, str):
        if len(langs) > 1:
            out.add(loc + (name,), Message("instrument.text_per_language", name=name, langs=", ".join(langs),
                                           first=langs[0], second=langs[1]))
        elif not value.strip():
            out.add(loc + (name,), Message("instrument.text_empty", name=name))
        return
    for lang in langs:
        if lang not in value:
            out.add(loc + (name,), Message("instrument.text_missing", name=name, lang=lang))
        elif not value[lang].strip():
            out.add(loc + (name, lang), Message("instrument.text_lang_empty", name=name, lang=lang))
    for lang in value:
        if lang not in langs:
            out.add(loc + (name, lang), Message("instrument.text_extra_lang", name=name, lang=lang,
                                                langs=", ".join(langs)))


def _points_range(item: model.AnyItem, scales: Mapping[str, list[model.ScalePoint]]
                  ) -> tuple[float | None, float | None]:
    return item_type(item).points_range(item, scales)


def _name_type(item: model.AnyItem, scales: Mapping[str, list[model.ScalePoint]]) -> ex.NameType:
    return item_type(item).name_type(item, scales)


def _check_item(item: model.AnyItem, loc: Loc, spec: model.InstrumentSpec, out: _Problems) -> None:
    if item.source is not None:
        key, _ = split_source(item.source)
        if key not in spec.sources:
            known = ", ".join(spec.sources) or Message("instrument.none_declared")
            out.add(loc + ("source",), Message("instrument.source_unknown", key=key, known=known))
    item_type(item).check_spec(item, loc, spec, out)


def _caps(spec: model.InstrumentSpec, out: _Problems) -> Mapping[str, int]:
    """caps: severity (major or minor) -> a band id of this instrument (revision 2); the index of that band."""
    band_ids = [b.id for b in spec.bands]
    caps: dict[str, int] = {}
    for severity, band in spec.caps.items():
        loc = ("caps", severity)
        if severity == "critical":
            out.add(loc, Message("instrument.cap_critical"))
        elif severity not in CAPPABLE:
            out.add(loc, Message("instrument.cap_severity", severity=severity))
        elif band not in band_ids:
            known = ", ".join(band_ids) or Message("instrument.no_bands")
            out.add(loc, Message("instrument.cap_band", severity=severity, band=band, known=known))
        else:
            caps[severity] = band_ids.index(band)
    return caps


def _check_scale(points: list[model.ScalePoint], loc: Loc, out: _Problems) -> None:
    values = [float(p.value) for p in points]
    if len(set(values)) != len(values):
        out.add(loc, Message("instrument.scale_distinct"))


def _parse(src: str, loc: Loc, out: _Problems) -> ex.Node | None:
    try:
        return ex.parse(src)
    except ex.ExprError as exc:
        out.add(loc, exc.message)
        return None


def _typed(tree: ex.Node | None, env: Mapping[str, ex.NameType], loc: Loc, want: str | None, out: _Problems,
           what: str) -> ex.NameType | None:
    if tree is None:
        return None
    try:
        t = ex.check_types(tree, env)
    except ex.ExprError as exc:
        out.add(loc, Message("instrument.at", where=what, message=exc.message))
        return None
    if want and t.type not in (want, ex.NULL):
        out.add(loc, Message("instrument.not_boolean", what=what, type=ex.type_text(t.type)))
        return None
    return t


# --------------------------------------------------------------------------- build, pass by pass
# Each pass reads the spec and the parts of the passes before it, adds its problems to ``out`` and
# returns its own part; ``build`` puts the parts together. The order of the passes is the order of
# the problems in the output.


def _check_spec(spec: model.InstrumentSpec, out: _Problems) -> None:
    """Languages, texts in every language, named scales, audiences and contexts."""
    langs = list(spec.languages)
    if len(set(langs)) != len(langs):
        out.add(("languages",), Message("instrument.language_twice"))
    _check_texts(spec, (), langs, out)
    for key, points in spec.scales.items():
        _check_scale(points, ("scales", key), out)
    for field_name in ("audiences", "contexts"):
        values = getattr(spec, field_name)
        if len(set(values)) != len(values):
            out.add((field_name,), Message("instrument.value_twice", field=field_name))


@dataclass(frozen=True)
class _Sections:
    items: Mapping[str, ItemInfo]  # in order; expressions not yet compiled
    section_ids: Mapping[str, int]  # section id -> index in spec.sections


def _items(spec: model.InstrumentSpec, out: _Problems) -> _Sections:
    """Sections and items: ids, each item's own checks, its points range and expression type."""
    items: dict[str, ItemInfo] = {}
    section_ids: dict[str, int] = {}
    for si, section in enumerate(spec.sections):
        sloc: Loc = ("sections", si)
        if section.id in section_ids:
            out.add(sloc + ("id",), Message("instrument.section_twice", id=section.id))
        section_ids[section.id] = si
        for ii, item in enumerate(section.items):
            loc = sloc + ("items", ii)
            if item.id in items:
                out.add(loc + ("id",), Message("instrument.item_twice", id=item.id))
                continue
            if item.id in RESERVED:
                out.add(loc + ("id",), Message("instrument.item_reserved", id=item.id))
            _check_item(item, loc, spec, out)
            pmin, pmax = _points_range(item, spec.scales)
            items[item.id] = ItemInfo(item, section.id, loc, _name_type(item, spec.scales), pmin, pmax)
    return _Sections(items, section_ids)


# The names every expression may read besides items and derived values
BASE_NAMES: Mapping[str, ex.NameType] = {
    "context": ex.NameType(ex.STR, model.CONTEXTS, "context"),
    "audience": ex.NameType(ex.STR, model.AUDIENCES, "audience"),
    "stage": ex.NameType(ex.STR, model.STAGES, "stage")}


@dataclass(frozen=True)
class _Derived:
    trees: Mapping[str, ex.Node]  # the derived values that check, in evaluation order
    env: Mapping[str, ex.NameType]  # base names, items and those derived values
    reads: Mapping[str, frozenset[str]]  # derived id -> the names its expression reads
    last: Mapping[str, int]  # derived id -> position of the last item it rests on (-1: none)


def _parse_derived(spec: model.InstrumentSpec, items: Mapping[str, ItemInfo], out: _Problems
                   ) -> tuple[dict[str, ex.Node], dict[str, Loc]]:
    """Each derived value's tree (those that parse) and location (every id, first use)."""
    parsed: dict[str, ex.Node] = {}
    dloc: dict[str, Loc] = {}
    for di, d in enumerate(spec.derived):
        loc = ("derived", di)
        if d.id in dloc:
            out.add(loc + ("id",), Message("instrument.derived_twice", id=d.id))
            continue
        dloc[d.id] = loc
        if d.id in items:
            out.add(loc + ("id",), Message("instrument.derived_item", id=d.id))
        if d.id in RESERVED:
            out.add(loc + ("id",), Message("instrument.reserved", id=d.id))
        tree = _parse(d.expr, loc + ("expr",), out)
        if tree is not None:
            parsed[d.id] = tree
    return parsed, dloc


def _derived_order(parsed: Mapping[str, ex.Node], dloc: Mapping[str, Loc], out: _Problems) -> list[str]:
    """Derived ids, each after those it reads; none when they form a cycle (reported)."""
    graph = {did: {n for n in ex.names(tree) if n in dloc} for did, tree in parsed.items()}
    try:
        return list(graphlib.TopologicalSorter(graph).static_order())
    except graphlib.CycleError as exc:
        cycle = exc.args[1]
        out.add(dloc[cycle[0]] + ("expr",), Message("instrument.cycle", cycle=" -> ".join(cycle)))
        return []


def _derived(spec: model.InstrumentSpec, items: Mapping[str, ItemInfo], out: _Problems) -> _Derived:
    """Derived values: parsed, ordered (no cycles), typed against what comes before them."""
    parsed, dloc = _parse_derived(spec, items, out)
    env = dict(BASE_NAMES) | {iid: info.name_type for iid, info in items.items()}
    position = {iid: k for k, iid in enumerate(items)}
    trees: dict[str, ex.Node] = {}
    reads: dict[str, frozenset[str]] = {}
    last: dict[str, int] = {}
    for did in _derived_order(parsed, dloc, out):
        if did not in parsed:
            continue
        what = Message("instrument.expr_derived", id=did)
        t = _typed(parsed[did], env, dloc[did] + ("expr",), None, out, what)
        if t is not None:
            env[did] = ex.NameType(t.type, None, Message("instrument.derived_label", id=did))
            trees[did] = parsed[did]
            reads[did] = frozenset(ex.names(parsed[did]))
            last[did] = max((last[n] if n in last else position.get(n, -1) for n in reads[did]), default=-1)
    return _Derived(trees, env, reads, last)


@dataclass(frozen=True)
class _ItemExpressions:
    show_if: Mapping[str, ex.Node]  # item id -> compiled show_if
    flags: Mapping[str, ex.Node]  # item id -> compiled flag ``when``, in item order
    severity: Mapping[str, str]  # item id -> severity of its flag


def _item_expressions(items: Mapping[str, ItemInfo], derived: _Derived, out: _Problems) -> _ItemExpressions:
    """Each item's show_if (reading earlier items only) and flag."""
    show_if: dict[str, ex.Node] = {}
    flags: dict[str, ex.Node] = {}
    severity: dict[str, str] = {}
    position = {iid: k for k, iid in enumerate(items)}
    visible = _Before(BASE_NAMES, derived.env, position, derived.last)
    for iid, info in items.items():
        visible.pos = position[iid]
        if info.spec.show_if is not None and (tree := _show_if(info, info.spec.show_if, visible, derived.env, out)):
            show_if[iid] = tree
        flag = info.spec.flag
        if flag is not None and (tree := _flag(info, flag.when, derived.env, out)):
            flags[iid] = tree
            severity[iid] = flag.severity
    return _ItemExpressions(show_if, flags, severity)


def _show_if(info: ItemInfo, source: str, visible: _Before, env: Mapping[str, ex.NameType], out: _Problems
             ) -> ex.Node | None:
    loc = info.loc + ("show_if",)
    tree = _parse(source, loc, out)
    if tree is None:
        return None
    later = [n for n in ex.names(tree) if n not in visible and n in env]
    if later:
        out.add(loc, Message("instrument.show_if_later", id=info.id, later=", ".join(sorted(later))))
        return None
    return tree if _typed(tree, visible, loc, ex.BOOL, out, "show_if") else None


def _flag(info: ItemInfo, source: str, env: Mapping[str, ex.NameType], out: _Problems) -> ex.Node | None:
    loc = info.loc + ("flag", "when")
    tree = _parse(source, loc, out)
    # a view, not a copy (a copy per flag is quadratic in large instruments); ChainMap only reads env here
    with_value = ChainMap({"value": info.name_type}, cast("MutableMapping[str, ex.NameType]", env))
    return tree if _typed(tree, with_value, loc, ex.BOOL, out, "flag") else None


@dataclass(frozen=True)
class _Rules:
    rules: tuple[CompiledRule, ...]
    critical_names: frozenset[str]  # names that critical rules read


def _rules(spec: model.InstrumentSpec, item_flags: Iterable[str], env: Mapping[str, ex.NameType], out: _Problems
           ) -> _Rules:
    """Rules: ids unique among flag ids, ``when`` a true/false expression over every name."""
    taken = set(item_flags)
    rules: list[CompiledRule] = []
    critical_names: set[str] = set()
    for ri, rule in enumerate(spec.rules):
        loc = ("rules", ri)
        if rule.id in taken:
            out.add(loc + ("id",), Message("instrument.rule_twice", id=rule.id))
            continue
        tree = _parse(rule.when, loc + ("when",), out)
        if tree is not None and _typed(tree, env, loc + ("when",), ex.BOOL, out,
                                       Message("instrument.expr_rule", id=rule.id)):
            rules.append(CompiledRule(rule, tree))
            taken.add(rule.id)
            if rule.severity == "critical":
                critical_names |= ex.names(tree)
    return _Rules(tuple(rules), frozenset(critical_names))


def _compiled_items(items: Mapping[str, ItemInfo], exprs: _ItemExpressions, critical: set[str]
                    ) -> dict[str, ItemInfo]:
    """The items with their expressions, and critical-capable where a critical flag or rule reads them."""
    out: dict[str, ItemInfo] = {}
    for iid, info in items.items():
        show_if, flag = exprs.show_if.get(iid), exprs.flags.get(iid)
        is_critical = iid in critical or exprs.severity.get(iid) == "critical"
        changed = show_if is not None or flag is not None or is_critical
        out[iid] = replace(info, show_if=show_if, flag=flag, critical=is_critical) if changed else info
    return out


def _scores(spec: model.InstrumentSpec, items: Mapping[str, ItemInfo], section_ids: Mapping[str, int],
            out: _Problems) -> tuple[ScoreInfo, ...]:
    """Scores: unique ids, and the scored items of a section or of a list."""
    scores: list[ScoreInfo] = []
    seen: set[str] = set()
    for si, score in enumerate(spec.scores):
        loc = ("scores", si)
        if score.id in seen:
            out.add(loc + ("id",), Message("instrument.score_twice", id=score.id))
            continue
        seen.add(score.id)
        if score.id in RESERVED:
            out.add(loc + ("id",), Message("instrument.score_reserved", id=score.id))
        if (score.items is None) == (score.section is None):
            out.add(loc, Message("instrument.score_source", id=score.id))
            continue
        if score.section is not None:
            ids = _section_items(spec, score.section, items, section_ids, loc, out)
        else:
            ids = _listed_items(score, items, loc, out)
        if ids is not None:
            scores.append(ScoreInfo(score, list(ids)))
    return tuple(scores)


def _section_items(spec: model.InstrumentSpec, section: str, items: Mapping[str, ItemInfo],
                   section_ids: Mapping[str, int], loc: Loc, out: _Problems) -> tuple[str, ...] | None:
    """The scored items of a section (None, reported: no such section, or none scored)."""
    if section not in section_ids:
        out.add(loc + ("section",), Message("instrument.no_section", section=section))
        return None
    ids = tuple(i.id for i in spec.sections[section_ids[section]].items if items.get(i.id) and items[i.id].scored)
    if not ids:
        out.add(loc + ("section",), Message("instrument.section_no_points", section=section))
        return None
    return ids


def _listed_items(score: model.Score, items: Mapping[str, ItemInfo], loc: Loc, out: _Problems) -> tuple[str, ...]:
    """The items a score lists, each existing, scored and listed once (others reported and left out)."""
    ids: list[str] = []
    listed: set[str] = set()  # a set beside the list: `in ids` was quadratic in long scores
    if not score.items:
        out.add(loc + ("items",), Message("instrument.score_empty", id=score.id))
    for k, iid in enumerate(score.items or []):
        if iid not in items:
            out.add(loc + ("items", k), Message("instrument.no_item", id=iid))
        elif not items[iid].scored:
            if item_type(items[iid].spec).points_from_scale:
                continue  # its scale is missing or wrong: reported at the item already
            out.add(loc + ("items", k), Message("instrument.item_no_points", id=iid))
        elif iid in listed:
            out.add(loc + ("items", k), Message("instrument.item_listed_twice", id=iid))
        else:
            ids.append(iid)
            listed.add(iid)
    return tuple(ids)


def _bands(spec: model.InstrumentSpec, out: _Problems) -> str | None:
    """Bands: all on one existing score (returned), ids unique and no verdict, highest min first."""
    if not spec.bands:
        return None
    band_score = None
    names = {b.score or "total" for b in spec.bands}
    target = next(iter(names))
    if len(names) > 1:
        out.add(("bands",), Message("instrument.bands_scores", names=", ".join(sorted(names))))
    elif target not in {s.id for s in spec.scores}:
        out.add(("bands", 0), Message("instrument.bands_total" if target == "total" else "instrument.bands_target",
                                      target=target))
    else:
        band_score = target
    band_ids: list[str] = []
    for bi, band in enumerate(spec.bands):
        if band.id in band_ids:
            out.add(("bands", bi, "id"), Message("instrument.band_twice", id=band.id))
        if band.id in OUTCOMES:
            out.add(("bands", bi, "id"), Message("instrument.band_verdict", id=band.id))
        band_ids.append(band.id)
        if bi and band.min >= spec.bands[bi - 1].min:
            out.add(("bands", bi, "min"), Message("instrument.bands_order"))
    return band_score


def _expression_names(items: Mapping[str, ItemInfo], derived: Iterable[ex.Node], rules: Iterable[CompiledRule]
                      ) -> frozenset[str]:
    trees = [*derived, *(r.when for r in rules)]
    trees += [t for info in items.values() for t in (info.show_if, info.flag) if t is not None]
    return frozenset(n for tree in trees for n in ex.names(tree))


def build(spec: model.InstrumentSpec, path: str = "") -> tuple[Instrument, list[Problem]]:
    """Check ``spec`` beyond the schema and compile it. Returns (instrument, [(loc, message)])."""
    out = _Problems()
    _check_spec(spec, out)
    sections = _items(spec, out)
    derived = _derived(spec, sections.items, out)
    exprs = _item_expressions(sections.items, derived, out)
    rules = _rules(spec, exprs.flags, derived.env, out)
    derived_items = DerivedItems(sections.items, derived.reads)
    items = _compiled_items(sections.items, exprs, derived_items.of(rules.critical_names))
    scores = _scores(spec, items, sections.section_ids, out)
    band_score = _bands(spec, out)
    caps = _caps(spec, out)
    inst = Instrument(
        spec=spec, path=path, content_hash=content_hash(spec), items=items, derived=derived.trees,
        derived_items=derived_items, rules=rules.rules, scores=scores, band_score=band_score, caps=caps,
        flag_ids=(*exprs.flags, *(r.spec.id for r in rules.rules)),
        severity={**exprs.severity, **{r.spec.id: r.spec.severity for r in rules.rules}},
        expression_names=_expression_names(items, derived.trees.values(), rules.rules))
    return inst, list(out)
