"""The questionnaire flow shared by 'Vet a guide' and 'Self-audit'.

All answers live in one typed structure per audience, ``state.flow(audience)`` (a ``FlowState``);
widgets are drawn from it and write back to it in their callbacks. Streamlit forgets a widget's
own state when its page or section is not drawn, so this structure, not the widgets, is what
survives leaving the page and switching language.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any, cast

import streamlit as st
from streamlit.runtime.uploaded_file_manager import UploadedFile

from app_pages import browser_store
from app_pages import state as session
from app_pages.common import T, instruments, lang, not_a_guarantee, safe
from app_pages.state import Answering, FlowState, widget_key
from scoring import carryover, plaintext, score_response
from scoring import results as resultfile
from scoring.engine import Result
from scoring.instrument import Instrument
from scoring.items import plugin as item_type
from scoring.items.base import Choice, Widget
from scoring.model import ItemBase

CONTEXTS = ("clinical", "harm_reduction", "unknown")
STAGES = ("before_intake", "after_intake", "after_session")
FIRST = "red-flags"
Step = tuple[str, int]  # (instrument id, section index)


def applicable(audience: str, context: str) -> list[str]:
    available = instruments()
    ids = [i for i, inst in available.items() if audience in inst.spec.audiences
           and (context == "unknown" or context in inst.spec.contexts)]
    return sorted(ids, key=lambda i: (i != FIRST, i == "working-alliance", available[i].title(lang())))


def run(audience: str) -> None:
    flow = session.flow(audience)
    if flow.stage == "report" and session.saved_report(audience) is None:
        flow.stage = "questions"
    # on a part, the questions' fragment keeps the answers in the browser (it reruns on its own)
    if flow.stage != "questions" and keep_in_browser(audience, flow):
        st.rerun()
    if flow.stage == "report":  # right after submitting: the report, in place
        saved = session.saved_report(audience)
        if saved is not None:
            from app_pages.report_view import render

            def edit() -> None:
                flow.stage = "questions"
                st.rerun()

            offer = (lambda: full_check_offer(audience, flow)) if audience == "vetting" and \
                saved["selected"] == [FIRST] else None
            render(audience, saved, edit, next_steps=offer)
            return
        flow.stage = "questions"
    st.title(T("flow.vet_title" if audience == "vetting" else "flow.audit_title"))
    if flow.stage == "setup":
        setup(audience, flow)
    else:
        questions(audience, flow)


# --------------------------------------------------------------------------- setup


def _asks_by(inst: Instrument, stage: str) -> bool:
    """Whether an instrument has something to ask of answers given at ``stage``."""
    return any(STAGES.index(info.spec.stage) <= STAGES.index(stage) for info in inst.items.values())


def setup(audience: str, flow: FlowState) -> None:
    st.markdown(T("flow.vet_intro" if audience == "vetting" else "flow.audit_intro"))
    with st.expander(T("flow.resume")):
        upload = st.file_uploader(T("flow.resume"), type=["json"], key=widget_key("resume", audience),
                                  label_visibility="collapsed")
        if upload is not None:
            resume(audience, flow, upload)
    # cast: under mypy's python_version 3.10, Streamlit's "typing.Never" overload makes every radio None
    context = cast(str, st.radio(T("flow.context"), CONTEXTS, index=CONTEXTS.index(flow.context),
                                 format_func=lambda c: T("context." + c), help=T("flow.context_help"),
                                 key=widget_key("context", audience)))
    answer_stage = flow.answer_stage
    if audience == "vetting":  # an organisation knows its own practice: it answers everything
        answer_stage = cast(str, st.radio(
            T("flow.answer_stage"), STAGES, index=STAGES.index(flow.answer_stage),
            format_func=lambda v: T("stage.choice." + v), help=T("flow.answer_stage_help"),
            key=widget_key("answer_stage", audience), on_change=_reselect, args=(audience,)))
    options = applicable(audience, context)
    available = instruments()
    # The default path of a person vetting a guide is the call before booking: the red-flag screen
    # alone. From the intake on, the full check: every instrument with something to ask at that stage
    # (never the alliance before booking).
    first_path = [FIRST] if audience == "vetting" and answer_stage == "before_intake" and FIRST in options else None
    default = [i for i in (flow.selected or first_path or options)
               if i in options and _asks_by(available[i], answer_stage)]
    selected = st.multiselect(T("flow.instruments"), options, default=default,
                              format_func=lambda i: available[i].title(lang()), help=T("flow.instruments_help"),
                              key=widget_key("selected", audience, context, answer_stage))  # a new stage: a new default
    label = st.text_input(T("flow.label" if audience == "vetting" else "flow.label_audit"), value=flow.label,
                          max_chars=200, help=T("flow.label_help"),
                          key=widget_key("label", audience))
    if st.button(T("flow.start"), type="primary", key=widget_key("start", audience)):
        if not selected:
            st.error(T("flow.pick_one"))
            return
        flow.stage, flow.context, flow.label, flow.step = "questions", context, label, 0
        flow.answer_stage, flow.selected = answer_stage, sorted(selected, key=options.index)
        for iid in flow.selected:
            flow.answers.setdefault(iid, {})
        st.rerun()


def full_check_offer(audience: str, flow: FlowState) -> None:
    """After the call before booking, the full check: by stage, with every answer kept."""
    with st.container(border=True):
        st.markdown(f"**{T('flow.full_check')}**\n\n{T('flow.full_check_help')}")
        left, right = st.columns(2)
        for column, stage in ((left, "after_intake"), (right, "after_session")):
            column.button(T("flow.full_check_at", stage=T("stage." + stage)), key=widget_key("full", audience, stage),
                          on_click=continue_full_check, args=(audience, flow, stage), width="stretch")


def continue_full_check(audience: str, flow: FlowState, stage: str) -> None:
    """Go on from the call before booking to every checklist with something to ask at ``stage``,
    at its first open question (the red-flag answers stay; nothing is copied between checklists)."""
    options = applicable(audience, flow.context)
    available = instruments()
    chosen = [i for i in options if _asks_by(available[i], stage)]
    for iid in chosen:
        flow.answers.setdefault(iid, {})
    carried = carryover.carry({i: flow.answers[i] for i in chosen}, flow.carried)
    file = resultfile.ResultFile.model_validate({"guidecheck_result": 1, "kind": audience, "context": flow.context,
                                                 "label": flow.label, "stage": stage})
    restore(audience, flow, file, {i: flow.answers[i] for i in chosen}, [T("flow.full_check_started")])
    flow.carried = carried  # the call's answers, not asked again (filled in, shown as answered)
    session.request_scroll_top()


def keep_in_browser(audience: str, flow: FlowState) -> bool:
    """Keep the answers in this browser's storage, and bring them back after a reload or a closed
    tab (once per session, and only into an empty questionnaire). True when answers were restored."""
    forget = session.take_forget(audience)
    answered = any(flow.answers.values()) and bool(flow.selected)
    payload = None if forget or not answered else progress_file(audience, flow).decode("utf-8")
    stored = browser_store.sync(audience, save=payload, loaded=flow.restored, clear=forget)
    if stored is None or flow.restored:
        return False
    flow.restored = True
    if not stored or answered:
        return False
    try:
        file, answers, warnings = resultfile.parse(stored.encode("utf-8"), instruments(), kind=audience,
                                                   lang=lang())
    except resultfile.ResultFileError:
        return False  # an unreadable leftover: start afresh, as if nothing were stored
    restore(audience, flow, file, answers, [T("flow.restored"), *warnings])
    return True


def restore(audience: str, flow: FlowState, file: resultfile.ResultFile, answers: dict[str, dict[str, Any]],
            notices: list[str]) -> None:
    """Pick up where the file left off: at the first part with an open question, or at the report."""
    flow.stage, flow.context, flow.label, flow.step, flow.answer_stage = (
        "questions", file.context, file.label, 0, file.stage)
    flow.selected, flow.answers, flow.notices = list(answers), answers, notices
    results = _results(audience, flow)
    plan = steps(flow, results)
    available = instruments()
    open_steps = [k for k, (iid, section) in enumerate(plan)
                  if any(results[iid].status[item.id] == "missing" and item.required and not item_type(item).free_text
                         for item in available[iid].spec.sections[section].items)]
    if open_steps:
        flow.step = open_steps[0]
    elif plan:
        flow.step = len(plan) - 1
        submit(audience, flow)  # every question answered: straight to the report


def _reselect(audience: str) -> None:
    """A new stage redraws the instrument choice from its default (which depends on the stage)."""
    session.drop_widgets(prefix=widget_key("selected", audience, ""))


def resume(audience: str, flow: FlowState, upload: UploadedFile) -> None:
    marker = (upload.name, upload.size)
    if session.resumed_from(audience) == marker:
        return
    try:
        file, answers, warnings = resultfile.parse(upload.getvalue(), instruments(), kind=audience, lang=lang())
    except resultfile.ResultFileError as exc:
        st.error(T("file.bad", name=safe(upload.name), error=safe(str(exc))))
        return
    if not answers:  # nothing to pick up: say so (and why), never leave the page as it was in silence
        st.error(T("file.bad", name=safe(upload.name), error=T("results.no_answers")))
        for warning in warnings:
            st.warning(safe(warning))
        return
    session.set_resumed_from(audience, marker)
    restore(audience, flow, file, answers, [T("flow.resumed"), *warnings])
    st.rerun()


# --------------------------------------------------------------------------- questions


def _results(audience: str, flow: FlowState) -> dict[str, Result]:
    available = instruments()
    return {iid: score_response(available[iid], flow.answers.get(iid, {}), context=flow.context,
                                audience=audience, stage=flow.answer_stage)
            for iid in flow.chosen if iid in available}


def steps(flow: FlowState, results: dict[str, Result]) -> list[Step]:
    """(instrument, section index) for every section with at least one question shown."""
    available = instruments()
    out = []
    for iid in flow.chosen:
        if iid not in results:
            continue
        for k, section in enumerate(available[iid].spec.sections):
            if any(results[iid].status[item.id] != "hidden" for item in section.items):
                out.append((iid, k))
    return out


def questions(audience: str, flow: FlowState) -> None:
    if audience == "vetting":  # what the call before booking answered is not asked again
        flow.carried = carryover.carry({i: flow.answers.setdefault(i, {}) for i in flow.chosen}, flow.carried)
    notices = flow.take_notices()
    if notices:
        st.success(notices[0])
        for notice in notices[1:]:
            st.warning(safe(notice))
    with st.sidebar:  # outside the fragment: a fragment cannot draw in the sidebar
        if st.button(T("flow.restart"), key=widget_key("restart", audience)):
            session.drop_flow(audience)
            session.mark_forget(audience)  # else a reload would bring them back
            st.rerun()
        if st.button(T("flow.forget"), key=widget_key("forget", audience), help=T("flow.forget_help")):
            session.drop_flow(audience)
            session.reports().pop(audience, None)
            session.mark_forget(audience)
            st.rerun()
    part(audience, flow)
    not_a_guarantee()


@st.fragment
def part(audience: str, flow: FlowState) -> None:
    """The current part: progress, questions, buttons, and the answers kept in the browser. A
    fragment: an answer reruns this part only, not the navigation, sidebar and crisis box around it
    (measured in Chromium with bench/browser_speed.py, issue 15). Back, Next and the report rerun
    the whole page (st.rerun), which also brings the top of the page into view."""
    if flow.stage != "questions":  # the submit button's callback opened the report
        st.rerun()
    if keep_in_browser(audience, flow):
        st.rerun()
    results = _results(audience, flow)
    plan = steps(flow, results)
    if not plan:
        flow.stage = "setup"
        st.rerun()
    flow.step = min(flow.step, len(plan) - 1)
    shown = [(iid, i) for iid, r in results.items() for i, s in r.status.items() if s != "hidden"]
    answered = sum(1 for iid, i in shown if results[iid].status[i] in ("answered", "unsure"))
    st.progress(answered / max(len(shown), 1), text=T("flow.progress", step=flow.step + 1, steps=len(plan),
                                                       answered=answered, total=len(shown), count=len(shown)))
    iid, k = plan[flow.step]
    inst = instruments()[iid]
    section = inst.spec.sections[k]
    st.subheader(f"{safe(inst.title(lang()))} · {safe(inst.text(section.title, lang()))}")
    if section.description:
        st.caption(safe(inst.text(section.description, lang())))
    if flow.step == 0:
        st.caption(T("flow.help_hint"))
    for item in section.items:
        if results[iid].status[item.id] != "hidden":
            question(audience, flow, inst, item)

    last = flow.step == len(plan) - 1
    left, middle, right = st.columns(3)
    if left.button(T("flow.back"), disabled=flow.step == 0, key=widget_key("back", audience), width="stretch"):
        flow.step -= 1
        session.request_scroll_top()
        st.rerun()
    if not last and right.button(T("flow.next"), type="primary", key=widget_key("next", audience), width="stretch"):
        flow.step += 1
        session.request_scroll_top()
        st.rerun()
    if last:
        right.button(T("flow.submit"), type="primary", key=widget_key("submit", audience), width="stretch",
                     on_click=submit, args=(audience, flow))
    missing = flow.take_missing()
    if missing:
        show_missing(audience, flow, plan, missing)
    # bytes, not a callable, and no rerun on click: a deferred file can be dropped when another
    # session's run ends, and a failed download is lost work (the answers are kept nowhere else)
    middle.download_button(T("flow.save"), data=progress_file(audience, flow),
                           file_name=f"guidecheck-{audience}-progress.json", mime="application/json",
                           key=widget_key("save", audience), width="stretch", on_click="ignore")


def show_missing(audience: str, flow: FlowState, plan: list[Step], missing: list[tuple[str, str]]) -> None:
    """Every question still open, by part, each part with a button that goes there."""
    available = instruments()
    st.error(T("flow.missing", n=len(missing)))
    by_step: dict[int, list[str]] = {}
    for iid, item_id in missing:
        inst = available[iid]
        section = next(k for k, s in enumerate(inst.spec.sections) if s.id == inst.items[item_id].section)
        step = plan.index((iid, section)) if (iid, section) in plan else 0
        by_step.setdefault(step, []).append(question_text(audience, inst, inst.items[item_id].spec))
    for step, texts in sorted(by_step.items()):
        iid, section = plan[step]
        inst = available[iid]
        name = f"{inst.title(lang())} · {inst.text(inst.spec.sections[section].title, lang())}"
        st.markdown(f"**{T('flow.part', k=step + 1)}: {safe(name)}**\n\n" + "\n".join(f"- {safe(x)}" for x in texts))
        st.button(T("flow.go_to_part", k=step + 1), key=widget_key("goto", audience, step),
                  on_click=_go_to, args=(flow, step))


def _go_to(flow: FlowState, step: int) -> None:
    flow.step = step


def progress_file(audience: str, flow: FlowState) -> bytes:
    """The progress file of these answers, built again only when something in it changed: a run
    needs it twice (browser storage, Save progress) and most runs change nothing in it."""
    available = instruments()
    selected = {i: available[i] for i in flow.chosen if i in available}
    key = repr((flow.answers, [(i, inst.content_hash) for i, inst in selected.items()], flow.context,
                flow.label, flow.answer_stage, lang(), dt.date.today()))
    cache = session.progress_files()
    if cache.get(audience, (None,))[0] != key:
        cache[audience] = (key, resultfile.dumps(resultfile.build(
            selected, flow.answers, kind=audience, context=flow.context, label=flow.label,
            language=lang(), submitted=False, stage=flow.answer_stage)))
    return cache[audience][1]


def submit(audience: str, flow: FlowState) -> None:
    """The submit button's callback: runs before the page, so the run that follows draws the
    report straight away (or shows what is missing)."""
    available = instruments()
    missing = []
    results = _results(audience, flow)
    for iid, result in results.items():
        for item_id, status in result.status.items():
            spec = available[iid].items[item_id].spec
            if status == "missing" and spec.required and not item_type(spec).free_text:
                missing.append((iid, item_id))
    if missing:
        flow.missing = missing
        return
    session.reports()[audience] = {
        "context": flow.context, "label": flow.label, "selected": list(flow.chosen),
        "answer_stage": flow.answer_stage,
        "answers": {k: dict(v) for k, v in flow.answers.items()}, "results": results}
    session.set_last_report(audience)
    flow.stage = "report"
    session.request_scroll_top()  # the verdict first, not the middle of the report


# --------------------------------------------------------------------------- one question


def question_text(audience: str, inst: Instrument, item: ItemBase) -> str:
    if audience == "self_audit" and item.self_audit_text is not None:
        return inst.text(item.self_audit_text, lang())
    return inst.text(item.text, lang())


def question(audience: str, flow: Answering, inst: Instrument, item: ItemBase) -> None:
    """One question, asked with the widget its item type describes (scoring.items: chosen by the
    widget's kind, never by the item type)."""
    answers = flow.answers.setdefault(inst.id, {})
    key = f"q:{audience}:{inst.id}:{item.id}"
    label = safe(question_text(audience, inst, item))
    if not item.required:
        label += f" *({T('flow.optional')})*"
    help_text = safe(inst.text(item.help, lang())) if item.help else None

    def store(value: object) -> None:
        if value is None or value == "" or value == []:
            answers.pop(item.id, None)
        else:
            answers[item.id] = value

    asked = _Asked(key, label, help_text, answers.get(item.id), store, inst)
    widget = item_type(item).widget(item, inst.spec.scales)
    _WIDGETS[widget.kind](asked, widget)
    if f"{inst.id}/{item.id}" in flow.carried:
        source = next(rf for rf, iid, target in carryover.SAME_QUESTION if (iid, target) == (inst.id, item.id))
        red = instruments().get(carryover.SOURCE)
        if red is not None and source in red.items:
            st.caption(T("flow.carried", question=safe(question_text(audience, red, red.items[source].spec))))


@dataclass(frozen=True)
class _Asked:
    """What every widget of one question needs: its key, label, help, current answer and where to store it."""

    key: str
    label: str
    help: str | None
    current: object
    store: Callable[[object], None]
    inst: Instrument

    def on_change(self) -> None:
        self.store(session.widget_value(self.key))

    def shown(self, choice: Choice) -> str:
        text = T(choice.message) if choice.message else safe(self.inst.text(choice.label, lang()))
        return f"{choice.value:g} · {text}" if choice.with_value else text


def _radio(q: _Asked, widget: Widget) -> None:
    options = [c.value for c in widget.choices]
    labels = {c.value: q.shown(c) for c in widget.choices}
    if widget.unsure:
        options = options + ["unsure"]
        labels["unsure"] = T("answer.unsure")
    index = options.index(q.current) if q.current in options else None
    st.radio(q.label, options, index=index, format_func=lambda v: labels.get(v, str(v)), key=q.key,
             on_change=q.on_change, horizontal=widget.horizontal, help=q.help)


def _multiselect(q: _Asked, widget: Widget) -> None:
    values = [c.value for c in widget.choices]
    chosen = [v for v in (q.current if isinstance(q.current, list) else []) if v in values]
    labels = {c.value: plaintext.clean(q.inst.text(c.label, lang())) for c in widget.choices}  # plain text
    st.multiselect(q.label, values, default=chosen, format_func=lambda v: labels.get(v, str(v)), key=q.key,
                   on_change=q.on_change, help=q.help, placeholder=T("flow.nothing_selected"),
                   disabled=q.current == "unsure")
    if widget.unsure:
        unsure_box(q.key, q.current, q.store)


def _number(q: _Asked, widget: Widget) -> None:
    current = q.current
    value = current if isinstance(current, (int, float)) and not isinstance(current, bool) else None
    off = current == "unsure"
    # Streamlit wants min, max, value and step of one type: whole numbers as int, others as float
    if widget.integer:
        st.number_input(q.label, min_value=_whole(widget.minimum), max_value=_whole(widget.maximum),
                        value=_whole(value), step=1, format="%d", key=q.key, on_change=q.on_change,
                        help=q.help, disabled=off)
    else:
        st.number_input(q.label, min_value=_real(widget.minimum), max_value=_real(widget.maximum),
                        value=_real(value), step=1.0, format="%g", key=q.key, on_change=q.on_change,
                        help=q.help, disabled=off)
    if widget.unsure:
        unsure_box(q.key, current, q.store)


def _whole(v: float | None) -> int | None:
    return None if v is None else int(v)


def _real(v: float | None) -> float | None:
    return None if v is None else float(v)


def _text(q: _Asked, widget: Widget) -> None:
    st.text_area(q.label, value=q.current if isinstance(q.current, str) else "", max_chars=widget.max_chars,
                 key=q.key, on_change=q.on_change, help=q.help)


_WIDGETS: dict[str, Callable[[_Asked, Widget], None]] = {
    "radio": _radio, "multiselect": _multiselect, "number": _number, "text": _text,
}


def unsure_box(key: str, current: object, store: Callable[[object], None]) -> None:
    box = key + ":unsure"

    def toggled() -> None:
        store("unsure" if session.widget_value(box) else None)

    st.checkbox(T("flow.unsure_box"), value=current == "unsure", key=box, on_change=toggled)
