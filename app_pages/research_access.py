"""Research mode's two gates: the database (one Store per server process) and the researcher
login, checked at the top of every research page on every run, not once per session."""

from __future__ import annotations

import hashlib
import hmac
import logging
import math
import os
from typing import Any

import streamlit as st

from app_pages import state
from app_pages.common import T
from app_pages.throttle import LoginThrottle
from scoring.store import Store, StoreError

MIN_PASSWORD = 12
THROTTLE = LoginThrottle()  # one per server process: per client and global back-off on wrong passwords
log = logging.getLogger("guidecheck")


@st.cache_resource(show_spinner=False)
def _store(url: str | None) -> Store:
    return Store(url)


def get_store(participant: bool = False) -> Store | None:
    """The shared store, or None after saying plainly, in the page's language, that it cannot be
    used (the reason, which may name the database's host, port, user or file, goes to the log)."""
    try:
        return _store(os.environ.get("DATABASE_URL"))
    except StoreError as exc:
        log.error("the database cannot be used: %s", exc)
        unavailable(participant)
        return None


def unavailable(participant: bool) -> None:
    """Say that the database cannot be used right now: a participant is told to come back later,
    a researcher where the reason is."""
    st.error(T("study.unavailable") if participant else T("research.store_error"))


def _secret(name: str) -> Any:
    try:
        return st.secrets.get(name)
    except Exception:  # noqa: BLE001 - no secrets file at all is the common case
        return None


def password() -> str | None:
    return os.environ.get("GUIDECHECK_RESEARCH_PASSWORD") or _secret("research_password")


def _identity_provider() -> bool:
    return bool(_secret("auth"))


def researcher_gate() -> None:
    """Stop the page unless a researcher is logged in (checked on every run of every page)."""
    if _identity_provider():
        if getattr(st.user, "is_logged_in", False):
            return
        st.button(T("research.login_idp"), on_click=st.login)
        st.stop()
    secret = password()
    if not secret:
        st.warning(T("research.not_configured"))
        st.stop()
    if len(secret.strip()) < MIN_PASSWORD:
        log.warning("research mode is off: the researcher password is shorter than %d characters", MIN_PASSWORD)
        st.error(T("research.password_too_short", n=MIN_PASSWORD))
        st.stop()
    token = state.researcher_token()
    if token and hmac.compare_digest(token, _token(secret)):
        return
    with st.form("research_login"):
        given = st.text_input(T("research.password"), type="password")
        submitted = st.form_submit_button(T("research.login"))
    if submitted:
        client = _client()
        wait = THROTTLE.wait(client)
        if wait > 0:  # refused without looking at the password
            log.warning("research login refused during back-off: client %s, %.0f s left", _tag(client), wait)
            st.error(T("research.wait", s=math.ceil(wait)))
            st.stop()
        if hmac.compare_digest(given.encode("utf-8"), secret.encode("utf-8")):
            THROTTLE.succeeded(client)
            state.set_researcher_token(_token(secret))
            st.rerun()
        failures = THROTTLE.failed(client)
        log.warning("research login failed: client %s, %d wrong in a row", _tag(client), failures)
        st.error(T("research.wrong"))
    st.stop()


def _client() -> str:
    """Who is trying: the IP address the server sees, else (behind nothing that tells) the session."""
    ip = getattr(st.context, "ip_address", None)
    if isinstance(ip, str) and ip:
        return "ip:" + ip
    from streamlit.runtime.scriptrunner import get_script_run_ctx

    ctx = get_script_run_ctx()
    return "session:" + (ctx.session_id if ctx else "?")


def _tag(client: str) -> str:
    """A short hash of the client for the log (the log keeps no IP address)."""
    return hashlib.sha256(client.encode()).hexdigest()[:10]


def _token(secret: str) -> str:
    """What the session keeps after login: a keyed hash, so changing the password logs everyone out."""
    return hmac.new(secret.encode("utf-8"), b"guidecheck-researcher", "sha256").hexdigest()


def logout_button() -> None:
    if st.sidebar.button(T("research.logout")):
        state.set_researcher_token(None)
        st.rerun()
