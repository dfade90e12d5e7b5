"""Every converter's output pinned (issue 13): XLSForm export and re-import, foreign forms, REDCap
dictionaries, SPSS/Stata labelling, data packages and answer imports, on every built-in instrument,
the test instruments and hand-made forms that reach every branch of the XLSForm reader.

tests/golden/convert.json holds the SHA-256 of each output, so that a refactoring which changes a
single byte of any conversion, note or message fails here, naming the output. After a deliberate
change, regenerate with ``python -m tests.test_convert_golden --write`` (``--dump DIR`` writes the
outputs themselves, to diff two versions).
"""

from __future__ import annotations

import hashlib
import io
import json
import sys
from collections.abc import Callable, Iterator
from pathlib import Path

import openpyxl
import pandas as pd
import pytest

from scoring import load_instrument
from scoring.convert.exports import datapackage, labelled, tidy_from_answers
from scoring.convert.imports import normalise
from scoring.convert.redcap import to_redcap_dictionary
from scoring.convert.xlsform import read_xlsform, to_xlsform, xlsform_to_yaml
from scoring.instrument import Instrument
from tests.conftest import ROOT
from tests.test_convert import foreign_form, random_answers

GOLDEN = Path(__file__).parent / "golden" / "convert.json"
SOURCES = sorted((ROOT / "questionnaires").glob("*.yaml")) + sorted((ROOT / "tests" / "instruments").glob("*.yaml"))
INSTRUMENTS = {p.stem: load_instrument(p) for p in SOURCES}


def _cells(raw: bytes) -> str:
    book = openpyxl.load_workbook(io.BytesIO(raw))
    return repr({ws.title: [list(r) for r in ws.iter_rows(values_only=True)] for ws in book.worksheets})


def _frame(frame: pd.DataFrame) -> str:
    return repr(list(frame.columns)) + repr(list(frame.dtypes.astype(str))) + frame.to_csv(na_rep="<NA>")


def _xlsx(sheets: dict[str, list[list[object]]]) -> bytes:
    book = openpyxl.Workbook()
    book.remove(book.active)
    for title, rows in sheets.items():
        ws = book.create_sheet(title)
        for row in rows:
            ws.append(row)
    out = io.BytesIO()
    book.save(out)
    return out.getvalue()


def _edit(raw: bytes, sheet: str, row: int, column: str, value: object) -> bytes:
    """The workbook with one cell changed (row counted as in the sheet, column by header)."""
    book = openpyxl.load_workbook(io.BytesIO(raw))
    ws = book[sheet]
    head = [c.value for c in ws[1]]
    ws.cell(row=row, column=head.index(column) + 1, value=value)
    out = io.BytesIO()
    book.save(out)
    return out.getvalue()


SURVEY_HEAD = ["type", "name", "label::English (en)", "label::Français (fr)", "hint::English (en)", "relevant",
               "required", "constraint", "parameters", "calculation"]


