"""text: both engines agree on valid and invalid cells; free text is never scored."""

from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from scoring.items import PLUGINS

from .engines import ODD, assert_engines_agree, instrument


@st.composite
def cases(draw):
    item = {"type": "text", "max_length": draw(st.integers(1, 8))}
    cells = draw(st.lists(st.one_of(st.text(max_size=10), ODD), min_size=1, max_size=10))
    return instrument(item), cells


@settings(max_examples=60, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(cases())
def test_both_engines_agree(case):
    assert_engines_agree(*case)


def test_too_long_is_refused_and_text_is_free_text():
    inst = instrument({"type": "text", "max_length": 3})
    assert assert_engines_agree(inst, ["abc", "abcd"]) == 4
    assert PLUGINS["text"].free_text and not inst.items["q"].scored
