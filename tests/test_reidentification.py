"""Issue 17, item 9: figures shown to a researcher must not let a single new response be read off.

Rules tested here (the threat model is in the README's research section):
- the dashboard shows a snapshot that moves on only after K new responses (K: the study's minimum
  group size): adding one response changes no figure, table or count it shows until K have arrived;
- flag counts and answer shares below K are suppressed like small groups, with complementary
  suppression;
- exports hold the snapshot's rows only, each with a fresh random id (never the submission key
  from the participant's URL), in random order, with the period of their batch instead of a date.
Runs the store parts on SQLite, and on PostgreSQL when TEST_DATABASE_URL is set."""

from __future__ import annotations

import io
import json
import uuid

import pandas as pd
import pytest
from streamlit.testing.v1 import AppTest

from scoring import load_folder, research, score_response
from scoring.store import Store
from tests.app.test_pages import _unknown
from tests.conftest import QUESTIONNAIRES, ROOT
from tests.test_store import BACKENDS, clean_postgresql

BUILTIN = load_folder(QUESTIONNAIRES)
SETTING = BUILTIN["setting"]
K = 5  # the smallest minimum group size a study can have: the fewest responses to wait for
APP = str(ROOT / "app.py")


def usual(k: int) -> dict:
    """An ordinary answer set that raises no flag (varied a little)."""
    return {"set_quiet_room": 4 + k % 2, "set_comfortable": "yes", "set_soft_light": "yes",
            "set_music_mask_optional": "yes", "set_checkin": "yes", "set_hours": 6, "set_fluids": "yes",
            "set_vitals": "yes", "set_safety_priority": 4 + k % 2, "set_non_directive": 5, "set_regulation": 4,
            "set_impulsive": "yes", "set_difficult_normal": 4}


# the one respondent whose answers an attacker wants: low ratings and rare flags
OUTLIER = usual(0) | {"set_quiet_room": 1, "set_checkin": "no", "set_impulsive": "no", "set_regulation": 1}


def send(store, study, answers, key=None) -> str:
    key = key or uuid.uuid4().hex
    result = score_response(SETTING, answers, audience="research")
    store.submit(study, key, {"setting": (SETTING, answers, result)}, provider=None, language="en")
    return key


@pytest.fixture(params=BACKENDS)
def store(request, tmp_path):
    url = f"sqlite:///{tmp_path / 'store.db'}" if request.param == "sqlite" else clean_postgresql()
    s = Store(url)
    yield s
    s.dispose()


def shown(store, study) -> dict:
    """Every figure the dashboard computes for the study's one instrument version."""
    n, upto = store.snapshot(study.id, "setting", SETTING.content_hash, study.min_group)
    vectors = store.vectors(study.id, SETTING, SETTING.content_hash, upto)
    means = research.provider_means(vectors, study, SETTING)
    return {"n": n,
            "per_day": store.per_day(study.id, "setting", SETTING.content_hash, upto).to_json(),
            "means": means.to_json(),
            "alphas": research.alphas(vectors, study, SETTING).to_json(),
            "likert": research.likert_shares(vectors, study, SETTING).to_json(),
            "histogram": research.distribution(vectors, SETTING, "total").to_json(),
            "flags": research.flag_shares(store, study, SETTING, SETTING.content_hash, n, upto).to_json()}


def test_one_new_response_changes_no_figure_until_k_have_arrived(store):
    study = store.create_study("Snap", ["setting"], min_group=K)
    for k in range(2 * K):
        send(store, study, usual(k))
    before = shown(store, study)
    assert before["n"] == 2 * K
    send(store, study, OUTLIER)  # the response an attacker compares two views for
    assert shown(store, study) == before
    for k in range(K - 2):
        send(store, study, usual(k))
        assert shown(store, study) == before  # still fewer than K new ones
    send(store, study, usual(1))  # the K-th new response: the snapshot moves, by K at once
    after = shown(store, study)
    assert after["n"] == 3 * K and after != before


def test_snapshot_is_the_same_for_every_server_and_after_a_restart(store):
    study = store.create_study("Snap", ["setting"], min_group=K)
    for k in range(K + 2):
        send(store, study, usual(k))
    again = Store(store.url)  # another server, or this one restarted: no state kept anywhere
    try:
        assert again.snapshot(study.id, "setting", SETTING.content_hash, K) == \
            store.snapshot(study.id, "setting", SETTING.content_hash, K)
        assert again.snapshot(study.id, "setting", SETTING.content_hash, K)[0] == K
    finally:
        again.dispose()