def _forms() -> dict[str, bytes]:
    """Hand-made forms, each for a group of the reader's branches."""
    forms = {"foreign": foreign_form()}
    forms["types"] = _xlsx({
        "survey": [SURVEY_HEAD,
                   ["integer", "Loose", "Before any group", None, "a hint", None, "TRUE", ". >= 1", None, None],
                   ["text", "plain", None, None, None, None, "1", None, None, None],
                   [None, "typeless", "x", "x", None, None, None, None, None, None],
                   ["integer", None, "Nameless", "Sans nom", None, None, None, None, None, None],
                   ["begin group", "G 1", "Group", None, None, None, None, None, None, None],
                   ["range", "r1", "Range", "Plage", None, None, "no", None, "start=0 end=10 step=1", None],
                   ["range", "r2", "Range", "Plage", None, None, "false()", None, "start=10;end=0 step=0.5", None],
                   ["range", "r3", "Range", "Plage", None, None, "0", None, "start=x", None],
                   ["range", "r4", "Range", "Plage", None, None, None, None, None, None],
                   ["decimal", "d1", "Dec", "Déc", None, "${r1} > 2", "${r1} = 1", ". > 0.5 and . < 9.5", None, None],
                   ["text", "t1", "Text", "Texte", None, None, None, "string-length(.) <= 40", None, None],
                   ["text", "t2", "Text", "Texte", None, None, None, "regex(., 'a')", None, None],
                   ["select_one yn", "s1", "Sel", "Sél", None, None, None, ". = 'yes'", None, None],
                   ["select_one missing", "s2", "Sel", "Sél", None, None, None, None, None, None],
                   ["select_one", "s3", "Sel", "Sél", None, None, None, None, None, None],
                   ["select_one yn or_other", "s4", "Sel", "Sél", None, None, None, None, None, None],
                   ["select_multiple yn", "s5", "Multi", None, None, "${s1} = 'yes'", None, None, None, None],
                   ["geopoint", "where", "Where", "Où", None, None, None, None, None, None],
                   ["deviceid", None, None, None, None, None, None, None, None, None],
                   ["calculate", "c0", None, None, None, None, None, None, None, None],
                   ["calculate", "c1", None, None, None, None, None, None, None, "${r1} + ${d1}"],
                   ["end group", None, None, None, None, None, None, None, None, None],
                   ["text", "after", "After", "Après", None, "${nobody} = 1", None, None, None, None],
                   ["begin_group", "G2", None, None, None, None, None, None, None, None],
                   ["integer", "in_g2", "In", "Dans", None, None, None, None, None, None],
                   ["end_group", None, None, None, None, None, None, None, None, None],
                   ]
        + [["text", "unlabelled", None, None, None, None, None, None, None, None]],
        "choices": [["list_name", "name", "label::English (en)", "label::Français (fr)", "image"],
                    ["yn", "yes", "Yes", "Oui", "y.png"], ["yn", "no", "No", None, None],
                    ["yn", "unsure", "Not sure", "Pas sûr", None], [None, "orphan", "O", "O", None],
                    ["yn2", None, "Nameless", None, None]],
        "settings": [["form_title", "form_id", "version", "default_language", "style"],
                     ["Types", "types", "1.2.3", "Français (fr)", "pages"]],
        "external_choices": [["list_name", "name"], ["x", "y"]],
        "entities": [["dataset"], ["people"]],
        "notes": [["anything"], ["here"]],
    })
    forms["lists"] = _xlsx({
        "survey": [["type", "name", "label", "label::Klingon", "hint", "relevant"],
                   ["begin_group", "outer", "Outer", None, None, None],
                   ["begin_group", "inner", "Inner", None, None, None],
                   ["select_one num", "Score", "Score", "x", "pick", None],
                   ["select_multiple num", "many", "Many", None, None, "${Score} >= 2"],
                   ["select_one mixed", "mixed", "Mixed", None, None, "${many} = '1'"],
                   ["select_multiple words", "w", "Words", None, None, "selected(${w}, 'a')"],
                   ["select_one gc_context", "context", "Setting", None, None, None],
                   ["end_group", None, None, None, None, None],
                   ["begin_group", "empty", "Empty", None, None, None],
                   ["note", "n1", "Note", None, None, None],
                   ["end_group", None, None, None, None, None],
                   ["end_group", None, None, None, None, None],
                   ["begin_group", None, None, None, None, None],
                   ["text", "Q1", "A", None, None, None], ["text", "q1", "B", None, None, None],
                   ["text", "q-1", "C", None, None, None], ["text", "1st", "D", None, None, None],
                   ["text", "and", "E", None, None, None], ["text", "!!", "F", None, None, None],
                   ["end_group", None, None, None, None, None],
                   ["begin_repeat", "rep", "Rep", None, None, None],
                   ["begin_repeat", "rep2", "Rep", None, None, None],
                   ["text", "in_rep", "In", None, None, None],
                   ["end_repeat", None, None, None, None, None],
                   ["text", "still_in", "In", None, None, None],
                   ["end_repeat", None, None, None, None, None],
                   ["calculate", "twice", None, None, None, None, None]],
        "choices": [["list_name", "name", "label", "label::Klingon"],
                    ["num", "1", "One", None], ["num", "2", "Two", None], ["num", "3", None, None],
                    ["num", "unsure", "?", None],
                    ["mixed", "1", "One", None], ["mixed", "b", "Bee", None],
                    ["words", "a", "A", None], ["words", "b", "B", None],
                    ["gc_context", "clinical", "Clinical", None]],
        "settings": [["form_title", "form_id", "version", "default_language"],
                     [None, "lists form!", "v2", "Nederlands"]],
    })
    forms["no_settings"] = _xlsx({"survey": [["type", "name", "label"], ["integer", "n", "N"]]})
    forms["empty_survey"] = _xlsx({"survey": []})
    forms["no_survey"] = _xlsx({"choices": [["list_name", "name"]]})
    forms["not_xlsx"] = b"PK not a workbook"
    own = to_xlsform(INSTRUMENTS["setting"])
    forms["own_bad_row_json"] = _edit(own, "survey", 3, "guidecheck", "{not json")
    forms["own_list_json"] = _edit(own, "survey", 3, "guidecheck", "[1, 2]")
    staffing = to_xlsform(INSTRUMENTS["staffing"])
    book = openpyxl.load_workbook(io.BytesIO(staffing))
    option_row = next(r[0].row for r in book["choices"].iter_rows(min_row=2) if str(r[0].value).startswith("opt_"))
    forms["own_bad_choice_json"] = _edit(staffing, "choices", option_row, "guidecheck", "{bad")
    forms["own_blank_key"] = _edit(own, "guidecheck", 2, "key", None)
    forms["own_bad_sheet_json"] = _edit(own, "guidecheck", 2, "value", "{bad")
    forms["own_likert_words"] = _likert_words(to_xlsform(INSTRUMENTS["revision2"]))
    return forms


