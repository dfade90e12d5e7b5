"""Downloads while another session is busy on the same server (issue 15: 'lost work').

Session A reaches its report; session B keeps answering questions; A downloads every file ten
times, and every file must arrive whole. Before the fix the callables behind the download buttons
were dropped when B's runs ended ("Deferred file ... not found", a 404 in the browser)."""

from __future__ import annotations

import json

from tests.e2e.conftest import ARGS, CHROMIUM, playwright, settle
from tests.e2e.test_browser import WORDS, vet_to_report


def busy(page) -> None:
    """One click on the next unanswered-or-answered radio option: a rerun on the server."""
    options = page.locator('[data-testid="stRadio"] label').filter(has_text=WORDS["en"]["no"])
    if options.count():
        busy.k = (getattr(busy, "k", -1) + 1) % options.count()
        options.nth(busy.k).click(no_wait_after=True)


def test_every_download_arrives_whole_while_another_session_answers(server, tmp_path):
    with playwright.sync_playwright() as p:
        browser = p.chromium.launch(executable_path=CHROMIUM, args=ARGS)
        a = browser.new_context(viewport={"width": 1280, "height": 900}, accept_downloads=True).new_page()
        b = browser.new_context(viewport={"width": 1280, "height": 900}).new_page()
        vet_to_report(a, server, tmp_path, "en")
        b.goto(f"{server}/?lang=en")
        b.get_by_role("button", name=WORDS["en"]["vet"]).click()
        start = b.get_by_role("button", name=WORDS["en"]["start"], exact=True)  # not "Start a self-audit"
        b.get_by_text(WORDS["en"]["hr"]).first.wait_for(timeout=60000)
        settle(b)
        start.click()
        b.locator('[data-testid="stProgress"]').wait_for(timeout=90000)
        settle(a)
        buttons = {"json": "Result file (JSON", "csv": "Item table (CSV)", "html": WORDS["en"]["html"]}
        arrived = {k: 0 for k in buttons}
        for round_ in range(10):
            for kind, name in buttons.items():
                busy(b)
                with a.expect_download(timeout=60000) as info:
                    a.get_by_role("button", name=name).click()
                busy(b)
                path = tmp_path / f"{kind}-{round_}"
                info.value.save_as(path)
                assert info.value.failure() is None
                data = path.read_bytes()
                if kind == "json":
                    assert json.loads(data)["guidecheck_result"] == 1
                elif kind == "csv":
                    assert data.startswith(b"instrument,item,question") and data.count(b"\n") > 10
                else:
                    assert data.rstrip().endswith(b"</html>") and b"<svg" in data
                arrived[kind] += 1
        assert arrived == {"json": 10, "csv": 10, "html": 10}
        browser.close()
