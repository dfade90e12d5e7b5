"""SPSS, Stata and Frictionless exports (issue 14)."""

import io
import json
import zipfile

import pandas as pd
import pyreadstat
import pytest

from scoring import load_folder
from scoring.__main__ import main
from scoring.convert.exports import datapackage, datapackage_zip, dta_bytes, sav_bytes, tidy_from_answers
from tests.conftest import ROOT
from tests.test_convert import random_answers

BUILT_IN = load_folder(ROOT / "questionnaires")


def tidy(iid, n=60):
    inst = BUILT_IN[iid]
    answers = random_answers(inst, n, seed=3)
    answers["provider"] = ["p1", "p2", "=cmd()"] * (n // 3)
    return inst, tidy_from_answers(inst, answers)


@pytest.mark.parametrize("iid", sorted(BUILT_IN))
def test_sav_and_dta_carry_variable_and_value_labels(iid, tmp_path):
    inst, data = tidy(iid)
    for suffix, raw, reader in ((".sav", sav_bytes(inst, data), pyreadstat.read_sav),
                                (".dta", dta_bytes(inst, data), pyreadstat.read_dta)):
        path = tmp_path / f"x{suffix}"
        path.write_bytes(raw)
        frame, meta = reader(str(path), user_missing=True) if suffix == ".sav" else reader(str(path))
        assert len(frame) == 60
        for item_id, info in inst.items.items():
            item = info.spec
            if item.type == "multi":
                name = f"{item_id}__{item.options[0].value}"[: 64 if suffix == ".sav" else 32]
                assert set(frame[name].dropna()) <= {0.0, 1.0}
                continue
            assert meta.column_names_to_labels[item_id].startswith(inst.text(item.text)[:40])
            if item.type == "yes_no":
                labels = meta.variable_value_labels[item_id]
                assert labels[1] == "yes" and labels[0] == "no"
                coded = frame[item_id].map({1: "yes", 0: "no", -1: "unsure"}).fillna("")
                assert list(coded) == [v if v in ("yes", "no", "unsure") else "" for v in data[item_id]]
        for s in inst.score_ids:
            pd.testing.assert_series_equal(frame[f"score_{s}"].reset_index(drop=True),
                                           pd.to_numeric(data[f"score_{s}"]).astype(float).reset_index(drop=True),
                                           check_names=False)


@pytest.mark.parametrize("iid", sorted(BUILT_IN))
def test_frictionless_package_validates(iid, tmp_path):
    from frictionless import validate

    inst, data = tidy(iid)
    with zipfile.ZipFile(io.BytesIO(datapackage_zip(inst, data))) as z:
        z.extractall(tmp_path)
    package = json.loads((tmp_path / "datapackage.json").read_text())
    assert package["guidecheck"]["instrument_hash"] == inst.content_hash
    report = validate(str(tmp_path / "datapackage.json"))
    assert report.valid, report.flatten(["rowNumber", "fieldName", "type", "note"])[:5]
    assert "'=cmd()" in (tmp_path / "responses.csv").read_text()  # formula cells neutralised


def test_frictionless_catches_a_value_outside_the_enum(tmp_path):
    from frictionless import validate

    inst, data = tidy("red-flags")
    data.loc[0, "rf_intake"] = "maybe"
    package, csv_bytes = datapackage(inst, data)
    (tmp_path / "datapackage.json").write_text(json.dumps(package))
    (tmp_path / "responses.csv").write_bytes(csv_bytes)
    report = validate(str(tmp_path / "datapackage.json"))
    assert not report.valid
    assert any(e.type == "constraint-error" for task in report.tasks for e in task.errors)


def test_cli_export(tmp_path):
    inst = BUILT_IN["working-alliance"]
    answers = random_answers(inst, 30, seed=1)
    source = tmp_path / "a.csv"
    answers.to_csv(source, index=False)
    path = str(ROOT / "questionnaires" / "working-alliance.yaml")
    assert main(["export", "--instrument", path, "--answers", str(source), "--to", "sav",
                 "--out", str(tmp_path / "a.sav")]) == 0
    assert main(["export", "--instrument", path, "--answers", str(source), "--to", "dta",
                 "--out", str(tmp_path / "a.dta")]) == 0
    assert main(["export", "--instrument", path, "--answers", str(source), "--to", "datapackage",
                 "--out", str(tmp_path / "pkg")]) == 0
    frame, _ = pyreadstat.read_dta(str(tmp_path / "a.dta"))
    assert len(frame) == 30
    assert (tmp_path / "pkg" / "datapackage.json").exists()


def test_research_page_exports_work_on_the_store_frame(tmp_path):
    """The Research page feeds Store.export_frame to the same functions."""
    import uuid

    from frictionless import validate

    from scoring import score_response
    from scoring.store import Store

    inst = BUILT_IN["screening"]
    store = Store(f"sqlite:///{tmp_path / 'db.sqlite'}")
    study = store.create_study("S", ["screening"], providers=["p1"])
    answers = random_answers(inst, 12, seed=5)
    for k in range(12):
        row = {c: v for c, v in answers.iloc[k].items() if c in inst.items and v != ""}
        row = {c: (v.split(";") if inst.items[c].spec.type == "multi" and v != "unsure" else v)
               for c, v in row.items()}
        row = {c: [x for x in v if x] if isinstance(v, list) else v for c, v in row.items()}
        result = score_response(inst, row, audience="research")
        store.submit(study, uuid.uuid4().hex, {"screening": (inst, row, result)}, provider="p1", language="en")
    frame = store.export_frame(study.id, "screening", inst.content_hash, inst)
    assert len(frame) == 12
    path = tmp_path / "x.sav"
    path.write_bytes(sav_bytes(inst, frame, "nl"))
    data, meta = pyreadstat.read_sav(str(path), user_missing=True)
    assert meta.variable_value_labels["scr_intake"][1] == "ja"
    assert list(data["scr_intake"].map({1.0: "yes", 0.0: "no", -1.0: "unsure"}).fillna("")) == [
        v if v in ("yes", "no", "unsure") else "" for v in frame["scr_intake"].fillna("")]
    (tmp_path / "dta").write_bytes(dta_bytes(inst, frame))
    with zipfile.ZipFile(io.BytesIO(datapackage_zip(inst, frame))) as z:
        z.extractall(tmp_path / "pkg")
    report = validate(str(tmp_path / "pkg" / "datapackage.json"))
    assert report.valid, report.flatten(["rowNumber", "fieldName", "type", "note"])[:5]