def _likert_words(raw: bytes) -> bytes:
    """An own form whose likert choice names are words (and whose likert items carry no scale)."""
    book = openpyxl.load_workbook(io.BytesIO(raw))
    for row in book["choices"].iter_rows(min_row=2):
        if str(row[0].value).startswith(("scale_", "opt_")):
            row[1].value = f"w{row[1].value}"
    survey = book["survey"]
    head = [c.value for c in survey[1]]
    col = head.index("guidecheck")
    for row in survey.iter_rows(min_row=2):
        cell = row[col]
        if cell.value and '"likert"' in str(cell.value):
            data = json.loads(cell.value)
            data.pop("scale", None)
            cell.value = json.dumps(data)
    out = io.BytesIO()
    book.save(out)
    return out.getvalue()


def _read(raw: bytes, name: str) -> str:
    try:
        text, notes, problems = xlsform_to_yaml(raw, name)
    except Exception as exc:  # noqa: BLE001 - the message is the output pinned
        return f"{type(exc).__name__}: {exc}"
    data, notes2 = read_xlsform(raw, name)
    return text + repr([str(n) for n in notes]) + repr([str(p) for p in problems]) + repr(data) + repr(
        [(n.sheet, n.row, n.message) for n in notes2])


def _kobo(inst_id: str) -> pd.DataFrame:
    inst = INSTRUMENTS[inst_id]
    answers = random_answers(inst, 30, seed=7)
    frame = pd.DataFrame({"start": ["2024"] * 30, "_uuid": [f"u{k}" for k in range(30)]}, dtype=object)
    section_of = {item.id: s.id for s in inst.spec.sections for item in s.items}
    for column in answers.columns:
        if column in inst.items:
            values = answers[column].map(lambda v: "n/a" if v == "" else v)
            spec = inst.items[column].spec
            if spec.type == "multi":
                values = values.map(lambda v: v.replace(";", " "))
                for o in spec.options[:2]:
                    frame[f"{section_of[column]}/{column}/{o.value}"] = answers[column].map(
                        lambda v, o=o: "1" if str(o.value) in v.split(";") else ("n/a" if v == "" else "0"))
            frame[f"{section_of[column]}/{column}"] = values
        elif column != "response_id":
            frame[column] = answers[column]
    first = next(iter(inst.items))
    frame[f"again/{first}"] = "x"
    frame["meta/instanceID"] = "i"
    frame["__version__"] = "v"
    frame["x-batch"] = "b"
    frame["extra/colour"] = "red"
    frame["details/audience"] = "vetting"
    return frame


def _redcap(inst_id: str) -> pd.DataFrame:
    inst = INSTRUMENTS[inst_id]
    answers = random_answers(inst, 30, seed=11)
    frame = pd.DataFrame({"record_id": [f"r{k}" for k in range(30)], "redcap_event_name": "base"}, dtype=object)
    for column in answers.columns:
        spec = inst.items[column].spec if column in inst.items else None
        if spec is not None and spec.type == "multi":
            for o in [*spec.options, type("O", (), {"value": "zzz"})()]:
                frame[f"{column}___{o.value}"] = answers[column].map(
                    lambda v, o=o: "" if v == "" else ("1" if str(o.value) in v.split(";") else "0"))
        elif column != "response_id":
            frame[column] = answers[column]
    frame[f"{inst_id}_complete"] = "2"
    frame["survey_timestamp"] = "t"
    frame["stray"] = "s"
    frame["stray___1"] = "1"
    return frame


def _spoilt(inst: Instrument, tidy: pd.DataFrame) -> pd.DataFrame:
    """The tidy frame with a value no item accepts in its first row."""
    out = tidy.copy()
    for iid in inst.items:
        out.loc[0, iid] = "bogus value"
    return out


def _other_version(tidy: pd.DataFrame) -> pd.DataFrame:
    out = tidy.rename(columns={"x-period": "period"})
    out.loc[1, "instrument_hash"] = "0123456789ab"
    return out


