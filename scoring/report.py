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
def _criteria_rows() -> dict[str, dict[str, str]]:
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
    rows: list[dict[str, Any]] = field(default_factory=list)  # item by item
    stage: str = "after_session"  # when the answers were given
    # what the page and the HTML file show, in order, worded for the audience and the language
    sections: tuple[Section, ...] = ()

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
    """The report of ``results``: for each instrument its summary, flags, open points and item rows,
    then the flags merged, the most severe first, and the sections both renderers show."""
    summaries: list[InstrumentSummary] = []
    flags: list[FlagRow] = []
    unverified: list[ItemRow] = []
    questions: list[ItemRow] = []
    rows: list[dict[str, Any]] = []
    plan: list[ItemRow] = []  # the self-audit's items not met or not cleared, made into actions below
    for iid, result in results.items():
        inst = instruments[iid]
        summaries.append(_summary(iid, inst, result, lang))
        flags += _flag_rows(iid, inst, result, audience, lang)
        unverified += _unverified_rows(inst, result, audience, lang)
        questions += _question_rows(inst, result, audience, lang)
        item_rows, not_met = _item_rows(inst, result, audience, lang)
        rows += item_rows
        plan += not_met if audience == "self_audit" else []
    merged = _merge(flags)
    critical = [f for f in merged if f.severity == "critical"]
    other = sorted((f for f in merged if f.severity != "critical"), key=lambda f: SEVERITY_ORDER.index(f.severity))
    questions.sort(key=lambda q: SEVERITY_ORDER.index(q.severity))
    stages = {r.stage for r in results.values()}
    rep = Report(audience, lang, _overall(instruments, results), summaries, critical, other, unverified, questions,
                 actions(plan, lang) if audience == "self_audit" else [], rows,
                 stages.pop() if len(stages) == 1 else "after_session")
    rep.sections = layout(rep)
    return rep


def _summary(iid: str, inst: Instrument, result: Result, lang: str) -> InstrumentSummary:
    band_label = {b.id: inst.text(b.label, lang) for b in inst.spec.bands}
    return InstrumentSummary(
        iid, inst.title(lang), result.verdict, band_label.get(result.verdict or "", ""), _level(inst, result.verdict),
        dict(result.scores), {s.spec.id: inst.text(s.spec.label, lang) for s in inst.scores},
        {s.spec.id: s.spec.method for s in inst.scores},
        [(b.id, float(b.min), inst.text(b.label, lang)) for b in inst.spec.bands],
        not inst.spec.bands, result.scores.get(inst.band_score) if inst.band_score else None,
        next((s.spec.method for s in inst.scores if s.spec.id == inst.band_score), None))


def _flag_rows(iid: str, inst: Instrument, result: Result, audience: str, lang: str) -> list[FlagRow]:
    """The flags raised, each with the criteria it rests on (an item's, or those of a rule's items)."""
    out = []
    for hit in result.flag_details:
        if hit.item is not None:
            info = inst.items[hit.item]
            criteria, why = list(info.spec.criteria), inst.text(info.spec.help, lang)
        else:
            tree = next(t for r, t in inst.rules if r.id == hit.id)
            criteria, why = _criteria_of_rule(inst, tree), ""
        message = inst.flag_message(hit.id, audience)
        out.append(FlagRow(hit.severity, inst.text(message, lang), why, _source(inst, hit.item),
                           criteria, [inst.title(lang)], [f"{iid}:{hit.id}"]))
    return out


def _unverified_rows(inst: Instrument, result: Result, audience: str, lang: str) -> list[ItemRow]:
    return [ItemRow(inst.title(lang), item_id, item_text(inst, item_id, audience, lang),
                    list(inst.items[item_id].spec.criteria), "critical", inst.text(inst.items[item_id].spec.help, lang),
                    _question(inst, item_id, audience, lang))
            for item_id in result.unverified]


