"""The baseline the Vet-a-guide page is measured against: a hand-written Streamlit page of 60
radio widgets in one form that, on submit, scores the answers and draws one Plotly chart."""

import plotly.graph_objects as go
import streamlit as st

st.title("Baseline: 60 questions")
with st.form("all"):
    for k in range(60):
        st.radio(f"Question {k + 1}?", ["yes", "no", "unsure"], index=None, horizontal=True, key=f"b{k}")
    sent = st.form_submit_button("Score")
if sent:
    answers = [st.session_state[f"b{k}"] for k in range(60)]
    given = [a for a in answers if a in ("yes", "no")]
    score = 100 * sum(a == "yes" for a in given) / len(given) if given else None
    st.metric("Score", "–" if score is None else f"{score:.0f}%")
    st.plotly_chart(go.Figure(go.Bar(x=[score or 0], y=["Baseline"], orientation="h")))
