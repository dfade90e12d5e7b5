"""The dashboard reads running totals (``tallies``, kept as responses are stored) instead of every
response; every figure computed from them must equal the DataFrame path (every response's vectors,
worked on whole columns), on random data with unsure and missing answers, several providers,
groups below K, responses without a provider, raised flags and two instrument versions, at every
snapshot. A snapshot step reads only the responses after the snapshot's end, never the study.
Runs on SQLite, and on PostgreSQL when TEST_DATABASE_URL is set."""

from __future__ import annotations

import uuid

import numpy as np
import pandas as pd
import pytest
import yaml

from scoring import load_folder, load_instrument, research, score_response
from scoring.yamlsafe import parse_yaml
from tests.conftest import QUESTIONNAIRES
from tests.test_store import BACKENDS, clean_postgresql

BUILTIN = load_folder(QUESTIONNAIRES)
RF, WA = BUILTIN["red-flags"], BUILTIN["working-alliance"]


@pytest.fixture(params=BACKENDS)
def store(request, tmp_path):
    from scoring.store import Store

    s = Store(f"sqlite:///{tmp_path / 'store.db'}" if request.param == "sqlite" else clean_postgresql())
    yield s
    s.dispose()


def reversed_alliance(tmp_path):
    """The working alliance with its goal items reverse keyed and open to "don't know" (another
    version: a study holding both must never pool them)."""
    data = parse_yaml((QUESTIONNAIRES / "working-alliance.yaml").read_text(encoding="utf-8")).data
    data["version"] = "2.1.0"
    data.pop("examples", None)  # worked for the unreversed version
    for item in data["sections"][0]["items"]:
        if item["id"].startswith("wa_goal"):
            item["reverse"] = True
            item["allow_unsure"] = True
    path = tmp_path / "wa-r.yaml"
    path.write_text(yaml.safe_dump(data, allow_unicode=True, sort_keys=False), encoding="utf-8")
    return load_instrument(path)


def random_answers(inst, rng) -> dict:
    out = {}
    for iid, info in inst.items.items():
        roll = rng.random()
        if roll < 0.08:
            continue  # not answered
        if info.spec.type == "likert":
            out[iid] = "unsure" if roll < 0.14 and info.spec.allow_unsure else int(rng.integers(1, 6))
        elif info.spec.type == "yes_no":
            out[iid] = "unsure" if roll < 0.12 and info.spec.allow_unsure else str(rng.choice(["yes", "no"]))
    return out


def send(store, study, inst, rng, provider):
    answers = random_answers(inst, rng)
    result = score_response(inst, answers, audience="research")
    assert store.submit(study, uuid.uuid4().hex, {inst.id: (inst, answers, result)}, provider=provider,
                        language="en")


def assert_same_figures(store, study, inst, content_hash, n, upto):
    counts = store.tally(study.id, inst, content_hash, upto)
    vectors = store.vectors(study.id, inst, content_hash, upto)
    from_totals = research.provider_means(counts, study, inst)
    from_rows = research.provider_means(vectors, study, inst)
    # to 1e-9 relative: the totals add the same numbers in another order (and a sum of squares
    # about zero, where the rows are centred on each provider's mean)
    fitted = [c for c in from_rows.columns if c.endswith(("_reliability", "_shrunken"))]
    pd.testing.assert_frame_equal(from_totals.drop(columns=fitted), from_rows.drop(columns=fitted),
                                  check_dtype=False, rtol=1e-9, atol=1e-12)
    pd.testing.assert_frame_equal(from_totals[fitted], from_rows[fitted], check_dtype=False, rtol=1e-9)
    for sid, fit in from_rows.attrs["icc"].items():
        other = from_totals.attrs["icc"][sid]
        assert (fit is None) == (other is None)
        if fit is not None:
            assert other.method == fit.method and (other.n, other.groups) == (fit.n, fit.groups)
            assert (other.icc, other.low, other.high, other.tau2, other.sigma2, other.mean) == pytest.approx(
                (fit.icc, fit.low, fit.high, fit.tau2, fit.sigma2, fit.mean), rel=1e-9, abs=1e-12)
    pd.testing.assert_frame_equal(research.alphas(counts, study, inst), research.alphas(vectors, study, inst),
                                  check_dtype=False, rtol=1e-9)
    pd.testing.assert_frame_equal(research.likert_shares(counts, study, inst),
                                  research.likert_shares(vectors, study, inst), check_dtype=False)
    for sid in inst.score_ids:
        pd.testing.assert_frame_equal(research.distribution(counts, inst, sid),
                                      research.distribution(vectors, inst, sid), check_dtype=False)
    old_days = store.per_day(study.id, inst.id, content_hash, upto)
    new_days = research.per_day(counts)
    assert [str(d) for d in new_days["date"]] == [str(d) for d in old_days["date"]]
    assert list(new_days["n"]) == list(old_days["n"])
    pd.testing.assert_frame_equal(research.flag_shares_from(counts, study, inst, n),
                                  research.flag_shares(store, study, inst, content_hash, n, upto), check_dtype=False)
    return from_totals


