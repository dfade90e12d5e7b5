import streamlit as st

from app_pages.common import T, crisis_box, not_a_guarantee, what_it_is_not

st.title("GuideCheck")
st.markdown(T("home.tagline"))
st.markdown(T("home.why"))
what_it_is_not()
not_a_guarantee()
st.subheader(T("home.paths"))
st.markdown("\n".join(f"- {T(k)}" for k in ("home.path_vet", "home.path_audit", "home.path_research")))
left, right = st.columns(2)
if left.button(T("home.start_vet"), type="primary", width="stretch"):
    st.switch_page("app_pages/vet.py")
if right.button(T("home.start_audit"), width="stretch"):
    st.switch_page("app_pages/self_audit.py")
st.subheader(T("home.how"))
st.markdown(T("home.how_text"))
st.subheader(T("home.legal"))
st.markdown(T("home.legal_text"))
st.subheader(T("home.sources"))
st.markdown(T("home.sources_text"))
crisis_box()
