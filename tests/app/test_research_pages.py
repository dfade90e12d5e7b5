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
    assert "Please read this" in all_text(at) and not [r for r in at.radio if r.key.startswith("q:")]
    assert "TripSit" in all_text(at)  # crisis resources on the consent page
    at.checkbox(key="consent").check().run()
    [b for b in at.button if b.label == "Start"][0].click().run()
    for radio in at.radio:
        if radio.key and radio.key.startswith("q:research:"):
            radio.set_value(4)
    at.run()
    assert "TripSit" in all_text(at)  # and beside the questions
    send = [b for b in at.button if b.label == "Send my answers"][0]
    send.click().run()
    assert any("Your answers have been saved" in s.value for s in at.success)
    assert db.count(study.id) == 6
    at.run()  # a refresh with the same link (the key is in the URL)
    assert db.count(study.id) == 6
    text = all_text(at)
    assert "Research" not in [p for p in text.split()]  # no navigation to the rest of the app
    assert "wa_goal" not in text and "score" not in text.lower()
    assert "TripSit" in text  # and on the thanks page


def test_dutch_participant_page_leads_with_112_and_113(db):
    study = db.create_study("Studie", ["working-alliance"], languages=["nl"])
    at = participant(study.code)
    box = next(m.value for m in at.markdown if "Zelfmoordpreventie" in m.value)
    lines = [line for line in box.splitlines() if line.startswith("- ")]
    assert "112" in lines[0] and "113 Zelfmoordpreventie" in lines[1]


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
    fill(db, study, 1, "a")  # 22: the snapshot (a multiple of K = 11) holds every response
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
    table = [d.value for d in at.dataframe if "group" in d.value.columns][-1]
    assert list(table["group"]) == ["other", "all"]


def test_import_a_csv_arrow_cannot_read_is_read_or_refused_by_pandas(db):
    at = research()
    at.selectbox(key="import_instrument").set_value("working-alliance").run()
    upload = [u for u in at.get("file_uploader")][0]
    upload.set_value(("ragged.csv", b"provider,wa_goal_1\nx,3\ny,4,5\n", "text/csv")).run()
    assert not at.exception
    assert any("Expected 2 fields in line 3" in e.value for e in at.error)  # pandas' words, as before the Arrow reader


@pytest.mark.parametrize("language, words", [("en", "could not be saved"),
                                             ("nl", "opslaan van je antwoorden is niet gelukt")])
def test_a_failed_submission_is_logged_with_its_traceback_and_told_plainly(db, monkeypatch, caplog, language,
                                                                            words):
    study = db.create_study("Fails", ["working-alliance"])

    def broken(*args, **kwargs):
        raise RuntimeError("the disk is full (test)")

    monkeypatch.setattr(Store, "submit", broken)
    at = participant(study.code, {"lang": language})
    at.checkbox(key="consent").check().run()
    at.button[0].click().run()
    for radio in at.radio:
        if radio.key and radio.key.startswith("q:research:"):
            radio.set_value(3)
    at.run()
    with caplog.at_level("ERROR", logger="guidecheck"):
        at.button[-1].click().run()
    assert not at.exception
    assert any(words in e.value for e in at.error)
    assert "disk is full" not in all_text(at) and "Traceback" not in all_text(at)
    logged = [r for r in caplog.records if r.name == "guidecheck" and r.exc_info]
    assert logged and "disk is full" in str(logged[0].exc_info[1])
    assert db.count(study.id) == 0


def test_dashboard_and_export_read_each_version_through_its_own_questions(db, tmp_path):
    """Responses to an edited instrument (one question added) beside responses to today's file:
    the dashboard draws either version without 'cannot reshape' (the defect) and exports it."""
    from tests.test_research_integrity import alliance_answers, edited_alliance

    study = db.create_study("Edited", ["working-alliance"])
    fill(db, study, 12)
    edited = edited_alliance(tmp_path, version="1.1.0")
    for k in range(13):
        answers = {**alliance_answers(k), "wa_goal_extra": 1 + k % 5}
        db.submit(study, uuid.uuid4().hex, {"working-alliance": (edited, answers, score_response(edited, answers))},
                  provider=None, language="en")
    at = research()
    assert not at.exception and not at.error
    version = at.selectbox(key="version_dashboard")
    assert len(version.options) == 2
    for option, goal_items in ((0, 5), (1, 4)):  # newest first: the edited version has 5 goal questions
        version.set_value(option).run()
        assert not at.exception and not at.error, [e.value for e in at.error]
        assert len(_unknown(at, "plotly_chart")) >= 5
        alphas = at.dataframe[1].value.set_index("score")
        assert alphas.loc["goal", "items"] == goal_items  # the version's own questions, not today's file


@pytest.mark.parametrize("language, explained, marked", [
    ("en", "How sure are these provider figures?", "too few responses to compare"),
    ("nl", "Hoe zeker zijn deze cijfers per aanbieder?", "te weinig antwoorden om te vergelijken")])
def test_dashboard_shows_how_sure_provider_figures_are(db, monkeypatch, language, explained, marked):
    study = db.create_study("Sure", ["working-alliance"], providers=["a", "b"])
    fill(db, study, 11, "a")
    fill(db, study, 11, "b")  # 22: the snapshot (a multiple of K = 11) holds every response
    at = AppTest.from_file(APP, default_timeout=60)
    at.query_params["lang"] = language
    at.run()
    at.switch_page("app_pages/research.py").run()
    at.text_input[0].set_value("correct horse")
    at.button[0].click().run()
    assert not at.exception
    assert any(explained in s.value for s in at.subheader) and "ICC" in all_text(at)
    means = at.dataframe[0].value.set_index("group")
    assert {"total_reliability", "total_shrunken"} <= set(means.columns)
    # the same answers from both providers: no difference between them, so nothing can be compared
    column = [c for c in means.columns if c in ("Can be compared", "Te vergelijken")][0]
    assert list(means[column][["a", "b"]]) == [marked, marked] and list(means.index[:2]) == ["a", "b"]
    icc = at.dataframe[1].value
    assert list(icc["providers"]) == [2] * 4 and (icc["icc"] <= 0.05).all()


def test_import_of_a_file_over_10_mb_shows_its_progress(db, monkeypatch):
    import numpy as np
    import streamlit

    shown = []
    real = streamlit.progress
    monkeypatch.setattr(streamlit, "progress", lambda value, text=None: shown.append(value) or real(value, text))
    at = research()
    at.selectbox(key="import_instrument").set_value("working-alliance").run()
    columns = [f"wa_{d}_{i}" for d in ("goal", "task", "bond") for i in range(1, 5)]
    rows = np.random.default_rng(0).integers(1, 6, size=(420_000, 12)).astype(str)
    body = ("provider," + ",".join(columns) + "\n" + "\n".join("x," + ",".join(r) for r in rows) + "\n").encode()
    assert len(body) > 10_000_000
    upload = [u for u in at.get("file_uploader")][0]
    upload.set_value(("large.csv", body, "text/csv")).run()
    assert not at.exception
    assert shown == [0.0]  # the bar is made once, then moved along block by block
    table = [d.value for d in at.dataframe if "group" in d.value.columns][-1]
    assert list(table["group"]) == ["all"] and list(table["n"]) == [420_000]
