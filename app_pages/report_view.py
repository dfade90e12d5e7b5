"""The report, drawn from a saved submission: shown in place right after submitting (one script
run, no page switch) and on the Report page."""

import datetime as dt
import json
from collections.abc import Callable

import pandas as pd
import streamlit as st

from app_pages import state
from app_pages.common import CHART_CONFIG, T, crisis_box, crisis_country, instruments, lang, safe
from app_pages.state import SavedReport
from scoring import charts, export, report
from scoring import results as resultfile
from scoring.engine import Result
from scoring.instrument import Instrument


def render(audience: str, saved: SavedReport, edit: Callable[[], None],
           next_steps: Callable[[], None] | None = None) -> None:
    """The report's sections (scoring.report.layout) in order, each drawn by the renderer of its kind;
    the page adds what only a page has (next steps, the question sheet, the trend and the downloads)."""
    language = lang()
    available = instruments()
    chosen = {i: available[i] for i in saved["selected"] if i in available}
    scored = _scored(saved, available, chosen, audience)
    rep = report.build(available, scored, audience=audience, lang=language)
    title = T("report.title" if audience == "vetting" else "report.audit_title")
    today = dt.date.today().isoformat()
    page = _Page(audience, saved, chosen, scored, rep, language, title, today)

    st.title(title)
    st.caption(" · ".join(x for x in (safe(saved["label"]), today, T("context." + saved["context"]),
                                      T("report.stage", stage=T("stage." + rep.stage))) if x))
    # what only the page has, before or after a section of the report
    before: dict[type[report.Section], Callable[[], None]] = {report.Crisis: lambda: page.downloads(edit)}
    if (rep.questions or rep.unverified) and audience == "vetting":
        before[report.Scores] = page.question_sheet
    after: dict[type[report.Section], Callable[[], None]] = (
        {report.Counts: next_steps} if next_steps is not None else {})
    for section in rep.sections:
        before.get(type(section), _nothing)()
        RENDERERS[type(section)](section, rep)
        after.get(type(section), _nothing)()


def _nothing() -> None:
    pass


def _scored(saved: SavedReport, available: dict[str, Instrument], chosen: dict[str, Instrument], audience: str
            ) -> dict[str, Result]:
    """The results scored when submitted; scored again only for an older saved report."""
    scored = saved.get("results")
    if scored is None or set(scored) != set(chosen):
        scored = resultfile.score_all(available, {i: saved["answers"].get(i, {}) for i in chosen},
                                      context=saved["context"], audience=audience,
                                      stage=saved.get("answer_stage", "after_session"))
    return scored


# --------------------------------------------------------------------------- one renderer per kind of section


def _verdict(s: report.Verdict, rep: report.Report) -> None:
    # colour by tone: only a good verdict is ever green (revision 2)
    banner = {"critical": st.error, "poor": st.error, "unverified": st.warning, "mixed": st.warning,
              "good": st.success}
    banner.get(s.tone, st.info)(f"**{s.text}**")


def _note(s: report.Note, rep: report.Report) -> None:
    st.caption(s.text)


def _counts(s: report.Counts, rep: report.Report) -> None:
    """The counts first, each a link to its section: a long report is read from the top down."""
    st.markdown(" · ".join(f"[{c.label}: **{c.n}**](#{c.anchor})" for c in s.counts))


def _flag_lines(flag: report.Flag) -> str:
    lines = [f"**{safe(flag.title)}**"] + [safe(x) for x in (flag.why, flag.details) if x]
    return "  \n".join(lines)


def _flags(s: report.Flags, rep: report.Report) -> None:
    st.header(s.heading, anchor=s.anchor)
    if s.empty:  # green only when the verdict is good and no flag at all is listed
        {"good": st.success, "unverified": st.warning}.get(s.empty_tone, st.info)(s.empty)
    if not s.folded:
        for flag in s.flags:
            st.error(_flag_lines(flag))
        return
    with st.expander(s.fold_label, expanded=s.expanded):
        st.markdown("\n".join("- " + _flag_lines(f).replace("  \n", "  \n  ") for f in s.flags))


def _unverified(s: report.Unverified, rep: report.Report) -> None:
    st.header(s.heading, anchor=s.anchor)
    st.warning(s.intro + "\n\n" + "\n".join(f"- **{safe(q.text)}** ({safe(q.detail)})" for q in s.questions))


def _actions(s: report.Actions, rep: report.Report) -> None:
    st.header(s.heading, anchor=s.anchor)
    st.caption(s.intro)
    for group in s.groups:
        st.subheader(group.heading)
        st.markdown("\n".join(_action_lines(a) for a in group.actions))


def _action_lines(action: report.Action) -> str:
    """An action, its criteria, and the audit questions whose answers put it on the plan."""
    lines = [f"- **{safe(action.text)}** ({safe(action.criteria)})" if action.criteria
             else f"- **{safe(action.text)}**"]
    return "\n".join(lines + [f"  - {safe(reason)}" for reason in action.reasons])