def _question_rows(inst: Instrument, result: Result, audience: str, lang: str) -> list[ItemRow]:
    return [ItemRow(inst.title(lang), item_id, item_text(inst, item_id, audience, lang),
                    list(inst.items[item_id].spec.criteria), item_severity(inst, item_id),
                    ask=_question(inst, item_id, audience, lang))
            for item_id in result.questions if item_id not in result.unverified]


def _item_rows(inst: Instrument, result: Result, audience: str,
               lang: str) -> tuple[list[dict[str, Any]], list[ItemRow]]:
    """Item by item (the CSV and the item table), and the items not met or not cleared (unsure)."""
    title = inst.title(lang)
    flagged_items = {h.item for h in result.flag_details if h.item}
    rows, not_met = [], []
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
        short = status == "answered" and (item_id in flagged_items or (
            info.pmax is not None and points is not None and points < info.pmax))
        if short or status == "unsure":
            not_met.append(ItemRow(title, item_id, item_text(inst, item_id, audience, lang),
                                   list(info.spec.criteria), item_severity(inst, item_id),
                                   inst.text(info.spec.help, lang), answer=answer))
    return rows, not_met


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


def _counted(inst: Instrument, info: ItemInfo, points: float | None) -> dict[str, float | None]:
    """An item's weight and what its answer counts for in the instrument's banded score, out of
    how much, so that a reader can add the columns up: for a percentage, the score is
    100 x (sum of counted) / (sum of "out of") over the answered items; for a mean, the sum of
    counted over the sum of weights. Empty for an item that gives no points or was not answered."""
    score = next((s for s in inst.scores if s.spec.id == inst.band_score), inst.scores[0] if inst.scores else None)
    if not info.scored or score is None or info.id not in score.items:  # gives no points to that score
        return {"weight": None, "counted": None, "counted_of": None}
    method = score.spec.method
    w, lo, hi = info.weight, info.pmin, info.pmax
    if points is None or lo is None or hi is None or (method in PERCENT_METHODS and hi <= lo):
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


# --------------------------------------------------------------------------- the report as sections
# One layout for both renderers (the Streamlit page, app_pages/report_view.py, and the HTML file,
# scoring/templates/report.html.j2): the sections in order, their headings and wording chosen for
# the audience and the language, every value formatted. A renderer only decides how a kind of
# section looks, never what it says or in which order, so the two cannot drift apart again.


@dataclass(frozen=True)
class Verdict:
    """The overall verdict as a banner; ``tone`` is the overall verdict (only `good` is green)."""
    tone: str
    text: str


@dataclass(frozen=True)
class Note:
    """"A good score is not a guarantee", on every report."""
    text: str


@dataclass(frozen=True)
class Count:
    label: str
    n: int
    anchor: str


@dataclass(frozen=True)
class Counts:
    """The counts first, each a link to its section: a long report is read from the top down."""
    counts: tuple[Count, ...]


@dataclass(frozen=True)
class Flag:
    severity: str
    title: str  # the message; among other warning signs led by its severity ("Major: ...")
    why: str  # "Why it matters: ..." worded, or ""
    details: str  # instruments · criteria · source


@dataclass(frozen=True)
class Flags:
    """Critical flags (``folded`` False) or the other warning signs (``folded`` True). With no flag,
    ``empty`` says so in ``empty_tone``: `good` (green) only for a good verdict with no flag listed."""
    anchor: str
    heading: str
    flags: tuple[Flag, ...]
    empty: str = ""
    empty_tone: str = "none"  # good / unverified / none
    folded: bool = False
    fold_label: str = ""
    expanded: bool = True


@dataclass(frozen=True)
class Question:
    text: str
    detail: str = ""  # "instrument; criteria" where the list mixes instruments


@dataclass(frozen=True)
class Unverified:
    """Critical points not cleared, put as the question to ask (or to settle, in a self-audit)."""
    anchor: str
    heading: str
    intro: str
    questions: tuple[Question, ...]


