"""The research store against SQLite and, when TEST_DATABASE_URL is set, PostgreSQL.

Concurrency figures are printed (run with -s to see them); no test asserts a time."""

from __future__ import annotations

import os
import threading
import time
import uuid

import pandas as pd
import pytest
from sqlalchemy import create_engine, text

from scoring import load_folder, score_response
from scoring.aggregate import from_stats, sufficient_stats, with_reliability
from scoring.store import MIN_GROUP_FLOOR, Store, StoreError, database_url
from tests.conftest import QUESTIONNAIRES

BUILTIN = load_folder(QUESTIONNAIRES)
RF = BUILTIN["red-flags"]
PG = os.environ.get("TEST_DATABASE_URL")
BACKENDS = ["sqlite", pytest.param("postgresql", marks=pytest.mark.skipif(
    not PG, reason="TEST_DATABASE_URL is not set (CI sets it to the local PostgreSQL)"))]


def clean_postgresql() -> str:
    engine = create_engine(database_url(PG))
    with engine.begin() as conn:  # a clean slate in the shared test database, whatever earlier runs left
        conn.execute(text("DROP SCHEMA public CASCADE"))
        conn.execute(text("CREATE SCHEMA public"))
    engine.dispose()
    return PG


@pytest.fixture(params=BACKENDS)
def url(request, tmp_path):
    if request.param == "sqlite":
        return f"sqlite:///{tmp_path / 'store.db'}"
    return clean_postgresql()


@pytest.fixture
def store(url):
    s = Store(url)
    yield s
    s.dispose()


def one(store, study, answers=None, provider=None, key=None):
    answers = answers or {"rf_intake": "yes", "rf_sober": "no", "rf_guarantee": "no"}
    result = score_response(RF, answers, audience="research")
    return store.submit(study, key or uuid.uuid4().hex, {"red-flags": (RF, answers, result)}, provider=provider,
                        language="en")


def test_studies(store):
    study = store.create_study("Pilot", ["red-flags"], providers=["p1", "p2", " p1 "], consent="ok")
    assert len(study.code) >= 20 and study.is_open and study.min_group == 11
    assert study.providers == ["p1", "p2"]
    assert store.study(study.code) == study and store.study("nope") is None and store.study("x" * 500) is None
    with pytest.raises(ValueError, match=f"below {MIN_GROUP_FLOOR}"):
        store.create_study("Tiny", ["red-flags"], min_group=4)
    store.set_open(study.code, False)
    assert not store.study(study.code).is_open
    assert {s.code for s in store.studies()} == {study.code}


def test_submission_is_idempotent_and_keeps_only_the_date(store):
    study = store.create_study("S", ["red-flags"], providers=["p1"])
    assert one(store, study, key="k1", provider="p1") is True
    assert one(store, study, key="k1", provider="p1") is False
    assert store.count(study.id) == 1
    assert one(store, study, provider="not-a-listed-code") is True
    frame = store.export_frame(study.id, "red-flags", RF.content_hash, RF)
    assert set(frame["provider"].dropna()) == {"p1"}  # an unlisted code is not stored
    assert all(isinstance(d, type(pd.Timestamp("2026-01-01").date())) for d in frame["date"])
    assert {"instrument_hash", "instrument_version", "rf_intake", "rf_no_sexual_contact",
            "score_total"} <= set(frame.columns)
    assert "rf_off_details" not in frame.columns  # free text stays out unless a study turns it on


def _hammer(store, study, keys, threads):
    errors = []

    def work(chunk):
        try:
            for key in chunk:
                one(store, study, key=key)
        except Exception as exc:  # noqa: BLE001 - collected and reported by the test
            errors.append(exc)

    chunks = [keys[i::threads] for i in range(threads)]
    pool = [threading.Thread(target=work, args=(c,)) for c in chunks]
    start = time.perf_counter()
    for t in pool:
        t.start()
    for t in pool:
        t.join()
    return time.perf_counter() - start, errors


def test_1000_submissions_from_20_threads(store):
    study = store.create_study("Load", ["red-flags"])
    seconds, errors = _hammer(store, study, [uuid.uuid4().hex for _ in range(1000)], 20)
    assert not errors, errors[:3]
    assert store.count(study.id) == 1000
    print(f"\n{store.dialect}: 1000 submissions from 20 threads in {seconds:.2f} s "
          f"({1000 / seconds:.0f}/s)")


