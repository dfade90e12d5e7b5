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
from collections.abc import Iterable, Iterator, Mapping
from dataclasses import dataclass, field

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


@dataclass
class ItemInfo:
    spec: model.AnyItem
    section: str
    loc: Loc
    name_type: ex.NameType  # what its id stands for in expressions
    pmin: float | None = None  # least points it can give; None: the item gives no points
    pmax: float | None = None
    show_if: ex.Tree | None = None
    flag: ex.Tree | None = None
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


@dataclass
class ScoreInfo:
    spec: model.Score
    items: list[str]


@dataclass
class Instrument:
    """A validated instrument, ready to score. ``spec`` is the parsed YAML."""

    spec: model.InstrumentSpec
    path: str = ""
    content_hash: str = ""
    items: dict[str, ItemInfo] = field(default_factory=dict)
    derived: dict[str, ex.Tree] = field(default_factory=dict)  # in evaluation order
    derived_items: DerivedItems = field(default_factory=lambda: DerivedItems({}))  # items each derived value rests on
    rules: list[tuple[model.Rule, ex.Tree]] = field(default_factory=list)  # (rule spec, tree)
    scores: list[ScoreInfo] = field(default_factory=list)
    band_score: str | None = None
    caps: dict[str, int] = field(default_factory=dict)  # severity -> index of the band it caps at
    flag_ids: list[str] = field(default_factory=list)
    severity: dict[str, str] = field(default_factory=dict)
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

    def __init__(self, items: Mapping[str, object]):
        self.item_ids = items  # not ``items``: that would hide Mapping.items()
        self.reads: dict[str, frozenset[str]] = {}  # derived id -> the names its expression reads

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
            if isinstance(value, str):
                if len(langs) > 1:
                    out.add(loc + (name,), Message("instrument.text_per_language", name=name, langs=", ".join(langs),
                                                   first=langs[0], second=langs[1]))
                elif not value.strip():
                    out.add(loc + (name,), Message("instrument.text_empty", name=name))
            else:
                for lang in langs:
                    if lang not in value:
                        out.add(loc + (name,), Message("instrument.text_missing", name=name, lang=lang))
                    elif not value[lang].strip():
                        out.add(loc + (name, lang), Message("instrument.text_lang_empty", name=name, lang=lang))
                for lang in value:
                    if lang not in langs:
                        out.add(loc + (name, lang), Message("instrument.text_extra_lang", name=name, lang=lang,
                                                            langs=", ".join(langs)))
        elif isinstance(value, (list, model.Strict)):
            _check_texts(value, loc + (name,), langs, out)
        elif isinstance(value, dict) and name == "scales":
            for key, points in value.items():
                _check_texts(points, loc + (name, key), langs, out)


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


def _check_caps(spec: model.InstrumentSpec, inst: Instrument, out: _Problems) -> None:
    """caps: severity (major or minor) -> a band id of this instrument (revision 2)."""
    band_ids = [b.id for b in spec.bands]
    for severity, band in spec.caps.items():
        loc = ("caps", severity)
        if severity == "critical":
            out.add(loc, Message("instrument.cap_critical"))
            continue
        if severity not in CAPPABLE:
            out.add(loc, Message("instrument.cap_severity", severity=severity))
            continue
        if band not in band_ids:
            known = ", ".join(band_ids) or Message("instrument.no_bands")
            out.add(loc, Message("instrument.cap_band", severity=severity, band=band, known=known))
            continue
        inst.caps[severity] = band_ids.index(band)


def _check_scale(points: list[model.ScalePoint], loc: Loc, out: _Problems) -> None:
    values = [float(p.value) for p in points]
    if len(set(values)) != len(values):
        out.add(loc, Message("instrument.scale_distinct"))


def _parse(src: str, loc: Loc, out: _Problems) -> ex.Tree | None:
    try:
        return ex.parse(src)
    except ex.ExprError as exc:
        out.add(loc, str(exc))
        return None


def _typed(tree: ex.Tree | None, env: Mapping[str, ex.NameType], loc: Loc, want: str | None, out: _Problems,
           what: str) -> ex.NameType | None:
    if tree is None:
        return None
    try:
        t = ex.check_types(tree, env)
    except ex.ExprError as exc:
        out.add(loc, f"{what}: {exc}")
        return None
    if want and t.type not in (want, ex.NULL):
        out.add(loc, Message("instrument.not_boolean", what=what, type=t.type))
        return None
    return t