@dataclass(frozen=True)
class Action:
    text: str
    criteria: str  # "AFT-01, AFT-06" or ""
    reasons: tuple[str, ...]  # the audit questions and answers that put it on the plan


@dataclass(frozen=True)
class ActionGroup:
    heading: str  # the severity
    actions: tuple[Action, ...]


@dataclass(frozen=True)
class Actions:
    """A self-audit's action plan, critical first."""
    anchor: str
    heading: str
    intro: str
    groups: tuple[ActionGroup, ...]


@dataclass(frozen=True)
class QuestionGroup:
    heading: str  # the instrument
    questions: tuple[str, ...]


@dataclass(frozen=True)
class Questions:
    """The questions to ask the provider (vetting) or the points still open (self-audit), by instrument."""
    anchor: str
    heading: str
    groups: tuple[QuestionGroup, ...]
    fold_label: str
    expanded: bool


@dataclass(frozen=True)
class Table:
    head: tuple[str, ...]
    rows: tuple[tuple[str, ...], ...]


@dataclass(frozen=True)
class Scores:
    """The charts (drawn by each renderer from ``Report.summaries``) and the scores against their bands."""
    anchor: str
    heading: str
    table: Table


@dataclass(frozen=True)
class Items:
    """Item by item, with points, weight and what each answer counts for."""
    anchor: str
    heading: str
    intro: str
    table: Table


@dataclass(frozen=True)
class Crisis:
    """Crisis and support resources, on every report (the country is the renderer's to choose)."""
    anchor: str
    heading: str


Section = Verdict | Note | Counts | Flags | Unverified | Actions | Questions | Scores | Items | Crisis


def no_critical_key(report: Report) -> str:
    """What to say when no critical flag was raised: reassuring only with a good verdict and no flag."""
    if report.reassuring and not report.flags_listed:
        return "report.no_critical"
    if report.unverified:
        return "report.no_critical_open"
    return "report.no_critical_flags_listed" if report.other_flags else "report.no_critical_plain"


def summary_table(report: Report) -> Table:
    """Each instrument's scores (formatted by ``format_score``), verdict and bands."""
    lang = report.language
    head = (t("table.instrument", lang), t("table.score", lang), t("table.verdict", lang), t("table.bands", lang))
    rows = []
    for s in report.summaries:
        scores = ", ".join(f"{s.score_labels[k]}: {format_score(v, s.method[k])}" for k, v in s.scores.items())
        verdict = t("report.descriptive", lang) if s.descriptive else (s.verdict_label or t("level." + s.level, lang))
        bands = " · ".join(f"{label} ≥ {low:g}" for _, low, label in s.bands)
        rows.append((s.title, scores, verdict, bands))
    return Table(head, tuple(rows))


def item_table(report: Report) -> Table:
    """The item table as a person reads it, in the app and the HTML report: the points, the weight
    and what the answer counts for, so that the score can be added up."""
    lang = report.language
    head = tuple(t(k, lang) for k in ("table.instrument", "table.question", "table.answer", "table.points",
                                      "table.weight", "table.counted", "table.criteria"))
    rows = tuple((r["instrument"], r["question"], r["answer"],
                  "" if r["points"] is None else f"{r['points']:g} / {r['max_points']:g}",
                  "" if r.get("weight") is None else f"{r['weight']:g}",
                  "" if r.get("counted") is None else f"{r['counted']:.4g} / {r['counted_of']:g}",
                  r["criteria"].replace(";", ", "))
                 for r in report.rows if r["status"] != "hidden")
    return Table(head, rows)


def _flag(f: FlagRow, lang: str, with_severity: bool) -> Flag:
    details = [", ".join(f.instruments), ", ".join(f.criteria)]
    if f.source:
        details.append(f"{t('report.source', lang)}: {f.source}")
    title = f"{t('severity.' + f.severity, lang)}: {f.message}" if with_severity else f.message
    return Flag(f.severity, title, f"{t('report.why', lang)}: {f.why}" if f.why else "",
                " · ".join(d for d in details if d))


