"""The report, drawn from a saved submission: shown in place right after submitting (one script
run, no page switch) and on the Report page."""

import datetime as dt
import json
from collections.abc import Callable

import pandas as pd
import streamlit as st

from app_pages.common import CHART_CONFIG, T, crisis_box, crisis_country, instruments, lang, not_a_guarantee, safe
from scoring import charts, export, report
from scoring import results as resultfile


def render(audience: str, saved: dict, edit: Callable[[], None], next_steps: Callable[[], None] | None = None) -> None:
    language = lang()
    available = instruments()
    chosen = {i: available[i] for i in saved["selected"] if i in available}
    scored = saved.get("results")  # scored when submitted; scored again only for an older saved report
    if scored is None or set(scored) != set(chosen):
        scored = resultfile.score_all(available, {i: saved["answers"].get(i, {}) for i in chosen},
                                      context=saved["context"], audience=audience,
                                      stage=saved.get("answer_stage", "after_session"))
    rep = report.build(available, scored, audience=audience, lang=language)
    title = T("report.title" if audience == "vetting" else "report.audit_title")
    today = dt.date.today().isoformat()

    st.title(title)
    st.caption(" · ".join(x for x in (safe(saved["label"]), today, T("context." + saved["context"]),
                                      T("report.stage", stage=T("stage." + rep.stage))) if x))
    # colour by tone: only a good verdict is ever green (revision 2)
    banner = {"critical": st.error, "poor": st.error, "unverified": st.warning, "mixed": st.warning,
              "good": st.success}
    banner.get(rep.overall, st.info)(f"**{T('overall.' + rep.overall)}**")
    not_a_guarantee()
    summary(rep, audience)
    if next_steps is not None:
        next_steps()

    audit = audience == "self_audit"
    st.header(T("report.critical_audit" if audit else "report.critical"), anchor="critical")
    if not rep.critical:  # green only when the verdict is good and no flag at all is listed
        key = export.no_critical_key(rep)
        {"report.no_critical": st.success, "report.no_critical_open": st.warning}.get(key, st.info)(T(key))
    for flag in rep.critical:
        lines = [f"**{safe(flag.message)}**"]
        if flag.why:
            lines.append(f"{T('report.why')}: {safe(flag.why)}")
        details = [", ".join(flag.instruments), ", ".join(flag.criteria)]
        if flag.source:
            details.append(f"{T('report.source')}: {flag.source}")
        lines.append(safe(" · ".join(d for d in details if d)))
        st.error("  \n".join(lines))

    if rep.unverified:
        st.header(T("report.unverified_audit_title" if audit else "report.unverified"), anchor="unverified")
        help_key = "report.unverified_audit" if audience == "self_audit" else "report.unverified_help"
        st.warning(T(help_key) + "\n\n" + "\n".join(
            f"- **{safe(u.ask)}** ({safe(u.instrument)}; {safe(', '.join(u.criteria))})" for u in rep.unverified))

    if rep.other_flags and audience != "self_audit":  # a self-audit lists them in its action plan
        st.header(T("report.other_flags"), anchor="warnings")
        with st.expander(T("report.show_list", n=len(rep.other_flags)), expanded=len(rep.other_flags) <= 5):
            for flag in rep.other_flags:
                st.markdown(f"- **{T('severity.' + flag.severity)}**: {safe(flag.message)}  \n"
                            f"  {safe(', '.join(flag.instruments) + ' · ' + ', '.join(flag.criteria))}")

    if rep.action_plan:
        st.header(T("report.action_plan"), anchor="actions")
        st.caption(T("report.action_plan_intro"))
        for severity in report.SEVERITY_ORDER:
            rows = [a for a in rep.action_plan if a.severity == severity]
            if rows:
                st.subheader(T("severity." + severity))
                st.markdown("\n".join(_action_lines(a) for a in rows))

    if rep.questions:
        st.header(T("report.questions" if audience == "vetting" else "report.open_items"), anchor="questions")
        with st.expander(T("report.show_list", n=len(rep.questions)), expanded=len(rep.questions) <= 8):
            groups: dict[str, list] = {}
            for q in rep.questions:
                groups.setdefault(q.instrument, []).append(q)
            for instrument, rows in groups.items():
                st.markdown(f"**{safe(instrument)}**\n\n" + "\n".join(f"- {safe(q.ask or q.text)}" for q in rows))
    if (rep.questions or rep.unverified) and audience == "vetting":
        sheet = _files(saved, chosen, scored, rep, audience, language, title, today, None, crisis_country())["ask"]
        st.download_button(T("questions.download"), sheet, f"guidecheck-questions-{today}.html", "text/html",
                           on_click="ignore", key=f"download_{audience}_questions")

    st.header(T("report.scores"))
    figures = [f for f in (charts.scores_chart(rep), charts.alliance_chart(rep)) if f is not None]
    for fig in figures:
        st.plotly_chart(fig, width="stretch", config=CHART_CONFIG)
    # a small table as markdown: cheaper to draw than a dataframe widget, and it prints the same
    header = [T("table.instrument"), T("table.score"), T("table.verdict"), T("table.bands")]
    lines = ["| " + " | ".join(header) + " |", "|" + "---|" * len(header)]
    for s in rep.summaries:
        scores = ", ".join(f"{s.score_labels[k]}: {report.format_score(v, s.method[k])}" for k, v in s.scores.items())
        verdict = T("report.descriptive") if s.descriptive else (s.verdict_label or T("level." + s.level))
        bands = " · ".join(f"{label} ≥ {low:g}" for _, low, label in s.bands)
        lines.append("| " + " | ".join(safe(c) for c in (s.title, scores, verdict, bands)) + " |")
    st.markdown("\n".join(lines))

    # the 100-odd rows are drawn only when asked for (they are always in the CSV and HTML downloads)
    if st.toggle(T("report.items")):
        st.caption(T("report.items_how"))
        head, rows = export.item_table(rep)
        # narrow number columns and a question column that wraps less wide: weight and what an answer
        # counts for stay in view beside the question instead of past its right edge
        widths = dict(zip(head, (140, 360, 90, 70, 70, 80, 90), strict=True))
        st.dataframe(pd.DataFrame(rows, columns=head), hide_index=True, width="stretch",
                     column_config={h: st.column_config.TextColumn(h, width=w) for h, w in widths.items()})

    trend = _trend(rep, available, language, today) if audience == "self_audit" else None

    st.header(T("report.download"))
    stem = f"guidecheck-{audience}-{today}"
    files = _files(saved, chosen, scored, rep, audience, language, title, today, trend, crisis_country())
    c1, c2, c3 = st.columns(3)
    # The files are made once per report and handed over as bytes, not as callables: Streamlit keeps
    # a deferred download's callable only while this session's last run references it, so a click
    # while another session's run ends could find it gone ("Deferred file ... not found"). With
    # on_click="ignore" a click starts no rerun, so the file stays referenced until it has arrived.
    for column, (key, name, mime) in zip((c1, c2, c3), (("json", f"{stem}.json", "application/json"),
                                                     ("csv", f"{stem}.csv", "text/csv"),
                                                     ("html", f"{stem}.html", "text/html")), strict=True):
        column.download_button(T(f"report.download_{key}"), files[key], name, mime, width="stretch",
                               on_click="ignore", key=f"download_{audience}_{key}",
                               help=T(f"report.download_{key}_help") if key != "csv" else None)
    if st.button(T("report.edit"), key=f"edit_{audience}"):
        edit()

    crisis_box()


