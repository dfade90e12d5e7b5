"""number: both engines agree on valid and invalid cells (bounds, whole numbers, bands)."""

from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from .engines import ODD, assert_engines_agree, instrument


@st.composite
def cases(draw):
    item = {"type": "number", "integer": draw(st.booleans()), "allow_unsure": draw(st.booleans())}
    if draw(st.booleans()):
        item["min"] = draw(st.integers(-5, 5))
    if draw(st.booleans()):
        item["max"] = draw(st.integers(10, 20))
    if draw(st.booleans()):
        cut = draw(st.integers(0, 20))
        item["points_bands"] = [{"max": cut, "points": 0}, {"min": cut, "points": draw(st.integers(1, 3))}]
    valid = st.one_of(st.integers(-10, 25), st.sampled_from([0.5, 3.25, 19.5, -0.0, 1e-9]),
                      st.integers(-10, 25).map(str), st.sampled_from([" 7 ", "2.50", "1e1"]))
    cells = draw(st.lists(st.one_of(valid, valid, ODD), min_size=1, max_size=10))
    return instrument(item), cells


@settings(max_examples=100, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(cases())
def test_both_engines_agree(case):
    assert_engines_agree(*case)


def test_infinity_and_out_of_range_are_refused():
    inst = instrument({"type": "number", "min": 0, "max": 10})
    assert assert_engines_agree(inst, [5, float("inf")]) == 5
    assert assert_engines_agree(inst, [5, 11]) == 5
