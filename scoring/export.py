"""Downloads: CSV that spreadsheets cannot turn into formulas, and a self-contained HTML report
that opens offline and prints well. Every text is escaped; no instrument text becomes markup."""

from __future__ import annotations

import csv
import io
from functools import lru_cache

from . import plaintext
from .i18n import t
from .report import Report
from .resources import CRISIS_RESOURCES, NOT_A_GUARANTEE, WHAT_IT_IS_NOT, text

FORMULA_STARTS = ("=", "+", "-", "@", "\t", "\r")


def neutralise(value):
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
        writer.writerow({k: neutralise("" if v is None else v) for k, v in row.items()})
    return out.getvalue().encode("utf-8")


def frame_csv(frame, target=None, **options):
    """A DataFrame as CSV (to ``target``, a path or an open file, else returned) with every text
    cell and column name that a spreadsheet would run as a formula neutralised."""
    safe = frame.rename(columns=lambda c: neutralise(str(c)))
    for column in safe.select_dtypes(include=["object", "string"]).columns:
        safe[column] = safe[column].map(neutralise)
    return safe.to_csv(target, index=False, lineterminator="\n", **options)


@lru_cache(maxsize=1)
def _plotly_js() -> str:
    from plotly.offline import get_plotlyjs

    return get_plotlyjs()


CSS = """
body{font-family:'Source Sans Pro',Arial,sans-serif;max-width:60rem;margin:2rem auto;padding:0 1rem;color:#222;
line-height:1.45}
h1{margin-bottom:.2rem}h2{border-bottom:2px solid #eee;padding-bottom:.2rem;margin-top:2rem}
.meta{color:#555}.banner{padding:.8rem 1rem;border-radius:.4rem;margin:1rem 0;font-weight:600}
.critical{background:#fde7e9;border-left:6px solid #b3261e}.concerns{background:#fff1e0;border-left:6px solid #e8710a}
.partial{background:#fff8db;border-left:6px solid #f2c230}.meets{background:#e8f5e9;border-left:6px solid #2e7d32}
.incomplete,.none{background:#f1f1f1;border-left:6px solid #9e9e9e}
.flag{border:1px solid #ddd;border-radius:.4rem;padding:.6rem .9rem;margin:.6rem 0;break-inside:avoid}
.small{color:#555;font-size:.9rem}table{border-collapse:collapse;width:100%;font-size:.9rem}
th,td{border:1px solid #ddd;padding:.3rem .4rem;text-align:left;vertical-align:top}th{background:#f6f6f6}
.note{background:#f4f6fb;padding:.7rem 1rem;border-radius:.4rem}
@media print{body{margin:0;max-width:none}.chart{break-inside:avoid}h2{break-after:avoid}}
"""


def _e(value) -> str:
    return plaintext.html(value)


