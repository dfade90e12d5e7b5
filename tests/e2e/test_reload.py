"""A reload or a closed tab loses nothing (issue 15): answers are kept in the person's own browser
and restored at the first part with an open question; "Forget my answers on this device" removes
them. Before this, a reload went back to the setup page with every answer gone."""

from __future__ import annotations

from tests.e2e.conftest import playwright, settle
from tests.e2e.test_browser import WORDS, answer_all


def test_reload_and_a_new_tab_restore_answers_and_forget_removes_them(browser, server, tmp_path):
    context = browser.new_context(viewport={"width": 1280, "height": 900})
    page = context.new_page()
    w = WORDS["en"]
    page.goto(f"{server}/vet?lang=en")
    page.get_by_role("button", name=w["start"], exact=True).wait_for(timeout=60000)
    page.get_by_text(w["hr"]).first.click()
    settle(page)
    page.get_by_role("button", name=w["start"], exact=True).click()
    page.locator('[data-testid="stProgress"]').wait_for(timeout=60000)
    settle(page)
    answer_all(page, "en")  # the first part of the red-flag screen
    settle(page)
    progress = page.locator('[data-testid="stProgress"]')
    page.get_by_role("button", name=w["next"]).click()
    playwright.expect(progress).to_contain_text("Part 2 of", timeout=60000)
    settle(page)
    answered = progress.inner_text().split("·")[1].strip()  # e.g. "5 of 131 questions answered"
    page.reload()
    page.get_by_text("Welcome back").wait_for(timeout=60000)
    settle(page)
    # at the first part with an open question (the second), with every answer of the first kept
    playwright.expect(progress).to_contain_text("Part 2 of", timeout=60000)
    assert progress.inner_text().split("·")[1].strip() == answered and not answered.startswith("0 ")
    page.close()
    again = context.new_page()  # a closed tab, opened again
    again.goto(f"{server}/vet?lang=en")
    again.get_by_text("Welcome back").wait_for(timeout=60000)
    settle(again)
    again.get_by_role("button", name="Forget my answers on this device").click()
    settle(again)
    again.reload()
    again.get_by_role("button", name=w["start"], exact=True).wait_for(timeout=60000)
    settle(again)
    assert again.get_by_text("Welcome back").count() == 0
    assert again.evaluate("Object.keys(localStorage).filter(k => k.startsWith('guidecheck:')).length") == 0
    context.close()
