"""Research mode end to end in Chromium: a researcher creates a study, two participants answer
in two separate browsers, and the researcher reads the dashboard and downloads the export.
Runs on SQLite, and on PostgreSQL when TEST_DATABASE_URL is set."""

from __future__ import annotations

import csv
import io
import os
import re

import pytest

from tests.e2e.conftest import playwright, serve, settle, shot

PG = os.environ.get("TEST_DATABASE_URL")
BACKENDS = ["sqlite", pytest.param("postgresql", marks=pytest.mark.skipif(
    not PG, reason="TEST_DATABASE_URL is not set (CI sets it to the local PostgreSQL)"))]


@pytest.fixture(params=BACKENDS)
def app_url(request, tmp_path):
    if request.param == "sqlite":
        url = f"sqlite:///{tmp_path / 'e2e.db'}"
    else:
        from tests.test_store import clean_postgresql

        url = clean_postgresql()
    with serve(DATABASE_URL=url, GUIDECHECK_RESEARCH_PASSWORD="e2e-secret-phrase") as served:
        yield served


def login(page, url):
    page.goto(f"{url}/research")
    page.get_by_label("Researcher password").fill("e2e-secret-phrase")
    page.get_by_role("button", name="Log in").click()
    page.get_by_text("New study").wait_for(timeout=30000)


def test_study_from_creation_to_dashboard_and_export(browser, app_url, tmp_path, request):
    researcher = browser.new_context(viewport={"width": 1280, "height": 900}, accept_downloads=True).new_page()
    login(researcher, app_url)
    researcher.get_by_label("Title").fill("E2E alliance study")
    researcher.locator('[data-testid="stMultiSelect"]').first.click()
    researcher.get_by_role("option", name="Working alliance").click()
    researcher.keyboard.press("Escape")
    researcher.get_by_label("Provider codes, one per line (no names)").fill("clinic-a")
    researcher.get_by_role("button", name="Create study").click()
    researcher.get_by_text("Study created.").wait_for(timeout=30000)
    researcher.get_by_text("E2E alliance study").first.click()
    link = researcher.locator("[data-testid=stCode]").filter(has_text="?study=").first  # links are code blocks
    link.wait_for(timeout=30000)
    code = re.search(r"\?study=([A-Za-z0-9_-]+)", link.text_content()).group(1)
    shot(researcher, tmp_path, "research-1-study")

    for n, answer in enumerate(("4 · Mostly", "5 · Completely")):
        person = browser.new_context(viewport={"width": 1280, "height": 900}).new_page()
        person.goto(f"{app_url}/?study={code}&p=clinic-a")
        person.get_by_text("I have read this and agree").click()
        person.get_by_role("button", name="Start").click()
        groups = person.locator('[data-testid="stRadio"]').filter(has_text=answer)  # not the crisis box's
        groups.first.wait_for(timeout=30000)
        person.wait_for_timeout(500)
        for k in range(groups.count()):
            groups.nth(k).get_by_text(answer, exact=True).click()
            playwright.expect(groups.nth(k).locator("input:checked")).to_have_count(1)
        settle(person)
        person.get_by_role("button", name="Send my answers").click()
        person.get_by_text("Your answers have been saved").wait_for(timeout=60000)
        person.get_by_role("button", name="Send my answers").count()
        person.reload()  # a refresh keeps the submission: thanks again, and no second row
        person.get_by_text("Your answers have been saved").wait_for(timeout=60000)
        shot(person, tmp_path, f"research-2-participant-{n + 1}")
        assert "Research" not in person.inner_text("body")
        person.context.close()

    researcher.reload()
    login(researcher, app_url)
    researcher.get_by_role("tab", name="Dashboard").click()
    researcher.get_by_text("figures are withheld").first.wait_for(timeout=30000)  # 2 responses < 11
    shot(researcher, tmp_path, "research-3-dashboard")
    # nine more (K = 11): the snapshot every figure and export reads moves on only now
    from scoring import score_response
    from scoring.store import Store

    db = Store(f"sqlite:///{tmp_path / 'e2e.db'}" if request.node.callspec.params["app_url"] == "sqlite" else PG)
    study = db.study(code)
    wa = db.instrument(db.versions(study.id, "working-alliance").loc[0, "instrument_hash"])
    for k in range(9):
        given = {f"wa_{d}_{i}": 1 + (k + i) % 3 for d in ("goal", "task", "bond") for i in range(1, 5)}
        db.submit(study, f"{k:032x}", {"working-alliance": (wa, given, score_response(wa, given, audience="research"))},
                  provider="clinic-a", language="en")
    db.dispose()
    researcher.reload()
    login(researcher, app_url)
    researcher.get_by_role("tab", name="Export").click()
    settle(researcher)
    with researcher.expect_download(timeout=60000) as info:
        researcher.get_by_role("button", name="Responses (CSV)").click()
    rows = list(csv.DictReader(io.StringIO(info.value.path().read_text())))
    assert len(rows) == 11 and {r["provider"] for r in rows} == {"clinic-a"}
    assert {"4", "5"} <= {r["wa_goal_1"] for r in rows} and rows[0]["instrument_hash"]
    assert not any(r["response_id"] == f"{k:032x}" for r in rows for k in range(9))  # fresh ids, not the keys
    assert all(re.fullmatch(r"\d{4}-\d\d-\d\d/\d{4}-\d\d-\d\d", r["period"]) for r in rows)  # dates only
    print(f"screenshots in {tmp_path}")