def _action(a: ActionRow, lang: str) -> Action:
    return Action(a.text, ", ".join(a.criteria), tuple(
        t("report.action_reason", lang, question=r.text, instrument=r.instrument, answer=r.answer)
        for r in a.reasons))


def layout(report: Report) -> tuple[Section, ...]:
    """The report's sections in the order both renderers show them: the verdict and the counts,
    critical flags first, then what is not cleared, other warning signs (vetting) or the action
    plan (self-audit), the questions, the scores, item by item, and the crisis resources."""
    lang = report.language
    return (Verdict(report.overall, t("overall." + report.overall, lang)), Note(t("resources.not_a_guarantee", lang)),
            _counts(report), _critical(report), *_unverified(report), *_warnings(report), *_actions(report),
            *_questions(report), Scores("scores", t("report.scores", lang), summary_table(report)),
            Items("items", t("report.items", lang), t("report.items_how", lang), item_table(report)),
            Crisis("crisis", t("crisis.title", lang)))


def _critical_heading(report: Report) -> str:
    return t("report.critical_audit" if report.audience == "self_audit" else "report.critical", report.language)


def _questions_heading(report: Report) -> str:
    return t("report.open_items" if report.audience == "self_audit" else "report.questions", report.language)


def _counts(report: Report) -> Counts:
    counts = [Count(_critical_heading(report), len(report.critical), "critical")]
    if report.unverified:
        counts.append(Count(t("report.unverified_short", report.language), len(report.unverified), "unverified"))
    if report.other_flags and report.audience != "self_audit":
        counts.append(Count(t("report.other_flags", report.language), len(report.other_flags), "warnings"))
    if report.questions:
        counts.append(Count(_questions_heading(report), len(report.questions), "questions"))
    return Counts(tuple(counts))


def _critical(report: Report) -> Flags:
    key = no_critical_key(report)
    flags = tuple(_flag(f, report.language, False) for f in report.critical)
    return Flags("critical", _critical_heading(report), flags,
                 "" if report.critical else t(key, report.language),
                 {"report.no_critical": "good", "report.no_critical_open": "unverified"}.get(key, "none"))


def _unverified(report: Report) -> list[Section]:
    if not report.unverified:
        return []
    audit = report.audience == "self_audit"
    return [Unverified(
        "unverified", t("report.unverified_audit_title" if audit else "report.unverified", report.language),
        t("report.unverified_audit" if audit else "report.unverified_help", report.language),
        tuple(Question(u.ask, f"{u.instrument}; {', '.join(u.criteria)}") for u in report.unverified))]


def _warnings(report: Report) -> list[Section]:
    if not report.other_flags or report.audience == "self_audit":  # a self-audit lists them in its action plan
        return []
    n = len(report.other_flags)
    return [Flags("warnings", t("report.other_flags", report.language),
                  tuple(_flag(f, report.language, True) for f in report.other_flags),
                  folded=True, fold_label=t("report.show_list", report.language, n=n), expanded=n <= 5)]


def _actions(report: Report) -> list[Section]:
    if not report.action_plan:
        return []
    lang = report.language
    groups = tuple(ActionGroup(t("severity." + severity, lang), tuple(_action(a, lang) for a in rows))
                   for severity in SEVERITY_ORDER
                   if (rows := [a for a in report.action_plan if a.severity == severity]))
    return [Actions("actions", t("report.action_plan", lang), t("report.action_plan_intro", lang), groups)]


def _questions(report: Report) -> list[Section]:
    if not report.questions:
        return []
    by_instrument: dict[str, list[str]] = {}
    for q in report.questions:
        by_instrument.setdefault(q.instrument, []).append(q.ask or q.text)
    n = len(report.questions)
    return [Questions("questions", _questions_heading(report),
                      tuple(QuestionGroup(k, tuple(v)) for k, v in by_instrument.items()),
                      t("report.show_list", report.language, n=n), n <= 8)]
