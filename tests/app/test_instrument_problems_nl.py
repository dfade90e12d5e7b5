"""AppTest: a broken instrument uploaded on the Dutch Instruments page is explained in Dutch,
whatever stage refused it: the YAML reader, the schema, or a worked example (issue 13)."""

from __future__ import annotations

import pytest

from app_pages import common
from tests.app.test_pages import app, shown

HEAD = b"format: 1\nid: dutch-problems\nversion: 1.0.0\nlanguages: [en]\ntitle: T\n"
ITEMS = (b"sections:\n  - id: s\n    title: S\n    items:\n"
         b"      - {id: q1, type: yes_no, text: Q?, weight: %s}\n")
SCORES = (b"scores:\n  - {id: total, label: T, items: [q1], method: sum}\n"
          b"bands:\n  - {id: ok, min: 0, label: OK}\n")
EXAMPLE = b"examples:\n  - {name: alles, answers: {q1: 'yes'}, expect: {scores: {total: 5}}}\n"


@pytest.fixture(autouse=True)
def _english_after():
    yield
    common._run.lang = None


def upload(lang: str, raw: bytes) -> tuple[str, str]:
    at = app(lang)
    at.switch_page("app_pages/instruments.py").run()
    at.get("file_uploader")[0].set_value(("kapot.yaml", raw, "application/yaml")).run()
    assert not at.exception
    # long messages wrap instead of running off a phone's screen
    assert at.code and all(c.proto.wrap_lines for c in at.code)
    return "\n".join(shown(e.value) for e in at.error), "\n".join(c.value for c in at.code)


@pytest.mark.parametrize("raw, dutch, english", [
    (HEAD + b"title: again\n", "kapot.yaml:6: de sleutel 'title' staat er twee keer in", "duplicate key 'title'"),
    (HEAD + ITEMS % b"0", "kapot.yaml:10: sections[0].items[0].weight: moet groter zijn dan 0",
     "Input should be greater than 0"),
    (HEAD + ITEMS % b"1" + SCORES + EXAMPLE,
     "voorbeeld 'alles': score total is 1, verwacht 5", "score total is 1, expected 5"),
])
def test_a_broken_upload_is_explained_in_dutch(raw: bytes, dutch: str, english: str):
    errors, code = upload("nl", raw)
    assert "Dit bestand heeft 1 probleem" in errors, errors
    assert dutch in code and english not in code, code
    _, code = upload("en", raw)
    assert english in code, code
