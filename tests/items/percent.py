"""A hypothetical item type, as ONE plugin module: "percent", a number from 0 to 100 scored in
bands. It shows what a new type writes; ``test_new_type.py`` registers it and scores it with both
engines. (A real type would sit in ``scoring/items/`` with its spec class in ``scoring/model.py``.)"""

from __future__ import annotations

from typing import TYPE_CHECKING, Annotated, Any, Literal, Union

import numpy as np
import pandas as pd
from pandas.api.types import is_bool_dtype, is_numeric_dtype
from pydantic import Field

from scoring import expressions as ex
from scoring import model
from scoring.i18n import Message
from scoring.items.base import (
    ANSWERED,
    BadAnswer,
    ColumnValue,
    ItemType,
    Loc,
    Scales,
    SpecProblems,
    Widget,
    number,
    show,
)
from scoring.items.columns import Column, NumericColumn, numeric_column
from scoring.items.number import banded

if TYPE_CHECKING:
    from scoring.instrument import Instrument, ItemInfo


class PercentItem(model.ItemBase):
    """Its spec: what would be added to model.py (and to ``AnyItem`` and ``ITEM_TYPES``)."""

    type: Literal["percent"]
    bands: Annotated[list[model.PointsBand], Field(min_length=1)]
    allow_unsure: bool = True


# The format's union with the new type, as model.py would declare it
AnyItemWithPercent = Annotated[Union[model.AnyItem, PercentItem], Field(discriminator="type")]


class SectionWithPercent(model.Section):
    items: Annotated[list[AnyItemWithPercent], Field(min_length=1, max_length=500)]  # type: ignore[assignment]


class SpecWithPercent(model.InstrumentSpec):
    sections: Annotated[list[SectionWithPercent], Field(min_length=1, max_length=200)]  # type: ignore[assignment]


class Percent(ItemType[PercentItem]):
    name = "percent"
    spec = PercentItem

    def points_range(self, item: PercentItem, scales: Scales) -> tuple[float | None, float | None]:
        pts = [float(b.points) for b in item.bands]
        return min(pts), max(pts)

    def name_type(self, item: PercentItem, scales: Scales) -> ex.NameType:
        return ex.NameType(ex.NUM, None, f"item {item.id}")

    def check_spec(self, item: PercentItem, loc: Loc, spec: model.InstrumentSpec, out: SpecProblems) -> None:
        for i, band in enumerate(item.bands):
            if band.min is not None and band.max is not None and band.min > band.max:
                out.add(loc + ("bands", i), Message("instrument.band_min_max", min=band.min, max=band.max))

    def check_answer(self, item: PercentItem, raw: object, scales: Scales) -> tuple[str, object]:
        value = number(raw)
        if value < 0:
            raise BadAnswer("check.below_min", {"got": show(raw), "min": "0"})
        if value > 100:
            raise BadAnswer("check.above_max", {"got": show(raw), "max": "100"})
        return ANSWERED, value

    def points(self, info: ItemInfo, item: PercentItem, value: Any) -> float | None:
        for band in item.bands:
            if (band.min is None or value >= band.min) and (band.max is None or value <= band.max):
                return float(band.points)
        return None

    def parse_column(self, series: pd.Series, item: PercentItem, scales: Scales) -> Column:
        if is_numeric_dtype(series.dtype) and not is_bool_dtype(series.dtype):
            return numeric_column(series, low=0, high=100)  # the number type's fast path, reused
        return super().parse_column(series, item, scales)

    def column_of(self, item: PercentItem, state: np.ndarray, value_of: list[object], codes: np.ndarray,
                  bad_rows: np.ndarray | None) -> Column:
        return NumericColumn.of_codes(state, value_of, codes, bad_rows)

    def column_points(self, info: ItemInfo, item: PercentItem, col: Column, ans: np.ndarray | None,
                      n: int) -> np.ndarray:
        assert isinstance(col, NumericColumn)
        return banded(col.values, item.bands, col.within(ans) & ~np.isnan(col.values))  # number's bands

    def column_value(self, info: ItemInfo, item: PercentItem, col: Column, ans: np.ndarray | None,
                     n: int) -> ColumnValue:
        assert isinstance(col, NumericColumn)
        return col.floats() if ans is None else np.where(ans, col.floats(), np.nan)

    def answer_text(self, inst: Instrument, item: PercentItem, value: Any, lang: str) -> str:
        return f"{value:g} %"

    def codebook(self, inst: Instrument, info: ItemInfo, item: PercentItem, lang: str | None) -> dict[str, object]:
        return {"min": 0, "max": 100, "unit": "%"}

    def widget(self, item: PercentItem, scales: Scales) -> Widget:
        return Widget("number", minimum=0, maximum=100, unsure=item.allow_unsure)


PLUGIN = Percent()
