"""Save progress keeps the answers to an uploaded checklist (issue 15: the file listed only the
built-in red-flag screen, because the download's callable ran outside the session that held the
uploaded instrument)."""

from __future__ import annotations

import json

from tests.conftest import ROOT
from tests.e2e.conftest import settle

CUSTOM = (ROOT / "tests" / "instruments" / "revision2.yaml").read_text()


def test_save_progress_includes_an_uploaded_checklist(page, server, tmp_path):
    path = tmp_path / "mine.yaml"
    path.write_text(CUSTOM)
    page.goto(f"{server}/instruments?lang=en")
    page.locator('input[type="file"]').set_input_files(str(path))
    page.get_by_text("The file is valid").wait_for(timeout=60000)
    settle(page)
    page.get_by_role("button", name="Use this instrument in this session").click()
    settle(page)
    page.locator('[data-testid="stSidebarNav"]').get_by_text("Vet a guide").click()  # same session
    page.get_by_role("button", name="Start").wait_for(timeout=60000)
    settle(page)
    box = page.locator('[data-testid="stMultiSelect"]').first
    box.click()
    page.get_by_role("option", name="Revision 2 example").click()
    page.keyboard.press("Escape")
    settle(page)
    page.get_by_role("button", name="Start").click()
    page.locator('[data-testid="stProgress"]').wait_for(timeout=60000)
    settle(page)
    page.get_by_text("Yes", exact=True).first.click()  # the first question of the first part
    settle(page)
    with page.expect_download(timeout=60000) as info:
        page.get_by_role("button", name="Save progress").click()
    target = tmp_path / "progress.json"
    info.value.save_as(target)
    saved = json.loads(target.read_text())
    ids = [entry["id"] for entry in saved["instruments"]]
    assert "revision-two" in ids, ids