def build(spec: model.InstrumentSpec, path: str = "") -> tuple[Instrument, list[Problem]]:
    """Check ``spec`` beyond the schema and compile it. Returns (instrument, [(loc, message)])."""
    out = _Problems()
    inst = Instrument(spec=spec, path=path, content_hash=content_hash(spec))
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

    # sections and items
    section_ids: dict[str, int] = {}  # id -> index in spec.sections
    for si, section in enumerate(spec.sections):
        sloc: Loc = ("sections", si)
        if section.id in section_ids:
            out.add(sloc + ("id",), Message("instrument.section_twice", id=section.id))
        section_ids[section.id] = si
        for ii, item in enumerate(section.items):
            loc = sloc + ("items", ii)
            if item.id in inst.items:
                out.add(loc + ("id",), Message("instrument.item_twice", id=item.id))
                continue
            if item.id in RESERVED:
                out.add(loc + ("id",), Message("instrument.item_reserved", id=item.id))
            _check_item(item, loc, spec, out)
            pmin, pmax = _points_range(item, spec.scales)
            inst.items[item.id] = ItemInfo(item, section.id, loc, _name_type(item, spec.scales), pmin, pmax)

    base = {"context": ex.NameType(ex.STR, model.CONTEXTS, "context"),
            "audience": ex.NameType(ex.STR, model.AUDIENCES, "audience"),
            "stage": ex.NameType(ex.STR, model.STAGES, "stage")}
    item_env = {iid: info.name_type for iid, info in inst.items.items()}

    # derived values: parse, order (no cycles), type
    parsed: dict[str, ex.Tree] = {}
    dloc: dict[str, Loc] = {}
    for di, d in enumerate(spec.derived):
        loc = ("derived", di)
        if d.id in parsed or d.id in dloc:
            out.add(loc + ("id",), Message("instrument.derived_twice", id=d.id))
            continue
        dloc[d.id] = loc
        if d.id in inst.items:
            out.add(loc + ("id",), Message("instrument.derived_item", id=d.id))
        if d.id in RESERVED:
            out.add(loc + ("id",), Message("instrument.reserved", id=d.id))
        tree = _parse(d.expr, loc + ("expr",), out)
        if tree is not None:
            parsed[d.id] = tree
    graph = {did: {n for n in ex.names(tree) if n in dloc} for did, tree in parsed.items()}
    try:
        order = list(graphlib.TopologicalSorter(graph).static_order())
    except graphlib.CycleError as exc:
        cycle = exc.args[1]
        out.add(dloc[cycle[0]] + ("expr",), Message("instrument.cycle", cycle=" -> ".join(cycle)))
        order = []
    env = dict(base) | item_env
    inst.derived_items = DerivedItems(inst.items)
    position = {iid: k for k, iid in enumerate(inst.items)}
    last: dict[str, int] = {}  # derived id -> position of the last item it rests on (-1: none)
    for did in order:
        if did not in parsed:
            continue
        t = _typed(parsed[did], env, dloc[did] + ("expr",), None, out, f"derived '{did}'")
        if t is not None:
            env[did] = ex.NameType(t.type, None, f"derived {did}")
            inst.derived[did] = parsed[did]
            reads = frozenset(ex.names(parsed[did]))
            inst.derived_items.reads[did] = reads
            last[did] = max((last[n] if n in last else position.get(n, -1) for n in reads), default=-1)

    # show_if (earlier items only), item flags
    visible_env = _Before(base, env, position, last)
    for iid, info in inst.items.items():
        item = info.spec
        visible_env.pos = position[iid]
        if item.show_if is not None:
            tree = _parse(item.show_if, info.loc + ("show_if",), out)
            if tree is not None:
                later = [n for n in ex.names(tree) if n not in visible_env and (n in inst.items or n in env)]
                if later:
                    out.add(info.loc + ("show_if",), Message("instrument.show_if_later", id=iid,
                                                             later=", ".join(sorted(later))))
                elif _typed(tree, visible_env, info.loc + ("show_if",), ex.BOOL, out, "show_if"):
                    info.show_if = tree
        if item.flag is not None:
            floc = info.loc + ("flag", "when")
            tree = _parse(item.flag.when, floc, out)
            if _typed(tree, ChainMap({"value": info.name_type}, env), floc, ex.BOOL, out, "flag"):
                info.flag = tree
                inst.flag_ids.append(iid)
                inst.severity[iid] = item.flag.severity
                info.critical = item.flag.severity == "critical"

    # rules
    critical_names: set[str] = set()
    for ri, rule in enumerate(spec.rules):
        loc = ("rules", ri)
        if rule.id in inst.severity:
            out.add(loc + ("id",), Message("instrument.rule_twice", id=rule.id))
            continue
        tree = _parse(rule.when, loc + ("when",), out)
        if tree is not None and _typed(tree, env, loc + ("when",), ex.BOOL, out, f"rule '{rule.id}'"):
            inst.rules.append((rule, tree))
            inst.flag_ids.append(rule.id)
            inst.severity[rule.id] = rule.severity
            if rule.severity == "critical":
                critical_names |= ex.names(tree)
    for dep in inst.derived_items.of(critical_names):  # one pass for all rules, not one per rule
        inst.items[dep].critical = True

    trees = [t for t in (*inst.derived.values(), *(r[1] for r in inst.rules)) if t]
    trees += [t for info in inst.items.values() for t in (info.show_if, info.flag) if t]
    inst.expression_names = frozenset(n for tree in trees for n in ex.names(tree))

    # scores
    seen_scores: set[str] = set()
    for si, score in enumerate(spec.scores):
        loc = ("scores", si)
        if score.id in seen_scores:
            out.add(loc + ("id",), Message("instrument.score_twice", id=score.id))
            continue
        seen_scores.add(score.id)
        if score.id in RESERVED:
            out.add(loc + ("id",), Message("instrument.score_reserved", id=score.id))
        if (score.items is None) == (score.section is None):
            out.add(loc, Message("instrument.score_source", id=score.id))
            continue
        if score.section is not None:
            if score.section not in section_ids:
                out.add(loc + ("section",), Message("instrument.no_section", section=score.section))
                continue
            ids = [i.id for i in spec.sections[section_ids[score.section]].items
                   if inst.items.get(i.id) and inst.items[i.id].scored]
            if not ids:
                out.add(loc + ("section",), Message("instrument.section_no_points", section=score.section))
                continue
        else:
            ids, listed = [], set()
            if not score.items:
                out.add(loc + ("items",), Message("instrument.score_empty", id=score.id))
            for k, iid in enumerate(score.items or []):  # not None: checked above
                if iid not in inst.items:
                    out.add(loc + ("items", k), Message("instrument.no_item", id=iid))
                elif not inst.items[iid].scored:
                    if item_type(inst.items[iid].spec).points_from_scale:
                        continue  # its scale is missing or wrong: reported at the item already
                    out.add(loc + ("items", k), Message("instrument.item_no_points", id=iid))
                elif iid in listed:  # a set beside the list: `in ids` was quadratic in long scores
                    out.add(loc + ("items", k), Message("instrument.item_listed_twice", id=iid))
                else:
                    ids.append(iid)
                    listed.add(iid)
        inst.scores.append(ScoreInfo(score, ids))

    # bands
    if spec.bands:
        names = {b.score or "total" for b in spec.bands}
        target = next(iter(names))
        if len(names) > 1:
            out.add(("bands",), Message("instrument.bands_scores", names=", ".join(sorted(names))))
        elif target not in seen_scores:
            out.add(("bands", 0), Message("instrument.bands_total" if target == "total" else "instrument.bands_target",
                                              target=target))
        else:
            inst.band_score = target
        band_ids: list[str] = []
        for bi, band in enumerate(spec.bands):
            if band.id in band_ids:
                out.add(("bands", bi, "id"), Message("instrument.band_twice", id=band.id))
            if band.id in OUTCOMES:
                out.add(("bands", bi, "id"), Message("instrument.band_verdict", id=band.id))
            band_ids.append(band.id)
            if bi and band.min >= spec.bands[bi - 1].min:
                out.add(("bands", bi, "min"), Message("instrument.bands_order"))
    _check_caps(spec, inst, out)

    return inst, list(out)
