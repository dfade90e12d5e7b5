"""The baseline the participant page is measured against (bench/load.py): a minimal Streamlit page
with the same widgets, the same labels and the same options (consent checkbox, start button, one
radio per question, send button), and nothing else: no scoring, no database, no callbacks.
The instruments come from BENCH_INSTRUMENTS (comma-separated ids)."""

import os
import sys
from pathlib import Path

import streamlit as st

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))
from scoring import validate_paths  # noqa: E402


@st.cache_resource
def questions():
    loaded, _ = validate_paths([Path(__file__).resolve().parent.parent / "questionnaires"])
    out = []
    for iid in os.environ.get("BENCH_INSTRUMENTS", "red-flags,working-alliance").split(","):
        inst = loaded[iid]
        for item in inst.items.values():
            spec = item.spec
            if spec.type == "yes_no":
                options = ["Yes", "No"]
            elif spec.type == "likert":
                points = spec.options if spec.options is not None else inst.spec.scales[spec.scale]
                options = [f"{p.value:g} · {inst.text(p.label, 'en')}" for p in points]
            elif spec.type == "choice":
                options = [inst.text(o.label, "en") for o in spec.options]
            else:
                continue  # free text is off in the measured study
            if getattr(spec, "allow_unsure", False) and spec.type != "choice":
                options.append("I don't know")
            out.append((f"{iid}:{spec.id}", inst.text(spec.text, "en"), options))
    return out


st.title("Baseline study")
if st.session_state.get("sent"):
    st.success("Thank you. Your answers have been saved.")
    st.stop()
if not st.session_state.get("started"):
    st.markdown("Consent text.")
    agreed = st.checkbox("I have read this and agree", key="consent")
    if st.button("Start", type="primary", disabled=not agreed):
        st.session_state["started"] = True
        st.rerun()
    st.stop()
for key, text, options in questions():
    st.radio(text, options, index=None, key=key, horizontal=True)
if st.button("Send my answers", type="primary"):
    st.session_state["sent"] = True
    st.rerun()
