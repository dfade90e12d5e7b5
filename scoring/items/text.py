"""text: free text, never scored ("unsure" is an answer like any other text)."""

from __future__ import annotations

from typing import TYPE_CHECKING

import numpy as np

from .. import model
from .base import ANSWERED, BadAnswer, ColumnValue, ItemType, Scales, Widget, show
from .columns import Column, ObjectColumn, object_array, objects_where

if TYPE_CHECKING:
    from ..instrument import ItemInfo


class Text(ItemType[model.TextItem]):
    name = "text"
    spec = model.TextItem
    free_text = True
    offers_unsure = False

    def check_answer(self, item: model.TextItem, raw: object, scales: Scales) -> tuple[str, object]:
        if not isinstance(raw, str):
            raise BadAnswer("check.text", {"got": show(raw)})
        if len(raw) > item.max_length:
            raise BadAnswer("check.too_long", {"length": len(raw), "limit": item.max_length})
        return ANSWERED, raw

    def column_of(self, item: model.TextItem, state: np.ndarray, value_of: list[object], codes: np.ndarray,
                  bad_rows: np.ndarray | None) -> Column:
        return ObjectColumn(state, object_array(value_of)[codes], bad_rows)

    def column_value(self, info: ItemInfo, item: model.TextItem, col: Column, ans: np.ndarray | None,
                     n: int) -> ColumnValue:
        assert isinstance(col, ObjectColumn)
        return objects_where(col.within(ans), col.objects)

    def widget(self, item: model.TextItem, scales: Scales) -> Widget:
        return Widget("text", max_chars=item.max_length)


PLUGIN = Text()