def outputs() -> Iterator[tuple[str, Callable[[], str]]]:
    """(name, a function giving the output as text) for every output pinned."""
    for iid, inst in INSTRUMENTS.items():
        yield f"xlsform/{iid}", lambda inst=inst: _cells(to_xlsform(inst))
        yield f"xlsform-back/{iid}", lambda inst=inst, iid=iid: _read(to_xlsform(inst), f"{iid}.xlsx")
        for lang in [None, *inst.languages, "xx"]:
            yield f"redcap/{iid}/{lang}", lambda inst=inst, lang=lang: to_redcap_dictionary(inst, lang).decode()
        answers = random_answers(inst, 45, seed=5)
        answers["provider"] = ["p1", "=cmd()", None] * 15
        answers["x-period"] = "2024-01"
        answers["x-a_long_column_name_for_a_study_one"] = "1"
        answers["x-a_long_column_name_for_a_study_two"] = "2"
        yield f"tidy/{iid}", lambda inst=inst, answers=answers: _frame(tidy_from_answers(inst, answers))
        for lang in [None, *inst.languages]:
            for limit in (64, 32):
                yield f"labelled/{iid}/{lang}/{limit}", lambda inst=inst, answers=answers, lang=lang, limit=limit: (
                    _labelled(inst, tidy_from_answers(inst, answers), lang, limit))
            yield f"datapackage/{iid}/{lang}", lambda inst=inst, answers=answers, lang=lang: _package(
                inst, tidy_from_answers(inst, answers), lang)
        yield f"import-research/{iid}", lambda inst=inst, answers=answers: _normalise(
            inst, tidy_from_answers(inst, answers).rename(columns={"x-period": "period"}), "auto")
        yield f"labelled-bad/{iid}", lambda inst=inst, answers=answers: _labelled(
            inst, _spoilt(inst, tidy_from_answers(inst, answers)), None, 64)
        yield f"import-research-other/{iid}", lambda inst=inst, answers=answers: _normalise(
            inst, _other_version(tidy_from_answers(inst, answers)), "guidecheck")
        yield f"import-research-none/{iid}", lambda inst=inst: _normalise(
            inst, pd.DataFrame({"instrument_hash": ["h"], "period": ["p"], "verdict": ["v"]}, dtype=object), "auto")
        for platform in ("auto", "kobo", "plain"):
            yield f"import-kobo/{iid}/{platform}", lambda iid=iid, p=platform: _normalise(
                INSTRUMENTS[iid], _kobo(iid), p)
        for platform in ("auto", "redcap"):
            yield f"import-redcap/{iid}/{platform}", lambda iid=iid, p=platform: _normalise(
                INSTRUMENTS[iid], _redcap(iid), p)
        yield f"import-none/{iid}", lambda inst=inst: _normalise(
            inst, pd.DataFrame({"record_id": ["a"], "colour": ["red"]}, dtype=object), "auto")
    for name, raw in _forms().items():
        yield f"form/{name}", lambda raw=raw, name=name: _read(raw, f"forms/{name}.xlsx")


def _labelled(inst: Instrument, tidy: pd.DataFrame, lang: str | None, limit: int) -> str:
    frame, var_labels, value_labels, missing = labelled(inst, tidy, lang, limit)
    return _frame(frame) + repr(var_labels) + repr(value_labels) + repr(missing)


def _package(inst: Instrument, tidy: pd.DataFrame, lang: str | None) -> str:
    package, data = datapackage(inst, tidy, lang)
    return json.dumps(package, ensure_ascii=False, indent=1) + data.decode()


def _normalise(inst: Instrument, frame: pd.DataFrame, platform: str) -> str:
    try:
        out, read, notes = normalise(inst, frame, platform)
    except Exception as exc:  # noqa: BLE001 - the message is the output pinned
        return f"{type(exc).__name__}: {exc}"
    return read + repr(notes) + _frame(out)


def _digest(text: str) -> str:
    return hashlib.sha256(text.encode("utf-8")).hexdigest()


OUTPUTS = dict(outputs())


def test_the_golden_file_lists_every_output():
    assert sorted(json.loads(GOLDEN.read_text())) == sorted(OUTPUTS)


@pytest.mark.parametrize("name", sorted(OUTPUTS))
def test_converter_output_is_unchanged(name):
    expected = json.loads(GOLDEN.read_text())
    assert _digest(OUTPUTS[name]()) == expected.get(name), f"{name} changed (see the module docstring)"


if __name__ == "__main__":
    if "--write" in sys.argv:
        GOLDEN.parent.mkdir(exist_ok=True)
        GOLDEN.write_text(json.dumps({k: _digest(f()) for k, f in OUTPUTS.items()}, indent=0, sort_keys=True) + "\n")
    if "--dump" in sys.argv:
        folder = Path(sys.argv[sys.argv.index("--dump") + 1])
        for k, f in OUTPUTS.items():
            path = folder / (k.replace("/", "__") + ".txt")
            path.parent.mkdir(parents=True, exist_ok=True)
            path.write_text(f(), encoding="utf-8")
