"""A part of the questionnaire is a fragment (issue 15, speed): an answer reruns that part only.
What must not change with it: on a phone, every "Next" brings the new part's top into view (not
only the first), and an answer given just before a reload is kept in the browser."""

from __future__ import annotations

from tests.e2e.conftest import playwright, settle
from tests.e2e.test_browser import WORDS, answer_all

MAIN_TOP = "document.querySelector('[data-testid=\"stMain\"]').scrollTop"


def start_red_flags(page, server) -> None:
    page.goto(f"{server}/vet?lang=en")
    page.get_by_role("button", name=WORDS["en"]["start"], exact=True).wait_for(timeout=60000)
    settle(page)
    page.get_by_role("button", name=WORDS["en"]["start"], exact=True).click()
    page.locator('[data-testid="stProgress"]').wait_for(timeout=60000)
    settle(page)


def test_every_next_on_a_phone_scrolls_to_the_new_part(browser, server):
    context = browser.new_context(viewport={"width": 390, "height": 700})
    page = context.new_page()
    start_red_flags(page, server)
    progress = page.locator('[data-testid="stProgress"]')
    for part in (2, 3, 4):
        answer_all(page, "en")
        settle(page)
        page.evaluate(f"{MAIN_TOP} = 100000")  # down at the buttons, as after answering on a phone
        assert page.evaluate(MAIN_TOP) > 200
        page.get_by_role("button", name=WORDS["en"]["next"]).click()
        playwright.expect(progress).to_contain_text(f"Part {part} of", timeout=60000)
        settle(page)
        page.wait_for_timeout(300)
        assert page.evaluate(MAIN_TOP) == 0, f"part {part} opened scrolled down"
    context.close()


def test_the_last_answer_before_a_reload_is_kept(browser, server):
    context = browser.new_context(viewport={"width": 1280, "height": 900})
    page = context.new_page()
    start_red_flags(page, server)
    answer_all(page, "en")  # each answer reruns the part only; the last one must reach the browser too
    settle(page)
    progress = page.locator('[data-testid="stProgress"]')
    answered = progress.inner_text().split("·")[1].strip()
    page.reload()
    page.get_by_text("Welcome back").wait_for(timeout=60000)
    settle(page)
    assert progress.inner_text().split("·")[1].strip() == answered and not answered.startswith("0 ")
    context.close()
