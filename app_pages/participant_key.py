"""Which submission key a participant's page uses, and what this browser keeps for a study.
No Streamlit here: the decision is a plain function, tested without a browser.

The key is made by the server when a person starts a study in a new session, and kept in that
person's own browser storage (with their answers) under the study's code. A key in the URL is never
proof of anything: a link copied from someone's address bar, or a distributed link with a key in
it, would otherwise show "thanks" for someone else's row. Only a key made in this session, or kept
in this browser's own storage, counts; so a refresh (or a new tab, or a server restart) by the same
person still finds their stored row, and anyone else gets the consent page and a key of their own.
"""

from __future__ import annotations

import json
import re
import secrets
from collections.abc import Callable
from dataclasses import dataclass, field

from scoring.answers import BadAnswer, check_value

SUBMISSION_KEY = re.compile(r"[0-9a-f]{32}")  # as new_key makes them
MAX_SAVED = 1_000_000  # characters of a browser's saved text read back (localStorage holds ~5 MB)


def new_key() -> str:
    return secrets.token_hex(16)  # 128 random bits


@dataclass(frozen=True)
class Saved:
    """What this browser keeps for one study: its key (None until the person starts), whether
    they agreed, and their answers so far (emptied once sent)."""
    key: str | None = None
    consented: bool = False
    answers: dict = field(default_factory=dict)


def decide(url_key: str | None, session_key: str | None, saved_key: str | None,
           is_stored: Callable[[str], bool]) -> tuple[str | None, bool]:
    """(the key this page uses, whether its submission is already stored: say thanks).

    ``url_key`` is whatever the address bar holds: it is used only when it is one of the keys this
    session or this browser made (and then adds nothing), never on its own. ``is_stored(key)``
    asks the database. A saved key that was already sent wins (the person answered before, in
    this browser); else the session's own key; else the saved one (answers not yet sent)."""
    own = {k for k in (session_key, saved_key) if k and SUBMISSION_KEY.fullmatch(k)}
    del url_key  # named so that the rule is visible: a key from the link is never trusted
    if saved_key in own and is_stored(saved_key):
        return saved_key, True
    if session_key in own:
        return session_key, is_stored(session_key)
    if saved_key in own:
        return saved_key, False
    return None, False


def saved_text(saved: Saved) -> str:
    return json.dumps({"key": saved.key, "consented": saved.consented, "answers": saved.answers},
                      separators=(",", ":"), default=sorted)


def read_saved(text: str | None, instruments: dict) -> Saved | None:
    """What this browser kept, checked as if it had just been typed in: a key of the server's
    form, and only answers that are valid for a known question (anything else is dropped, so a
    leftover or edited entry can never break the page). None when nothing usable is kept."""
    if not text or len(text) > MAX_SAVED:
        return None
    try:
        data = json.loads(text)
    except (ValueError, RecursionError):
        return None
    if not isinstance(data, dict):
        return None
    key = data.get("key")
    key = key if isinstance(key, str) and SUBMISSION_KEY.fullmatch(key) else None
    answers = {}
    given = data.get("answers")
    for inst_id, items in (given.items() if isinstance(given, dict) else ()):
        inst = instruments.get(inst_id)
        if inst is None or not isinstance(items, dict):
            continue
        kept = {}
        for item_id, value in items.items():
            info = inst.items.get(item_id)
            if info is None or value is None:
                continue
            try:
                status, _ = check_value(info.spec, value, inst.spec.scales)
            except (BadAnswer, TypeError, ValueError):
                continue
            if status != "missing":
                kept[item_id] = value
        if kept:
            answers[inst_id] = kept
    if key is None and not answers:
        return None
    return Saved(key=key, consented=data.get("consented") is True and key is not None, answers=answers)