def test_every_figure_from_the_running_totals_equals_the_dataframe_path(store, tmp_path):
    rng = np.random.default_rng(16)
    wa_r = reversed_alliance(tmp_path)
    study = store.create_study("Totals", ["working-alliance", "red-flags"], min_group=5,
                               providers=["big", "mid", "small", "tiny", "x|y"])
    weights = {"big": 0.4, "mid": 0.25, "small": 0.08, "tiny": 0.03, "x|y": 0.09, None: 0.15}
    names = list(weights)
    checked = 0
    for _ in range(4):
        for _k in range(23):
            provider = names[rng.choice(len(names), p=np.array(list(weights.values())))]
            for inst in (WA, wa_r, RF):
                if inst is wa_r and rng.random() < 0.5:
                    continue
                send(store, study, inst, rng, provider)
        for inst in (WA, wa_r, RF):
            n, upto = store.snapshot(study.id, inst.id, inst.content_hash, study.min_group)
            if n:
                shown = assert_same_figures(store, study, inst, inst.content_hash, n, upto)
                checked += 1
    assert checked >= 10
    assert {"big", "mid", "other", "all"} <= set(shown["group"])  # small groups were pooled, as before
    flags = research.flag_shares_from(store.tally(study.id, RF, RF.content_hash, upto), study, RF, n)
    assert not flags.empty


def test_rebuilt_totals_equal_those_kept_as_responses_came_in(store):
    rng = np.random.default_rng(3)
    study = store.create_study("Rebuild", ["working-alliance"], min_group=5, providers=["a", "b"])
    for k in range(31):
        send(store, study, WA, rng, ["a", "b", None][k % 3])
    kept = store.tally(study.id, WA, WA.content_hash, 10 ** 9)
    store.rebuild_tallies(study.id, WA.content_hash)
    rebuilt = store.tally(study.id, WA, WA.content_hash, 10 ** 9)
    assert kept.keys() == rebuilt.keys()
    for key, (n, total, sq) in kept.items():
        assert rebuilt[key][0] == n and rebuilt[key][1:] == pytest.approx([total, sq], rel=1e-12), key


def test_a_snapshot_step_reads_only_the_responses_after_it(store):
    """The dashboard's cost does not grow with the study: it reads the running totals and the
    responses after the snapshot's end (fewer than K), never the responses before it."""
    rng = np.random.default_rng(5)
    k = 7
    study = store.create_study("Step", ["working-alliance"], min_group=k, providers=["a", "b", "c"])
    for i in range(60):
        send(store, study, WA, rng, "abc"[i % 3])
    n, upto = store.snapshot(study.id, WA.id, WA.content_hash, k)
    assert n == 56
    store.rows_read = 0
    first = store.tally(study.id, WA, WA.content_hash, upto)
    assert store.rows_read == 60 - 56  # the 4 after the snapshot, not the 56 in it
    for i in range(k):
        send(store, study, WA, rng, "abc"[i % 3])
    n2, upto2 = store.snapshot(study.id, WA.id, WA.content_hash, k)
    assert n2 == 63
    store.rows_read = 0
    second = store.tally(study.id, WA, WA.content_hash, upto2)
    assert store.rows_read == 67 - 63
    assert second["n|a"][0] + second["n|b"][0] + second["n|c"][0] == 63
    assert first["n|a"][0] + first["n|b"][0] + first["n|c"][0] == 56


