"""likert: both engines agree on valid and invalid cells, on every kind of scale (the int8 fast
path for whole numbers within -128..127, and the general path for the others)."""

import numpy as np
import pandas as pd
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from scoring import score_frame

from .engines import ID, ODD, assert_engines_agree, instrument

SCALES = [[1, 2, 3, 4, 5], [0, 1, 2], [-2, -1, 0, 1, 2], [1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11], [1, 2.5, 4],
          [100, 200], [0.5, 1.5]]


@st.composite
def cases(draw):
    scale = draw(st.sampled_from(SCALES))
    item = {"type": "likert", "reverse": draw(st.booleans()), "allow_unsure": draw(st.booleans())}
    shared = draw(st.booleans())
    if shared:
        item["scale"] = "s"
    else:
        item["options"] = [{"value": v, "label": str(v)} for v in scale]
    valid = st.sampled_from(scale + [str(v) for v in scale] + [f" {v} " for v in scale] + [float(v) for v in scale]
                            + [np.int64(v) for v in scale if float(v).is_integer()])
    cells = draw(st.lists(st.one_of(valid, valid, valid, ODD), min_size=1, max_size=10))
    scales = {"s": [{"value": v, "label": str(v)} for v in scale]} if shared else None
    return instrument(item, scales), cells


@settings(max_examples=100, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(cases())
def test_both_engines_agree(case):
    assert_engines_agree(*case)


def test_a_value_between_two_points_is_refused():
    inst = instrument({"type": "likert", "options": [{"value": v, "label": "x"} for v in (1, 2, 3)]})
    assert assert_engines_agree(inst, [1, 2.5, None]) == 5  # every form refuses 2.5


def test_an_empty_categorical_column_with_categories_scores_nothing():
    """Bug fixed: the int8 fast path zipped the categories against an empty list (ValueError)."""
    inst = instrument({"type": "likert", "options": [{"value": v, "label": "x"} for v in (1, 2, 3)]})
    frame = pd.DataFrame({ID: pd.Categorical([], categories=["1", "2"])})
    assert len(score_frame(inst, frame, kind="csv")) == 0
