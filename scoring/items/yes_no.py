"""yes_no: "yes" or "no", with points for each."""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

import numpy as np

from .. import expressions as ex
from .. import model
from ..i18n import Message, t
from .base import ANSWERED, BadAnswer, Choice, ColumnValue, ItemType, Scales, Widget, show
from .columns import CodedColumn, Column, object_array, objects_where

if TYPE_CHECKING:
    from ..instrument import Instrument, ItemInfo

OPTIONS = ("yes", "no")


class YesNo(ItemType[model.YesNoItem]):
    name = "yes_no"
    spec = model.YesNoItem

    def points_range(self, item: model.YesNoItem, scales: Scales) -> tuple[float | None, float | None]:
        return float(min(item.points.yes, item.points.no)), float(max(item.points.yes, item.points.no))

    def name_type(self, item: model.YesNoItem, scales: Scales) -> ex.NameType:
        return ex.NameType(ex.STR, OPTIONS, Message("expr.item_label", id=item.id))

    def check_answer(self, item: model.YesNoItem, raw: object, scales: Scales) -> tuple[str, object]:
        if isinstance(raw, str) and raw.strip().lower() in OPTIONS:
            return ANSWERED, raw.strip().lower()
        raise BadAnswer("check.yes_no", {"got": show(raw)})

    def points(self, info: ItemInfo, item: model.YesNoItem, value: Any) -> float | None:
        return float(item.points.yes if value == "yes" else item.points.no)

    def column_of(self, item: model.YesNoItem, state: np.ndarray, value_of: list[object], codes: np.ndarray,
                  bad_rows: np.ndarray | None) -> Column:
        position = {v: k for k, v in enumerate(OPTIONS)}
        code_of = np.array([-1 if v is None else position[str(v)] for v in value_of], dtype=np.int64)
        return CodedColumn(state, code_of[codes], object_array(value_of)[codes], bad_rows)

    def column_points(self, info: ItemInfo, item: model.YesNoItem, col: Column, ans: np.ndarray | None,
                      n: int) -> np.ndarray:
        assert isinstance(col, CodedColumn)
        table = np.array([item.points.yes, item.points.no], dtype=float)
        return np.where(col.within(ans), table[np.maximum(col.codes, 0)], np.nan)

    def column_value(self, info: ItemInfo, item: model.YesNoItem, col: Column, ans: np.ndarray | None,
                     n: int) -> ColumnValue:
        assert isinstance(col, CodedColumn)
        return objects_where(col.within(ans), col.objects)

    def answer_text(self, inst: Instrument, item: model.YesNoItem, value: Any, lang: str) -> str:
        return t("answer." + value, lang)

    def codebook(self, inst: Instrument, info: ItemInfo, item: model.YesNoItem, lang: str | None
                 ) -> dict[str, object]:
        return {"options": f"yes={item.points.yes:g} | no={item.points.no:g}" + (
            " | unsure" if item.allow_unsure else "")}

    def widget(self, item: model.YesNoItem, scales: Scales) -> Widget:
        return Widget("radio", [Choice(v, message="answer." + v) for v in OPTIONS], horizontal=True,
                      unsure=item.allow_unsure)


PLUGIN = YesNo()
