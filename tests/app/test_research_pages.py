"""AppTest of research mode: the researcher gate, studies, the participant link, the dashboard."""

from __future__ import annotations

import uuid

import pytest
from streamlit.testing.v1 import AppTest

from scoring import load_folder, score_response
from scoring.store import Store
from tests.app.test_pages import _unknown, all_text
from tests.conftest import QUESTIONNAIRES, ROOT

APP = str(ROOT / "app.py")
BUILTIN = load_folder(QUESTIONNAIRES)
WA = BUILTIN["working-alliance"]


@pytest.fixture
def db(tmp_path, monkeypatch):
    url = f"sqlite:///{tmp_path / 'research.db'}"
    monkeypatch.setenv("DATABASE_URL", url)
    monkeypatch.setenv("GUIDECHECK_RESEARCH_PASSWORD", "correct horse")
    store = Store(url)
    yield store
    store.dispose()


def research(logged_in=True) -> AppTest:
    at = AppTest.from_file(APP, default_timeout=60).run()
    at.switch_page("app_pages/research.py").run()
    if logged_in:
        at.text_input[0].set_value("correct horse")
        at.button[0].click().run()
    return at


def fill(store, study, n, provider=None):
    for k in range(n):
        answers = {f"wa_{d}_{i}": 1 + (k + i) % 5 for d in ("goal", "task", "bond") for i in range(1, 5)}
        store.submit(study, uuid.uuid4().hex, {"working-alliance": (WA, answers, score_response(WA, answers))},
                     provider=provider, language="en")


def test_without_a_configured_password_nothing_is_shown(db, monkeypatch):
    monkeypatch.delenv("GUIDECHECK_RESEARCH_PASSWORD")
    fill(db, db.create_study("Secret study", ["working-alliance"]), 12)
    at = research(logged_in=False)
    assert any("not set up" in w.value for w in at.warning)
    assert "Secret study" not in all_text(at) and not at.tabs


def test_without_logging_in_nothing_is_shown_and_a_wrong_password_is_refused(db):
    fill(db, db.create_study("Secret study", ["working-alliance"]), 12)
    at = research(logged_in=False)
    assert not at.tabs and "Secret study" not in all_text(at) and not _unknown(at, "plotly_chart")
    at.text_input[0].set_value("wrong")
    at.button[0].click().run()
    assert any("not right" in e.value for e in at.error) and not at.tabs


def test_gate_is_checked_on_every_run(db):
    at = research()
    assert at.tabs
    at.session_state["researcher"] = "forged"
    at.run()
    assert not at.tabs  # a session value that is not the keyed token does not pass


def test_create_a_study_and_see_its_links(db):
    at = research()
    form_inputs = [w for w in at.text_input if w.label == "Title"]
    form_inputs[0].set_value("Pilot 2027")
    at.multiselect[0].set_value(["working-alliance"])
    [w for w in at.text_area if w.label.startswith("Provider codes")][0].set_value("clinic-a\nclinic-b")
    [b for b in at.button if b.label == "Create study"][0].click().run()
    assert not at.exception
    study = db.studies()[0]
    assert study.title == "Pilot 2027" and study.providers == ["clinic-a", "clinic-b"]
    assert f"?study={study.code}&p=clinic-a" in "\n".join(c.value for c in at.code)


def participant(code: str, extra: dict | None = None) -> AppTest:
    at = AppTest.from_file(APP, default_timeout=60)
    at.query_params["study"] = code
    for k, v in (extra or {}).items():
        at.query_params[k] = v
    return at.run()


def test_participant_path_consent_answers_thanks_and_no_second_row(db):
    study = db.create_study("Alliance pilot", ["working-alliance"], providers=["c1"], consent="Please read this.")
    fill(db, study, 5)  # other people's answers exist
    at = participant(study.code, {"p": "c1"})
    assert not at.exception
    assert "Please read this" in all_text(at) and not at.radio
    at.checkbox(key="consent").check().run()
    [b for b in at.button if b.label == "Start"][0].click().run()
    for radio in at.radio:
        if radio.key and radio.key.startswith("q:research:"):
            radio.set_value(4)
    at.run()
    send = [b for b in at.button if b.label == "Send my answers"][0]
    send.click().run()
    assert any("Your answers have been saved" in s.value for s in at.success)
    assert db.count(study.id) == 6
    at.run()  # a refresh with the same link (the key is in the URL)
    assert db.count(study.id) == 6
    text = all_text(at)
    assert "Research" not in [p for p in text.split()]  # no navigation to the rest of the app
    assert "wa_goal" not in text and "score" not in text.lower()


def test_participant_cannot_submit_empty_answers(db):
    study = db.create_study("S", ["working-alliance"])
    at = participant(study.code)
    at.checkbox(key="consent").check().run()
    [b for b in at.button if b.label == "Start"][0].click().run()
    [b for b in at.button if b.label == "Send my answers"][0].click().run()
    assert any("still need an answer" in e.value for e in at.error)
    assert db.count(study.id) == 0


def test_unknown_and_closed_studies_say_so(db):
    assert any("not valid" in e.value for e in participant("no-such-code").error)
    study = db.create_study("S", ["working-alliance"])
    db.set_open(study.code, False)
    assert any("closed" in i.value for i in participant(study.code).info)


def test_dashboard_withholds_small_sets_and_shows_figures_for_larger_ones(db):
    study = db.create_study("Dash", ["working-alliance"], providers=["a", "b"])
    fill(db, study, 4, "a")
    at = research()
    assert any("figures are withheld" in i.value for i in at.info)
    fill(db, study, 14, "a")
    fill(db, study, 3, "b")
    at = research()
    assert not at.exception
    assert len(_unknown(at, "plotly_chart")) >= 5
    assert any("not a guarantee" in c.value for c in at.caption)
    means = at.dataframe[0].value
    assert list(means["group"]) == ["other", "all"]  # b (3) is hidden, so a is pooled in with it
    labels = [b.label for b in at.get("download_button")]
    assert {"Responses (CSV)", "Responses (Parquet)", "Codebook (CSV)"} <= set(labels)


def test_import_a_csv_without_a_database(db, tmp_path):
    at = research()
    rows = ["provider," + ",".join(f"wa_{d}_{i}" for d in ("goal", "task", "bond") for i in range(1, 5))]
    rows += [f"{'x' if k < 12 else 'y'}," + ",".join(str(1 + k % 5) for _ in range(12)) for k in range(15)]
    at.selectbox(key="import_instrument").set_value("working-alliance").run()
    upload = [u for u in at.get("file_uploader")][0]
    upload.set_value(("gathered.csv", "\n".join(rows).encode(), "text/csv")).run()
    [s for s in at.selectbox if s.label == "Group by column"][0].set_value("provider").run()
    assert not at.exception
    table = at.dataframe[-1].value
    assert list(table["group"]) == ["other", "all"]
