"""The questionnaire flow shared by 'Vet a guide' and 'Self-audit'.

All answers live in one plain structure, ``st.session_state["flows"][audience]``; widgets are
drawn from it and write back to it in their callbacks. Streamlit forgets a widget's own state
when its page or section is not drawn, so this structure, not the widgets, is what survives
leaving the page and switching language.
"""

from __future__ import annotations

import datetime as dt

import streamlit as st

from app_pages import browser_store
from app_pages.common import T, instruments, lang, not_a_guarantee, safe
from scoring import carryover, plaintext, score_response
from scoring import results as resultfile

CONTEXTS = ("clinical", "harm_reduction", "unknown")
STAGES = ("before_intake", "after_intake", "after_session")
FIRST = "red-flags"


def state(audience: str) -> dict:
    flows = st.session_state.setdefault("flows", {})
    # "stage" is the page's phase; "answer_stage" is when the answers are given (contract revision 2):
    # a person vetting a guide before the intake is not asked what only a session can tell.
    flow = flows.setdefault(audience, {"stage": "setup", "context": "unknown", "selected": None, "label": "",
                                       "answers": {}, "step": 0})
    flow.setdefault("answer_stage", "before_intake" if audience == "vetting" else "after_session")
    flow.setdefault("_restored", False)  # whether this browser's stored answers were looked at yet
    return flow


def applicable(audience: str, context: str) -> list[str]:
    available = instruments()
    ids = [i for i, inst in available.items() if audience in inst.spec.audiences
           and (context == "unknown" or context in inst.spec.contexts)]
    return sorted(ids, key=lambda i: (i != FIRST, i == "working-alliance", available[i].title(lang())))


def run(audience: str) -> None:
    flow = state(audience)
    if flow["stage"] == "report" and st.session_state.get("reports", {}).get(audience) is None:
        flow["stage"] = "questions"
    # on a part, the questions' fragment keeps the answers in the browser (it reruns on its own)
    if flow["stage"] != "questions" and keep_in_browser(audience, flow):
        st.rerun()
    if flow["stage"] == "report":  # right after submitting: the report, in place
        saved = st.session_state.get("reports", {}).get(audience)
        if saved is not None:
            from app_pages.report_view import render

            def edit():
                flow["stage"] = "questions"
                st.rerun()

            offer = (lambda: full_check_offer(audience, flow)) if audience == "vetting" and \
                saved["selected"] == [FIRST] else None
            render(audience, saved, edit, next_steps=offer)
            return
        flow["stage"] = "questions"
    st.title(T("flow.vet_title" if audience == "vetting" else "flow.audit_title"))
    if flow["stage"] == "setup":
        setup(audience, flow)
    else:
        questions(audience, flow)


# --------------------------------------------------------------------------- setup


