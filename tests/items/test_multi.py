"""multi: both engines agree on valid and invalid cells, bad multi cells among them."""

import numpy as np
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from .engines import ODD, assert_engines_agree, instrument

BAD_MULTI = st.sampled_from([["o0", "o9"], ["o0", 7], "o0;o9", "o0;;o1", ";", [["o0"]], ("o0",), {"o1"},
                             frozenset({"o0"}), [], [None], ["o0", "o0"], "o0; O1", [True], [np.int64(1)]])


@st.composite
def cases(draw):
    m = draw(st.integers(1, 4))
    options = [{"value": f"o{j}", "label": "o", "points": draw(st.integers(-1, 2))} for j in range(m)]
    item = {"type": "multi", "options": options, "allow_unsure": draw(st.booleans())}
    if draw(st.booleans()):
        item["max_points"] = draw(st.integers(0, 3))
    values = [o["value"] for o in options]
    valid = st.one_of(st.lists(st.sampled_from(values), unique=True),
                      st.lists(st.sampled_from(values), min_size=1, unique=True).map(" ; ".join))
    cells = draw(st.lists(st.one_of(valid, valid, BAD_MULTI, ODD), min_size=1, max_size=10))
    return instrument(item), cells


@settings(max_examples=80, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(cases())
def test_both_engines_agree(case):
    assert_engines_agree(*case)


def test_an_unknown_option_among_known_ones_is_refused():
    inst = instrument({"type": "multi", "options": [{"value": "o0", "label": "A", "points": 1}]})
    assert assert_engines_agree(inst, ["o0", "o0;o9"]) >= 1
