"""The report, drawn from a saved submission: shown in place right after submitting (one script
run, no page switch) and on the Report page."""

import datetime as dt
from collections.abc import Callable

import pandas as pd
import streamlit as st

from app_pages.common import T, crisis_box, instruments, lang, not_a_guarantee, safe
from scoring import charts, export, report
from scoring import results as resultfile


def render(audience: str, saved: dict, edit: Callable[[], None]) -> None:
    language = lang()
    available = instruments()
    chosen = {i: available[i] for i in saved["selected"] if i in available}
    scored = saved.get("results")  # scored when submitted; scored again only for an older saved report
    if scored is None or set(scored) != set(chosen):
        scored = resultfile.score_all(available, {i: saved["answers"].get(i, {}) for i in chosen},
                                      context=saved["context"], audience=audience)
    rep = report.build(available, scored, audience=audience, lang=language)
    title = T("report.title" if audience == "vetting" else "report.audit_title")
    today = dt.date.today().isoformat()

    st.title(title)
    st.caption(" · ".join(x for x in (safe(saved["label"]), today, T("context." + saved["context"])) if x))
    banner = {"critical": st.error, "concerns": st.warning, "partial": st.warning, "meets": st.success}
    banner.get(rep.overall, st.info)(f"**{T('overall.' + rep.overall)}**")
    not_a_guarantee()

    st.header(T("report.critical"))
    if not rep.critical:
        st.success(T("report.no_critical"))
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
        st.header(T("report.unverified"))
        st.warning(T("report.unverified_help") + "\n\n" + "\n".join(
            f"- {safe(u.text)} ({safe(u.instrument)}; {safe(', '.join(u.criteria))})" for u in rep.unverified))

    if rep.other_flags and audience != "self_audit":  # a self-audit lists them in its action plan
        st.header(T("report.other_flags"))
        for flag in rep.other_flags:
            st.markdown(f"- **{T('severity.' + flag.severity)}**: {safe(flag.message)}  \n"
                        f"  {safe(', '.join(flag.instruments) + ' · ' + ', '.join(flag.criteria))}")

    if rep.action_plan and any(rep.action_plan.values()):
        st.header(T("report.action_plan"))
        for severity, rows in rep.action_plan.items():
            if rows:
                st.subheader(T("severity." + severity))
                st.markdown("\n".join(f"- {safe(r.text)} ({safe(', '.join(r.criteria))})" for r in rows))

    if rep.questions:
        st.header(T("report.questions" if audience == "vetting" else "report.open_items"))
        st.markdown("\n".join(f"- {safe(q.text)}" for q in rep.questions))

    st.header(T("report.scores"))
    figures = [f for f in (charts.scores_chart(rep), charts.alliance_chart(rep)) if f is not None]
    for fig in figures:
        st.plotly_chart(fig, width="stretch")
    # a small table as markdown: cheaper to draw than a dataframe widget, and it prints the same
    header = [T("table.instrument"), T("table.score"), T("table.verdict"), T("table.bands")]
    lines = ["| " + " | ".join(header) + " |", "|" + "---|" * len(header)]
    for s in rep.summaries:
        scores = ", ".join(f"{s.score_labels[k]}: " + ("–" if v is None else
                           (f"{v:.0f}%" if s.method[k] == "percent" else f"{v:.2f}")) for k, v in s.scores.items())
        verdict = T("report.descriptive") if s.descriptive else (s.verdict_label or T("level." + s.level))
        bands = " · ".join(f"{label} ≥ {low:g}" for _, low, label in s.bands)
        lines.append("| " + " | ".join(safe(c) for c in (s.title, scores, verdict, bands)) + " |")
    st.markdown("\n".join(lines))

    # the 100-odd rows are drawn only when asked for (they are always in the CSV and HTML downloads)
    if st.toggle(T("report.items")):
        items = pd.DataFrame([r for r in rep.rows if r["status"] != "hidden"])
        st.dataframe(items, hide_index=True, width="stretch")

    st.header(T("report.download"))
    stem = f"guidecheck-{audience}-{today}"
    c1, c2, c3 = st.columns(3)
    # The files are made when a button is clicked (Streamlit calls these then), not on every rerun.
    c1.download_button(T("report.download_json"), lambda: resultfile.dumps(resultfile.build(
        chosen, saved["answers"], kind=audience, context=saved["context"], label=saved["label"], language=language,
        results=scored)), f"{stem}.json", "application/json", width="stretch")
    c2.download_button(T("report.download_csv"), lambda: export.rows_csv(rep.rows), f"{stem}.csv", "text/csv",
                       width="stretch")
    c3.download_button(T("report.download_html"), lambda: export.report_html(
        rep, title=title, label=saved["label"], date=today, context=saved["context"], figures=figures),
        f"{stem}.html", "text/html", width="stretch")
    if st.button(T("report.edit"), key=f"edit_{audience}"):
        edit()

    if audience == "self_audit":
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
            st.plotly_chart(charts.trend_chart(points, language), width="stretch")

    crisis_box()
