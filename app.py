"""GuideCheck's entry point: `streamlit run app.py`. Navigation only; pages live in app_pages/."""

import streamlit as st

from app_pages.common import T, crisis_box, language_picker, page_language, start_run

st.set_page_config(page_title="GuideCheck", layout="wide")
start_run()  # the language, once per run: every text below reads it
page_language()  # <html lang="..."> for this page
if st.query_params.get("study"):
    # a participant's study link: that page only, no way to the rest of the app
    st.navigation([st.Page("app_pages/participate.py", title=T("nav.study"))], position="hidden").run()
    st.stop()
language_picker()
page = st.navigation([
    st.Page("app_pages/home.py", title=T("nav.home"), default=True),
    st.Page("app_pages/vet.py", title=T("nav.vet"), url_path="vet"),
    st.Page("app_pages/report.py", title=T("nav.report"), url_path="report"),
    st.Page("app_pages/self_audit.py", title=T("nav.self_audit"), url_path="self-audit"),
    st.Page("app_pages/compare.py", title=T("nav.compare"), url_path="compare"),
    st.Page("app_pages/instruments.py", title=T("nav.instruments"), url_path="instruments"),
    st.Page("app_pages/research.py", title=T("nav.research"), url_path="research"),
])
page.run()
with st.sidebar, st.expander(T("crisis.title")):
    crisis_box("sidebar")
