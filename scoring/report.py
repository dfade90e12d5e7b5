"""What a report says, worked out once for the app page, the HTML download and the CSV.

The overall verdict combines the instruments' as the contract (revision 2) says: critical if any
is critical; else unverified if any critical-capable item is open; else the worst tone among the
banded verdicts (poor, mixed, good); else incomplete. Only a `good` verdict may look reassuring.
Critical flags come first, merged across instruments when they rest on the same criterion (the
red-flag screen and a detailed instrument ask about one issue from two sides).
"""

from __future__ import annotations

import csv
from dataclasses import dataclass, field
from functools import lru_cache
from typing import Any

from .engine import Result, combined_verdict
from .expressions import Tree
from .i18n import t
from .instrument import Instrument, ItemInfo
from .settings import builtin_file

SEVERITY_ORDER = ("critical", "major", "minor")
# Overall verdicts, worst first: the combined verdict of revision 2, plus `none` for a report that
# only describes (no instrument with bands).
OVERALL_ORDER = ("critical", "unverified", "poor", "mixed", "incomplete", "good", "none")
PERCENT_METHODS = ("percent", "mean_percent")
# Colours by tone (revision 2): only `good` is green; `unverified` is never shown as passed.
TONE_COLOURS = {"critical": "#b3261e", "poor": "#e8710a", "mixed": "#f2c230", "unverified": "#f2c230",
                "good": "#2e7d32", "incomplete": "#9e9e9e", "none": "#5c6bc0"}


def format_score(value: float | None, method: str | None) -> str:
    """A score as a person reads it: a percentage for percent methods, else two decimals."""
    if value is None:
        return "–"
    return f"{value:.0f}%" if method in PERCENT_METHODS else f"{value:.2f}"


@lru_cache(maxsize=1)
def _criteria_rows() -> dict[str, dict]:
    """The criteria catalogue by id. Without it every item would silently read as minor, so a
    missing criteria.csv is an error (MissingFileError)."""
    with builtin_file("criteria.csv").open(encoding="utf-8") as f:
        return {row["id"]: row for row in csv.DictReader(f)}


def criteria_severity() -> dict[str, str]:
    """Criterion id -> the strongest severity the catalogue gives it."""
    return {cid: next((s for s in SEVERITY_ORDER if s in row["severity"]), "minor")
            for cid, row in _criteria_rows().items()}


def criterion_action(criterion: str, lang: str) -> str:
    """The criterion as something an organisation does (the project's own words, criteria.csv),
    in ``lang`` (English where that language has none); "" for a criterion without one."""
    row = _criteria_rows().get(criterion) or {}
    return row.get(f"action_{lang}") or row.get("action_en") or ""


@dataclass
class FlagRow:
    severity: str
    message: str
    why: str
    source: str
    criteria: list[str]
    instruments: list[str]
    ids: list[str]


@dataclass
class ItemRow:
    instrument: str
    item_id: str
    text: str
    criteria: list[str]
    severity: str = "minor"
    why: str = ""
    ask: str = ""  # the item as a question to put to the provider (``ask``, else its text)
    answer: str = ""  # the answer as a person reads it (the reason an action is listed)


@dataclass
class ActionRow:
    """One thing to do in a self-audit's action plan: a criterion phrased as an action, with the
    audit questions whose answers put it there as its reasons."""
    severity: str
    text: str
    criteria: list[str]
    reasons: list[ItemRow]


@dataclass
class InstrumentSummary:
    id: str
    title: str
    verdict: str | None
    verdict_label: str
    level: str  # critical / unverified / good / mixed / poor (the band's tone) / incomplete / none
    scores: dict[str, float | None]
    score_labels: dict[str, str]
    method: dict[str, str]
    bands: list[tuple[str, float, str]]  # (id, min, label)
    descriptive: bool  # no bands: reported as a profile, never as pass or fail
    main: float | None = None  # the banded score's value (what the verdict rests on)
    main_method: str | None = None


@dataclass
class Report:
    audience: str
    language: str
    overall: str
    summaries: list[InstrumentSummary]
    critical: list[FlagRow]
    other_flags: list[FlagRow]
    unverified: list[ItemRow]
    questions: list[ItemRow]
    action_plan: list[ActionRow] = field(default_factory=list)  # self-audit only; critical first
    rows: list[dict] = field(default_factory=list)  # item by item
    stage: str = "after_session"  # when the answers were given

    @property
    def reassuring(self) -> bool:
        """Whether the report may look reassuring (green, "no red flags"): only with a good verdict."""
        return self.overall == "good"

    @property
    def flags_listed(self) -> int:
        return len(self.critical) + len(self.other_flags)


def _level(inst: Instrument, verdict: str | None) -> str:
    if verdict in ("critical", "unverified", "incomplete"):
        return verdict
    return inst.band_tone(verdict) or "none" if verdict is not None else "none"


def _source(inst: Instrument, item_id: str | None) -> str:
    if item_id is None:
        return ""
    found = inst.source_of(item_id)
    if found is None:
        return ""
    key, reference, locator = found
    return f"{reference}, '{locator}'" if locator else reference