def setup(audience: str, flow: dict) -> None:
    st.markdown(T("flow.vet_intro" if audience == "vetting" else "flow.audit_intro"))
    with st.expander(T("flow.resume")):
        upload = st.file_uploader(T("flow.resume"), type=["json"], key=f"resume_{audience}",
                                  label_visibility="collapsed")
        if upload is not None:
            resume(audience, flow, upload)
    context = st.radio(T("flow.context"), CONTEXTS, index=CONTEXTS.index(flow["context"]),
                       format_func=lambda c: T("context." + c), help=T("flow.context_help"),
                       key=f"context_{audience}")
    answer_stage = flow["answer_stage"]
    if audience == "vetting":  # an organisation knows its own practice: it answers everything
        answer_stage = st.radio(T("flow.answer_stage"), STAGES, index=STAGES.index(flow["answer_stage"]),
                                format_func=lambda v: T("stage.choice." + v), help=T("flow.answer_stage_help"),
                                key=f"answer_stage_{audience}", on_change=_reselect, args=(audience,))
    options = applicable(audience, context)
    available = instruments()
    # The default path of a person vetting a guide is the call before booking: the red-flag screen
    # alone. From the intake on, the full check: every instrument with something to ask at that stage
    # (never the alliance before booking).
    first_path = [FIRST] if audience == "vetting" and answer_stage == "before_intake" and FIRST in options else None
    default = [i for i in (flow["selected"] or first_path or options) if i in options and any(
        STAGES.index(info.spec.stage) <= STAGES.index(answer_stage) for info in available[i].items.values())]
    selected = st.multiselect(T("flow.instruments"), options, default=default,
                              format_func=lambda i: available[i].title(lang()), help=T("flow.instruments_help"),
                              key=f"selected_{audience}_{context}_{answer_stage}")  # a new stage: a new default
    label = st.text_input(T("flow.label" if audience == "vetting" else "flow.label_audit"), value=flow["label"],
                          max_chars=200, help=T("flow.label_help"),
                          key=f"label_{audience}")
    if st.button(T("flow.start"), type="primary", key=f"start_{audience}"):
        if not selected:
            st.error(T("flow.pick_one"))
            return
        flow.update(stage="questions", context=context, label=label, step=0, answer_stage=answer_stage,
                    selected=sorted(selected, key=options.index))
        for iid in flow["selected"]:
            flow["answers"].setdefault(iid, {})
        st.rerun()


def full_check_offer(audience: str, flow: dict) -> None:
    """After the call before booking, the full check: by stage, with every answer kept."""
    with st.container(border=True):
        st.markdown(f"**{T('flow.full_check')}**\n\n{T('flow.full_check_help')}")
        left, right = st.columns(2)
        for column, stage in ((left, "after_intake"), (right, "after_session")):
            column.button(T("flow.full_check_at", stage=T("stage." + stage)), key=f"full_{audience}_{stage}",
                          on_click=continue_full_check, args=(audience, flow, stage), width="stretch")


def continue_full_check(audience: str, flow: dict, stage: str) -> None:
    """Go on from the call before booking to every checklist with something to ask at ``stage``,
    at its first open question (the red-flag answers stay; nothing is copied between checklists)."""
    options = applicable(audience, flow["context"])
    available = instruments()
    chosen = [i for i in options if any(STAGES.index(info.spec.stage) <= STAGES.index(stage)
                                        for info in available[i].items.values())]
    for iid in chosen:
        flow["answers"].setdefault(iid, {})
    carried = carryover.carry({i: flow["answers"][i] for i in chosen}, flow.get("carried", {}))
    file = resultfile.ResultFile.model_validate({"guidecheck_result": 1, "kind": audience, "context": flow["context"],
                                                 "label": flow["label"], "stage": stage})
    restore(audience, flow, file, {i: flow["answers"][i] for i in chosen}, [T("flow.full_check_started")])
    flow["carried"] = carried  # the call's answers, not asked again (filled in, shown as answered)
    st.session_state["_scroll_top"] = True


def keep_in_browser(audience: str, flow: dict) -> bool:
    """Keep the answers in this browser's storage, and bring them back after a reload or a closed
    tab (once per session, and only into an empty questionnaire). True when answers were restored."""
    forget = st.session_state.pop(f"_forget_{audience}", False)
    answered = any(flow["answers"].values()) and flow["selected"]
    payload = None if forget or not answered else progress_file(audience, flow).decode("utf-8")
    stored = browser_store.sync(audience, save=payload, loaded=flow["_restored"], clear=forget)
    if stored is None or flow["_restored"]:
        return False
    flow["_restored"] = True
    if not stored or answered:
        return False
    try:
        file, answers, warnings = resultfile.parse(stored.encode("utf-8"), instruments(), kind=audience,
                                                   lang=lang())
    except resultfile.ResultFileError:
        return False  # an unreadable leftover: start afresh, as if nothing were stored
    restore(audience, flow, file, answers, [T("flow.restored"), *warnings])
    return True