def report_html(report: Report, *, title: str, label: str, date: str, context: str, figures: list) -> bytes:
    lang = report.language
    parts = [f"<!doctype html><html lang='{_e(lang)}'><head><meta charset='utf-8'>",
             "<meta name='viewport' content='width=device-width, initial-scale=1'>",
             f"<title>{_e(title)}</title><style>{CSS}</style>"]
    if figures:
        parts.append(f"<script>{_plotly_js()}</script>")
    parts.append("</head><body>")
    parts.append(f"<h1>{_e(title)}</h1>")
    meta = [m for m in (label, date, t('context.' + context, lang)) if m]
    parts.append(f"<p class='meta'>{' · '.join(_e(m) for m in meta)}</p>")
    parts.append(f"<div class='banner {_e(report.overall)}'>{_e(t('overall.' + report.overall, lang))}</div>")
    parts.append(f"<p class='note'>{_e(NOT_A_GUARANTEE[lang])}</p>")

    parts.append(f"<h2>{_e(t('report.critical', lang))}</h2>")
    if report.critical:
        parts.extend(_flag(f, lang) for f in report.critical)
    else:
        parts.append(f"<p>{_e(t('report.no_critical', lang))}</p>")
    if report.unverified:
        parts.append(f"<h2>{_e(t('report.unverified', lang))}</h2><p>{_e(t('report.unverified_help', lang))}</p><ul>")
        parts.extend(f"<li>{_e(u.text)} <span class='small'>({_e(u.instrument)}; "
                     f"{_e(', '.join(u.criteria))})</span></li>" for u in report.unverified)
        parts.append("</ul>")
    if report.other_flags and report.audience != "self_audit":  # a self-audit has them in its action plan
        parts.append(f"<h2>{_e(t('report.other_flags', lang))}</h2>")
        parts.extend(_flag(f, lang) for f in report.other_flags)
    if report.action_plan and any(report.action_plan.values()):
        parts.append(f"<h2>{_e(t('report.action_plan', lang))}</h2>")
        for severity, items in report.action_plan.items():
            if items:
                parts.append(f"<h3>{_e(t('severity.' + severity, lang))}</h3><ul>")
                parts.extend(f"<li>{_e(i.text)} <span class='small'>({_e(', '.join(i.criteria))})</span></li>"
                             for i in items)
                parts.append("</ul>")
    if report.questions:
        key = "report.questions" if report.audience != "self_audit" else "report.open_items"
        parts.append(f"<h2>{_e(t(key, lang))}</h2><ul>")
        parts.extend(f"<li>{_e(q.text)}</li>" for q in report.questions)
        parts.append("</ul>")

    parts.append(f"<h2>{_e(t('report.scores', lang))}</h2>")
    for fig in figures:
        import plotly.graph_objects as go  # here, not at the top: the CLI writes CSV without Plotly

        fig = fig if isinstance(fig, go.Figure) else go.Figure(fig)
        parts.append("<div class='chart'>" + fig.to_html(full_html=False, include_plotlyjs=False,
                                                         config={"displayModeBar": False, "responsive": True})
                     + "</div>")
    parts.append(_summary_table(report))
    parts.append(f"<h2>{_e(t('report.items', lang))}</h2>")
    parts.append(_items_table(report))
    parts.append(f"<h2>{_e(t('crisis.title', lang))}</h2><ul>")
    parts.extend(f"<li><strong>{_e(text(r['name'], lang))}</strong>: {_e(r['contact'])}. "
                 f"{_e(text(r['about'], lang))}</li>" for r in CRISIS_RESOURCES)
    parts.append(f"</ul><p class='small'>{_e(WHAT_IT_IS_NOT[lang])}</p></body></html>")
    return "".join(parts).encode("utf-8")


def _flag(f, lang) -> str:
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
    head = [t("table.instrument", lang), t("table.score", lang), t("table.verdict", lang)]
    rows = []
    for s in report.summaries:
        scores = ", ".join(f"{s.score_labels[k]}: {_fmt(v, s.method[k])}" for k, v in s.scores.items())
        verdict = t("report.descriptive", lang) if s.descriptive else (
            s.verdict_label or t("level." + s.level, lang))
        rows.append([s.title, scores, verdict])
    return _table(head, rows)


def _items_table(report: Report) -> str:
    lang = report.language
    head = [t("table.instrument", lang), t("table.question", lang), t("table.answer", lang),
            t("table.points", lang), t("table.criteria", lang)]
    rows = [[r["instrument"], r["question"], r["answer"],
             "" if r["points"] is None else f"{r['points']:g} / {r['max_points']:g}", r["criteria"]]
            for r in report.rows if r["status"] != "hidden"]
    return _table(head, rows)


def _table(head, rows) -> str:
    out = ["<table><thead><tr>", *(f"<th>{_e(h)}</th>" for h in head), "</tr></thead><tbody>"]
    for row in rows:
        out.append("<tr>" + "".join(f"<td>{_e(c)}</td>" for c in row) + "</tr>")
    out.append("</tbody></table>")
    return "".join(out)


def _fmt(value, method) -> str:
    if value is None:
        return "–"
    return f"{value:.0f}%" if method == "percent" else f"{value:.2f}"
