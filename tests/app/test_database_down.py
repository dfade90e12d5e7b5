"""Issue 17, item 4 (database side): no traceback, host, port, user, file path or database URL is
shown when the database is down or missing; a plain message in the page's language is, and the
details go to the 'guidecheck' log. Two servers on one SQLite file: reads never take the write lock."""

from __future__ import annotations

import logging

import pytest
from sqlalchemy import create_engine
from streamlit.testing.v1 import AppTest

from app_pages import research_access
from scoring import store as store_module
from scoring.store import Store, StoreError
from tests.app.test_pages import all_text
from tests.app.test_research_pages import APP, fill, research
from tests.test_research_integrity import WA

GONE = "postgresql+psycopg://guide_user:s3cret@127.0.0.1:1/guide_db"  # nothing listens on port 1
SECRETS = ("127.0.0.1", "guide_user", "s3cret", "guide_db", ":1", "Traceback", "psycopg", "sqlite", "/tmp")
PLAIN = {"en": "cannot be reached right now", "nl": "nu niet bereikbaar"}


def shown(at: AppTest) -> str:
    return all_text(at) + "\n".join(str(e.value) for e in at.exception)


def participant(code: str, language: str) -> AppTest:
    at = AppTest.from_file(APP, default_timeout=60)
    at.query_params["study"] = code
    at.query_params["lang"] = language
    return at.run()


@pytest.mark.parametrize("language", ["en", "nl"])
def test_a_server_started_without_its_database_says_so_plainly(monkeypatch, caplog, language):
    monkeypatch.setenv("DATABASE_URL", GONE)
    with caplog.at_level(logging.ERROR, logger="guidecheck"):
        at = participant("somecode", language)
    assert not at.exception
    assert PLAIN[language] in shown(at) and not any(s in shown(at) for s in SECRETS)
    assert "127.0.0.1" in caplog.text  # the details are in the log (the password is not)
    assert "s3cret" not in caplog.text


@pytest.mark.parametrize("language", ["en", "nl"])
def test_a_database_that_goes_down_under_a_running_server_says_so_plainly(tmp_path, monkeypatch, caplog,
                                                                          language):
    url = f"sqlite:///{tmp_path / 'down.db'}"
    monkeypatch.setenv("DATABASE_URL", url)
    study = Store(url).create_study("Down", ["working-alliance"], languages=["en", "nl"])
    running = research_access._store(url)  # the server's own store, as the pages get it
    monkeypatch.setattr(running, "engine", create_engine(GONE, connect_args={"connect_timeout": 3}))
    with caplog.at_level(logging.ERROR, logger="guidecheck"):
        at = participant(study.code, language)
    assert not at.exception
    assert PLAIN[language] in shown(at) and not any(s in shown(at) for s in SECRETS)
    assert "Store.study" in caplog.text and "Traceback" in caplog.text


def test_the_research_page_says_so_plainly_too(tmp_path, monkeypatch):
    url = f"sqlite:///{tmp_path / 'down.db'}"
    monkeypatch.setenv("DATABASE_URL", url)
    monkeypatch.setenv("GUIDECHECK_RESEARCH_PASSWORD", "correct horse")
    running = research_access._store(url)
    monkeypatch.setattr(running, "engine", create_engine(GONE, connect_args={"connect_timeout": 3}))
    at = research()
    assert not at.exception
    assert any("server's log" in e.value for e in at.error) and not any(s in shown(at) for s in SECRETS)
    monkeypatch.setenv("DATABASE_URL", GONE)  # and when it was never there
    at = research()
    assert not at.exception and any("server's log" in e.value for e in at.error)
    assert not any(s in shown(at) for s in SECRETS)


def test_two_servers_on_one_sqlite_file_read_while_the_other_writes(tmp_path, monkeypatch):
    """Before: every read began with BEGIN IMMEDIATE, so a read waited for the other server's write
    and failed with 'database is locked'."""
    monkeypatch.setattr(store_module, "SQLITE_BUSY_SECONDS", 0.5)  # a locked read fails fast
    url = f"sqlite:///{tmp_path / 'shared.db'}"
    first, second = Store(url), Store(url)
    study = first.create_study("Shared", ["working-alliance"], min_group=5)
    fill(first, study, 6)
    with first._writer.connect() as writing:
        writing.begin()  # the first server holds the write lock (a long submission, a cache rebuild)
        writing.exec_driver_sql("UPDATE studies SET title = 'Shared' WHERE id = 1")
        assert second.study(study.code).title == "Shared"
        assert second.count(study.id) == 6 and second.latest(study.id) > 0
        assert len(second.vectors(study.id, WA, WA.content_hash)[0]) == 6
        assert second.snapshot(study.id, "working-alliance", WA.content_hash, 5)[0] == 5
        with pytest.raises(StoreError) as caught:  # a second writer still waits, then says so plainly
            second.set_open(study.code, False)
        assert "locked" not in str(caught.value) and str(tmp_path) not in str(caught.value)
        writing.rollback()
    second.set_open(study.code, False)
    assert not first.study(study.code).is_open
    first.dispose()
    second.dispose()
