"""What the pages share: language (kept in the URL), instruments (built-in, cached, plus any the
person uploaded this session), safe rendering of instrument texts, and the fixed boxes."""

from __future__ import annotations

import hashlib
import threading
from pathlib import Path

import streamlit as st

from scoring import plaintext, validate_bytes, validate_paths
from scoring.i18n import LANGUAGE_NAMES, LANGUAGES, t
from scoring.resources import CRISIS_RESOURCES, NOT_A_GUARANTEE, WHAT_IT_IS_NOT, text

QUESTIONNAIRES = Path(__file__).resolve().parent.parent / "questionnaires"


_run = threading.local()  # Streamlit runs each session's script on a thread of its own


def start_run() -> str:
    """The language: from the URL (?lang=nl), else this session's choice, else English.
    app.py calls this at the top of every run; lang() and T() then read the result without
    touching the URL again (reading query parameters costs ~20 µs a call, a page makes hundreds)."""
    wanted = st.query_params.get("lang")
    if wanted in LANGUAGES:
        st.session_state["lang"] = wanted
    current = st.session_state.get("lang", "en")
    if wanted != current:
        st.query_params["lang"] = current
    _run.lang = current
    return current


def lang() -> str:
    current = getattr(_run, "lang", None)
    return current if current is not None else start_run()


def set_language(code: str) -> None:
    st.session_state["lang"] = code
    st.query_params["lang"] = code
    _run.lang = code


def T(key: str, **values) -> str:  # noqa: N802 - short on purpose: used on every line of the pages
    return t(key, lang(), **values)


def language_picker() -> None:
    current = lang()

    def changed():
        set_language(st.session_state["_lang_picker"])

    st.sidebar.radio(f"{t('nav.language', 'en')} / {t('nav.language', 'nl')}", LANGUAGES,
                     index=LANGUAGES.index(current), format_func=LANGUAGE_NAMES.get, key="_lang_picker",
                     on_change=changed, horizontal=True)


def safe(value) -> str:
    """A person's or a file's text as Markdown that can only be plain text (scoring.plaintext)."""
    return plaintext.markdown(value)


def _fingerprint() -> tuple:
    return tuple((p.name, p.stat().st_mtime_ns) for p in sorted(QUESTIONNAIRES.glob("*.y*ml")))


@st.cache_resource(show_spinner=False)
def _load(fingerprint: tuple):
    return validate_paths([QUESTIONNAIRES])


def builtin_instruments():
    """(instruments by id, problems): loaded once, again only when a file in questionnaires/ changes."""
    return _load(_fingerprint())


@st.cache_resource(show_spinner=False, max_entries=8, ttl=3600)  # a few files, bounded memory
def _validate_upload(digest: str, name: str, _raw: bytes):
    return validate_bytes(_raw, name)


def validated_upload(upload):
    """(instrument or None, problems) of an uploaded instrument, validated once per file content:
    Streamlit reruns the page on every click while the file stays in the uploader."""
    raw = upload.getvalue()
    return _validate_upload(hashlib.sha256(raw).hexdigest(), upload.name, raw)


def instruments() -> dict:
    """Built-in instruments plus those uploaded in this session (uploads never replace built-ins)."""
    loaded, _ = builtin_instruments()
    custom = st.session_state.get("custom_instruments", {})
    return {**loaded, **{k: v for k, v in custom.items() if k not in loaded}}


def crisis_box() -> None:
    language = lang()
    with st.container(border=True):
        st.markdown(f"**{T('crisis.title')}**")
        st.markdown("\n".join(f"- **{text(r['name'], language)}**: {r['contact']}. {text(r['about'], language)}"
                              for r in CRISIS_RESOURCES))


def not_a_guarantee() -> None:
    st.caption(NOT_A_GUARANTEE[lang()])


def what_it_is_not() -> None:
    st.info(WHAT_IT_IS_NOT[lang()])
