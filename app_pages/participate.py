"""A participant's page, reached only through a study link (?study=CODE, optionally &p=PROVIDER).

Consent, then the study's instruments, then thanks. The submission key is made by the server
when a person starts, and kept with their answers in their own browser's storage under the study
(app_pages/participant_key.py decides which key counts), so a refresh, a new tab, a server restart,
a double click or a second press of 'send' finds the stored submission instead of making a second
one, and the answers come back. A key in the URL (``&sub=``) is ignored and removed: a copied link
must not show someone else "thanks". Nothing from the database is shown here except the study's
own title, consent text and questions.
"""

import logging

import streamlit as st

from app_pages import browser_store
from app_pages import state as session
from app_pages.common import T, builtin_instruments, crisis_box, lang, safe, set_language
from app_pages.flow import question
from app_pages.participant_key import Saved, decide, new_key, read_saved, saved_text
from app_pages.research_access import get_store, unavailable
from scoring import consent, score_response
from scoring.instrument import Instrument
from scoring.items import plugin as item_type
from scoring.store import StoreError

log = logging.getLogger("guidecheck")

store = get_store(participant=True)
if store is None:
    st.stop()
try:
    study = store.study(st.query_params.get("study"))
except StoreError:  # the database is down: said plainly, the details are in the log
    unavailable(participant=True)
    st.stop()
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
available, _ = builtin_instruments()
state = session.participant(study.code)
url_key = st.query_params.get("sub")
if url_key is not None:
    del st.query_params["sub"]  # never proof of a submission, and kept out of the browser's history
STORE_NAME = f"study:{study.code}"


def kept() -> str | None:
    """What this browser keeps for the study: the key, the consent and the answers not yet sent."""
    if not state.key:
        return None
    return saved_text(Saved(key=state.key, consented=state.consented, answers={} if state.sent else state.answers))


# this browser's own copy: written after every change, read back once per session
stored = browser_store.sync(STORE_NAME, save=kept(), loaded=state.loaded)
if stored is not None and not state.loaded:
    state.loaded = True
    saved = read_saved(stored, available)
    if saved is not None:
        state.saved_key = saved.key
        if (saved.answers or saved.consented) and not any(state.answers.values()) and not state.key:
            # a reload, a closed tab, a server restart or a move to another server: pick up where this
            # person left off, without asking for consent they gave in this browser already
            state.answers, state.key, state.consented = saved.answers, saved.key, saved.consented
            state.restored = "answers" if saved.answers else "consent"
if not state.loaded:
    # until this browser says what it keeps (a moment), show nothing to answer: a person who already
    # agreed, and whose page reconnected to a new session (a restart, another server), must not see
    # the consent page flash up before their questions come back
    st.caption(T("study.opening"))
    st.stop()
try:
    submission, sent = decide(url_key, state.key, state.saved_key, store.has_submission)
except StoreError:
    unavailable(participant=True)
    st.stop()
if sent:
    state.key, state.sent = submission, True
    st.success(T("study.thanks"))
    crisis_box()
    st.stop()

if not state.consented or not submission:
    consent_text = consent.for_language(study.consent, lang(), study.languages)
    if consent_text:
        st.markdown(safe(consent_text))
    st.caption(T("study.anonymous", k=study.min_group))
    agreed = st.checkbox(T("study.consent"), key="consent")
    if st.button(T("study.start"), type="primary", disabled=not agreed):
        state.consented, state.key = True, submission or new_key()
        st.rerun()
    crisis_box()
    st.stop()

restored = state.take_restored()
if restored:
    st.info(T("study.restored" if restored == "answers" else "study.restored_consent"))
chosen = [available[i] for i in study.instruments if i in available]
free_text = study.free_text  # a name the fragment below can read (study is narrowed here only)
if free_text:
    st.warning(T("study.free_text_warning"))


@st.fragment
def questions(inst: Instrument) -> None:
    """One instrument's questions. A fragment: an answer reruns only this instrument's questions
    (whose visibility can depend on it), not the whole page: with two instruments the server's
    CPU per answer went from 21 to 11 ms (issue 16). Send is outside, so it sees every answer."""
    result = score_response(inst, state.answers.get(inst.id, {}), audience="research")
    for section in inst.spec.sections:
        for item in section.items:
            if result.status[item.id] == "hidden" or (item_type(item).free_text and not free_text):
                continue
            question("research", state, inst, item)
    # an answer reruns only this fragment, so the browser's copy is written from here too (the
    # bridge above is not sent again until a full run): a failover or a restart then loses nothing
    browser_store.sync(STORE_NAME, save=kept(), loaded=True, slot=inst.id)
crisis_box()


for inst in chosen:
    st.header(safe(inst.title(lang())))
    questions(inst)

if st.button(T("study.submit"), type="primary"):
    results, missing = {}, []
    for inst in chosen:
        answers = {k: v for k, v in state.answers.get(inst.id, {}).items()
                   if study.free_text or not item_type(inst.items[k].spec).free_text}
        result = score_response(inst, answers, audience="research")
        missing += [inst.text(inst.items[i].spec.text, lang()) for i, s in result.status.items()
                    if s == "missing" and inst.items[i].spec.required and not item_type(inst.items[i].spec).free_text]
        results[inst.id] = (inst, answers, result)
    if missing:
        st.error(T("flow.missing", n=len(missing)))
        st.markdown("\n".join(f"- {safe(m)}" for m in missing[:8]))
        st.stop()
    try:
        store.submit(study, submission, results, provider=provider, language=lang())
        state.sent = True
    except Exception:  # noqa: BLE001 - the participant sees a plain message; their answers stay in the session
        log.exception("a submission to study %s could not be stored", study.id)
        st.error(T("study.failed"))
        st.stop()
    st.rerun()
