"""Two app servers behind HAProxy (deploy/haproxy.cfg, as it is) with sticky sessions, sharing one
PostgreSQL database. Participants go through the balancer to both servers; one server is killed
in the middle; every submission a participant saw acknowledged is stored exactly once, and
every participant, including those whose server died, gets through on the survivor.

Participants are bench/stclient.py clients (Streamlit's own WebSocket protocol, reconnecting
with the same URL and cookie as the browser does, each with a browser storage of its own that the
page's storage bridge reads and writes), so a dozen fit on two cores."""

from __future__ import annotations

import asyncio
import contextlib
import json
import os
import random
import shutil
import subprocess
import sys
import time
import urllib.request
from collections import Counter

import pytest

from tests.conftest import ROOT
from tests.e2e.conftest import REQUIRED, free_port, serve_process

sys.path.insert(0, str(ROOT / "bench"))
import stclient  # noqa: E402

HAPROXY = shutil.which("haproxy") or (os.path.exists("/usr/sbin/haproxy") and "/usr/sbin/haproxy")
PG = os.environ.get("TEST_DATABASE_URL")
if not HAPROXY:
    if REQUIRED:
        raise RuntimeError("GUIDECHECK_REQUIRE_BROWSER=1 but HAProxy is not installed (apt-get install haproxy)")
    pytest.skip("HAProxy is not installed (apt-get install haproxy)", allow_module_level=True)
if not PG:
    pytest.skip("TEST_DATABASE_URL is not set (several servers need a shared PostgreSQL)", allow_module_level=True)

PARTICIPANTS = 12
INSTRUMENTS = ["red-flags", "working-alliance"]


