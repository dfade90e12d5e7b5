"""Migrations: a database made by GuideCheck before migrations (the store at commit 0f2b18e, run
as it was) is upgraded on start, and every response reads back unchanged; databases that are not
clearly ours, or are newer, are refused with a message and left as they were.
Runs on SQLite, and on PostgreSQL when TEST_DATABASE_URL is set."""

from __future__ import annotations

import importlib.util
import subprocess
import sys
import uuid

import numpy as np
import pandas as pd
import pytest
from sqlalchemy import create_engine, inspect, text

from scoring import load_folder, score_response
from scoring.store import Store, StoreError, database_url
from tests.conftest import QUESTIONNAIRES, ROOT
from tests.test_store import BACKENDS, clean_postgresql

BUILTIN = load_folder(QUESTIONNAIRES)
OLD_COMMIT = "0f2b18e"
LONG = "A note longer than the old 200-character cut: " + "this and that, " * 20 + "the end."


@pytest.fixture(params=BACKENDS)
def url(request, tmp_path):
    if request.param == "sqlite":
        return f"sqlite:///{tmp_path / 'old.db'}"
    return clean_postgresql()


@pytest.fixture(scope="module")
def old_store_class(tmp_path_factory):
    """scoring/store.py as it was at 0f2b18e, loaded as a module of today's package (its relative
    imports find today's engine and instrument, which it only reads attributes of)."""
    source = subprocess.run(["git", "show", f"{OLD_COMMIT}:scoring/store.py"], cwd=ROOT, capture_output=True,
                            text=True, check=True).stdout
    path = tmp_path_factory.mktemp("old") / "store_v1.py"
    path.write_text(source, encoding="utf-8")
    spec = importlib.util.spec_from_file_location("scoring._store_v1", path)
    module = importlib.util.module_from_spec(spec)
    sys.modules[spec.name] = module
    spec.loader.exec_module(module)
    yield module
    sys.modules.pop(spec.name, None)


def old_database(old, url):
    """A database made by the old code: studies, and responses to every research instrument's
    worked examples (every item type, unsure answers, raised flags, free text) under providers."""
    store = old.Store(url)
    wanted = [i for i, inst in BUILTIN.items() if "research" in inst.spec.audiences] + ["red-flags"]
    study = store.create_study("Before", sorted(set(wanted)), providers=["p1", "p2"], free_text=True)
    other = store.create_study("Another", ["working-alliance"])
    sent = 0
    for k, inst_id in enumerate(sorted(set(wanted))):
        inst = BUILTIN[inst_id]
        for n, example in enumerate(inst.spec.examples):
            answers = dict(example.answers)
            result = score_response(inst, answers, context=example.context, audience="research")
            store.submit(study, f"sub-{k}-{n}", {inst_id: (inst, answers, result)}, provider=["p1", "p2", None][n % 3],
                         language="en", context=example.context)
            sent += 1
    note = {"rf_intake": "yes", "rf_off_feeling": "yes", "rf_off_details": LONG}
    rf = BUILTIN["red-flags"]
    store.submit(study, "with-text", {"red-flags": (rf, note, score_response(rf, note, audience="research"))},
                 provider="p1", language="nl")
    wa = BUILTIN["working-alliance"]
    for k in range(12):
        answers = {f"wa_{d}_{i}": 1 + (k + i) % 5 for d in ("goal", "task", "bond") for i in range(1, 5)}
        store.submit(other, uuid.uuid4().hex, {"working-alliance": (wa, answers, score_response(wa, answers))},
                     provider=None, language="en")
    return store, [study, other], sent + 13


def reads(store, studies, old: bool) -> dict:
    """Everything a researcher can read back, per study, instrument and version."""
    out = {}
    for study in studies:
        out[("per_day", study.code)] = store.per_day(study.id)
        for inst_id in study.instruments:
            versions = store.versions(study.id, inst_id)
            out[("versions", study.code, inst_id)] = versions
            for h in versions["instrument_hash"]:
                inst = BUILTIN[inst_id]
                out[("vectors", study.code, inst_id)] = store.vectors(study.id, inst, h)
                out[("export", study.code, inst_id)] = store.export_frame(study.id, inst_id, h, inst,
                                                                          include_text=True)
                out[("flags", study.code, inst_id)] = store.flag_counts(study.id, inst_id, h).sort_values(
                    "flag_id").reset_index(drop=True)
    return out


