"""Downloads: CSV that spreadsheets cannot turn into formulas, and a self-contained HTML report
that opens offline and prints well. Every text is escaped; no instrument text becomes markup."""

from __future__ import annotations

import csv
import io
from pathlib import Path
from typing import IO, Any, TypeVar

import pandas as pd
from jinja2 import Environment, PackageLoader, StrictUndefined
from markupsafe import Markup, escape

from . import plaintext, svg
from .i18n import t
from .report import PERCENT_METHODS, TONE_COLOURS, Report, format_score
from .report import item_table as report_item_table
from .report import no_critical_key as no_critical_key  # where callers of the first version look for it
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


# Jinja2 renders both HTML files with autoescape on: no instrument, file or person's text becomes
# markup. Every value is first cleaned of invisible characters (plaintext.clean); the SVG charts,
# escaped by scoring.svg, are the only markup passed in (as Markup).
def _finalize(value: object) -> object:
    return value if isinstance(value, Markup) else plaintext.clean(value)


_TEMPLATES = Environment(loader=PackageLoader("scoring", "templates"), autoescape=True, finalize=_finalize,
                         undefined=StrictUndefined, trim_blocks=True, lstrip_blocks=True)


def _e(value: object) -> str:
    """A text as the templates write it (cleaned, then escaped)."""
    return str(escape(plaintext.clean(value)))


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
            (profile.score_labels[k], v, format_score(v, profile.method[k])) for k, v in profile.scores.items()],
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
    return _TEMPLATES.get_template("questions.html.j2").render(
        lang=lang, title=title, css=Markup(CSS), meta=[m for m in (label, date) if m], groups=groups,
        intro=t("questions.sheet_intro", lang), not_a_guarantee=NOT_A_GUARANTEE[lang]).encode("utf-8")


def report_html(report: Report, *, title: str, label: str, date: str, context: str, figures: list | None = None,
                trend: list | None = None, country: str | None = None) -> bytes:
    """The whole report as one HTML file: opens offline, prints, fits a phone. ``figures`` is kept for
    callers of the first version and no longer used: the charts are drawn as SVG from the report.
    ``country`` chooses the crisis resources listed (default: from the language)."""
    lang = report.language
    meta = [m for m in (label, date, t("context." + context, lang),
                        t("report.stage", lang, stage=t("stage." + report.stage, lang))) if m]
    return _TEMPLATES.get_template("report.html.j2").render(
        lang=lang, title=title, css=Markup(CSS), meta=meta,
        sections=[(type(s).__name__, s) for s in report.sections],
        charts=[Markup(chart) for chart in report_charts(report, trend)],
        resources=[resource_parts(r) for r in crisis_resources(lang, country)],
        what_it_is_not=WHAT_IT_IS_NOT[lang]).encode("utf-8")


def item_table(report: Report) -> tuple[list[str], list[list[str]]]:
    """(header, rows) of the item table (scoring.report.item_table), as lists."""
    table = report_item_table(report)
    return list(table.head), [list(row) for row in table.rows]
