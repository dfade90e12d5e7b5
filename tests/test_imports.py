"""Answer exports of Kobo/ODK and REDCap, read by score, aggregate and reliability (issue 14)."""

import pandas as pd
import pytest

from scoring import load_instrument, score_frame
from scoring.__main__ import main
from scoring.answers import AnswerFileError
from scoring.convert.imports import normalise, read_answers_for
from tests.conftest import ROOT

SCREENING = load_instrument(ROOT / "questionnaires" / "screening.yaml")

PLAIN = pd.DataFrame({
    "response_id": ["a", "b", "c"],
    "scr_intake": ["yes", "no", ""],
    "scr_heart": ["blood_pressure;ecg", "", "none_of_these"],
    "scr_suicide": ["yes", "unsure", ""],
    "context": ["clinical", "harm_reduction", "unknown"],
}, dtype=object)


def kobo_csv(tmp_path):
    text = (
        "start;end;intake/scr_intake;body/scr_heart;body/scr_heart/blood_pressure;body/scr_heart/ecg;"
        "mind/scr_suicide;context;extra/favourite_colour;_uuid;_submission_time;__version__\n"
        "2024-01-01;2024-01-01;yes;blood_pressure ecg;1;1;yes;clinical;red;a;x;v1\n"
        "2024-01-01;2024-01-01;no;n/a;0;0;unsure;harm_reduction;blue;b;x;v1\n"
        "2024-01-01;2024-01-01;n/a;none_of_these;0;0;n/a;unknown;;c;x;v1\n"
    )
    path = tmp_path / "kobo.csv"
    path.write_text(text, encoding="utf-8")
    return path


def redcap_csv(tmp_path):
    text = (
        "record_id,redcap_event_name,scr_intake,scr_heart___blood_pressure,scr_heart___arrhythmia,"
        "scr_heart___long_qt,scr_heart___ecg,scr_heart___none_of_these,scr_heart___zzz,scr_suicide,context,"
        "screening_complete\n"
        "a,baseline,yes,1,0,0,1,0,0,yes,clinical,2\n"
        "b,baseline,no,,,,,,,unsure,harm_reduction,2\n"
        "c,baseline,,0,0,0,0,1,0,,unknown,2\n"
    )
    path = tmp_path / "redcap.csv"
    path.write_text(text, encoding="utf-8")
    return path


def expected():
    return score_frame(SCREENING, PLAIN)


def test_kobo_export_scores_as_the_plain_file(tmp_path):
    frame, kind, notes = read_answers_for(SCREENING, kobo_csv(tmp_path))
    pd.testing.assert_frame_equal(score_frame(SCREENING, frame, kind=kind), expected())
    assert "column 'extra/favourite_colour' is not an item of screening; left out" in notes
    assert any("start, end, _submission_time, __version__" in n for n in notes)


def test_kobo_split_select_multiple_columns_alone(tmp_path):
    frame = pd.DataFrame({"body/scr_heart/blood_pressure": ["1", "0", "n/a"], "body/scr_heart/ecg": ["1", "0", ""],
                          "body/scr_heart/bogus": ["0", "1", ""]}, dtype=object)
    out, platform, notes = normalise(SCREENING, frame)
    assert platform == "kobo"
    assert list(out["scr_heart"]) == ["blood_pressure;ecg", "", ""]
    assert notes == ["column for option 'bogus' of scr_heart: not an option of scr_heart; left out"]


def test_redcap_export_scores_as_the_plain_file(tmp_path):
    frame, kind, notes = read_answers_for(SCREENING, redcap_csv(tmp_path))
    pd.testing.assert_frame_equal(score_frame(SCREENING, frame, kind=kind), expected())
    assert "column for option 'zzz' of scr_heart: not an option of scr_heart; left out" in notes
    assert any("redcap_event_name, screening_complete" in n for n in notes)


def test_plain_csv_is_unchanged(tmp_path):
    path = tmp_path / "plain.csv"
    PLAIN.to_csv(path, index=False)
    frame, _, notes = read_answers_for(SCREENING, path)
    assert notes == [] and list(frame.columns) == list(PLAIN.columns)


def test_an_export_without_any_item_is_refused():
    frame = pd.DataFrame({"_uuid": ["a"], "group/q1": ["x"]}, dtype=object)
    with pytest.raises(AnswerFileError, match="no column of this kobo export is an item of screening"):
        normalise(SCREENING, frame)


def test_cli_score_aggregate_reliability_read_exports(tmp_path, capsys):
    inst = str(ROOT / "questionnaires" / "screening.yaml")
    out = tmp_path / "scores.csv"
    assert main(["score", "--instrument", inst, "--answers", str(kobo_csv(tmp_path)), "--out", str(out)]) == 0
    assert "favourite_colour" in capsys.readouterr().err
    assert list(pd.read_csv(out, dtype=str)["response_id"]) == ["a", "b", "c"]
    assert main(["aggregate", "--instrument", inst, "--answers", str(redcap_csv(tmp_path)), "--min-group", "1"]) == 0
    assert main(["reliability", "--instrument", inst, "--answers", str(redcap_csv(tmp_path))]) == 0
    # forced plain reading of a Kobo file: the existing checks name the columns
    assert main(["score", "--instrument", inst, "--answers", str(kobo_csv(tmp_path)), "--from", "plain"]) == 1
    assert "not an item of this instrument" in capsys.readouterr().out
