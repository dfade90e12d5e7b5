"""number: a number within optional bounds, scored by ``points_bands``."""

from __future__ import annotations

from collections.abc import Sequence
from typing import TYPE_CHECKING, Any

import numpy as np
import pandas as pd
from pandas.api.types import is_bool_dtype, is_numeric_dtype

from .. import expressions as ex
from .. import model
from ..i18n import Message
from .base import ANSWERED, BadAnswer, ColumnValue, ItemType, Loc, Scales, SpecProblems, Widget, number, show
from .columns import Column, NumericColumn, numeric_column

if TYPE_CHECKING:
    from ..instrument import Instrument, ItemInfo


class Number(ItemType[model.NumberItem]):
    name = "number"
    spec = model.NumberItem

    def points_range(self, item: model.NumberItem, scales: Scales) -> tuple[float | None, float | None]:
        if not item.points_bands:
            return None, None
        pts = [float(b.points) for b in item.points_bands]
        return min(pts), max(pts)

    def name_type(self, item: model.NumberItem, scales: Scales) -> ex.NameType:
        return ex.NameType(ex.NUM, None, Message("expr.item_label", id=item.id))

    def check_spec(self, item: model.NumberItem, loc: Loc, spec: model.InstrumentSpec, out: SpecProblems) -> None:
        if item.min is not None and item.max is not None and item.min > item.max:
            out.add(loc + ("min",), Message("instrument.min_max", min=item.min, max=item.max))
        for i, band in enumerate(item.points_bands or []):
            if band.min is not None and band.max is not None and band.min > band.max:
                out.add(loc + ("points_bands", i), Message("instrument.band_min_max", min=band.min, max=band.max))

    def check_answer(self, item: model.NumberItem, raw: object, scales: Scales) -> tuple[str, object]:
        value = number(raw)
        if item.integer and not value.is_integer():
            raise BadAnswer("check.whole", {"got": show(raw)})
        if item.min is not None and value < item.min:
            raise BadAnswer("check.below_min", {"got": show(raw), "min": f"{item.min:g}"})
        if item.max is not None and value > item.max:
            raise BadAnswer("check.above_max", {"got": show(raw), "max": f"{item.max:g}"})
        return ANSWERED, value

    def points(self, info: ItemInfo, item: model.NumberItem, value: Any) -> float | None:
        for band in item.points_bands or []:
            if (band.min is None or value >= band.min) and (band.max is None or value <= band.max):
                return float(band.points)
        return None

    def parse_column(self, series: pd.Series, item: model.NumberItem, scales: Scales) -> Column:
        if is_numeric_dtype(series.dtype) and not is_bool_dtype(series.dtype):
            return numeric_column(series, integer=item.integer, low=item.min, high=item.max)
        return super().parse_column(series, item, scales)

    def column_of(self, item: model.NumberItem, state: np.ndarray, value_of: list[object], codes: np.ndarray,
                  bad_rows: np.ndarray | None) -> Column:
        return NumericColumn.of_codes(state, value_of, codes, bad_rows)

    def column_points(self, info: ItemInfo, item: model.NumberItem, col: Column, ans: np.ndarray | None,
                      n: int) -> np.ndarray:
        assert isinstance(col, NumericColumn)
        unset = ~np.isnan(col.values) if ans is None else ans.copy()
        return banded(col.values, item.points_bands or [], unset)

    def column_value(self, info: ItemInfo, item: model.NumberItem, col: Column, ans: np.ndarray | None,
                     n: int) -> ColumnValue:
        assert isinstance(col, NumericColumn)
        return col.floats() if ans is None else np.where(ans, col.floats(), np.nan)

    def answer_text(self, inst: Instrument, item: model.NumberItem, value: Any, lang: str) -> str:
        number_text = super().answer_text(inst, item, value, lang)
        return f"{number_text} {inst.text(item.unit, lang)}" if item.unit is not None else number_text

    def codebook(self, inst: Instrument, info: ItemInfo, item: model.NumberItem, lang: str | None
                 ) -> dict[str, object]:
        return {"min": item.min, "max": item.max, "integer": item.integer, "unit": inst.text(item.unit, lang)}

    def widget(self, item: model.NumberItem, scales: Scales) -> Widget:
        return Widget("number", minimum=item.min, maximum=item.max, integer=item.integer, unsure=item.allow_unsure)


PLUGIN = Number()


def banded(values: np.ndarray, bands: Sequence[model.PointsBand], unset: np.ndarray) -> np.ndarray:
    """The points of the first band each value of ``unset`` falls in (NaN elsewhere); ``unset`` is consumed."""
    result = np.full(len(values), np.nan)
    for band in bands:
        hit = unset.copy()
        if band.min is not None:
            hit &= values >= band.min
        if band.max is not None:
            hit &= values <= band.max
        result[hit] = float(band.points)
        unset &= ~hit
    return result