def _trend(rep, available, language: str, today: str) -> list:
    """A self-audit's banded scores today and in the earlier audit files uploaded here (also drawn)."""
    st.header(T("report.trend"))
    uploads = st.file_uploader(T("report.trend_upload"), type=["json"], accept_multiple_files=True)
    points = [(today, s.title, s.main) for s in rep.summaries if not s.descriptive]
    for upload in uploads or []:
        try:
            file, answers, warnings = resultfile.parse(upload.getvalue(), available, kind="self_audit",
                                                       lang=language)
        except resultfile.ResultFileError as exc:
            st.error(T("file.bad", name=safe(upload.name), error=safe(str(exc))))
            continue
        for w in warnings:
            st.caption(safe(f"{upload.name}: {w}"))
        when = (file.date or dt.date.today()).isoformat()
        for iid, result in resultfile.rescore(file, answers, available).items():
            if available[iid].band_score:
                points.append((when, available[iid].title(language), result.scores.get(available[iid].band_score)))
    if uploads:
        st.plotly_chart(charts.trend_chart(points, language), width="stretch", config=CHART_CONFIG)
    return points if uploads else []


def _files(saved, chosen, scored, rep, audience, language, title, today, trend, country) -> dict[str, bytes]:
    """The three downloads, made once per report, language, trend and country (kept in the session)."""
    key = json.dumps([audience, language, country, today, saved["context"], saved["label"], saved.get("answer_stage"),
                      sorted(chosen), resultfile._jsonable({k: resultfile._jsonable(v)
                                                            for k, v in saved["answers"].items()}),
                      trend], sort_keys=True, default=str)
    cache = st.session_state.setdefault("_download_files", {})
    if cache.get(audience, (None,))[0] != key:
        cache[audience] = (key, {
            "json": resultfile.dumps(resultfile.build(
                chosen, saved["answers"], kind=audience, context=saved["context"], label=saved["label"],
                language=language, results=scored, stage=saved.get("answer_stage", "after_session"))),
            "csv": export.rows_csv(rep.rows),
            "ask": export.questions_html(rep, title=T("questions.title"), label=saved["label"], date=today),
            "html": export.report_html(rep, title=title, label=saved["label"], date=today, context=saved["context"],
                                       trend=trend, country=country),
        })
    return cache[audience][1]


def _action_lines(action) -> str:
    """An action, its criteria, and the audit questions whose answers put it on the plan."""
    lines = [f"- **{safe(action.text)}** ({safe(', '.join(action.criteria))})" if action.criteria
             else f"- **{safe(action.text)}**"]
    lines += [f"  - {safe(T('report.action_reason', question=r.text, instrument=r.instrument, answer=r.answer))}"
              for r in action.reasons]
    return "\n".join(lines)


def summary(rep, audience: str) -> None:
    """The counts first, each a link to its section: a long report is read from the top down."""
    parts = [(T("report.critical_audit" if audience == "self_audit" else "report.critical"), len(rep.critical),
              "critical")]
    if rep.unverified:
        parts.append((T("report.unverified_short"), len(rep.unverified), "unverified"))
    if rep.other_flags and audience != "self_audit":
        parts.append((T("report.other_flags"), len(rep.other_flags), "warnings"))
    if rep.questions:
        parts.append((T("report.questions" if audience == "vetting" else "report.open_items"), len(rep.questions),
                      "questions"))
    st.markdown(" · ".join(f"[{label}: **{n}**](#{anchor})" for label, n, anchor in parts))