def restore(audience: str, flow: dict, file, answers: dict, notices: list[str]) -> None:
    """Pick up where the file left off: at the first part with an open question, or at the report."""
    flow.update(stage="questions", context=file.context, label=file.label, step=0, answer_stage=file.stage,
                selected=list(answers), answers=answers, notices=notices)
    results = _results(audience, flow)
    plan = steps(flow, results)
    available = instruments()
    open_steps = [k for k, (iid, section) in enumerate(plan)
                  if any(results[iid].status[item.id] == "missing" and item.required and item.type != "text"
                         for item in available[iid].spec.sections[section].items)]
    if open_steps:
        flow["step"] = open_steps[0]
    elif plan:
        flow["step"] = len(plan) - 1
        submit(audience, flow)  # every question answered: straight to the report


def _reselect(audience: str) -> None:
    """A new stage redraws the instrument choice from its default (which depends on the stage)."""
    for key in [k for k in st.session_state if str(k).startswith(f"selected_{audience}_")]:
        del st.session_state[key]


def resume(audience: str, flow: dict, upload) -> None:
    marker = (upload.name, upload.size)
    if st.session_state.get(f"_resumed_{audience}") == marker:
        return
    try:
        file, answers, warnings = resultfile.parse(upload.getvalue(), instruments(), kind=audience, lang=lang())
    except resultfile.ResultFileError as exc:
        st.error(T("file.bad", name=safe(upload.name), error=safe(str(exc))))
        return
    st.session_state[f"_resumed_{audience}"] = marker
    restore(audience, flow, file, answers, [T("flow.resumed"), *warnings])
    st.rerun()


# --------------------------------------------------------------------------- questions


def _results(audience: str, flow: dict) -> dict:
    available = instruments()
    return {iid: score_response(available[iid], flow["answers"].get(iid, {}), context=flow["context"],
                                audience=audience, stage=flow["answer_stage"])
            for iid in flow["selected"] if iid in available}


def steps(flow: dict, results: dict) -> list[tuple[str, int]]:
    """(instrument, section index) for every section with at least one question shown."""
    available = instruments()
    out = []
    for iid in flow["selected"]:
        if iid not in results:
            continue
        for k, section in enumerate(available[iid].spec.sections):
            if any(results[iid].status[item.id] != "hidden" for item in section.items):
                out.append((iid, k))
    return out


def questions(audience: str, flow: dict) -> None:
    if audience == "vetting":  # what the call before booking answered is not asked again
        flow["carried"] = carryover.carry({i: flow["answers"].setdefault(i, {}) for i in flow["selected"]},
                                          flow.get("carried", {}))
    notices = flow.pop("notices", [])
    if notices:
        st.success(notices[0])
        for notice in notices[1:]:
            st.warning(safe(notice))
    with st.sidebar:  # outside the fragment: a fragment cannot draw in the sidebar
        if st.button(T("flow.restart"), key=f"restart_{audience}"):
            st.session_state["flows"].pop(audience, None)
            st.session_state[f"_forget_{audience}"] = True  # else a reload would bring them back
            st.rerun()
        if st.button(T("flow.forget"), key=f"forget_{audience}", help=T("flow.forget_help")):
            st.session_state["flows"].pop(audience, None)
            st.session_state.get("reports", {}).pop(audience, None)
            st.session_state[f"_forget_{audience}"] = True
            st.rerun()
    part(audience, flow)
    not_a_guarantee()


