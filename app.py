"""GuideCheck's entry point: `streamlit run app.py`. Navigation only; pages live in app_pages/."""

import streamlit as st

st.set_page_config(page_title="GuideCheck", layout="wide")
page = st.navigation([
    st.Page("app_pages/home.py", title="Home", default=True),
    st.Page("app_pages/instruments.py", title="Instruments"),
])
page.run()
