"""What the pages share: language (kept in the URL), instruments (built-in, cached, plus any the
person uploaded this session), safe rendering of instrument texts, and the fixed boxes."""

from __future__ import annotations

import hashlib
import os
import threading
import time
from pathlib import Path
from typing import Any

import streamlit as st
from streamlit.runtime.uploaded_file_manager import UploadedFile

from app_pages import state
from scoring import plaintext, validate_bytes, validate_paths
from scoring.i18n import LANGUAGE_NAMES, LANGUAGES, render, t
from scoring.instrument import Instrument
from scoring.resources import COUNTRIES, COUNTRY_KEYS, crisis_resources, default_country, resource_parts
from scoring.yamlsafe import Problem

# the built-in instruments; GUIDECHECK_QUESTIONNAIRES points elsewhere (the browser tests edit a copy)
QUESTIONNAIRES = Path(os.environ.get("GUIDECHECK_QUESTIONNAIRES")
                      or Path(__file__).resolve().parent.parent / "questionnaires")


_run = threading.local()  # Streamlit runs each session's script on a thread of its own


def start_run() -> str:
    """The language: from the URL (?lang=nl), else this session's choice, else English.
    app.py calls this at the top of every run; lang() and T() then read the result without
    touching the URL again (reading query parameters costs ~20 µs a call, a page makes hundreds)."""
    wanted = st.query_params.get("lang")
    if wanted in LANGUAGES:
        state.set_chosen_language(wanted)
    current = state.chosen_language() or "en"
    if wanted != current:
        st.query_params["lang"] = current
    _run.lang = current
    return current


def lang() -> str:
    current = getattr(_run, "lang", None)
    return current if current is not None else start_run()


def set_language(code: str) -> None:
    state.set_chosen_language(code)
    st.query_params["lang"] = code
    _run.lang = code


def T(key: str, **values: object) -> str:  # noqa: N802 - short on purpose: used on every line of the pages
    return t(key, lang(), **values)


def problem_line(problem: Problem) -> str:
    """A file's problem (``PATH:LINE: message``) with its message in the page's language."""
    where = f"{problem.path}:{problem.line}" if problem.line else problem.path
    return f"{where}: {render(problem.message, lang())}"


def page_language() -> None:
    """Set <html lang> to the page's language (Streamlit always writes "en", streamlit#15726), so
    that screen readers and translation tools read Dutch pages as Dutch. The script is a constant
    of ours; the code it sets comes from the closed list LANGUAGES, never from the URL as given."""
    code = lang() if lang() in LANGUAGES else "en"
    # Captions carry "a good score is not a guarantee": Streamlit's grey (#828180 on white, 3.9:1)
    # at 60 % opacity fails WCAG AA contrast (4.5:1), so they are drawn solid and darker (#5c5b5a, 6.6:1).
    st.html(f"<script>document.documentElement.lang = '{code}';</script>"
            "<style>[data-testid='stCaptionContainer']{color:#5c5b5a;opacity:1}"
            # wide markdown tables scroll inside their box instead of widening the page on a phone
            "[data-testid='stMarkdownContainer'] table{display:block;overflow-x:auto;max-width:100%}</style>",
            unsafe_allow_javascript=True, width="content")
    if state.take_scroll_top():
        scroll_to_top()


def scroll_to_top() -> None:
    """Bring the top of the page into view (after Next, or when the report opens): Streamlit keeps
    the scroll position of the page before, which on a phone left the new part's title off screen."""
    # The browser runs an st.html script again only when its text changed (a new number each time),
    # and every run of it is a script of the page's own: in a block, so that a second run does not
    # stop at "m has already been declared" (which left every part after the first scrolled down).
    count = state.next_scroll_count()
    st.html(f"<script>/* {count} */ {{ const m = document.querySelector('[data-testid=\"stMain\"]');"
            "if (m) { m.scrollTo(0, 0); } window.scrollTo(0, 0); }</script>", unsafe_allow_javascript=True,
            width="content")


# Plotly's toolbar hovered over chart titles on phones; the charts need none of its tools.
CHART_CONFIG = {"displayModeBar": False}
LANGUAGE_PICKER = "_lang_picker"  # the sidebar's language radio


def language_picker() -> None:
    current = lang()

    def changed() -> None:
        set_language(state.widget_value(LANGUAGE_PICKER))

    st.sidebar.radio(f"{t('nav.language', 'en')} / {t('nav.language', 'nl')}", LANGUAGES,
                     index=LANGUAGES.index(current), format_func=LANGUAGE_NAMES.get, key=LANGUAGE_PICKER,
                     on_change=changed, horizontal=True)


