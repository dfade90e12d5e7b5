"""The baseline the Vet-a-guide page is measured against in a real browser (bench/browser_speed.py):
a minimal hand-written Streamlit page with the same widgets a person sees on the vetting page and
nothing else: the same sidebar (seven navigation links, the language radio, the crisis box in an
expander, "Start over" and "Forget" buttons), the same setup form (two radios, the checklist choice,
the name, Start) and, per part of the red-flag screen, the same progress bar, title, radios (same
labels, help texts and options), Back / Save progress (download) / Next buttons and caption.
No scoring, no storage in the browser, no scripts, no CSS, no callbacks."""

import json
import sys
from pathlib import Path

import streamlit as st

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))
from scoring import load_folder  # noqa: E402
from scoring.i18n import t  # noqa: E402


@st.cache_resource
def red_flags():
    return load_folder(Path(__file__).resolve().parent.parent / "questionnaires")["red-flags"]


def T(key, **values):  # noqa: N802 - the app's own name for it
    return t(key, "en", **values)


def vet():
    inst = red_flags()
    st.title(T("flow.vet_title"))
    if not st.session_state.get("started"):
        st.markdown(T("flow.vet_intro"))
        st.radio(T("flow.context"), ["Clinical", "Harm reduction", "Not sure"], index=2, help="?")
        st.radio(T("flow.answer_stage"), ["Before the intake", "After the intake", "After the session"], index=0,
                 help="?")
        st.multiselect(T("flow.instruments"), [inst.title("en")], default=[inst.title("en")], help="?")
        st.text_input(T("flow.label"), help="?")
        if st.button(T("flow.start"), type="primary"):
            st.session_state["started"] = True
            st.session_state["step"] = 0
            st.rerun()
        return
    parts = inst.spec.sections
    step = st.session_state["step"]
    total = sum(1 for s in parts for i in s.items if i.type == "yes_no")
    answered = sum(1 for s in parts for i in s.items if i.type == "yes_no" and st.session_state.get(i.id) is not None)
    st.progress(answered / total, text=T("flow.progress", step=step + 1, steps=len(parts), answered=answered,
                                         total=total))
    section = parts[step]
    st.subheader(f"{inst.title('en')} · {inst.text(section.title, 'en')}")
    st.caption(T("flow.help_hint"))
    for item in section.items:
        if item.type != "yes_no":
            st.text_area(inst.text(item.text, "en"), key=item.id)
            continue
        st.radio(inst.text(item.text, "en"), ["Yes", "No", "I don't know"], index=None, horizontal=True, key=item.id,
                 help=inst.text(item.help, "en") if item.help else None)
    left, middle, right = st.columns(3)
    if left.button(T("flow.back"), disabled=step == 0, width="stretch"):
        st.session_state["step"] -= 1
        st.rerun()
    if right.button(T("flow.next"), type="primary", width="stretch", disabled=step == len(parts) - 1):
        st.session_state["step"] += 1
        st.rerun()
    answers = {i.id: st.session_state.get(i.id) for s in parts for i in s.items if i.type == "yes_no"}
    middle.download_button(T("flow.save"), data=json.dumps(answers), file_name="progress.json", width="stretch",
                           on_click="ignore")
    st.sidebar.button(T("flow.restart"))
    st.sidebar.button(T("flow.forget"))
    st.caption("A good score is not a guarantee.")


def empty():
    st.title("Another page")


st.set_page_config(page_title="Baseline", layout="wide")
st.sidebar.radio("Language / Taal", ["English", "Nederlands"], horizontal=True)
page = st.navigation([st.Page(empty, title=T("nav.home"), default=True),
                      st.Page(vet, title=T("nav.vet"), url_path="vet"),
                      *(st.Page(empty, title=T(f"nav.{name}"), url_path=name.replace("_", "-"))
                        for name in ("report", "self_audit", "compare", "instruments", "research"))])
page.run()
with st.sidebar, st.expander(T("crisis.title")):
    st.radio(T("crisis.country"), ["Netherlands", "United States", "Elsewhere"], horizontal=True)
    st.markdown("- **A helpline**: a number\n- **Another**: a number")
