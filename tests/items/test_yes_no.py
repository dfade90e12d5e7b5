"""yes_no: both engines agree on valid and invalid cells (messages and points alike)."""

from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from scoring.items import PLUGINS

from .engines import ODD, assert_engines_agree, instrument

VALID = st.sampled_from(["yes", "no", " YES ", "No", "unsure"])


@st.composite
def cases(draw):
    item = {"type": "yes_no", "points": {"yes": draw(st.integers(-2, 3)), "no": draw(st.integers(-2, 3))},
            "allow_unsure": draw(st.booleans())}
    cells = draw(st.lists(st.one_of(VALID, VALID, ODD), min_size=1, max_size=10))
    return instrument(item), cells


@settings(max_examples=80, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(cases())
def test_both_engines_agree(case):
    assert_engines_agree(*case)


def test_a_bad_cell_is_refused_by_both_with_the_same_message():
    inst = instrument({"type": "yes_no"})
    assert assert_engines_agree(inst, ["yes", "maybe", None]) == 4  # every text form refuses 'maybe'


def test_the_registry_holds_the_type():
    assert PLUGINS["yes_no"].name == "yes_no" and not PLUGINS["yes_no"].free_text
