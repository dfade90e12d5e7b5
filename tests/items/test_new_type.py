"""A new item type is one plugin module and one registration: "percent" (``percent.py``, a
number 0-100 scored in bands) is scored by both engines, shown, described and asked, with no
change to the engine, the frame engine, the report, the codebook or the page."""

import math

import pandas as pd
import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from scoring import score_frame, score_response
from scoring.codebook import codebook
from scoring.instrument import build
from scoring.items import PLUGINS, register
from scoring.report import answer_text

from . import percent
from .engines import ODD, assert_engines_agree

SPEC = {"format": 1, "id": "pct", "version": "1.0.0", "languages": ["en"], "title": "P",
        "sections": [{"id": "s", "title": "S", "items": [
            {"id": "q", "type": "percent", "text": "How many sessions had a second sitter?",
             "bands": [{"max": 49.999, "points": 0}, {"min": 50, "max": 89.999, "points": 1}, {"min": 90, "points": 2}],
             "flag": {"when": "value < 10", "severity": "major", "message": "Almost never a second sitter"}},
            {"id": "y", "type": "yes_no", "text": "?"}]}],
        "scores": [{"id": "total", "label": "T", "items": ["q", "y"], "method": "sum"}]}


@pytest.fixture(scope="module")
def inst():
    register(percent.PLUGIN)
    inst, problems = build(percent.SpecWithPercent.model_validate(SPEC))
    assert not problems, problems
    yield inst
    del PLUGINS["percent"]


def test_both_engines_score_it(inst):
    assert inst.items["q"].scored and (inst.items["q"].pmin, inst.items["q"].pmax) == (0.0, 2.0)
    rows = [{"q": 95, "y": "yes"}, {"q": "60", "y": "no"}, {"q": 5.5, "y": "yes"}, {"q": "unsure", "y": "yes"},
            {"q": None, "y": None}]
    frame = score_frame(inst, pd.DataFrame(rows, dtype=object))
    for i, row in enumerate(rows):
        one = score_response(inst, {k: v for k, v in row.items() if v is not None})
        got = frame["total"].iat[i]
        assert (math.isnan(got) if one.scores["total"] is None else got == one.scores["total"]), (row, got)
        assert frame["flags"].iat[i] == ";".join(one.flags)
    assert list(frame["total"].iloc[:3]) == [3.0, 1.0, 1.0] and frame["flags"].iat[2] == "q"
    numbers = score_frame(inst, pd.DataFrame({"q": [95.0, 20.0], "y": ["no", "no"]}))  # the numeric fast path
    assert list(numbers["total"]) == [2.0, 0.0]


@settings(max_examples=40, deadline=None,
          suppress_health_check=[HealthCheck.too_slow, HealthCheck.function_scoped_fixture])
@given(st.lists(st.one_of(st.floats(-10, 110), st.integers(-10, 110), ODD), min_size=1, max_size=8))
def test_both_engines_agree_on_any_cell(inst, cells):
    assert_engines_agree(inst, cells)


def test_bad_values_are_refused_with_the_shared_messages(inst):
    assert assert_engines_agree(inst, [50, 101]) == 5
    assert assert_engines_agree(inst, [50, "half"]) == 4


def test_shown_described_and_asked(inst):
    assert answer_text(inst, "q", 42.0, "answered", "en") == "42 %"
    row = codebook(inst).set_index("variable").loc["q"]
    assert (row["type"], row["unit"], row["max"]) == ("percent", "%", 100)
    widget = PLUGINS["percent"].widget(inst.items["q"].spec, {})
    assert (widget.kind, widget.maximum, widget.unsure) == ("number", 100, True)
