"""AppTest: a progress file with no answers to any checklist available here is refused with a
reason, not met with silence (found walking the app: such a file left the page as it was, with
no word about it, and the warnings about its unknown checklists were lost)."""

from __future__ import annotations

import json

import pytest

from app_pages import common
from tests.app.test_page_language_messages import resume
from tests.app.test_pages import shown


@pytest.fixture(autouse=True)
def _english_after():
    yield
    common._run.lang = None


UNKNOWN = {"id": "no-such-checklist", "version": "1.0.0", "answers": {"q": "yes"}}


@pytest.mark.parametrize("instruments", [[], [UNKNOWN]])
@pytest.mark.parametrize("lang, expected", [("en", "no answers to any checklist available here"),
                                            ("nl", "bevat geen antwoorden op een vragenlijst die hier beschikbaar is")])
def test_a_file_without_usable_answers_is_refused_with_a_reason(instruments, lang, expected):
    raw = json.dumps({"guidecheck_result": 1, "kind": "vetting", "instruments": instruments}).encode()
    at = resume(lang, raw)
    errors = "\n".join(shown(e.value) for e in at.error)
    assert "saved.json" in errors and expected in errors, errors
    if instruments:  # and which checklist it held
        assert "no-such-checklist" in errors + "\n".join(shown(w.value) for w in at.warning), errors
