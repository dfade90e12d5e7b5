"""What several pages share: the cached built-in instruments and the crisis-resource box."""

from __future__ import annotations

from pathlib import Path

import streamlit as st

from scoring import validate_paths
from scoring.resources import CRISIS_RESOURCES, NOT_A_GUARANTEE, text

QUESTIONNAIRES = Path(__file__).resolve().parent.parent / "questionnaires"


def _fingerprint() -> tuple:
    return tuple((p.name, p.stat().st_mtime_ns) for p in sorted(QUESTIONNAIRES.glob("*.y*ml")))


@st.cache_resource(show_spinner=False)
def _load(fingerprint: tuple):
    return validate_paths([QUESTIONNAIRES])


def builtin_instruments():
    """(instruments by id, problems): reloaded only when a file in questionnaires/ changes."""
    return _load(_fingerprint())


def crisis_box(lang: str = "en") -> None:
    with st.container(border=True):
        st.markdown("**Need support now?**" if lang == "en" else "**Nu steun nodig?**")
        for r in CRISIS_RESOURCES:
            st.markdown(f"- **{text(r['name'], lang)}**: {r['contact']}. {text(r['about'], lang)}")


def not_a_guarantee(lang: str = "en") -> None:
    st.caption(NOT_A_GUARANTEE[lang])
