"""multi: any number of options, their points added (up to ``max_points``)."""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

import numpy as np

from .. import expressions as ex
from .. import model
from ..i18n import Message
from .base import ANSWERED, BadAnswer, Choice, ColumnValue, ItemType, Loc, Scales, SpecProblems, Widget, added, show
from .choice import check_options, match_option, options_codebook
from .columns import Column, MultiColumn

if TYPE_CHECKING:
    from ..instrument import Instrument, ItemInfo


def _expr_key(value: int | str) -> float | str:
    return float(value) if isinstance(value, int) else value


class Multi(ItemType[model.MultiItem]):
    name = "multi"
    spec = model.MultiItem

    def points_range(self, item: model.MultiItem, scales: Scales) -> tuple[float | None, float | None]:
        pts = [o.points for o in item.options if o.points is not None]
        if not pts:
            return None, None
        low = float(sum(p for p in pts if p < 0))
        high = float(item.max_points) if item.max_points is not None else float(sum(p for p in pts if p > 0))
        return low, high

    def name_type(self, item: model.MultiItem, scales: Scales) -> ex.NameType:
        values = [o.value for o in item.options if not o.unsure]
        return ex.NameType(ex.SET, tuple(_expr_key(v) for v in values), Message("expr.item_label", id=item.id))

    def check_spec(self, item: model.MultiItem, loc: Loc, spec: model.InstrumentSpec, out: SpecProblems) -> None:
        check_options(item, loc, out)
        for i, o in enumerate(item.options):
            if o.unsure:
                out.add(loc + ("options", i, "unsure"), Message("instrument.multi_unsure"))
        if item.max_points is not None and item.max_points < 0:
            out.add(loc + ("max_points",), Message("instrument.max_points_negative"))
        if item.max_points is not None and all(o.points is None for o in item.options):
            out.add(loc + ("max_points",), Message("instrument.max_points_unused"))

    def check_answer(self, item: model.MultiItem, raw: object, scales: Scales) -> tuple[str, object]:
        parts: list[object]
        if isinstance(raw, str):
            parts = [p for p in (s.strip() for s in raw.split(";")) if p]
        elif isinstance(raw, (list, tuple, set, frozenset)):
            parts = list(raw)
        else:
            raise BadAnswer("check.list", {"got": show(raw)})
        return ANSWERED, frozenset(match_option(item, p).value for p in parts)

    def points(self, info: ItemInfo, item: model.MultiItem, value: Any) -> float | None:
        total = added(float(o.points) for o in item.options if o.value in value and o.points is not None)
        return min(total, float(item.max_points)) if item.max_points is not None else total

    def column_of(self, item: model.MultiItem, state: np.ndarray, value_of: list[object], codes: np.ndarray,
                  bad_rows: np.ndarray | None) -> Column:
        chosen_of = np.array([[isinstance(v, frozenset) and o.value in v for v in value_of] for o in item.options],
                             dtype=bool).reshape(len(item.options), len(value_of))
        return MultiColumn(state, chosen_of[:, codes], bad_rows)

    def column_points(self, info: ItemInfo, item: model.MultiItem, col: Column, ans: np.ndarray | None,
                      n: int) -> np.ndarray:
        assert isinstance(col, MultiColumn)
        total = np.zeros(n)
        for k, option in enumerate(item.options):
            if option.points is not None:
                total = total + np.where(col.chosen[k], float(option.points), 0.0)
        if item.max_points is not None:
            total = np.minimum(total, float(item.max_points))
        return np.where(col.within(ans), total, np.nan)

    def column_value(self, info: ItemInfo, item: model.MultiItem, col: Column, ans: np.ndarray | None,
                     n: int) -> ColumnValue:
        assert isinstance(col, MultiColumn)
        return {_expr_key(o.value): np.where(col.within(ans), col.chosen[k].astype(float), np.nan)
                for k, o in enumerate(item.options)}

    def answer_text(self, inst: Instrument, item: model.MultiItem, value: Any, lang: str) -> str:
        labels = {o.value: inst.text(o.label, lang) for o in item.options}
        return "; ".join(labels.get(v, str(v)) for v in sorted(value, key=str))

    def codebook(self, inst: Instrument, info: ItemInfo, item: model.MultiItem, lang: str | None
                 ) -> dict[str, object]:
        return options_codebook(inst, item, lang)

    def widget(self, item: model.MultiItem, scales: Scales) -> Widget:
        return Widget("multiselect", [Choice(o.value, label=o.label) for o in item.options],
                      unsure=item.allow_unsure)


PLUGIN = Multi()
