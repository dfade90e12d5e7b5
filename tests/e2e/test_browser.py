"""End to end in real headless Chromium: the app served by `streamlit run`, driven by Playwright.

Needs Debian's chromium (`apt-get install chromium`; .ci/run installs it) and the playwright
package; without them these tests are skipped with the reason. Screenshots of every step are
saved in the test's temporary folder.
"""

from __future__ import annotations

from pathlib import Path

import pytest

from scoring import load_folder
from tests.conftest import QUESTIONNAIRES
from tests.e2e.conftest import playwright, settle, shot

BUILTIN = load_folder(QUESTIONNAIRES)
RF = BUILTIN["red-flags"]
WORDS = {"en": {"yes": "Yes", "no": "No", "start": "Start", "next": "Next", "submit": "See the report",
                "vet": "Vet a guide", "hr": "Harm reduction", "html": "Report (HTML", "meets": "Meets the criteria",
                "critical": "Critical: at least one critical red flag", "intake": "No intake or screening"},
         "nl": {"yes": "Ja", "no": "Nee", "start": "Beginnen", "next": "Volgende", "submit": "Naar het rapport",
                "vet": "Een begeleider checken", "hr": "Harm reduction", "html": "Rapport (HTML",
                "meets": "Voldoet aan de beantwoorde criteria", "critical": "Kritiek: minstens één kritiek",
                "intake": "geen intake of screening gepland"}}


def careful_label(question: str, lang: str) -> str:
    for info in RF.items.values():
        if RF.text(info.spec.text, lang) == question:
            good = "yes" if info.spec.points.yes >= info.spec.points.no else "no"
            return WORDS[lang][good]
    raise AssertionError(f"unknown question {question!r}")


def answer_all(page, lang: str, overrides: dict | None = None) -> None:
    """Answer every question on the current part with its careful answer (or an override)."""
    groups = page.locator('[data-testid="stRadio"]').filter(has_not=page.locator('[data-testid="stSidebar"]'))
    for k in range(groups.count()):
        group = groups.nth(k)
        if not group.is_visible():  # the crisis box's country picker in the collapsed sidebar expander
            continue
        label = group.locator('[data-testid="stWidgetLabel"]').inner_text().strip()
        if label.startswith("Language") or label in ("Where are you?", "Waar ben je?"):  # not questions
            continue
        answer = (overrides or {}).get(label) or careful_label(label, lang)
        option = group.get_by_text(answer, exact=True)
        option.click()
        playwright.expect(group.locator("input:checked")).to_have_count(1)
        page.wait_for_timeout(150)


def vet_to_report(page, server, folder: Path, lang: str, overrides: dict | None = None) -> None:
    w = WORDS[lang]
    page.goto(f"{server}/?lang={lang}")
    page.get_by_role("button", name=w["vet"]).click()
    page.get_by_role("button", name=w["start"], exact=True).wait_for(timeout=30000)
    shot(page, folder, f"{lang}-1-home-to-setup")
    page.get_by_text(w["hr"]).first.click()
    page.wait_for_timeout(500)
    for inst in BUILTIN.values():  # the default is the call before booking alone; remove anything else
        remove = page.get_by_role("button", name=f"Remove {inst.title(lang)}")
        if inst.id != "red-flags" and remove.count():
            remove.click()
            page.wait_for_timeout(200)
    shot(page, folder, f"{lang}-2-setup")
    page.get_by_role("button", name=w["start"], exact=True).click()
    for step in range(10):
        page.locator('[data-testid="stProgress"]').wait_for(timeout=30000)
        page.wait_for_timeout(400)
        answer_all(page, lang, overrides)
        shot(page, folder, f"{lang}-3-part-{step + 1}")
        nxt = page.get_by_role("button", name=w["next"])
        if nxt.count() == 0:
            break
        nxt.click()
        page.wait_for_timeout(600)
    settle(page)
    page.get_by_role("button", name=w["submit"]).click()
    page.get_by_role("button", name=w["html"]).wait_for(timeout=30000)
    page.wait_for_timeout(800)
    shot(page, folder, f"{lang}-4-report")


def download_and_open(page, folder: Path, lang: str) -> str:
    settle(page)
    with page.expect_download(timeout=60000) as info:
        page.get_by_role("button", name=WORDS[lang]["html"]).click()
    target = folder / f"report-{lang}.html"
    info.value.save_as(target)
    offline = page.context.new_page()
    offline.route("**/*", lambda route: route.abort() if not route.request.url.startswith("file:")
                  else route.continue_())  # prove it opens with no network at all
    offline.goto(target.as_uri())
    offline.locator("svg").first.wait_for(timeout=30000)
    offline.screenshot(path=str(folder / f"{lang}-5-downloaded-report.png"), full_page=True)
    text = offline.inner_text("body")
    offline.close()
    return text


@pytest.mark.parametrize("lang", ["en", "nl"])
def test_vetting_from_home_to_downloaded_html_report(page, server, tmp_path, lang):
    intake = RF.text(RF.items["rf_intake"].spec.text, lang)
    vet_to_report(page, server, tmp_path, lang, overrides={intake: WORDS[lang]["no"]})
    body = page.inner_text("body")
    assert WORDS[lang]["critical"] in body and WORDS[lang]["intake"] in body
    text = download_and_open(page, tmp_path, lang)
    # crisis resources by the language's default country: elsewhere (with the US) in English, NL in Dutch
    assert WORDS[lang]["intake"] in text and {"en": "62-FIRESIDE", "nl": "113 Zelfmoordpreventie"}[lang] in text
    assert not page.dialogs
    print(f"screenshots in {tmp_path}")


HOSTILE = """format: 1
id: hostile
version: 1.0.0
languages: [en]
title: "<script>window.__pwned = 1; alert('title')</script> Hostile"
description: "[steal](javascript:window.__pwned=2) ![tracker](https://example.invalid/pixel.png)"
sections:
  - id: s
    title: "<img src=x onerror=\\"window.__pwned=3\\"> Part"
    items:
      - id: q1
        type: yes_no
        text: "<b onmouseover=alert(1)>Does it run?</b> [click](javascript:alert(document.cookie))"
"""


def test_uploaded_instrument_with_script_and_javascript_links_runs_nothing(page, server, tmp_path):
    path = tmp_path / "hostile.yaml"
    path.write_text(HOSTILE)
    requests = []
    page.on("request", lambda r: requests.append(r.url))
    page.goto(f"{server}/instruments?lang=en")
    page.locator('input[type="file"]').set_input_files(str(path))
    page.get_by_text("The file is valid").wait_for(timeout=30000)
    page.wait_for_timeout(800)
    shot(page, tmp_path, "hostile-1-preview")
    body = page.inner_text("body")
    assert "<script>window.__pwned" in body  # shown as text
    assert page.locator("a[href*='example.invalid'], a[href^='javascript:']").count() == 0
    page.get_by_role("button", name="Use this instrument in this session").click()
    page.wait_for_timeout(800)
    page.goto(f"{server}/vet?lang=en")
    page.get_by_role("button", name="Start").wait_for(timeout=30000)
    shot(page, tmp_path, "hostile-2-vet")
    assert page.evaluate("window.__pwned") is None
    assert not page.dialogs
    assert page.locator('a[href^="javascript:"]').count() == 0
    assert page.locator("img[src*='example.invalid'], img[src='x'], a[href*='example.invalid']").count() == 0
    assert not [u for u in requests if "example.invalid" in u]
