"""AppTest: the Instruments page counts questions and parts in the right grammatical number:
'1 vraag in 1 deel', not '1 vragen in 1 delen' (found walking the Dutch page, issue 13)."""

from __future__ import annotations

import pytest

from app_pages import common
from tests.app.test_pages import app

ONE = (b"format: 1\nid: size-check\nversion: 1.0.0\nlanguages: [en, nl]\ntitle: {en: Size, nl: Omvang}\n"
       b"sections:\n  - id: s\n    title: {en: S, nl: S}\n    items:\n"
       b"      - {id: q1, type: yes_no, text: {en: Q?, nl: V?}, weight: 1}\n"
       b"scores:\n  - {id: total, label: {en: T, nl: T}, items: [q1], method: sum}\n"
       b"bands:\n  - {id: ok, min: 0, label: {en: OK, nl: OK}}\n")


@pytest.fixture(autouse=True)
def _english_after():
    yield
    common._run.lang = None


@pytest.mark.parametrize("lang, one, many", [
    ("nl", "1 vraag in 1 deel", "vragen in "),
    ("en", "1 question in 1 part", "questions in "),
])
def test_sizes_are_counted_in_the_right_number(lang: str, one: str, many: str):
    at = app(lang)
    at.switch_page("app_pages/instruments.py").run()
    at.get("file_uploader")[0].set_value(("one.yaml", ONE, "application/yaml")).run()
    assert not at.exception
    captions = [c.value for c in at.caption]
    assert one in captions, captions
    # the built-in checklists have many questions in several parts
    assert any(c.startswith(tuple(str(k) for k in range(10))) and many in c and c.endswith(("delen", "parts"))
               for c in captions), captions
