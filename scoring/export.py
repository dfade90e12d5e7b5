"""Downloads: CSV that spreadsheets cannot turn into formulas, and a self-contained HTML report
that opens offline and prints well. Every text is escaped; no instrument text becomes markup."""

from __future__ import annotations

import csv
import io
from collections.abc import Iterable
from pathlib import Path
from typing import IO, Any, TypeVar

import pandas as pd

from . import plaintext, svg
from .i18n import t
from .report import PERCENT_METHODS, SEVERITY_ORDER, TONE_COLOURS, ActionRow, FlagRow, Report, format_score
from .resources import NOT_A_GUARANTEE, WHAT_IT_IS_NOT, crisis_resources, resource_parts

FORMULA_STARTS = ("=", "+", "-", "@", "\t", "\r")
T = TypeVar("T")


def neutralise(value: T) -> T | str:
    """A cell a spreadsheet would run as a formula gets a leading apostrophe (OWASP's advice)."""
    if isinstance(value, str) and value.startswith(FORMULA_STARTS):
        return "'" + value
    return value


def rows_csv(rows: list[dict]) -> bytes:
    if not rows:
        return b""
    out = io.StringIO()
    writer = csv.DictWriter(out, fieldnames=list(rows[0]), lineterminator="\n")
    writer.writeheader()
    for row in rows:
        writer.writerow({k: neutralise(_cell(v)) for k, v in row.items()})
    return out.getvalue().encode("utf-8")


def _cell(value: object) -> object:
    """An empty cell for nothing: None, NaN and pandas' NA/NaT (a frame's gaps), never 'nan'."""
    if value is None or (not isinstance(value, (str, bytes, list, tuple, dict, set))
                         and pd.isna(value)):  # type: ignore[call-overload]  # pandas takes any object; its stubs list kinds
        return ""
    return value


def frame_csv(frame: pd.DataFrame, target: str | Path | IO[str] | None = None, **options: Any) -> str | None:
    """A DataFrame as CSV (to ``target``, a path or an open file, else returned) with every text
    cell and column name that a spreadsheet would run as a formula neutralised."""
    safe = frame.rename(columns=lambda c: neutralise(str(c)))
    for column in safe.select_dtypes(include=["object", "string"]).columns:
        safe[column] = safe[column].map(neutralise)
    return safe.to_csv(target, index=False, lineterminator="\n", **options)


CSS = """
body{font-family:'Source Sans Pro',Arial,sans-serif;max-width:60rem;margin:2rem auto;padding:0 1rem;color:#222;
line-height:1.45}
h1{margin-bottom:.2rem}h2{border-bottom:2px solid #eee;padding-bottom:.2rem;margin-top:2rem}
.meta{color:#555}.banner{padding:.8rem 1rem;border-radius:.4rem;margin:1rem 0;font-weight:600}
.critical{background:#fde7e9;border-left:6px solid #b3261e}.poor{background:#fff1e0;border-left:6px solid #e8710a}
.mixed,.unverified{background:#fff8db;border-left:6px solid #f2c230}
.good{background:#e8f5e9;border-left:6px solid #2e7d32}
.incomplete,.none{background:#f1f1f1;border-left:6px solid #9e9e9e}
.flag{border:1px solid #ddd;border-radius:.4rem;padding:.6rem .9rem;margin:.6rem 0;break-inside:avoid}
.small{color:#555;font-size:.9rem}table{border-collapse:collapse;width:100%;font-size:.9rem}
th,td{border:1px solid #ddd;padding:.3rem .4rem;text-align:left;vertical-align:top;overflow-wrap:break-word}
th{background:#f6f6f6}.table{overflow-x:auto}.table table{min-width:34rem}
.note{background:#f4f6fb;padding:.7rem 1rem;border-radius:.4rem}
@media print{body{margin:0;max-width:none}.chart{break-inside:avoid}h2{break-after:avoid}}
"""


def _e(value: object) -> str:
    return plaintext.html(value)


def report_charts(report: Report, trend: list | None = None) -> list[str]:
    """The report's charts as static SVG: the banded scores, the alliance profile, a self-audit trend."""
    lang = report.language
    out = []
    banded = [s for s in report.summaries if not s.descriptive]
    if banded:
        rows = [(s.title, s.main, TONE_COLOURS.get(s.level, TONE_COLOURS["none"]),
                 (format_score(s.main, s.main_method) + " · " if s.main is not None else "")
                 + t("level." + s.level, lang)) for s in banded]
        percent = all(s.main_method in PERCENT_METHODS for s in banded)
        out.append(svg.bars(t("chart.scores", lang), rows, top=100.0 if percent else None,
                            axis=t("chart.percent", lang) if percent else ""))
    profile = next((s for s in report.summaries if s.descriptive), None)
    if profile is not None and any(v is not None for v in profile.scores.values()):
        out.append(svg.columns(t("report.alliance", lang), [
            (profile.score_labels[k], v, "–" if v is None else f"{v:.2f}") for k, v in profile.scores.items()],
            low=1.0, high=5.0, colour=TONE_COLOURS["none"]))
    if trend:
        series: dict[str, list] = {}
        for when, name, value in sorted(trend, key=lambda p: p[0]):
            series.setdefault(name, []).append((when, value))
        out.append(svg.lines(t("report.trend", lang), series))
    return out