@st.fragment
def part(audience: str, flow: dict) -> None:
    """The current part: progress, questions, buttons, and the answers kept in the browser. A
    fragment: an answer reruns this part only, not the navigation, sidebar and crisis box around it
    (measured in Chromium with bench/browser_speed.py, issue 15). Back, Next and the report rerun
    the whole page (st.rerun), which also brings the top of the page into view."""
    if flow["stage"] != "questions":  # the submit button's callback opened the report
        st.rerun()
    if keep_in_browser(audience, flow):
        st.rerun()
    results = _results(audience, flow)
    plan = steps(flow, results)
    if not plan:
        flow["stage"] = "setup"
        st.rerun()
    flow["step"] = min(flow["step"], len(plan) - 1)
    shown = [(iid, i) for iid, r in results.items() for i, s in r.status.items() if s != "hidden"]
    answered = sum(1 for iid, i in shown if results[iid].status[i] in ("answered", "unsure"))
    st.progress(answered / max(len(shown), 1), text=T("flow.progress", step=flow["step"] + 1, steps=len(plan),
                                                       answered=answered, total=len(shown), count=len(shown)))
    iid, k = plan[flow["step"]]
    inst = instruments()[iid]
    section = inst.spec.sections[k]
    st.subheader(f"{safe(inst.title(lang()))} · {safe(inst.text(section.title, lang()))}")
    if section.description:
        st.caption(safe(inst.text(section.description, lang())))
    if flow["step"] == 0:
        st.caption(T("flow.help_hint"))
    for item in section.items:
        if results[iid].status[item.id] != "hidden":
            question(audience, flow, inst, item)

    last = flow["step"] == len(plan) - 1
    left, middle, right = st.columns(3)
    if left.button(T("flow.back"), disabled=flow["step"] == 0, key=f"back_{audience}", width="stretch"):
        flow["step"] -= 1
        st.session_state["_scroll_top"] = True
        st.rerun()
    if not last and right.button(T("flow.next"), type="primary", key=f"next_{audience}", width="stretch"):
        flow["step"] += 1
        st.session_state["_scroll_top"] = True
        st.rerun()
    if last:
        right.button(T("flow.submit"), type="primary", key=f"submit_{audience}", width="stretch",
                     on_click=submit, args=(audience, flow))
    missing = flow.pop("missing", None)
    if missing:
        show_missing(audience, flow, plan, missing)
    # bytes, not a callable, and no rerun on click: a deferred file can be dropped when another
    # session's run ends, and a failed download is lost work (the answers are kept nowhere else)
    middle.download_button(T("flow.save"), data=progress_file(audience, flow),
                           file_name=f"guidecheck-{audience}-progress.json", mime="application/json",
                           key=f"save_{audience}", width="stretch", on_click="ignore")


def show_missing(audience: str, flow: dict, plan: list, missing: list) -> None:
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

        def go(target=step):
            flow["step"] = target

        st.button(T("flow.go_to_part", k=step + 1), key=f"goto_{audience}_{step}", on_click=go)


def progress_file(audience: str, flow: dict) -> bytes:
    """The progress file of these answers, built again only when something in it changed: a run
    needs it twice (browser storage, Save progress) and most runs change nothing in it."""
    available = instruments()
    selected = {i: available[i] for i in flow["selected"] if i in available}
    key = repr((flow["answers"], [(i, inst.content_hash) for i, inst in selected.items()], flow["context"],
                flow["label"], flow["answer_stage"], lang(), dt.date.today()))
    cache = st.session_state.setdefault("_progress_files", {})
    if cache.get(audience, (None,))[0] != key:
        cache[audience] = (key, resultfile.dumps(resultfile.build(
            selected, flow["answers"], kind=audience, context=flow["context"], label=flow["label"],
            language=lang(), submitted=False, stage=flow["answer_stage"])))
    return cache[audience][1]


def submit(audience: str, flow: dict) -> None:
    """The submit button's callback: runs before the page, so the run that follows draws the
    report straight away (or shows what is missing)."""
    available = instruments()
    missing = []
    results = _results(audience, flow)
    for iid, result in results.items():
        for item_id, status in result.status.items():
            spec = available[iid].items[item_id].spec
            if status == "missing" and spec.required and spec.type != "text":
                missing.append((iid, item_id))
    if missing:
        flow["missing"] = missing
        return
    st.session_state.setdefault("reports", {})[audience] = {
        "context": flow["context"], "label": flow["label"], "selected": list(flow["selected"]),
        "answer_stage": flow["answer_stage"],
        "answers": {k: dict(v) for k, v in flow["answers"].items()}, "results": results}
    st.session_state["last_report"] = audience
    flow["stage"] = "report"
    st.session_state["_scroll_top"] = True  # the verdict first, not the middle of the report


