"""Research data that survives change: every response is read through the instrument version it
was answered with, exports carry full text and empty cells, and the vector cache can be rebuilt.
Runs on SQLite, and on PostgreSQL when TEST_DATABASE_URL is set."""

from __future__ import annotations

import copy
import csv
import io
import uuid

import numpy as np
import pytest
import yaml

from scoring import export, load_folder, load_instrument, score_response
from scoring.yamlsafe import parse_yaml
from tests.conftest import QUESTIONNAIRES
from tests.test_store import BACKENDS, clean_postgresql

BUILTIN = load_folder(QUESTIONNAIRES)
RF, WA = BUILTIN["red-flags"], BUILTIN["working-alliance"]


@pytest.fixture(params=BACKENDS)
def url(request, tmp_path):
    if request.param == "sqlite":
        return f"sqlite:///{tmp_path / 'store.db'}"
    return clean_postgresql()


@pytest.fixture
def store(url):
    from scoring.store import Store

    s = Store(url)
    yield s
    s.dispose()


def edited_alliance(tmp_path, version="1.1.0", reorder=False):
    """The working alliance with one optional question added at the start (and, with ``reorder``,
    its goal items in reverse order): the edit that broke a running study."""
    data = parse_yaml((QUESTIONNAIRES / "working-alliance.yaml").read_text(encoding="utf-8")).data
    data["version"] = version
    items = data["sections"][0]["items"]
    if reorder:
        items.reverse()
    extra = dict(copy.deepcopy(items[0]), id="wa_goal_extra", required=False,
                 text={"en": "We agreed on something new.", "nl": "We werden het eens over iets nieuws."})
    items.insert(0, extra)
    path = tmp_path / f"wa-{version}.yaml"
    path.write_text(yaml.safe_dump(data, allow_unicode=True, sort_keys=False), encoding="utf-8")
    return load_instrument(path)


def alliance_answers(k: int) -> dict:
    return {f"wa_{d}_{i}": 1 + (k + i + len(d)) % 5 for d in ("goal", "task", "bond") for i in range(1, 5)}


def send(store, study, inst, answers, provider=None, key=None):
    result = score_response(inst, answers, audience="research")
    return store.submit(study, key or uuid.uuid4().hex, {inst.id: (inst, answers, result)}, provider=provider,
                        language="en")


def test_vectors_are_read_with_the_version_answered_not_todays_instrument(store, tmp_path):
    study = store.create_study("Edit", ["working-alliance"])
    for k in range(12):
        send(store, study, WA, alliance_answers(k))
    edited = edited_alliance(tmp_path, reorder=True)
    assert len(edited.items) == len(WA.items) + 1
    # today's instrument is the edited one; the stored answers were given to the old version
    providers, scores, points = store.vectors(study.id, edited, WA.content_hash)
    assert scores.shape == (12, len(WA.score_ids)) and points.shape == (12, len(WA.items))
    old = store.instrument(WA.content_hash)
    assert list(old.items) == list(WA.items) and old.score_ids == WA.score_ids
    expected = np.array([[score_response(WA, alliance_answers(k)).scores[s] for s in WA.score_ids]
                         for k in range(12)])
    np.testing.assert_allclose(scores, expected)
    # a response to the edited version is read through that version
    send(store, study, edited, {**alliance_answers(0), "wa_goal_extra": 5})
    _, scores2, points2 = store.vectors(study.id, WA, edited.content_hash)
    assert points2.shape == (1, len(edited.items)) and points2[0, list(edited.items).index("wa_goal_extra")] == 5


def test_export_has_empty_cells_where_nothing_was_answered_not_nan(store):
    study = store.create_study("Gaps", ["red-flags"])
    send(store, study, RF, {"rf_intake": "yes"})
    frame = store.export_frame(study.id, "red-flags", RF.content_hash, RF)
    text = export.rows_csv(frame.to_dict("records")).decode()
    rows = list(csv.DictReader(io.StringIO(text)))
    assert rows[0]["rf_intake"] == "yes" and rows[0]["rf_sober"] == ""
    assert "nan" not in text.lower().replace("nanny", "")


def test_free_text_is_exported_in_full(store):
    study = store.create_study("Text", ["red-flags"], free_text=True)
    long_text = "Something felt off because " + "of many small things, " * 30 + "and that is all."
    assert len(long_text) > 600
    answers = {"rf_intake": "yes", "rf_off_feeling": "yes", "rf_off_details": long_text}
    send(store, study, RF, answers)
    frame = store.export_frame(study.id, "red-flags", RF.content_hash, RF, include_text=True)
    assert frame.loc[0, "rf_off_details"] == long_text


def test_a_cache_that_does_not_fit_its_version_is_rebuilt_from_the_answers(store):
    from sqlalchemy import text, update

    from scoring.store import responses

    study = store.create_study("Cache", ["working-alliance"])
    for k in range(5):
        send(store, study, WA, alliance_answers(k))
    before = store.vectors(study.id, WA, WA.content_hash)
    with store.engine.begin() as conn:  # a damaged cache: vectors of the wrong length
        conn.execute(update(responses).values(score_vector=b"\0" * 8, point_vector=b"\0" * 16))
    after = store.vectors(study.id, WA, WA.content_hash)
    for a, b in zip(before, after, strict=True):
        np.testing.assert_array_equal(a, b)
    # a cache laid out by another GuideCheck (another cache version) is rebuilt when a store opens
    with store.engine.begin() as conn:
        conn.execute(update(responses).values(score_vector=np.zeros(len(WA.score_ids)).tobytes()))
        conn.execute(text("UPDATE guidecheck_meta SET value = '0' WHERE key = 'vector_cache'"))
    from scoring.store import Store

    reopened = Store(store.url)
    np.testing.assert_array_equal(reopened.vectors(study.id, WA, WA.content_hash)[1], before[1])
    reopened.dispose()


def test_a_version_is_stored_on_first_use_and_read_without_its_file(store, tmp_path):
    study = store.create_study("Gone", ["working-alliance"])
    edited = edited_alliance(tmp_path, version="2.0.0")
    send(store, study, edited, {**alliance_answers(1), "wa_goal_extra": 2})
    from scoring.store import Store

    fresh = Store(store.url)  # another server: it never loaded the edited file, which is gone now
    (tmp_path / "wa-2.0.0.yaml").unlink()
    inst = fresh.instrument(edited.content_hash)
    assert inst.version == "2.0.0" and list(inst.items) == list(edited.items)
    frame = fresh.export_frame(study.id, "working-alliance", edited.content_hash, WA)
    assert frame.loc[0, "wa_goal_extra"] == "2" and list(frame.columns).index("wa_goal_extra") < list(
        frame.columns).index("wa_goal_1")
    assert fresh.instrument("0" * 16) is None
    fresh.dispose()