def test_a_study_survives_an_edit_of_its_instrument(browser, tmp_path):
    """Responses stored, then the instrument's YAML changed (a question added, the goal questions
    reordered) and more responses stored: the dashboard and the export read both versions."""
    import shutil
    import uuid

    from scoring import load_instrument, score_response
    from scoring.store import Store
    from tests.conftest import QUESTIONNAIRES
    from tests.test_research_integrity import alliance_answers, edited_alliance

    folder = tmp_path / "questionnaires"
    shutil.copytree(QUESTIONNAIRES, folder)
    url = f"sqlite:///{tmp_path / 'edit.db'}"
    store = Store(url)
    study = store.create_study("Edited study", ["working-alliance"], providers=["a"])
    before = load_instrument(folder / "working-alliance.yaml")

    def send(inst, answers, n):
        for k in range(n):
            given = answers(k)
            store.submit(study, uuid.uuid4().hex, {inst.id: (inst, given, score_response(inst, given,
                                                                                         audience="research"))},
                         provider="a", language="en")

    send(before, alliance_answers, 12)
    with serve(DATABASE_URL=url, GUIDECHECK_RESEARCH_PASSWORD="e2e-secret-phrase",
               GUIDECHECK_QUESTIONNAIRES=str(folder)) as app_url:
        after = edited_alliance(tmp_path, version="1.1.0", reorder=True)
        shutil.copy(tmp_path / "wa-1.1.0.yaml", folder / "working-alliance.yaml")  # the YAML changes
        send(after, lambda k: {**alliance_answers(k), "wa_goal_extra": 1 + k % 5}, 13)
        store.dispose()

        page = browser.new_context(viewport={"width": 1280, "height": 900}, accept_downloads=True).new_page()
        login(page, app_url)

        def version(label):
            box = page.locator('[data-testid="stSelectbox"]:visible').filter(has_text="Version")
            box.click()
            page.get_by_role("option", name=re.compile(re.escape(label))).click()
            settle(page)

        page.get_by_role("tab", name="Dashboard").click()
        settle(page)
        for label in ("1.1.0", before.version):
            version(label)
            page.get_by_text("How sure are these provider figures?").wait_for(timeout=30000)
            body = page.inner_text("body")
            assert "went wrong" not in body and "Traceback" not in body and "reshape" not in body
            assert page.locator('[data-testid="stPlotlyChart"]:visible').count() >= 5
            shot(page, tmp_path, f"edit-dashboard-{label}")
        page.get_by_role("tab", name="Export").click()
        settle(page)
        # exports read the snapshot: whole batches of the minimum group (11), so 13 and 12 responses give 11
        for label, n, extra in (("1.1.0", 11, True), (before.version, 11, False)):
            version(label)
            with page.expect_download(timeout=60000) as info:
                page.get_by_role("button", name="Responses (CSV)").click()
            rows = list(csv.DictReader(io.StringIO(info.value.path().read_text())))
            assert len(rows) == n and {r["instrument_version"] for r in rows} == {label}
            assert ("wa_goal_extra" in rows[0]) is extra and "nan" not in {v for r in rows for v in r.values()}
            assert all(r["score_total"] for r in rows)