def _questions(s: report.Questions, rep: report.Report) -> None:
    st.header(s.heading, anchor=s.anchor)
    with st.expander(s.fold_label, expanded=s.expanded):
        for group in s.groups:
            st.markdown(f"**{safe(group.heading)}**\n\n" + "\n".join(f"- {safe(q)}" for q in group.questions))


def _scores(s: report.Scores, rep: report.Report) -> None:
    st.header(s.heading, anchor=s.anchor)
    for fig in (f for f in (charts.scores_chart(rep), charts.alliance_chart(rep)) if f is not None):
        st.plotly_chart(fig, width="stretch", config=CHART_CONFIG)
    # a small table as markdown: cheaper to draw than a dataframe widget, and it prints the same
    lines = ["| " + " | ".join(s.table.head) + " |", "|" + "---|" * len(s.table.head)]
    lines += ["| " + " | ".join(safe(c) for c in row) + " |" for row in s.table.rows]
    st.markdown("\n".join(lines))


def _items(s: report.Items, rep: report.Report) -> None:
    # the 100-odd rows are drawn only when asked for (they are always in the CSV and HTML downloads)
    if st.toggle(s.heading):
        st.caption(s.intro)
        # narrow number columns and a question column that wraps less wide: weight and what an answer
        # counts for stay in view beside the question instead of past its right edge
        widths = dict(zip(s.table.head, (140, 360, 90, 70, 70, 80, 90), strict=True))
        st.dataframe(pd.DataFrame(list(s.table.rows), columns=list(s.table.head)), hide_index=True, width="stretch",
                     column_config={h: st.column_config.TextColumn(h, width=w) for h, w in widths.items()})


def _crisis(s: report.Crisis, rep: report.Report) -> None:
    crisis_box()


RENDERERS: dict[type, Callable] = {
    report.Verdict: _verdict, report.Note: _note, report.Counts: _counts, report.Flags: _flags,
    report.Unverified: _unverified, report.Actions: _actions, report.Questions: _questions,
    report.Scores: _scores, report.Items: _items, report.Crisis: _crisis,
}


class _Page:
    """What only the page has: the question sheet, the self-audit's trend and the downloads."""

    def __init__(self, audience: str, saved: SavedReport, chosen: dict[str, Instrument], scored: dict[str, Result],
                 rep: report.Report, language: str, title: str, today: str) -> None:
        self.audience, self.saved, self.chosen, self.scored, self.rep = audience, saved, chosen, scored, rep
        self.language, self.title, self.today = language, title, today

    def files(self, trend: list[tuple[str, str, float | None]] | None) -> dict[str, bytes]:
        return _files(self.saved, self.chosen, self.scored, self.rep, self.audience, self.language, self.title,
                      self.today, trend, crisis_country())

    def question_sheet(self) -> None:
        st.download_button(T("questions.download"), self.files(None)["ask"],
                           f"guidecheck-questions-{self.today}.html", "text/html",
                           on_click="ignore", key=f"download_{self.audience}_questions")

    def downloads(self, edit: Callable[[], None]) -> None:
        audience = self.audience
        trend = _trend(self.rep, instruments(), self.language, self.today) if audience == "self_audit" else None
        st.header(T("report.download"))
        stem = f"guidecheck-{audience}-{self.today}"
        files = self.files(trend)
        # The files are made once per report and handed over as bytes, not as callables: Streamlit keeps
        # a deferred download's callable only while this session's last run references it, so a click
        # while another session's run ends could find it gone ("Deferred file ... not found"). With
        # on_click="ignore" a click starts no rerun, so the file stays referenced until it has arrived.
        columns = st.columns(3)
        for column, (key, name, mime) in zip(columns, (("json", f"{stem}.json", "application/json"),
                                                       ("csv", f"{stem}.csv", "text/csv"),
                                                       ("html", f"{stem}.html", "text/html")), strict=True):
            column.download_button(T(f"report.download_{key}"), files[key], name, mime, width="stretch",
                                   on_click="ignore", key=f"download_{audience}_{key}",
                                   help=T(f"report.download_{key}_help") if key != "csv" else None)
        if st.button(T("report.edit"), key=f"edit_{audience}"):
            edit()


def _trend(rep: report.Report, available: dict[str, Instrument], language: str, today: str
           ) -> list[tuple[str, str, float | None]]:
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
            band_score = available[iid].band_score
            if band_score:
                points.append((when, available[iid].title(language), result.scores.get(band_score)))
    if uploads:
        st.plotly_chart(charts.trend_chart(points, language), width="stretch", config=CHART_CONFIG)
    return points if uploads else []


def _files(saved: SavedReport, chosen: dict[str, Instrument], scored: dict[str, Result], rep: report.Report,
           audience: str, language: str, title: str, today: str,
           trend: list[tuple[str, str, float | None]] | None, country: str) -> dict[str, bytes]:
    """The three downloads, made once per report, language, trend and country (kept in the session)."""
    key = json.dumps([audience, language, country, today, saved["context"], saved["label"], saved.get("answer_stage"),
                      sorted(chosen), resultfile._jsonable({k: resultfile._jsonable(v)
                                                            for k, v in saved["answers"].items()}),
                      trend], sort_keys=True, default=str)
    cache = state.download_files()
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