def test_a_database_made_before_migrations_is_upgraded_and_reads_back_unchanged(old_store_class, url):
    old, studies, n = old_database(old_store_class, url)
    before = reads(old, studies, old=True)
    assert old.count() == n
    old.dispose()

    new = Store(url)
    with new.engine.connect() as conn:
        tables = set(inspect(conn).get_table_names())
        assert {"alembic_version", "instrument_versions", "answers"} <= tables and "item_points" not in tables
        assert conn.execute(text("SELECT value FROM guidecheck_meta WHERE key = 'schema_version'")).scalar() == "3"
    assert new.count() == n
    assert [s.code for s in new.studies()] == [s.code for s in studies]
    after = reads(new, [new.study(s.code) for s in studies], old=False)
    assert before.keys() == after.keys()
    for key, value in before.items():
        if key[0] == "export":  # rows in no set order (PostgreSQL gives them as it finds them)
            value = value.sort_values("response_id", kind="stable").reset_index(drop=True)
            after[key] = after[key].sort_values("response_id", kind="stable").reset_index(drop=True)
        if key[0] == "vectors":
            for a, b in zip(value, after[key], strict=True):
                np.testing.assert_array_equal(a, b)
        elif key[0] == "export" and key[2] == "red-flags":
            # the old code cut free text at 200 characters when storing it; the migration takes the
            # full text from the answers it kept as JSON
            cut, full = value.pop("rf_off_details"), after[key].pop("rf_off_details")
            assert len(LONG) > 200 and list(full.where(full != LONG, LONG[:200]).fillna("")) == list(cut.fillna(""))
            assert (full == LONG).sum() == 1
            pd.testing.assert_frame_equal(value, after[key], check_dtype=False, obj=str(key))
        else:
            if key[0] == "export":
                # the old code wrote 'unsure' for a choice's own "don't know" option; the answers table
                # keeps the option as chosen (the answer as given)
                inst = BUILTIN.get(key[2])
                for item_id in [c for c in value.columns if c in after[key].columns]:
                    own = {str(o.value) for o in getattr(inst.items[item_id].spec, "options", None) or []
                           if getattr(o, "unsure", False)} if inst and item_id in inst.items else set()
                    if own:
                        after[key][item_id] = after[key][item_id].where(~after[key][item_id].isin(own), "unsure")
            pd.testing.assert_frame_equal(value, after[key], check_dtype=False, obj=str(key))
    # the vectors are a cache: rebuilt from the answers table they come out the same
    rebuilt, skipped = new.rebuild_cache()
    assert (rebuilt, skipped) == (n, 0)
    again = reads(new, [new.study(s.code) for s in studies], old=False)
    for key, value in after.items():
        if key[0] == "vectors":
            for a, b in zip(value, again[key], strict=True):
                np.testing.assert_array_equal(a, b)
    # the running totals (schema 3) were built from the old responses on the first start: every
    # dashboard figure from them equals the one from the responses' vectors
    from tests.test_tallies import assert_same_figures

    checked = 0
    for study in [new.study(s.code) for s in studies]:
        for inst_id in study.instruments:
            for h in new.versions(study.id, inst_id)["instrument_hash"]:
                total, upto = new.snapshot(study.id, inst_id, h, 1)
                assert_same_figures(new, study, BUILTIN[inst_id], h, total, upto)
                checked += 1
    assert checked >= 5
    new.dispose()
    Store(url).dispose()  # opening it again changes nothing


def test_a_fresh_database_gets_the_whole_schema_and_a_second_start_changes_nothing(url):
    Store(url).dispose()
    store = Store(url)
    with store.engine.connect() as conn:
        assert conn.execute(text("SELECT version_num FROM alembic_version")).scalar() == "0003"
    store.dispose()


def _sql(url, *statements):
    engine = create_engine(database_url(url))
    with engine.begin() as conn:
        for s in statements:
            conn.execute(text(s))
    engine.dispose()


@pytest.mark.parametrize("breakage, message", [
    ("UPDATE guidecheck_meta SET value = '0' WHERE key = 'schema_version'", "schema version '0'"),
    ("DROP TABLE guidecheck_meta", "no guidecheck_meta table"),
    ("DELETE FROM guidecheck_meta", "schema version None"),
])
def test_an_old_database_that_is_not_clearly_ours_is_refused_not_stamped(old_store_class, url, breakage,
                                                                        message):
    old_store_class.Store(url).dispose()
    _sql(url, breakage)
    with pytest.raises(StoreError, match=message):
        Store(url)
    engine = create_engine(database_url(url))
    with engine.connect() as conn:
        tables = set(inspect(conn).get_table_names())
    engine.dispose()
    assert "alembic_version" not in tables and "answers" not in tables  # left as it was


def test_a_missing_column_is_named_on_start(url):
    Store(url).dispose()
    _sql(url, "ALTER TABLE responses DROP COLUMN verdict")
    with pytest.raises(StoreError, match=r"lacks responses\.verdict"):
        Store(url)


def test_a_newer_revision_is_refused(url):
    Store(url).dispose()
    _sql(url, "UPDATE alembic_version SET version_num = '0099'")
    with pytest.raises(StoreError, match="newer GuideCheck"):
        Store(url)


def test_the_cli_upgrades_and_rebuilds_the_cache(old_store_class, url, capsys):
    from scoring.__main__ import main

    old, _, n = old_database(old_store_class, url)
    old.dispose()
    assert main(["rebuild-cache", "--database", url]) == 0
    assert f"{n} response(s) rebuilt" in capsys.readouterr().err
    _sql(url, "UPDATE alembic_version SET version_num = '0099'")
    assert main(["rebuild-cache", "--database", url]) == 1
    out = capsys.readouterr().out
    assert "newer GuideCheck" in out and "Traceback" not in out