def safe(value: object) -> str:
    """A person's or a file's text as Markdown that can only be plain text (scoring.plaintext)."""
    return plaintext.markdown(value)


Loaded = tuple[dict[str, Instrument], list[Problem]]  # instruments by id, and the problems found


def _fingerprint() -> tuple[tuple[str, int], ...]:
    return tuple((p.name, p.stat().st_mtime_ns) for p in sorted(QUESTIONNAIRES.glob("*.y*ml")))


@st.cache_resource(show_spinner=False)
def _load(fingerprint: tuple[tuple[str, int], ...]) -> Loaded:
    return validate_paths([QUESTIONNAIRES])


_builtin: dict[str, Any] = {}  # the last load of the folder and when it was looked at (builtin_instruments)


def builtin_instruments() -> Loaded:
    """(instruments by id, problems): loaded once, again only when a file in questionnaires/ changes.
    The folder is looked at once a second at most: a page calls instruments() dozens of times a run,
    and the stat of every file (0.7 ms) and the cache lookup on each call were a sixth of an answer's
    server time (py-spy, issue 15)."""
    now = time.monotonic()
    if "loaded" not in _builtin or now - _builtin["checked"] > 1.0:
        _builtin["loaded"], _builtin["checked"] = _load(_fingerprint()), now
    loaded: Loaded = _builtin["loaded"]
    return loaded


@st.cache_resource(show_spinner=False, max_entries=8, ttl=3600)  # a few files, bounded memory
def _validate_upload(digest: str, name: str, _raw: bytes) -> tuple[Instrument | None, list[Problem]]:
    return validate_bytes(_raw, name)


def validated_upload(upload: UploadedFile) -> tuple[Instrument | None, list[Problem]]:
    """(instrument or None, problems) of an uploaded instrument, validated once per file content:
    Streamlit reruns the page on every click while the file stays in the uploader."""
    raw = upload.getvalue()
    return _validate_upload(hashlib.sha256(raw).hexdigest(), upload.name, raw)


def instruments() -> dict[str, Instrument]:
    """Built-in instruments plus those uploaded in this session (uploads never replace built-ins)."""
    loaded, _ = builtin_instruments()
    custom = state.custom_instruments()
    return {**loaded, **{k: v for k, v in custom.items() if k not in loaded}}


def crisis_country() -> str:
    """The country whose resources lead: the person's pick this session, else from the language."""
    picked = state.crisis_pick()
    return picked if picked in COUNTRIES else default_country(lang())


def crisis_box(where: str = "page") -> None:
    """Crisis and support resources with a country picker (NL / US / elsewhere). Call once per page
    run; app.py adds one in the sidebar (where="sidebar"), and both pickers share the pick."""
    language = lang()
    key = state.widget_key("_crisis_country", where)
    # the pick lives under a key of its own: Streamlit drops a widget's state on pages without it
    state.set_widget_value(key, crisis_country())

    def picked() -> None:
        state.set_crisis_pick(state.widget_value(key))

    with st.container(border=True):
        st.markdown(f"**{T('crisis.title')}**")
        st.radio(T("crisis.country"), COUNTRIES, key=key, horizontal=True, on_change=picked,
                 format_func=lambda c: t(COUNTRY_KEYS[c], language))
        lines = (resource_parts(r) for r in crisis_resources(language, crisis_country()))
        # our own fixed texts (tests/test_resources.py keeps them free of links and markdown)
        st.markdown("\n".join(f"- **{label}**: {rest}" for label, rest in lines))


def not_a_guarantee() -> None:
    st.caption(T("resources.not_a_guarantee"))


def what_it_is_not() -> None:
    st.info(T("resources.what_it_is_not"))


def app_url(page: str = "") -> str:
    """This app's own address as the person's browser sees it (scheme, host, port and path, without
    the query), so that a study link can be shown whole; ``page`` is the url path of the page
    asking, cut off the end (Streamlit 1.67 leaves it on). "" where no browser is connected
    (AppTest): then only the part after the address is shown."""
    url = (st.context.url or "").split("?", 1)[0].split("#", 1)[0].rstrip("/")
    if page and url.endswith("/" + page):
        url = url[: -len(page) - 1]
    return url + "/" if url else ""
