"""choice: one option among several; an option may stand for "unsure"."""

from __future__ import annotations

import numbers
from collections.abc import Hashable
from typing import TYPE_CHECKING, Any, cast

import numpy as np

from .. import expressions as ex
from .. import model
from ..i18n import Message
from .base import ANSWERED, UNSURE, BadAnswer, Choice, ColumnValue, ItemType, Loc, Scales, SpecProblems, Widget, show
from .columns import CodedColumn, Column, object_array, objects_where

if TYPE_CHECKING:
    from ..instrument import Instrument, ItemInfo

Options = model.ChoiceItem | model.MultiItem


def options_text(item: Options) -> str:
    return ", ".join(str(o.value) for o in item.options)


def match_option(item: Options, raw: object) -> model.Option:
    """The option a raw value names (its value as text, 2.0 as 2); BadAnswer when none."""
    if isinstance(raw, (bool, np.bool_, list, dict, tuple, set)):
        raise BadAnswer("check.one_option", {"options": options_text(item), "got": show(raw)})
    if isinstance(raw, numbers.Real) and float(raw).is_integer():
        raw = int(cast(Any, raw))
    key = str(raw).strip()
    for option in item.options:
        if str(option.value) == key:
            return option
    raise BadAnswer("check.not_option", {"got": show(raw), "options": options_text(item)})


def check_options(item: Options, loc: Loc, out: SpecProblems) -> None:
    """What a choice and a multi item share: distinct option values, all of one type."""
    values = [o.value for o in item.options]
    seen = set()
    for i, v in enumerate(values):
        if str(v) in seen:
            out.add(loc + ("options", i, "value"), Message("instrument.option_twice", value=v))
        seen.add(str(v))
    if len({type(v) for v in values}) > 1:
        out.add(loc + ("options",), Message("instrument.option_types"))


def options_codebook(inst: Instrument, item: Options, lang: str | None) -> dict[str, object]:
    return {"options": " | ".join(f"{o.value}={inst.text(o.label, lang)}"
                                  + (f" ({o.points:g} points)" if o.points is not None else "")
                                  for o in item.options)}


class ChoiceType(ItemType[model.ChoiceItem]):
    name = "choice"
    spec = model.ChoiceItem

    def points_range(self, item: model.ChoiceItem, scales: Scales) -> tuple[float | None, float | None]:
        pts = [o.points for o in item.options if o.points is not None and not o.unsure]
        return (float(min(pts)), float(max(pts))) if pts else (None, None)

    def name_type(self, item: model.ChoiceItem, scales: Scales) -> ex.NameType:
        values = [o.value for o in item.options if not o.unsure]
        if values and all(isinstance(v, int) for v in values):
            return ex.NameType(ex.NUM, tuple(float(v) for v in values), Message("expr.item_label", id=item.id))
        return ex.NameType(ex.STR, tuple(values), Message("expr.item_label", id=item.id))

    def check_spec(self, item: model.ChoiceItem, loc: Loc, spec: model.InstrumentSpec, out: SpecProblems) -> None:
        check_options(item, loc, out)
        scored = [o for o in item.options if not o.unsure]
        with_points = [o for o in scored if o.points is not None]
        if with_points and len(with_points) != len(scored):
            missing = ", ".join(str(o.value) for o in scored if o.points is None)
            out.add(loc + ("options",), Message("instrument.options_without_points", missing=missing))
        for i, o in enumerate(item.options):
            if o.unsure and o.points is not None:
                out.add(loc + ("options", i, "points"), Message("instrument.unsure_points"))

    def check_answer(self, item: model.ChoiceItem, raw: object, scales: Scales) -> tuple[str, object]:
        option = match_option(item, raw)
        return (UNSURE, None) if option.unsure else (ANSWERED, option.value)

    def points(self, info: ItemInfo, item: model.ChoiceItem, value: Any) -> float | None:
        for option in item.options:
            if option.value == value:
                return float(option.points) if option.points is not None else None
        return None  # pragma: no cover - checked answers always match an option

    def column_of(self, item: model.ChoiceItem, state: np.ndarray, value_of: list[object], codes: np.ndarray,
                  bad_rows: np.ndarray | None) -> Column:
        position: dict[Hashable, int] = {(type(o.value), o.value): k for k, o in enumerate(item.options)}
        code_of = np.array([-1 if v is None else position[(type(v), v)] for v in value_of], dtype=np.int64)
        return CodedColumn(state, code_of[codes], object_array(value_of)[codes], bad_rows)

    def column_points(self, info: ItemInfo, item: model.ChoiceItem, col: Column, ans: np.ndarray | None,
                      n: int) -> np.ndarray:
        assert isinstance(col, CodedColumn)
        table = np.array([np.nan if o.points is None else o.points for o in item.options], dtype=float)
        return np.where(col.within(ans), table[np.maximum(col.codes, 0)], np.nan)

    def column_value(self, info: ItemInfo, item: model.ChoiceItem, col: Column, ans: np.ndarray | None,
                     n: int) -> ColumnValue:
        assert isinstance(col, CodedColumn)
        if info.name_type.type == ex.NUM:
            nums = np.array([float(o.value) for o in item.options])
            return np.where(col.within(ans), nums[np.maximum(col.codes, 0)], np.nan)
        return objects_where(col.within(ans), col.objects)

    def answer_text(self, inst: Instrument, item: model.ChoiceItem, value: Any, lang: str) -> str:
        labels = {o.value: inst.text(o.label, lang) for o in item.options}
        return labels.get(value, str(value))

    def codebook(self, inst: Instrument, info: ItemInfo, item: model.ChoiceItem, lang: str | None
                 ) -> dict[str, object]:
        return options_codebook(inst, item, lang)

    def widget(self, item: model.ChoiceItem, scales: Scales) -> Widget:
        # an option that stands for "unsure" replaces the extra choice
        return Widget("radio", [Choice(o.value, label=o.label) for o in item.options], horizontal=False,
                      unsure=item.allow_unsure and not any(o.unsure for o in item.options))


PLUGIN = ChoiceType()
