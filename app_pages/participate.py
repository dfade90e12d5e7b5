"""A participant's page, reached only through a study link (?study=CODE, optionally &p=PROVIDER).

Consent, then the study's instruments, then thanks. The submission key lives in the URL
(&sub=...), so a refresh, a double click or a second press of 'send' finds the stored
submission instead of making a second one. Nothing from the database is shown here except
the study's own title, consent text and questions.
"""

import logging
import re
import uuid

import streamlit as st

from app_pages.common import T, builtin_instruments, crisis_box, lang, safe, set_language
from app_pages.flow import question
from app_pages.research_access import get_store
from scoring import score_response

log = logging.getLogger("guidecheck")
SUBMISSION_KEY = re.compile(r"[0-9a-f]{32}")  # uuid4().hex, as made below

store = get_store()
if store is None:
    st.stop()
study = store.study(st.query_params.get("study"))
if study is None:
    st.error(T("study.unknown"))
    st.stop()
if not study.is_open:
    st.info(T("study.closed"))
    st.stop()
if lang() not in study.languages:
    set_language(study.languages[0])
provider = st.query_params.get("p")
provider = provider if provider in study.providers else None

st.title(safe(study.title))
submission = st.query_params.get("sub")
if submission is not None and not SUBMISSION_KEY.fullmatch(submission):
    submission = None  # checked at the door: a key the server never makes could never be stored
if submission and store.has_submission(submission):
    st.success(T("study.thanks"))
    crisis_box()
    st.stop()

state = st.session_state.setdefault("participant", {}).setdefault(study.code, {"answers": {}, "consented": False})
if not state["consented"] or not submission:
    if study.consent:
        st.markdown(safe(study.consent))
    st.caption(T("study.anonymous", k=study.min_group))
    agreed = st.checkbox(T("study.consent"), key="consent")
    if st.button(T("study.start"), type="primary", disabled=not agreed):
        state["consented"] = True
        st.query_params["sub"] = submission or uuid.uuid4().hex
        st.rerun()
    crisis_box()
    st.stop()

available, _ = builtin_instruments()
chosen = [available[i] for i in study.instruments if i in available]
if study.free_text:
    st.warning(T("study.free_text_warning"))


@st.fragment
def questions(inst) -> None:
    """One instrument's questions. A fragment: an answer reruns only this instrument's questions
    (whose visibility can depend on it), not the whole page: with two instruments the server's
    CPU per answer went from 21 to 11 ms (issue 16). Send is outside, so it sees every answer."""
    result = score_response(inst, state["answers"].get(inst.id, {}), audience="research")
    for section in inst.spec.sections:
        for item in section.items:
            if result.status[item.id] == "hidden" or (item.type == "text" and not study.free_text):
                continue
            question("research", state, inst, item)
crisis_box()


for inst in chosen:
    st.header(safe(inst.title(lang())))
    questions(inst)

if st.button(T("study.submit"), type="primary"):
    results, missing = {}, []
    for inst in chosen:
        answers = {k: v for k, v in state["answers"].get(inst.id, {}).items()
                   if study.free_text or inst.items[k].spec.type != "text"}
        result = score_response(inst, answers, audience="research")
        missing += [inst.text(inst.items[i].spec.text, lang()) for i, s in result.status.items()
                    if s == "missing" and inst.items[i].spec.required and inst.items[i].spec.type != "text"]
        results[inst.id] = (inst, answers, result)
    if missing:
        st.error(T("flow.missing", n=len(missing)))
        st.markdown("\n".join(f"- {safe(m)}" for m in missing[:8]))
        st.stop()
    try:
        store.submit(study, submission, results, provider=provider, language=lang())
    except Exception:  # noqa: BLE001 - the participant sees a plain message; their answers stay in the session
        log.exception("a submission to study %s could not be stored", study.id)
        st.error(T("study.failed"))
        st.stop()
    st.rerun()