def questions_html(report: Report, *, title: str, label: str, date: str) -> bytes:
    """A printable sheet of the questions to put to the provider: the unverified critical points
    first, then the other open questions, grouped by checklist, each with room to note the answer."""
    lang = report.language
    groups: dict[str, list[str]] = {}
    critical = t("severity.critical", lang)
    for row in report.unverified:  # the critical points first, marked as such
        groups.setdefault(row.instrument, []).append(f"{row.ask or row.text} ({critical})")
    for row in report.questions:
        groups.setdefault(row.instrument, []).append(row.ask or row.text)
    parts = [f"<!doctype html><html lang='{_e(lang)}'><head><meta charset='utf-8'>",
             "<meta name='viewport' content='width=device-width, initial-scale=1'>",
             f"<title>{_e(title)}</title><style>{CSS}"
             ".q{break-inside:avoid;margin:.9rem 0}.lines{border:1px solid #bbb;border-radius:.3rem;height:4.2rem;"
             "margin-top:.3rem}</style></head><body><main>",
             f"<h1>{_e(title)}</h1>",
             f"<p class='meta'>{' · '.join(_e(m) for m in (label, date) if m)}</p>",
             f"<p class='note'>{_e(t('questions.sheet_intro', lang))}</p>"]
    for instrument, questions in groups.items():
        parts.append(f"<h2>{_e(instrument)}</h2>")
        parts.extend(f"<div class='q'>{k}. {_e(q)}<div class='lines' aria-hidden='true'></div></div>"
                     for k, q in enumerate(questions, start=1))
    parts.append(f"<p class='small'>{_e(NOT_A_GUARANTEE[lang])}</p></main></body></html>")
    return "".join(parts).encode("utf-8")


def report_html(report: Report, *, title: str, label: str, date: str, context: str, figures: list | None = None,
                trend: list | None = None, country: str | None = None) -> bytes:
    """The whole report as one HTML file: opens offline, prints, fits a phone. ``figures`` is kept for
    callers of the first version and no longer used: the charts are drawn as SVG from the report.
    ``country`` chooses the crisis resources listed (default: from the language)."""
    lang = report.language
    parts = [f"<!doctype html><html lang='{_e(lang)}'><head><meta charset='utf-8'>",
             "<meta name='viewport' content='width=device-width, initial-scale=1'>",
             f"<title>{_e(title)}</title><style>{CSS}</style>"]
    parts.append("</head><body><main>")
    parts.append(f"<h1>{_e(title)}</h1>")
    meta = [m for m in (label, date, t('context.' + context, lang),
                        t("report.stage", lang, stage=t("stage." + report.stage, lang))) if m]
    parts.append(f"<p class='meta'>{' · '.join(_e(m) for m in meta)}</p>")
    parts.append(f"<div class='banner {_e(report.overall)}'>{_e(t('overall.' + report.overall, lang))}</div>")
    parts.append(f"<p class='note'>{_e(NOT_A_GUARANTEE[lang])}</p>")

    audit = report.audience == "self_audit"
    parts.append(f"<h2>{_e(t('report.critical_audit' if audit else 'report.critical', lang))}</h2>")
    if report.critical:
        parts.extend(_flag(f, lang) for f in report.critical)
    else:
        parts.append(f"<p class='banner {'good' if report.reassuring and not report.flags_listed else 'none'}'>"
                     f"{_e(t(no_critical_key(report), lang))}</p>")
    if report.unverified:
        help_key = "report.unverified_audit" if report.audience == "self_audit" else "report.unverified_help"
        heading = t("report.unverified_audit_title" if audit else "report.unverified", lang)
        parts.append(f"<h2>{_e(heading)}</h2><p>{_e(t(help_key, lang))}</p><ul>")
        parts.extend(f"<li><strong>{_e(u.ask)}</strong> <span class='small'>({_e(u.instrument)}; "
                     f"{_e(', '.join(u.criteria))})</span></li>" for u in report.unverified)
        parts.append("</ul>")
    if report.other_flags and report.audience != "self_audit":  # a self-audit has them in its action plan
        parts.append(f"<h2>{_e(t('report.other_flags', lang))}</h2>")
        parts.extend(_flag(f, lang) for f in report.other_flags)
    if report.action_plan:
        parts.append(f"<h2>{_e(t('report.action_plan', lang))}</h2>")
        parts.append(f"<p class='small'>{_e(t('report.action_plan_intro', lang))}</p>")
        for severity in SEVERITY_ORDER:
            actions = [a for a in report.action_plan if a.severity == severity]
            if actions:
                parts.append(f"<h3>{_e(t('severity.' + severity, lang))}</h3><ul>")
                parts.extend(_action(a, lang) for a in actions)
                parts.append("</ul>")
    if report.questions:
        key = "report.questions" if report.audience != "self_audit" else "report.open_items"
        parts.append(f"<h2>{_e(t(key, lang))}</h2><ul>")
        parts.extend(f"<li>{_e(q.ask or q.text)}</li>" for q in report.questions)
        parts.append("</ul>")

    parts.append(f"<h2>{_e(t('report.scores', lang))}</h2>")
    parts.extend(f"<div class='chart'>{chart}</div>" for chart in report_charts(report, trend))
    parts.append(_summary_table(report))
    parts.append(f"<h2>{_e(t('report.items', lang))}</h2>")
    parts.append(_items_table(report))
    parts.append(f"<h2>{_e(t('crisis.title', lang))}</h2><ul>")
    parts.extend(f"<li><strong>{_e(label)}</strong>: {_e(rest)}</li>"
                 for label, rest in map(resource_parts, crisis_resources(lang, country)))
    parts.append(f"</ul><p class='small'>{_e(WHAT_IT_IS_NOT[lang])}</p></main></body></html>")
    return "".join(parts).encode("utf-8")


