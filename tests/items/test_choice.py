"""choice: both engines agree on valid and invalid cells, options of text or of whole numbers."""

from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from .engines import ODD, assert_engines_agree, instrument


@st.composite
def cases(draw):
    numbers = draw(st.booleans())
    m = draw(st.integers(1, 4))
    values = list(range(1, m + 1)) if numbers else [f"o{j}" for j in range(m)]
    with_points = draw(st.booleans())
    options = [{"value": v, "label": "o", **({"points": draw(st.integers(-1, 3))} if with_points else {})}
               for v in values]
    if draw(st.booleans()):
        options.append({"value": 99 if numbers else "dk", "label": "?", "unsure": True})
    item = {"type": "choice", "options": options, "allow_unsure": draw(st.booleans())}
    valid = st.sampled_from([o["value"] for o in options] + [f" {o['value']} " for o in options]
                            + ([float(v) for v in values] if numbers else []))
    cells = draw(st.lists(st.one_of(valid, valid, ODD), min_size=1, max_size=10))
    return instrument(item), cells


@settings(max_examples=80, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(cases())
def test_both_engines_agree(case):
    assert_engines_agree(*case)


def test_a_list_is_not_one_option():
    inst = instrument({"type": "choice", "options": [{"value": "a", "label": "A", "points": 1}]})
    assert assert_engines_agree(inst, ["a", ["a"]]) == 1  # only the native form holds a list