def test_flags_raised_fewer_than_k_times_are_suppressed_with_their_complement():
    severity = {"a": "critical", "b": "major", "c": "major", "d": "minor"}
    counts = pd.DataFrame({"flag_id": ["a", "b", "c", "d"], "n": [1, 9, 3, 40]})
    out = research.suppress_flags(counts, 5, 100, severity)
    # a (1) and c (3) pool to 4 < 5, so the next-smallest, b, goes in too: 'other' = 13
    assert list(out["flag_id"]) == ["d", "other"] and list(out["n"]) == [40, 13]
    assert (out["n"] >= 5).all()
    # a pool that stays below K is not shown at all
    out = research.suppress_flags(pd.DataFrame({"flag_id": ["a", "c"], "n": [1, 2]}), 5, 100, severity)
    assert out.empty


def test_a_flag_raised_once_is_not_shown_by_name_nor_readable_from_the_answer_shares(store):
    study = store.create_study("Flags", ["setting"], min_group=K)
    send(store, study, OUTLIER)
    for k in range(2 * K - 1):
        send(store, study, usual(k))
    figures = shown(store, study)
    flags = json.loads(figures["flags"])["flag_id"].values()
    raised_once = set(score_response(SETTING, OUTLIER, audience="research").flags)
    assert raised_once and not (raised_once & set(flags))
    likert = pd.read_json(io.StringIO(figures["likert"]))
    # the outlier's rating of 1 (the flag's condition) is the only one: it is not drawn
    assert likert[(likert["item"] == "set_quiet_room") & (likert["value"] <= 2)].empty
    assert not likert[likert["item"] == "set_quiet_room"].empty  # the ratings given K times are


def test_export_has_fresh_random_ids_in_random_order_and_batch_periods(store):
    study = store.create_study("Export", ["setting"], min_group=K)
    keys = [send(store, study, usual(k) | {"set_hours": k}) for k in range(4 * K + 2)]
    n, upto = store.snapshot(study.id, "setting", SETTING.content_hash, K)
    first = research.export_frame(store, study, SETTING, SETTING.content_hash, upto)
    second = research.export_frame(store, study, SETTING, SETTING.content_hash, upto)
    assert len(first) == n == 4 * K  # the snapshot's rows only: the last two wait for K - 2 more
    assert not set(first["response_id"]) & set(keys)  # never the participant's submission key
    assert first["response_id"].str.fullmatch(r"[0-9a-f]{32}").all() and first["response_id"].is_unique
    assert not set(first["response_id"]) & set(second["response_id"])  # fresh in every export
    stored_order = [int(h) for h in first["set_hours"]]
    assert stored_order != sorted(stored_order) and \
        [int(h) for h in second["set_hours"]] != stored_order  # not submission order, nor one fixed order
    assert "date" not in first.columns and first["period"].str.fullmatch(r"\d{4}-\d\d-\d\d/\d{4}-\d\d-\d\d").all()


def _dashboard(url: str, monkeypatch) -> dict:
    """What the dashboard tab shows, as text: every chart's spec, table and message."""
    monkeypatch.setenv("DATABASE_URL", url)
    at = AppTest.from_file(APP, default_timeout=60).run()
    at.switch_page("app_pages/research.py").run()
    at.text_input[0].set_value("correct horse battery")
    at.button[0].click().run()
    assert not at.exception
    tab = at.tabs[1]
    charts = [node.proto.spec for node in _unknown(at, "plotly_chart")]
    tables = [d.value.to_json() for d in tab.dataframe]
    text = [e.value for kind in ("markdown", "caption", "info", "error", "selectbox") for e in getattr(tab, kind)
            if kind != "selectbox"] + [s.format_func(s.value) for s in tab.selectbox]
    studies = [e.label for e in at.tabs[0].expander]
    return {"charts": charts, "tables": tables, "text": text, "studies": studies}


def test_the_dashboard_page_shows_nothing_new_after_one_response(tmp_path, monkeypatch):
    """The page itself (its caches, counts, version picker and Studies tab included)."""
    monkeypatch.setenv("GUIDECHECK_RESEARCH_PASSWORD", "correct horse battery")
    url = f"sqlite:///{tmp_path / 'page.db'}"
    store = Store(url)
    study = store.create_study("Page", ["setting"], min_group=K)
    for k in range(2 * K):
        send(store, study, usual(k))
    before = _dashboard(url, monkeypatch)
    assert len(before["charts"]) >= 3 and before["tables"]
    send(store, study, OUTLIER)
    assert _dashboard(url, monkeypatch) == before
    for k in range(K - 1):
        send(store, study, usual(k))
    assert _dashboard(url, monkeypatch) != before
    store.dispose()