# --------------------------------------------------------------------------- one question


def question_text(audience: str, inst, item) -> str:
    if audience == "self_audit" and item.self_audit_text is not None:
        return inst.text(item.self_audit_text, lang())
    return inst.text(item.text, lang())


def question(audience: str, flow: dict, inst, item) -> None:
    answers = flow["answers"].setdefault(inst.id, {})
    key = f"q:{audience}:{inst.id}:{item.id}"
    label = safe(question_text(audience, inst, item))
    if not item.required:
        label += f" *({T('flow.optional')})*"
    help_text = safe(inst.text(item.help, lang())) if item.help else None
    current = answers.get(item.id)
    language = lang()

    def store(value):
        if value is None or value == "" or value == []:
            answers.pop(item.id, None)
        else:
            answers[item.id] = value

    def on_change():
        store(st.session_state[key])

    from scoring.items import plugin as item_type  # (here: the rest of this module is another part's)

    widget = item_type(item).widget(item, inst.spec.scales)  # chosen by its kind, not by the item type

    def shown(choice) -> str:
        text = T(choice.message) if choice.message else safe(inst.text(choice.label, language))
        return f"{choice.value:g} · {text}" if choice.with_value else text

    if widget.kind == "radio":
        options = [c.value for c in widget.choices]
        labels = {c.value: shown(c) for c in widget.choices}
        if widget.unsure:
            options = options + ["unsure"]
            labels["unsure"] = T("answer.unsure")
        index = options.index(current) if current in options else None
        st.radio(label, options, index=index, format_func=lambda v: labels.get(v, str(v)), key=key,
                 on_change=on_change, horizontal=widget.horizontal, help=help_text)
    elif widget.kind == "multiselect":
        values = [c.value for c in widget.choices]
        chosen = [v for v in (current if isinstance(current, list) else []) if v in values]
        labels = {c.value: plaintext.clean(inst.text(c.label, language)) for c in widget.choices}  # plain text
        st.multiselect(label, values, default=chosen, format_func=labels.get, key=key,
                       on_change=on_change, help=help_text, placeholder=T("flow.nothing_selected"),
                       disabled=current == "unsure")
        if widget.unsure:
            unsure_box(key, current, store)
    elif widget.kind == "number":
        value = current if isinstance(current, (int, float)) and not isinstance(current, bool) else None
        kind = int if widget.integer else float  # Streamlit wants min, max, value and step of one type

        def as_kind(v):
            return None if v is None else kind(v)

        st.number_input(label, min_value=as_kind(widget.minimum), max_value=as_kind(widget.maximum),
                        value=as_kind(value), step=kind(1), key=key, on_change=on_change, help=help_text,
                        disabled=current == "unsure", format="%d" if widget.integer else "%g")
        if widget.unsure:
            unsure_box(key, current, store)
    else:
        st.text_area(label, value=current or "", max_chars=widget.max_chars, key=key, on_change=on_change,
                     help=help_text)
    if f"{inst.id}/{item.id}" in flow.get("carried", {}):
        source = next(rf for rf, iid, target in carryover.SAME_QUESTION if (iid, target) == (inst.id, item.id))
        red = instruments().get(carryover.SOURCE)
        if red is not None and source in red.items:
            st.caption(T("flow.carried", question=safe(question_text(audience, red, red.items[source].spec))))


def unsure_box(key: str, current, store) -> None:
    box = key + ":unsure"

    def toggled():
        store("unsure" if st.session_state[box] else None)

    st.checkbox(T("flow.unsure_box"), value=current == "unsure", key=box, on_change=toggled)