def flag_text(inst: Instrument, flag_id: str, lang: str, audience: str = "vetting") -> str:
    """A raised flag as a person reads it: its severity and message (for the audience)."""
    message = inst.flag_message(flag_id, audience)
    return f"{t('severity.' + inst.severity.get(flag_id, 'minor'), lang)}: {inst.text(message, lang)}"


def verdict_text(inst: Instrument, verdict: str | None, lang: str) -> str:
    """A verdict as a person reads it: the band's label, or critical / unverified / incomplete."""
    if verdict in ("critical", "unverified", "incomplete"):
        return t("level." + verdict, lang)
    return next((inst.text(b.label, lang) for b in inst.spec.bands if b.id == verdict), "")


def item_text(inst: Instrument, item_id: str, audience: str, lang: str) -> str:
    spec = inst.items[item_id].spec
    if audience == "self_audit" and spec.self_audit_text is not None:
        return inst.text(spec.self_audit_text, lang)
    return inst.text(spec.text, lang)


def item_severity(inst: Instrument, item_id: str) -> str:
    spec = inst.items[item_id].spec
    if inst.items[item_id].critical:
        return "critical"
    if spec.flag is not None:
        return spec.flag.severity
    table = criteria_severity()
    found = [s for c in spec.criteria if (s := table.get(c))]
    return min(found, key=SEVERITY_ORDER.index) if found else "minor"


def _criteria_of_rule(inst: Instrument, tree: Tree) -> list[str]:
    from . import expressions as ex

    names = set()
    for n in ex.names(tree):
        names |= inst.derived_items.get(n, {n})
    return sorted({c for n in names if n in inst.items for c in inst.items[n].spec.criteria})


def build(instruments: dict[str, Instrument], results: dict[str, Result], *, audience: str = "vetting",
          lang: str = "en") -> Report:
    summaries, flags, unverified, questions, rows = [], [], [], [], []
    stages = {r.stage for r in results.values()}
    plan: list[ItemRow] = []  # the self-audit's items not met or not cleared, made into actions below
    for iid, result in results.items():
        inst = instruments[iid]
        title = inst.title(lang)
        band_label = {b.id: inst.text(b.label, lang) for b in inst.spec.bands}
        level = _level(inst, result.verdict)
        summaries.append(InstrumentSummary(
            iid, title, result.verdict, band_label.get(result.verdict or "", ""), level, dict(result.scores),
            {s.spec.id: inst.text(s.spec.label, lang) for s in inst.scores},
            {s.spec.id: s.spec.method for s in inst.scores},
            [(b.id, float(b.min), inst.text(b.label, lang)) for b in inst.spec.bands],
            not inst.spec.bands, result.scores.get(inst.band_score) if inst.band_score else None,
            next((s.spec.method for s in inst.scores if s.spec.id == inst.band_score), None)))
        for hit in result.flag_details:
            if hit.item is not None:
                info = inst.items[hit.item]
                criteria = list(info.spec.criteria)
                why = inst.text(info.spec.help, lang)
            else:
                tree = next(t for r, t in inst.rules if r.id == hit.id)
                criteria = _criteria_of_rule(inst, tree)
                why = ""
            message = inst.flag_message(hit.id, audience)
            flags.append(FlagRow(hit.severity, inst.text(message, lang), why, _source(inst, hit.item),
                                 criteria, [title], [f"{iid}:{hit.id}"]))
        for item_id in result.unverified:
            unverified.append(ItemRow(title, item_id, item_text(inst, item_id, audience, lang),
                                      list(inst.items[item_id].spec.criteria), "critical",
                                      inst.text(inst.items[item_id].spec.help, lang),
                                      _question(inst, item_id, audience, lang)))
        for item_id in result.questions:
            if item_id in result.unverified:
                continue
            questions.append(ItemRow(title, item_id, item_text(inst, item_id, audience, lang),
                                     list(inst.items[item_id].spec.criteria), item_severity(inst, item_id),
                                     ask=_question(inst, item_id, audience, lang)))
        flagged_items = {h.item for h in result.flag_details if h.item}
        for item_id, info in inst.items.items():
            status = result.status[item_id]
            points = result.points.get(item_id)
            answer = answer_text(inst, item_id, result.values.get(item_id), status, lang)
            rows.append({
                "instrument": title, "item": item_id, "question": item_text(inst, item_id, audience, lang),
                "answer": answer, "status": status,
                "points": points, "max_points": info.pmax if info.scored else None,
                "criteria": ";".join(info.spec.criteria),
                **_counted(inst, info, points),
            })
            not_met = status == "answered" and (item_id in flagged_items or (
                info.pmax is not None and points is not None and points < info.pmax))
            if audience == "self_audit" and (not_met or status == "unsure"):
                plan.append(ItemRow(title, item_id, item_text(inst, item_id, audience, lang),
                                    list(info.spec.criteria), item_severity(inst, item_id),
                                    inst.text(info.spec.help, lang), answer=answer))
    merged = _merge(flags)
    critical = [f for f in merged if f.severity == "critical"]
    other = sorted((f for f in merged if f.severity != "critical"), key=lambda f: SEVERITY_ORDER.index(f.severity))
    questions.sort(key=lambda q: SEVERITY_ORDER.index(q.severity))
    overall = _overall(instruments, results)
    return Report(audience, lang, overall, summaries, critical, other, unverified, questions,
                  actions(plan, lang) if audience == "self_audit" else [], rows,
                  stages.pop() if len(stages) == 1 else "after_session")


