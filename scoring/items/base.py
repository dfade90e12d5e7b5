"""The protocol every item type implements, and what the types share.

One module per type (``yes_no.py``, ``choice.py`` ...) holds everything that differs between
types: what its spec must satisfy, the range of its points, what its id stands for in expressions,
how one raw answer is checked and scored, how a whole column of answers is parsed and scored
(the whole-column engine's fast paths), how an answer is shown, its codebook row and the widget
that asks it. ``scoring/items/__init__.py`` lists them (as pre-commit's ``languages/all.py``
does), and every caller asks that registry rather than branching on the type.

A value-level error (``BadAnswer``) and the answer states live here, at the bottom of the import
graph, because both ``answers.py`` and the types use them; ``answers.py`` re-exports them.
"""

from __future__ import annotations

import math
import numbers
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any, ClassVar, Generic, Literal, Protocol, TypeVar, Union, cast

import numpy as np
import pandas as pd

from .. import expressions as ex
from .. import model
from ..errors import GuideCheckError
from ..i18n import Message
from .columns import Column, checked_codes, distinct_values

if TYPE_CHECKING:
    from ..instrument import Instrument, ItemInfo

ANSWERED, UNSURE, MISSING = "answered", "unsure", "missing"
Scales = Mapping[str, list[model.ScalePoint]]
Loc = tuple[Union[str, int], ...]
# What an item's id stands for in a vectorised expression: one array, or (multi) one per option.
ColumnValue = Union[np.ndarray, dict[object, np.ndarray]]


class BadAnswer(GuideCheckError, ValueError):
    """One value that is not a valid answer to its item: ``str()`` is the message saying why, a
    ``Message`` (English as text, another language with ``i18n.render``). The text is only made
    when asked for: the column checks catch many of these and word only the first few."""

    # Raised as BadAnswer(key, {name: value}): arguments in ``args`` rather than an __init__ of
    # our own keep a raise as cheap as the f-string it replaced (0.6 against 1.3 us).

    def __str__(self) -> str:  # a Message (a str), so that callers keep its key
        key, *fields = self.args
        try:
            return Message(key, **(fields[0] if fields else {}))
        except KeyError:  # raised with a worded text, as before the catalogues: shown as it is
            return str(key)


class SpecProblems(Protocol):
    """Where load-time problems go (``instrument._Problems``)."""

    def add(self, loc: Loc, message: str) -> None: ...


# --------------------------------------------------------------------------- what a widget needs


@dataclass(frozen=True)
class Choice:
    """One choice of a widget: its value and how it is labelled (``label`` a text of the
    instrument, else ``message`` a key of the catalogue; ``with_value``: shown as "3 · label")."""

    value: object
    label: model.Text | None = None
    message: str | None = None
    with_value: bool = False


@dataclass(frozen=True)
class Widget:
    """What the questionnaire page needs to ask an item, declaratively."""

    kind: Literal["radio", "multiselect", "number", "text"]
    choices: list[Choice] = field(default_factory=list)
    horizontal: bool = False
    unsure: bool = False  # an "unsure" choice (radio) or box (the other kinds) is offered
    minimum: float | None = None  # number
    maximum: float | None = None
    integer: bool = False
    max_chars: int | None = None  # text


# --------------------------------------------------------------------------- raw values


def is_missing(raw: object) -> bool:
    if raw is None:
        return True
    if isinstance(raw, float) and math.isnan(raw):
        return True
    if isinstance(raw, str) and not raw.strip():
        return True
    try:
        return bool(pd.isna(cast(Any, raw))) if not isinstance(raw, (list, tuple, set, frozenset, dict)) else False
    except (TypeError, ValueError):
        return False


def show(raw: object) -> str:
    """A raw value as a message quotes it."""
    if isinstance(raw, str):
        text = f"'{raw}'"
    elif isinstance(raw, numbers.Real) and not isinstance(raw, (bool, np.bool_)):
        text = str(raw.item() if isinstance(raw, np.generic) else raw)  # 9, not np.int64(9)
    else:
        text = repr(raw)
    return text if len(text) <= 60 else text[:57] + "...'"


def number(raw: object) -> float:
    """A finite number from a number or a text; BadAnswer otherwise."""
    if isinstance(raw, (bool, np.bool_)):
        raise BadAnswer("check.number", {"got": show(raw)})
    if isinstance(raw, numbers.Real):
        value = float(raw)
    elif isinstance(raw, str):
        try:
            value = float(raw.strip())
        except ValueError:
            raise BadAnswer("check.number", {"got": show(raw)}) from None
    else:
        raise BadAnswer("check.number", {"got": show(raw)})
    if not math.isfinite(value):
        raise BadAnswer("check.finite", {"got": show(raw)})
    return value


