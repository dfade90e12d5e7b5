
import streamlit as st

from app_pages import state
from app_pages.common import T, crisis_box
from app_pages.report_view import render

audience = state.last_report()
saved = state.saved_report(audience)
if audience is None or saved is None:
    st.title(T("report.title"))
    st.info(T("report.none"))
    left, right = st.columns(2)
    if left.button(T("nav.vet"), type="primary", width="stretch"):
        st.switch_page("app_pages/vet.py")
    if right.button(T("nav.self_audit"), width="stretch"):
        st.switch_page("app_pages/self_audit.py")
    crisis_box()
    st.stop()


def edit(audience: str = audience) -> None:
    state.flow(audience).stage = "questions"
    st.switch_page("app_pages/vet.py" if audience == "vetting" else "app_pages/self_audit.py")


render(audience, saved, edit)
