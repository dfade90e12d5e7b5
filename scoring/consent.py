"""A study's consent text in each of its languages (issue 15). No Streamlit here.

The study keeps one text column for consent; a text per language is kept in it as a small JSON
object marked as ours, so no schema change is needed and studies made before keep their one plain
text (then shown whatever the language, as before)."""

from __future__ import annotations

import json

MARK = "guidecheck_consent"


def pack(texts: dict[str, str]) -> str:
    """The stored form of consent texts by language code; "" when none has any text."""
    kept = {code: text.strip() for code, text in texts.items() if text and text.strip()}
    return json.dumps({MARK: 1, "texts": kept}, ensure_ascii=False, sort_keys=True) if kept else ""


def texts(stored: str) -> dict[str, str]:
    """The consent texts by language; a plain text (a study made before) is {"": text}."""
    if not stored:
        return {}
    try:
        data = json.loads(stored)
    except ValueError:
        data = None
    if isinstance(data, dict) and data.get(MARK) == 1 and isinstance(data.get("texts"), dict):
        return {k: v for k, v in data["texts"].items() if isinstance(k, str) and isinstance(v, str)}
    return {"": stored}


def for_language(stored: str, language: str, languages: list[str]) -> str:
    """The consent text a participant reads in ``language``: its own, else the study's first
    language that has one (never nothing when the study has a consent text)."""
    known = texts(stored)
    for code in (language, "", *languages, *sorted(known)):
        if known.get(code):
            return known[code]
    return ""


def missing(stored: str, languages: list[str]) -> list[str]:
    """The study's languages without a consent text of their own, when there is any consent text."""
    known = texts(stored)
    if not known or "" in known:
        return []
    return [code for code in languages if not known.get(code)]