@contextlib.contextmanager
def balancer(app1: str, app2: str):
    port = free_port()
    env = dict(os.environ, GC_BIND=f"127.0.0.1:{port}", GC_APP1=app1.removeprefix("http://"),
               GC_APP2=app2.removeprefix("http://"))
    proc = subprocess.Popen([HAPROXY, "-db", "-f", str(ROOT / "deploy" / "haproxy.cfg")], env=env,
                            stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    url = f"http://127.0.0.1:{port}"
    try:
        for _ in range(60):
            try:
                if urllib.request.urlopen(f"{url}/_stcore/health", timeout=1).read() == b"ok":
                    break
            except OSError:
                time.sleep(0.25)
        else:
            pytest.fail("HAProxy did not come up")
        yield url
    finally:
        proc.terminate()
        proc.wait(timeout=10)


async def crowd(url: str, query: str, kill, progress: dict) -> list:
    async def one(k: int):
        rng = random.Random(k)
        await asyncio.sleep(0.2 * k)
        answers: list[float] = []
        session = await stclient.participant(url, query, think=0.3, rng=rng, answers=answers, retries=20,
                                             timeout=120, storage={})  # each participant's own browser
        await session.close()
        return session

    async def killer():
        while sum(progress.values()) < PARTICIPANTS * 4:  # everyone well under way
            await asyncio.sleep(0.1)
        kill()

    sessions = [asyncio.create_task(one(k)) for k in range(PARTICIPANTS)]
    watch = asyncio.create_task(killer())
    done = await asyncio.gather(*sessions)
    watch.cancel()
    return done


def kept_key(session, code: str) -> str:
    """The submission key the participant's browser keeps for the study (issue 17 item 1: made by
    the server, kept in the browser's storage, never in the URL)."""
    return json.loads(session.storage[f"guidecheck:study:{code}"])["key"]


def test_two_servers_behind_haproxy_survive_losing_one(monkeypatch):
    from sqlalchemy import create_engine, text

    from scoring.store import Store, database_url
    from tests.test_store import clean_postgresql

    db = clean_postgresql()
    study = Store(db).create_study("Balanced", INSTRUMENTS, consent="ok")
    progress: Counter = Counter()
    first_server: dict = {}
    original = stclient.Session.set

    had_consented: set = set()  # moved after their browser had kept their consent
    consent_again: set = set()
    original_open = stclient.Session.open

    async def noting_open(self):
        if self.reconnects and any('"consented":true' in v for v in self.storage.values()):
            had_consented.add(id(self))
        return await original_open(self)

    async def counting_set(self, element, value):  # who is where, and how far
        first_server.setdefault(id(self), self.server)
        progress[id(self)] += 1
        if id(self) in had_consented and element.kind == "checkbox" and element.label.startswith("I have read"):
            consent_again.add(id(self))
        return await original(self, element, value)

    monkeypatch.setattr(stclient.Session, "set", counting_set)
    monkeypatch.setattr(stclient.Session, "open", noting_open)
    with serve_process(DATABASE_URL=db) as (app1, proc1), serve_process(DATABASE_URL=db) as (app2, _), \
            balancer(app1, app2) as url:
        sessions = asyncio.run(crowd(url, stclient.query(study.code), proc1.kill, progress))
        assert proc1.poll() is not None  # the first server really was killed

    assert Counter(first_server.values()) .keys() == {"app1", "app2"}, first_server  # both served someone
    moved = [s for s in sessions if s.reconnects]
    assert moved and all(s.server == "app2" for s in moved)  # the first server's people carried on on the second
    assert had_consented and not consent_again  # their browser kept their consent: nobody was asked again
    assert all("sub=" not in s.query for s in sessions)
    acknowledged = [kept_key(s, study.code) for s in sessions]  # each reached the thanks page with it
    assert len(set(acknowledged)) == PARTICIPANTS
    engine = create_engine(database_url(db))
    with engine.connect() as conn:
        rows = conn.execute(text("SELECT submission, instrument_id FROM responses")).all()
    engine.dispose()
    stored = Counter(sub for sub, _ in rows)
    assert len(rows) == len(set(rows))  # no (submission, instrument) twice
    assert all(stored[sub] == len(INSTRUMENTS) for sub in acknowledged), stored  # each stored, complete, once
    assert set(stored) == set(acknowledged)  # nothing stored that nobody saw acknowledged
    print(f"{len(moved)} of {PARTICIPANTS} participants moved to the surviving server; {len(rows)} rows stored")


def test_a_browser_through_haproxy_carries_on_when_its_server_dies(browser):
    """The same in Chromium: the page, its static files and its WebSocket come through the
    balancer with the sticky cookie; the browser's server is killed half-way through; the
    browser reconnects to the other server and the person finishes, answers intact, without
    being asked for consent again (their browser's storage keeps it with the key and answers)."""
    from playwright.sync_api import expect

    from scoring.store import Store
    from tests.e2e.conftest import settle
    from tests.test_store import clean_postgresql

    db = clean_postgresql()
    store = Store(db)
    study = store.create_study("Balanced", ["working-alliance"], consent="ok")
    with serve_process(DATABASE_URL=db) as (app1, proc1), serve_process(DATABASE_URL=db) as (app2, proc2), \
            balancer(app1, app2) as url:
        context = browser.new_context(viewport={"width": 1280, "height": 900})
        page = context.new_page()
        page.goto(f"{url}/?study={study.code}")
        page.get_by_text("I have read this and agree").click()
        page.get_by_role("button", name="Start").click()
        groups = page.locator('[data-testid="stRadio"]').filter(has_text="4 · Mostly")  # not the crisis box's
        groups.first.wait_for(timeout=30000)
        half = groups.count() // 2
        for k in range(half):
            groups.nth(k).get_by_text("4 · Mostly", exact=True).click()
            expect(groups.nth(k).locator("input:checked")).to_have_count(1)
        settle(page)
        pinned = {c["name"]: c["value"] for c in context.cookies()}["GCSERVER"]
        # from here on, note whether the consent page is ever drawn, however briefly
        page.evaluate("""() => { window.consentSeen = false;
            const look = () => { if (document.body.innerText.includes("I have read this and agree"))
                                   window.consentSeen = true; };
            new MutationObserver(look).observe(document.body, {childList: true, subtree: true,
                                                                characterData: true}); }""")
        (proc1 if pinned == "app1" else proc2).kill()
        # the frontend reconnects through the balancer, which sends it to the survivor: a new
        # session there, which finds the consent and the answers in this browser's storage
        page.get_by_text("you already agreed to take part").or_(page.get_by_text("were kept in this browser")) \
            .first.wait_for(timeout=90000)
        settle(page)
        assert not page.evaluate("window.consentSeen")  # no consent page, not even for a moment
        assert page.get_by_role("button", name="Start").count() == 0
        groups.first.wait_for(timeout=30000)
        kept = sum(groups.nth(k).locator("input:checked").count() for k in range(groups.count()))
        print(f"answers still ticked after the failover: {kept} of {half}")
        assert kept == half  # every answer given before the failover is back
        for k in range(groups.count()):
            if groups.nth(k).locator("input:checked").count() == 0:
                groups.nth(k).get_by_text("5 · Completely", exact=True).click()
                expect(groups.nth(k).locator("input:checked")).to_have_count(1)
        settle(page)
        groups_total = groups.count()  # every question on the page
        page.get_by_role("button", name="Send my answers").click()
        page.get_by_text("Your answers have been saved").wait_for(timeout=30000)
        context.close()
    from sqlalchemy import create_engine, text

    from scoring.store import database_url

    engine = create_engine(database_url(db))
    with engine.connect() as conn:
        responses = conn.execute(text("SELECT id FROM responses")).scalars().all()
        stored = dict(conn.execute(text("SELECT item_id, answer FROM answers")).all())
    engine.dispose()
    assert len(responses) == 1  # one submission, stored once
    assert len(stored) == groups_total  # every question answered, once
    # whatever the page showed as ticked after the failover is what was stored
    assert sum(1 for v in stored.values() if str(v) == "4") == kept, stored
