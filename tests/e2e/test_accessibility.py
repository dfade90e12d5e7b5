"""axe-core on every page in English and Dutch: no serious or critical violation, and the page
says its own language (<html lang>). axe-core comes from the npm registry (tests/e2e/node,
installed by .ci/run); without it these tests are skipped with the reason."""

from __future__ import annotations

import os
from pathlib import Path

import pytest

from tests.e2e.conftest import REQUIRED, settle
from tests.e2e.test_browser import WORDS, vet_to_report

AXE = Path(__file__).parent / "node" / "node_modules" / "axe-core" / "axe.min.js"
if not AXE.exists():
    if REQUIRED:
        raise RuntimeError(f"GUIDECHECK_REQUIRE_BROWSER=1 but axe-core is not installed ({AXE})")
    pytest.skip("axe-core is not installed (npm install --prefix tests/e2e/node)", allow_module_level=True)

PAGES = ["", "vet", "self-audit", "compare", "instruments", "research", "report"]


def violations(page) -> list[dict]:
    page.add_script_tag(path=str(AXE))
    found = page.evaluate("""async () => {
        const r = await axe.run(document, {resultTypes: ['violations']});
        return r.violations.map(v => ({id: v.id, impact: v.impact, help: v.help,
                                       nodes: v.nodes.slice(0, 3).map(n => n.target.join(' '))}));
    }""")
    return [v for v in found if v["impact"] in ("serious", "critical")]


@pytest.mark.parametrize("lang", ["en", "nl"])
def test_every_page_has_no_serious_violation_and_says_its_language(page, server, lang):
    problems = {}
    for path in PAGES:
        page.goto(f"{server}/{path}?lang={lang}")
        page.locator('[data-testid="stMain"]').wait_for(timeout=30000)
        settle(page)
        page.wait_for_timeout(500)
        assert page.evaluate("document.documentElement.lang") == lang, path
        found = violations(page)
        if found:
            problems[path or "home"] = found
    assert not problems, problems


@pytest.mark.parametrize("lang", ["en", "nl"])
def test_report_and_downloaded_html_have_no_serious_violation(page, server, tmp_path, lang):
    vet_to_report(page, server, tmp_path, lang)
    settle(page)
    assert page.evaluate("document.documentElement.lang") == lang
    assert not violations(page)
    with page.expect_download(timeout=60000) as info:
        page.get_by_role("button", name=WORDS[lang]["html"]).click()
    target = tmp_path / "report.html"
    info.value.save_as(target)
    offline = page.context.new_page()
    offline.goto(target.as_uri())
    found = violations(offline)
    region = [v for v in offline.evaluate("""async () => (await axe.run()).violations.map(v => v.id)""")
              if v == "region"]
    offline.close()
    assert not found and not region, (found, region)
    assert os.path.getsize(target) < 300_000
