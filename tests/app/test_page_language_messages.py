"""AppTest: the core's messages (answer checks, result files, instrument checks, answer files)
are shown in the page's language (issue 15: "validation and resume warnings stay English")."""

from __future__ import annotations

import json

import pytest

from app_pages import common
from tests.app.test_pages import BUILTIN, app, shown


@pytest.fixture(autouse=True)
def _english_after():
    yield
    common._run.lang = None


def progress_file(answers: dict, **extra) -> bytes:
    return json.dumps({"guidecheck_result": 1, "kind": "vetting", "submitted": False, **extra, "instruments": [
        {"id": "red-flags", "version": BUILTIN["red-flags"].version, "answers": answers}]}).encode()


def resume(lang: str, raw: bytes):
    # AppTest calls the pages' format_func on the test's own thread: give it the page's language
    common._run.lang = lang
    at = app(lang)
    at.switch_page("app_pages/vet.py").run()
    at.get("file_uploader")[0].set_value(("saved.json", raw, "application/json")).run()
    assert not at.exception
    return at


def test_a_bad_progress_file_on_the_dutch_vetting_page_is_explained_in_dutch():
    raw = progress_file({"rf_intake": "maybe", "gone_1": "yes"})
    at = resume("nl", raw)
    notes = "\n".join(shown(w.value) for w in at.warning)
    assert "rf_intake: moet yes, no of unsure zijn, niet 'maybe'; weggelaten" in notes, notes
    assert "1 vraag in het bestand bestaat niet meer" in notes, notes
    assert "expected" not in notes and "no longer exist" not in notes, notes
    english = "\n".join(shown(w.value) for w in resume("en", raw).warning)
    assert "rf_intake: expected yes, no or unsure, got 'maybe'; left out" in english, english
    assert "1 question in the file no longer exists" in english, english


def test_a_file_that_is_no_progress_file_is_refused_in_dutch():
    at = resume("nl", b"not json at all")
    errors = "\n".join(shown(e.value) for e in at.error)
    assert "saved.json" in errors and "geen resultaatbestand van GuideCheck" in errors, errors
    assert "not a GuideCheck" not in errors


def test_an_uploaded_checklist_with_problems_is_explained_in_dutch():
    raw = (b"format: 1\nid: dutch-problems\nversion: 1.0.0\nlanguages: [en]\ntitle: T\nsections:\n"
           b"  - id: s\n    title: S\n    items:\n      - {id: q1, type: yes_no, text: Q?}\n"
           b"      - {id: q1, type: yes_no, text: Q2?}\n")
    at = app("nl")
    at.switch_page("app_pages/instruments.py").run()
    at.get("file_uploader")[0].set_value(("dubbel.yaml", raw, "application/yaml")).run()
    assert not at.exception
    assert any("Dit bestand heeft 1 probleem" in shown(e.value) for e in at.error), [e.value for e in at.error]
    code = "\n".join(c.value for c in at.code)
    assert "vraag-id 'q1' wordt twee keer gebruikt" in code and "used twice" not in code, code