def test_totals_kept_by_concurrent_submissions_equal_a_rebuild(store):
    """Eight threads submitting at once to one study (the same rows of totals for every one of
    them): no deadlock, no lost update, and a resend adds nothing."""
    import threading

    study = store.create_study("Busy", ["working-alliance", "red-flags"], min_group=5, providers=["a", "b"])
    errors, keys = [], [uuid.uuid4().hex for _ in range(160)]

    def work(chunk, seed):
        rng = np.random.default_rng(seed)
        try:
            for key in chunk:
                both = {}
                for inst in (WA, RF):
                    answers = random_answers(inst, rng)
                    both[inst.id] = (inst, answers, score_response(inst, answers, audience="research"))
                for _ in range(1 + (key < "4")):  # some sent twice
                    store.submit(study, key, both, provider=["a", "b", None][int(key, 16) % 3], language="en")
        except Exception as exc:  # noqa: BLE001 - reported below
            errors.append(exc)

    threads = [threading.Thread(target=work, args=(keys[k::8], k)) for k in range(8)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    assert not errors
    for inst in (WA, RF):
        kept = store.tally(study.id, inst, inst.content_hash, 10 ** 9)
        assert kept[f"v|{inst.id}|{inst.version}"][0] == 160
        store.rebuild_tallies(study.id, inst.content_hash)
        rebuilt = store.tally(study.id, inst, inst.content_hash, 10 ** 9)
        assert kept.keys() == rebuilt.keys()
        for key, (n, total, sq) in kept.items():
            assert rebuilt[key][0] == n and rebuilt[key][1:] == pytest.approx([total, sq], rel=1e-12), key


@pytest.mark.parametrize("name", ["working-alliance", "setting"])
def test_increments_of_a_batch_equal_those_of_each_response_added_up(name):
    """``tally_increments`` on whole columns (a rebuild, a snapshot step) and its one-response
    form (each submission) give the same keys and totals: providers missing as None or NaN,
    scores and points with gaps, flags, several days."""
    from scoring.store import _merge, tally_increments

    inst = BUILTIN[name]
    rng = np.random.default_rng(7)
    n = 60
    kinds = ["a", "b", None, float("nan"), "c d"]
    providers = np.array([kinds[k] for k in rng.integers(0, len(kinds), n)], dtype=object)
    days = [pd.Timestamp("2026-01-01").date() + pd.Timedelta(days=int(d)) for d in rng.integers(0, 4, n)]
    dates = np.array(days, dtype=object)
    scores = rng.integers(0, 5, (n, len(inst.score_ids))).astype(float)
    scores[rng.random(scores.shape) < 0.2] = np.nan
    points = rng.integers(1, 6, (n, len(inst.items))).astype(float)
    points[rng.random(points.shape) < 0.1] = np.nan
    flags = [[f for f in inst.flag_ids if rng.random() < 0.1] for _ in range(n)]

    batch = tally_increments(inst, providers, dates, scores, points, flags)
    added: dict[str, list[float]] = {}
    for r in range(n):
        _merge(added, tally_increments(inst, providers[r:r + 1], dates[r:r + 1], scores[r:r + 1],
                                       points[r:r + 1], flags[r:r + 1]))
    assert sorted(batch) == sorted(added)
    expected = {"v", "n", "s", "h", "l", "d"} | ({"a"} if name == "working-alliance" else {"f"})
    assert {k[0] for k in batch} >= expected  # every kind of key is compared
    for key, (count, total, sq) in batch.items():
        assert count == added[key][0], key
        assert total == pytest.approx(added[key][1]) and sq == pytest.approx(added[key][2]), key