def actions(items: list[ItemRow], lang: str) -> list[ActionRow]:
    """The action plan: for each item not met or not cleared, the actions of the criteria it
    covers, one per criterion (its reasons merged), the most severe first. An item whose criteria
    have no action (an uploaded checklist's own ids) stands for itself. A red-flag row (RF-) restates
    detailed criteria (RF-02 is SCR-01 seen from outside): where an item names both, the detailed
    ones say what to do, as the report merges flags on them."""
    out: dict[str, ActionRow] = {}
    for item in items:
        criteria = [c for c in item.criteria if not c.startswith("RF-")] or item.criteria
        keyed = [(c, criterion_action(c, lang)) for c in criteria]
        keyed = [(c, text) for c, text in keyed if text] or [(f"{item.instrument}:{item.item_id}", item.text)]
        for key, text in keyed:
            row = out.setdefault(key, ActionRow(item.severity, text, [key] if key in _criteria_rows() else [], []))
            if SEVERITY_ORDER.index(item.severity) < SEVERITY_ORDER.index(row.severity):
                row.severity = item.severity  # as severe as the worst item that asks for it
            if all((r.instrument, r.item_id) != (item.instrument, item.item_id) for r in row.reasons):
                row.reasons.append(item)
    return sorted(out.values(), key=lambda a: SEVERITY_ORDER.index(a.severity))  # stable: first seen first


def _counted(inst: Instrument, info: ItemInfo, points: float | None) -> dict:
    """An item's weight and what its answer counts for in the instrument's banded score, out of
    how much, so that a reader can add the columns up: for a percentage, the score is
    100 x (sum of counted) / (sum of "out of") over the answered items; for a mean, the sum of
    counted over the sum of weights. Empty for an item that gives no points or was not answered."""
    score = next((s for s in inst.scores if s.spec.id == inst.band_score), inst.scores[0] if inst.scores else None)
    if not info.scored or score is None or info.id not in score.items:  # gives no points to that score
        return {"weight": None, "counted": None, "counted_of": None}
    method = score.spec.method
    w, lo, hi = info.weight, info.pmin, info.pmax
    if points is None or (method in PERCENT_METHODS and hi <= lo):
        return {"weight": w, "counted": None, "counted_of": None}
    if method == "mean_percent":  # each item's share of its own range, weighted
        got, of = w * (points - lo) / (hi - lo), w
    elif method == "percent":  # weighted points above the least, out of the weighted range
        got, of = w * (points - lo), w * (hi - lo)
    else:
        got, of = w * points, w
    return {"weight": w, "counted": round(got, 4), "counted_of": round(of, 4)}


def _overall(instruments: dict[str, Instrument], results: dict[str, Result]) -> str:
    """The contract's combined verdict; `none` when nothing is judged (only descriptive inventories)."""
    judged = any(instruments[i].spec.bands or r.verdict is not None for i, r in results.items())
    return combined_verdict({i: instruments[i] for i in results}, results) if judged else "none"


def _question(inst: Instrument, item_id: str, audience: str, lang: str) -> str:
    """What to ask: the item's ``ask`` wording for a person vetting a guide (else its text);
    an organisation auditing itself gets its own wording."""
    if audience == "self_audit":
        return item_text(inst, item_id, audience, lang)
    return inst.ask_text(item_id, lang)


def answer_text(inst: Instrument, item_id: str, value: Any, status: str, lang: str) -> str:
    """An answer as a person reads it: the option's label in the report's language."""
    if status == "unsure":
        return t("answer.unsure", lang)
    if status != "answered":
        return ""
    from .items import plugin as item_type  # (here: the rest of this module is another part's)

    item = inst.items[item_id].spec
    return item_type(item).answer_text(inst, item, value, lang)


def _merge(flags: list[FlagRow]) -> list[FlagRow]:
    """One row per issue: flags of one severity that share a detailed criterion are merged."""
    out: list[FlagRow] = []
    for f in flags:
        detailed = {c for c in f.criteria if not c.startswith("RF-")}
        twin = next((o for o in out if o.severity == f.severity and detailed
                     and detailed & {c for c in o.criteria if not c.startswith("RF-")}), None)
        if twin is None:
            out.append(FlagRow(f.severity, f.message, f.why, f.source, list(f.criteria), list(f.instruments),
                               list(f.ids)))
            continue
        twin.criteria = sorted(set(twin.criteria) | set(f.criteria))
        twin.instruments += [i for i in f.instruments if i not in twin.instruments]
        twin.ids += f.ids
        twin.why = twin.why or f.why
        twin.source = twin.source or f.source
    return out
