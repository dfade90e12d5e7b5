"""Answers kept in the person's own browser (localStorage), never on the server.

A reload or a closed tab used to wipe every answer. This small custom component (Streamlit's
components v2, which runs in the page itself) writes the current progress file to the browser's
storage after each change and, once per session, reads it back so that the page can restore it.
Written here rather than taken from a package: the whole bridge is a dozen lines of JavaScript,
and the packages that wrap localStorage for Streamlit are little-kept single-author projects.
"""

from __future__ import annotations

import hashlib
import secrets

import streamlit as st

from app_pages import state

_JS = """
export default function(component) {
  const { data, setTriggerValue } = component;
  const key = "guidecheck:" + data.name;
  try {
    if (data.clear) {
      window.localStorage.removeItem(key);
    } else if (typeof data.save === "string" && data.save.length) {
      window.localStorage.setItem(key, data.save);
    }
    if (!data.loaded) {
      const stored = window.localStorage.getItem(key);
      setTriggerValue("stored", stored === null ? "" : stored);
    }
  } catch (e) {
    // storage is off (a private window, a strict setting): answers then live in this tab only
    if (!data.loaded) { setTriggerValue("stored", ""); }
  }
}
"""

_component = st.components.v2.component("guidecheck_browser_store", js=_JS)


def sync(name: str, *, save: str | None, loaded: bool, clear: bool = False, slot: str = "") -> str | None:
    """Write ``save`` to this browser's storage under ``name`` (or remove it when ``clear``); until
    ``loaded`` is true, ask the browser for what it holds. Returns that text once it arrives ("" when
    nothing is stored), else None. ``slot`` names a second bridge for the same entry, for a part of
    the page that reruns on its own (an ``st.fragment``): its writes then reach the browser too."""
    # a new session (a reload, or a server restart under an open page) gets new data, so the
    # browser runs the bridge again and reports what it holds even when nothing else changed
    session = state.browser_session(lambda: secrets.token_hex(8))  # random bytes drawn once a session
    # the browser runs the bridge only when its data changes; with a second bridge for the same
    # entry (``slot``), one bridge's data can be the same as last time while the other wrote since:
    # a count of this entry's changes makes every change reach the browser, whichever bridge sends it
    changes = state.browser_changes()
    last, count = changes.get(name, (None, 0))
    if (save or "", clear) != last:
        changes[name] = ((save or "", clear), count + 1)
    data = {"name": name, "save": save or "", "loaded": loaded, "clear": clear, "session": session,
            "change": changes.get(name, (None, 0))[1]}
    # the widget key names the entry by a digest: a study code (token_urlsafe) can hold "__", which
    # Streamlit keeps for its own event names and refuses in a component's key
    digest = hashlib.sha256(f"{name}\0{slot}".encode()).hexdigest()[:24]
    result = _component(key=f"browser_store_{digest}", data=data,
                        on_stored_change=lambda: None)
    stored = getattr(result, "stored", None)
    if stored is None and not loaded and not st.context.headers:
        # no browser is connected (AppTest runs the script without one, and Streamlit then has no
        # request headers): nothing will ever answer, so this is a browser with nothing stored
        return ""
    return stored if isinstance(stored, str) else None