def test_the_same_submission_100_times_leaves_one(store):
    study = store.create_study("Dup", ["red-flags"])
    seconds, errors = _hammer(store, study, ["same-key"] * 100, 20)
    assert not errors, errors[:3]
    assert store.count(study.id) == 1


@pytest.mark.skipif(not PG, reason="TEST_DATABASE_URL is not set (CI sets it to the local PostgreSQL)")
def test_two_store_instances_on_one_postgresql_lose_nothing():
    url = clean_postgresql()
    first, second = Store(url), Store(url)
    study = first.create_study("Shared", ["red-flags"])
    results = []

    def run(store, keys):
        results.append(_hammer(store, study, keys, 10))

    keys = [uuid.uuid4().hex for _ in range(1000)]
    a = threading.Thread(target=run, args=(first, keys[:500] + keys[:50]))  # overlap: 50 sent to both
    b = threading.Thread(target=run, args=(second, keys[500:] + keys[:50]))
    start = time.perf_counter()
    a.start(), b.start(), a.join(), b.join()
    seconds = time.perf_counter() - start
    assert not [e for _, errs in results for e in errs]
    assert first.count(study.id) == 1000 and second.count(study.id) == 1000
    print(f"\npostgresql: two stores, 1100 sends (1000 distinct) in {seconds:.2f} s")
    first.dispose(), second.dispose()


def test_dashboard_aggregates_equal_the_dataframe_path(store):
    study = store.create_study("Agg", ["red-flags"], providers=["a", "b", "c"])
    plan = {"a": 14, "b": 12, "c": 4}
    answers = []
    for provider, n in plan.items():
        for k in range(n):
            a = {"rf_intake": "yes" if k % 3 else "no", "rf_sober": "yes", "rf_guarantee": "no" if k % 2 else "yes",
                 "rf_pressure": "no"}
            answers.append((provider, a))
            one(store, study, a, provider=provider)
    from scoring import research

    from_store = research.provider_means(store.vectors(study.id, RF, RF.content_hash), study, RF)
    scores = pd.DataFrame([score_response(RF, a).scores for _, a in answers])
    stats, counts = sufficient_stats(scores, pd.Series([p for p, _ in answers]), ["total"])
    from_frame = with_reliability(from_stats(stats, counts, 11, ["total"]), scores, [p for p, _ in answers],
                                  ["total"])
    pd.testing.assert_frame_equal(from_store, from_frame, check_dtype=False)
    assert from_store.attrs["icc"] == from_frame.attrs["icc"]
    assert list(from_store["group"]) == ["a", "other", "all"]
    providers, scores, points = store.vectors(study.id, RF, RF.content_hash)
    assert scores.shape == (30, 1) and points.shape == (30, len(RF.items)) and list(providers[:14]) == ["a"] * 14


def test_versions_are_never_pooled(store, tmp_path):
    study = store.create_study("V", ["red-flags"])
    one(store, study)
    import yaml

    from scoring.yamlsafe import parse_yaml

    data = parse_yaml((QUESTIONNAIRES / "red-flags.yaml").read_text()).data  # YAML 1.2: yes stays text
    data["version"] = "1.0.1"
    data["sections"][0]["items"][0]["help"]["en"] += " Changed."
    path = tmp_path / "rf2.yaml"
    path.write_text(yaml.safe_dump(data, allow_unicode=True, sort_keys=False))
    from scoring import load_instrument

    rf2 = load_instrument(path)
    answers = {"rf_intake": "yes"}
    store.submit(study, uuid.uuid4().hex, {"red-flags": (rf2, answers, score_response(rf2, answers))},
                 provider=None, language="en")
    versions = store.versions(study.id, "red-flags")
    assert set(versions["instrument_hash"]) == {RF.content_hash, rf2.content_hash}
    assert len(store.vectors(study.id, RF, RF.content_hash)[0]) == 1  # the old version's answers only


def test_a_newer_schema_is_refused(url):
    s = Store(url)
    with s.engine.begin() as conn:
        conn.execute(text("UPDATE guidecheck_meta SET value = '99' WHERE key = 'schema_version'"))
    s.dispose()
    with pytest.raises(StoreError, match="schema version 99"):
        Store(url)


def test_a_bad_url_says_so():
    with pytest.raises(StoreError, match="cannot"):
        Store("postgresql+psycopg://nobody:secret@127.0.0.1:1/none")
