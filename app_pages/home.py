import streamlit as st

from app_pages.common import crisis_box, not_a_guarantee
from scoring.resources import WHAT_IT_IS_NOT

st.title("GuideCheck")
st.markdown(
    "Checklists for judging the people who guide MDMA sessions: therapist teams in research and "
    "clinical programmes, and sitters in harm-reduction settings. Each question rests on criteria "
    "that careful sources agree on, and every answer is scored openly."
)
st.info(WHAT_IT_IS_NOT["en"])
not_a_guarantee()
st.markdown("The full app (vetting a guide, self-audit, compare, research mode) is being built; "
            "the **Instruments** page lists the checklists available now.")
crisis_box()