def _flag(f: FlagRow, lang: str) -> str:
    lines = [f"<div class='flag'><strong>{_e(f.message)}</strong>"]
    if f.why:
        lines.append(f"<div>{_e(t('report.why', lang))}: {_e(f.why)}</div>")
    details = [", ".join(f.instruments), ", ".join(f.criteria)]
    if f.source:
        details.append(t("report.source", lang) + ": " + f.source)
    lines.append(f"<div class='small'>{' · '.join(_e(d) for d in details if d)}</div></div>")
    return "".join(lines)


def _summary_table(report: Report) -> str:
    lang = report.language
    head = [t("table.instrument", lang), t("table.score", lang), t("table.verdict", lang), t("table.bands", lang)]
    rows = []
    for s in report.summaries:
        scores = ", ".join(f"{s.score_labels[k]}: {format_score(v, s.method[k])}" for k, v in s.scores.items())
        verdict = t("report.descriptive", lang) if s.descriptive else (
            s.verdict_label or t("level." + s.level, lang))
        bands = " · ".join(f"{label} ≥ {low:g}" for _, low, label in s.bands)
        rows.append([s.title, scores, verdict, bands])
    return _table(head, rows)


def item_table(report: Report) -> tuple[list[str], list[list[str]]]:
    """(header, rows) of the item table as a person reads it, in the app and the HTML report: the
    points, the weight and what the answer counts for, so that the score can be added up."""
    lang = report.language
    head = [t("table.instrument", lang), t("table.question", lang), t("table.answer", lang),
            t("table.points", lang), t("table.weight", lang), t("table.counted", lang), t("table.criteria", lang)]
    rows = [[r["instrument"], r["question"], r["answer"],
             "" if r["points"] is None else f"{r['points']:g} / {r['max_points']:g}",
             "" if r.get("weight") is None else f"{r['weight']:g}",
             "" if r.get("counted") is None else f"{r['counted']:.4g} / {r['counted_of']:g}",
             r["criteria"].replace(";", ", ")]
            for r in report.rows if r["status"] != "hidden"]
    return head, rows


def _items_table(report: Report) -> str:
    return f"<p class='small'>{_e(t('report.items_how', report.language))}</p>" + _table(*item_table(report))


def _action(a: ActionRow, lang: str) -> str:
    criteria = f" <span class='small'>({_e(', '.join(a.criteria))})</span>" if a.criteria else ""
    reasons = "".join(f"<li class='small'>{_e(t('report.action_reason', lang, question=r.text, instrument=r.instrument, answer=r.answer))}</li>"  # noqa: E501
                      for r in a.reasons)
    return f"<li><strong>{_e(a.text)}</strong>{criteria}<ul>{reasons}</ul></li>"


def _table(head: Iterable[object], rows: Iterable[Iterable[object]]) -> str:
    out = ["<div class='table'><table><thead><tr>", *(f"<th>{_e(h)}</th>" for h in head), "</tr></thead><tbody>"]
    for row in rows:
        out.append("<tr>" + "".join(f"<td>{_e(c)}</td>" for c in row) + "</tr>")
    out.append("</tbody></table></div>")
    return "".join(out)


def no_critical_key(report: Report) -> str:
    """What to say when no critical flag was raised: reassuring only with a good verdict and no flag."""
    if report.reassuring and not report.flags_listed:
        return "report.no_critical"
    if report.unverified:
        return "report.no_critical_open"
    return "report.no_critical_flags_listed" if report.other_flags else "report.no_critical_plain"
