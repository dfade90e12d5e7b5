"""The Research page's own CSV export can be imported again (the page's import, the CLI's `score`):
export -> import gives the same responses and the same scores and verdicts.

Before, every export was refused on import: its ``period``, ``verdict``, ``flags`` and
``score_<id>`` columns were "not an item of this instrument"."""

from __future__ import annotations

import io
import math
import uuid
from contextlib import redirect_stdout

import pandas as pd
import pytest

from scoring import export, load_folder, research, score_frame, score_response
from scoring.__main__ import main
from scoring.aggregate import aggregate
from scoring.answers import read_csv_compact
from scoring.convert.imports import normalise, read_answers_for
from scoring.store import Store
from tests.conftest import QUESTIONNAIRES
from tests.test_convert import random_answers

BUILTIN = load_folder(QUESTIONNAIRES)
N = 24


def _given(inst, row) -> dict:
    """A CSV row of random_answers as a participant's answers (multi: a list)."""
    out = {}
    for c, v in row.items():
        if c not in inst.items or v == "":
            continue
        if inst.items[c].spec.type == "multi" and v != "unsure":
            v = [x for x in v.split(";") if x]
        out[c] = v
    return out


@pytest.fixture
def exported(tmp_path, request):
    """(instrument, the scores submitted, the export's frame, the export as a CSV file)."""
    inst = BUILTIN[request.param]
    store = Store(f"sqlite:///{tmp_path / 'research.db'}")
    study = store.create_study("Round trip", [inst.id], providers=["clinic-a", "clinic-b"])
    answers = random_answers(inst, N, seed=11)
    submitted = []
    for k in range(N):
        given = _given(inst, answers.iloc[k])
        result = score_response(inst, given, audience="research")
        submitted.append((result.verdict, tuple(_round(result.scores.get(s)) for s in inst.score_ids)))
        store.submit(study, uuid.uuid4().hex, {inst.id: (inst, given, result)},
                     provider=["clinic-a", "clinic-b"][k % 2], language="en")
    frame = research.export_frame(store, study, inst, inst.content_hash, 10**9, include_text=True)
    store.dispose()
    path = tmp_path / f"guidecheck-{inst.id}.csv"
    path.write_bytes(export.rows_csv(frame.to_dict("records")))  # as the Research page's download
    return inst, submitted, frame, path


def _round(value):
    return None if value is None or (isinstance(value, float) and math.isnan(value)) else round(float(value), 6)


def _scored(inst, result: pd.DataFrame) -> list:
    return [(row["verdict"], tuple(_round(row[s]) for s in inst.score_ids)) for _, row in result.iterrows()]


CHECKLISTS = ["screening", "preparation", "red-flags", "working-alliance"]  # multi, number, likert, free text


@pytest.mark.parametrize("exported", CHECKLISTS, indirect=True)
def test_export_then_import_gives_the_same_responses_and_scores(exported):
    inst, submitted, frame, path = exported
    back, kind, notes = read_answers_for(inst, path)  # as the CLI reads it
    assert kind == "csv" and "GuideCheck research export" in notes[0]  # the derived columns, named
    assert "x-period" in back.columns and not {"verdict", "flags"} & set(back.columns)
    # the same responses: every answer as exported, row by row (the response ids are the export's)
    exported_answers = frame.set_index("response_id")[[c for c in inst.items if c in frame.columns]]
    imported = back.set_index("response_id")[exported_answers.columns]
    assert (imported.astype(str).replace({"nan": "", "None": ""})
            .equals(exported_answers.astype(object).where(exported_answers.notna(), "").astype(str)))
    # the same scores and verdicts: as the export says, and as they were when submitted
    result = score_frame(inst, back, audience="research", kind="csv")
    again = dict(zip(result["response_id"], _scored(inst, result), strict=True))
    for _, row in frame.iterrows():
        assert again[row["response_id"]] == (row["verdict"], tuple(_round(row[f"score_{s}"]) for s in inst.score_ids))
    assert sorted(again.values(), key=repr) == sorted(submitted, key=repr)


@pytest.mark.parametrize("exported", ["preparation"], indirect=True)
def test_the_cli_scores_an_export_as_it_was_scored(exported, capsys):
    inst, submitted, frame, path = exported
    out = io.StringIO()
    with redirect_stdout(out):
        code = main(["score", "--instrument", str(QUESTIONNAIRES / f"{inst.id}.yaml"), "--answers", str(path),
                     "--audience", "research"])
    assert code == 0, capsys.readouterr()
    result = pd.read_csv(io.StringIO(out.getvalue()), dtype={"response_id": str})
    result = result.rename(columns={s: s for s in inst.score_ids})
    assert sorted(_scored(inst, result.astype(object).where(result.notna(), None)), key=repr) == \
        sorted(submitted, key=repr)


@pytest.mark.parametrize("exported", ["working-alliance"], indirect=True)
def test_the_research_pages_reader_aggregates_an_export(exported):
    inst, _, frame, path = exported
    compact = read_csv_compact(path)  # what the page reads
    back, platform, _ = normalise(inst, compact)
    table = aggregate(inst, back, by="provider", min_group=5, kind="csv")
    assert platform == "guidecheck" and set(table["group"]) >= {"clinic-a", "clinic-b", "all"}


def test_an_export_for_another_checklist_says_so():
    wa = BUILTIN["working-alliance"]
    frame = pd.DataFrame({"response_id": ["a"], "instrument_hash": ["x"], "period": ["2026-01-01/2026-01-02"],
                          "verdict": ["good"], "flags": [""], "score_total": [50.0], "scr_intake": ["yes"]})
    with pytest.raises(Exception, match="another checklist"):
        normalise(wa, frame)
