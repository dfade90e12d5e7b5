"""AppTest: the Research page's import reads the page's own CSV export (issue 15)."""

from __future__ import annotations

import uuid

import pytest

from scoring import export, load_folder, research, score_response
from scoring.store import Store
from tests.app.test_research_pages import research as research_page
from tests.conftest import QUESTIONNAIRES

WA = load_folder(QUESTIONNAIRES)["working-alliance"]


@pytest.fixture
def store(tmp_path, monkeypatch):
    url = f"sqlite:///{tmp_path / 'research.db'}"
    monkeypatch.setenv("DATABASE_URL", url)
    monkeypatch.setenv("GUIDECHECK_RESEARCH_PASSWORD", "correct horse")
    s = Store(url)
    yield s
    s.dispose()


@pytest.mark.parametrize("language", ["en", "nl"])
def test_the_research_export_is_imported_again_on_the_page(store, language):
    study = store.create_study("Round trip", ["working-alliance"], providers=["clinic-a", "clinic-b"])
    for k in range(24):
        answers = {f"wa_{d}_{i}": 1 + (k + i) % 5 for d in ("goal", "task", "bond") for i in range(1, 5)}
        store.submit(study, uuid.uuid4().hex, {"working-alliance": (WA, answers, score_response(WA, answers))},
                     provider=["clinic-a", "clinic-b"][k % 2], language="en")
    frame = research.export_frame(store, study, WA, WA.content_hash, 10**9)
    at = research_page()
    if language == "nl":
        at.query_params["lang"] = "nl"
        at.run()
    at.selectbox(key="import_instrument").set_value("working-alliance").run()
    upload = list(at.get("file_uploader"))[-1]
    upload.set_value(("guidecheck-working-alliance.csv", export.rows_csv(frame.to_dict("records")), "text/csv")).run()
    assert not at.exception and not at.error, [e.value for e in at.error]
    assert any({"en": "GuideCheck research export", "nl": "onderzoeksexport van GuideCheck"}[language] in i.value
               for i in at.info)
    [s for s in at.selectbox if "provider" in s.options][0].set_value("provider").run()
    table = [d.value for d in at.dataframe if "group" in d.value.columns][-1]
    assert set(table["group"]) >= {"clinic-a", "clinic-b", "all"} and not at.error
