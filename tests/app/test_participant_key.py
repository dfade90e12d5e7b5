"""Issue 17, items 1 and 12 on the participant page (AppTest, with the browser's storage played by
a dict: AppTest cannot run the JavaScript bridge). Before: a link carrying someone else's `sub=`
showed "Your answers have been saved"; after a server restart the page went back to consent with
every answer gone."""

from __future__ import annotations

import pytest
from streamlit.testing.v1 import AppTest

from app_pages import browser_store
from tests.app.test_pages import all_text
from tests.app.test_research_pages import APP, db  # noqa: F401 - the fixture

THANKS = "Your answers have been saved"


@pytest.fixture
def browsers(monkeypatch):
    """browsers(name) makes that browser's storage the one the page sees from now on."""
    storages: dict[str, dict] = {}
    current = {"name": "A"}

    def sync(name, *, save, loaded, clear=False, slot=""):
        storage = storages.setdefault(current["name"], {})
        if clear:
            storage.pop(name, None)
        elif save:
            storage[name] = save
        return None if loaded else storage.get(name, "")

    monkeypatch.setattr(browser_store, "sync", sync)

    def use(name):
        current["name"] = name
        return storages.setdefault(name, {})

    return use


def open_link(code: str, sub: str | None = None) -> AppTest:
    at = AppTest.from_file(APP, default_timeout=60)
    at.query_params["study"] = code
    if sub:
        at.query_params["sub"] = sub
    return at.run()


def start_and_answer(at: AppTest, value=4) -> None:
    at.checkbox(key="consent").check().run()
    [b for b in at.button if b.label == "Start"][0].click().run()
    for radio in at.radio:
        if radio.key and radio.key.startswith("q:research:"):
            radio.set_value(value)
    at.run()


def send(at: AppTest) -> None:
    [b for b in at.button if b.label == "Send my answers"][0].click().run()


def test_someone_elses_key_in_the_link_shows_consent_not_thanks(db, browsers):  # noqa: F811
    study = db.create_study("Keys", ["working-alliance"])
    browsers("A")
    a = open_link(study.code)
    start_and_answer(a)
    send(a)
    assert any(THANKS in s.value for s in a.success)
    key_a = db.export_frame(study.id, "working-alliance", db.versions(study.id, "working-alliance")
                            .loc[0, "instrument_hash"])["response_id"][0]
    browsers("B")  # another person's browser, with A's full link (the key A's page once had in its URL)
    b = open_link(study.code, sub=key_a)
    assert not any(THANKS in s.value for s in b.success)
    assert b.checkbox(key="consent") is not None and "sub" not in b.query_params
    start_and_answer(b, value=2)
    send(b)
    assert any(THANKS in s.value for s in b.success) and db.count(study.id) == 2  # B's own row
    browsers("A")
    again = open_link(study.code, sub=key_a)  # A again, in a new session: their browser kept the key
    assert any(THANKS in s.value for s in again.success) and db.count(study.id) == 2


def test_after_a_restart_the_answers_come_back_with_a_message_and_send_works(db, browsers):  # noqa: F811
    study = db.create_study("Restart", ["working-alliance"])
    storage = browsers("A")
    before = open_link(study.code)
    start_and_answer(before, value=5)
    assert storage and db.count(study.id) == 0
    after = open_link(study.code)  # the server restarted: a new session, the same browser
    assert "were kept in this browser" in all_text(after)
    radios = [r for r in after.radio if r.key and r.key.startswith("q:research:")]
    assert radios and all(r.value == 5 for r in radios)
    send(after)
    assert any(THANKS in s.value for s in after.success) and db.count(study.id) == 1
    assert '"answers":{}' in next(iter(storage.values()))  # sent: the answers leave the browser's copy


def test_a_new_session_after_consent_goes_straight_to_the_questions(db, browsers):  # noqa: F811
    """Issue 16: a failover (the browser reconnects to another server: a new session) or a reload
    right after 'Start', before any answer. Before, the person was asked for consent again."""
    study = db.create_study("Failover", ["working-alliance"])
    storage = browsers("A")
    before = open_link(study.code)
    before.checkbox(key="consent").check().run()
    [b for b in before.button if b.label == "Start"][0].click().run()
    assert '"consented":true' in next(iter(storage.values()))
    after = open_link(study.code)  # a new session on the other server, the same browser
    assert not [c for c in after.checkbox if c.key == "consent"]  # no consent page
    assert "you already agreed to take part" in all_text(after)
    radios = [r for r in after.radio if r.key and r.key.startswith("q:research:")]
    assert radios
    for radio in radios:
        radio.set_value(3)
    after.run()
    send(after)
    assert any(THANKS in s.value for s in after.success) and db.count(study.id) == 1
    browsers("B")  # someone else's browser still gets the consent page
    other = open_link(study.code)
    assert other.checkbox(key="consent") is not None