def scale_values(item: model.LikertItem, scales: Scales) -> list[float]:
    points = item.options if item.options is not None else scales[item.scale or ""]
    return [float(p.value) for p in points]


def added(values: Sequence[float] | Any) -> float:
    """Left-to-right addition (not sum(): Python 3.12 made that compensated), so that the
    whole-column engine, which adds item after item, gives the very same numbers."""
    total = 0.0
    for v in values:
        total = total + v
    return total


# --------------------------------------------------------------------------- the protocol

S = TypeVar("S", bound=model.ItemBase)


class ItemType(Generic[S]):
    """One item type. Subclasses set ``name`` and ``spec`` and override what differs; the
    defaults are those of an item that gives no points."""

    name: ClassVar[str]
    spec: ClassVar[type[model.ItemBase]]  # its pydantic class (in model.py: see __init__.py)
    # answered in words: never scored, never a question to ask, left out of research tallies
    free_text: ClassVar[bool] = False
    offers_unsure: ClassVar[bool] = True  # "unsure" is an answer (when the item allows it)
    # its points are its scale's values: when it gives none, its scale is at fault (reported at the item)
    points_from_scale: ClassVar[bool] = False

    def reverse_keyed(self, item: S) -> bool:
        """Whether its points run against its scale's values (research turns them back)."""
        return False

    def of(self, item: model.ItemBase) -> S:
        """``item`` as this type's spec (the registry picked this type by ``item.type``)."""
        return cast(S, item)

    # ---- load time
    def points_range(self, item: S, scales: Scales) -> tuple[float | None, float | None]:
        """(least, most) points it can give; (None, None) when it gives none."""
        return None, None

    def name_type(self, item: S, scales: Scales) -> ex.NameType:
        return ex.NameType(ex.STR, None, Message("expr.item_label", id=item.id))

    def check_spec(self, item: S, loc: Loc, spec: model.InstrumentSpec, out: SpecProblems) -> None:
        """Report what its spec gets wrong beyond what pydantic checks."""

    # ---- one value
    def check(self, item: S, raw: object, scales: Scales) -> tuple[str, object]:
        """(status, normal form) of a raw answer that is not missing; BadAnswer when not valid."""
        if self.offers_unsure and isinstance(raw, str) and raw.strip().lower() == "unsure":
            if not getattr(item, "allow_unsure", False):
                raise BadAnswer("check.no_unsure")
            return UNSURE, None
        return self.check_answer(item, raw, scales)

    def check_answer(self, item: S, raw: object, scales: Scales) -> tuple[str, object]:
        raise NotImplementedError

    def points(self, info: ItemInfo, item: S, value: Any) -> float | None:
        """The points of an answered (checked) value; only called for a scored item."""
        return None

    # ---- whole columns
    def parse_column(self, series: pd.Series, item: S, scales: Scales) -> Column:
        """The column checked and in its normal form: each distinct value checked once."""
        codes, distinct = distinct_values(series)
        state_of, value_of, bad_of = checked_codes(lambda raw: check_value(self, item, raw, scales), codes, distinct)
        bad_rows = np.flatnonzero(bad_of[codes]) if bad_of.any() else None
        return self.column_of(item, state_of[codes], value_of, codes, bad_rows)

    def column_of(self, item: S, state: np.ndarray, value_of: list[object], codes: np.ndarray,
                  bad_rows: np.ndarray | None) -> Column:
        """The column from each cell's state and code and each code's normal form (the last for
        null cells, code -1)."""
        raise NotImplementedError

    def column_points(self, info: ItemInfo, item: S, col: Column, ans: np.ndarray | None, n: int) -> np.ndarray:
        """Points per response, NaN where none (or integers, 0 where not answered; see frame.py)."""
        return np.full(n, np.nan)

    def column_value(self, info: ItemInfo, item: S, col: Column, ans: np.ndarray | None, n: int) -> ColumnValue:
        """What its id stands for in expressions, per response (NaN or None where not answered)."""
        raise NotImplementedError

    # ---- people
    def answer_text(self, inst: Instrument, item: S, value: Any, lang: str) -> str:
        """An answered value as a person reads it."""
        return f"{value:g}" if isinstance(value, float) else str(value)

    def codebook(self, inst: Instrument, info: ItemInfo, item: S, lang: str | None) -> dict[str, object]:
        """Its own columns of the codebook (options, min, max ...)."""
        return {}

    def widget(self, item: S, scales: Scales) -> Widget:
        raise NotImplementedError


def check_value(plugin: ItemType[Any], item: model.ItemBase, raw: object, scales: Scales) -> tuple[str, object]:
    if is_missing(raw):
        return MISSING, None
    return plugin.check(item, raw, scales)
