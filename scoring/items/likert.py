"""likert: one point of a scale (the item's own options or a shared ``scales`` entry); its value
is its points, reversed when ``reverse``."""

from __future__ import annotations

from typing import TYPE_CHECKING, Any, cast

import numpy as np
import pandas as pd
import pyarrow as pa
import pyarrow.compute as pc
from pandas.api.types import infer_dtype, is_bool_dtype, is_numeric_dtype, is_object_dtype

from .. import expressions as ex
from .. import model
from ..i18n import Message
from .base import (
    ANSWERED,
    BadAnswer,
    Choice,
    ColumnValue,
    ItemType,
    Loc,
    Scales,
    SpecProblems,
    Widget,
    check_value,
    number,
    scale_values,
    show,
)
from .columns import (
    Column,
    NumericColumn,
    SmallColumn,
    arrow_text,
    codes_of_text,
    consecutive,
    numeric_column,
)

if TYPE_CHECKING:
    from ..instrument import Instrument, ItemInfo

Span = tuple[int, int]


class Likert(ItemType[model.LikertItem]):
    name = "likert"
    spec = model.LikertItem
    points_from_scale = True

    def reverse_keyed(self, item: model.LikertItem) -> bool:
        return item.reverse

    def points_range(self, item: model.LikertItem, scales: Scales) -> tuple[float | None, float | None]:
        points = item.options if item.options is not None else scales.get(item.scale or "")  # "": never a scale id
        if not points:
            return None, None
        values = [float(p.value) for p in points]
        return min(values), max(values)

    def name_type(self, item: model.LikertItem, scales: Scales) -> ex.NameType:
        points = item.options if item.options is not None else scales.get(item.scale or "", [])
        domain = tuple(float(p.value) for p in points) or None
        return ex.NameType(ex.NUM, domain, Message("expr.item_label", id=item.id))

    def check_spec(self, item: model.LikertItem, loc: Loc, spec: model.InstrumentSpec, out: SpecProblems) -> None:
        if (item.scale is None) == (item.options is None):
            out.add(loc, Message("instrument.likert_scale", id=item.id))
        elif item.scale is not None and item.scale not in spec.scales:
            known = ", ".join(spec.scales) or Message("instrument.none_declared")
            out.add(loc + ("scale",), Message("instrument.scale_unknown", scale=item.scale, known=known))
        elif item.options is not None:
            values = [float(p.value) for p in item.options]  # as instrument._check_scale checks `scales`
            if len(set(values)) != len(values):
                out.add(loc + ("options",), Message("instrument.scale_distinct"))

    def check_answer(self, item: model.LikertItem, raw: object, scales: Scales) -> tuple[str, object]:
        value = number(raw)
        allowed = scale_values(item, scales)
        # exactly one of its values (the contract: "one value of its scale"), as the column path checks
        # whole columns; a tolerance here once let 3.0000000001 through on one engine and not the other
        if value not in allowed:
            shown = ", ".join(f"{a:g}" for a in allowed)
            raise BadAnswer("check.scale_point", {"got": show(raw), "points": shown})
        return ANSWERED, value

    def points(self, info: ItemInfo, item: model.LikertItem, value: Any) -> float | None:
        low, high = info.pmin, info.pmax  # both set: the item is scored
        return low + high - value if item.reverse and low is not None and high is not None else float(value)

    def parse_column(self, series: pd.Series, item: model.LikertItem, scales: Scales) -> Column:
        span = small_span(item, scales)
        if span is not None:
            col = _small_column(series, item, scales, span)
            if col is not None:
                return col
        if is_numeric_dtype(series.dtype) and not is_bool_dtype(series.dtype):
            return numeric_column(series, allowed=scale_values(item, scales))
        return super().parse_column(series, item, scales)

    def column_of(self, item: model.LikertItem, state: np.ndarray, value_of: list[object], codes: np.ndarray,
                  bad_rows: np.ndarray | None) -> Column:
        return NumericColumn.of_codes(state, value_of, codes, bad_rows)

    def column_points(self, info: ItemInfo, item: model.LikertItem, col: Column, ans: np.ndarray | None,
                      n: int) -> np.ndarray:
        assert isinstance(col, (SmallColumn, NumericColumn)) and info.pmin is not None and info.pmax is not None
        if isinstance(col, SmallColumn) and ans is col.mask:  # int8 points, 0 where not answered
            if not item.reverse:
                return col.small
            flipped = np.int8(int(info.pmin) + int(info.pmax)) - col.small
            return flipped if ans is None else np.multiply(flipped, ans, out=flipped)
        if isinstance(col, NumericColumn) and col.complete and ans is None:  # whole numbers: points stay integers
            return (int(info.pmin) + int(info.pmax)) - col.values if item.reverse else col.values
        values = info.pmin + info.pmax - col.floats() if item.reverse else col.floats()
        return values if ans is None else np.where(ans, values, np.nan)

    def column_value(self, info: ItemInfo, item: model.LikertItem, col: Column, ans: np.ndarray | None,
                     n: int) -> ColumnValue:
        assert isinstance(col, (SmallColumn, NumericColumn))
        return col.floats() if ans is None else np.where(ans, col.floats(), np.nan)

    def answer_text(self, inst: Instrument, item: model.LikertItem, value: Any, lang: str) -> str:
        number_text = f"{value:g}" if isinstance(value, float) else str(value)
        label = next((inst.text(p.label, lang) for p in inst.scale_points(item) if float(p.value) == value), "")
        return f"{number_text} · {label}" if label else number_text

    def codebook(self, inst: Instrument, info: ItemInfo, item: model.LikertItem, lang: str | None
                 ) -> dict[str, object]:
        return {"options": " | ".join(f"{p.value:g}={inst.text(p.label, lang)}" for p in inst.scale_points(item)),
                "scale": item.scale or "", "reverse": item.reverse, "min": info.pmin, "max": info.pmax}

    def widget(self, item: model.LikertItem, scales: Scales) -> Widget:
        points = item.options if item.options is not None else scales[item.scale or ""]
        return Widget("radio", [Choice(p.value, label=p.label, with_value=True) for p in points], horizontal=True,
                      unsure=item.allow_unsure)


PLUGIN = Likert()


# --------------------------------------------------------------------------- small likert columns
#
# The common large input: likert items on a scale of whole numbers (1..5). Each column becomes
# ``small`` (int8 answers, 0 where not answered) and ``answered`` (a mask, None when complete),
# read from each input kind's own buffers in a few NumPy passes over one byte a cell. Cells that
# are anything else than a plain in-range number (empty, "unsure", " 3 ", "3.0", bad values) go
# through ``check_value`` once per distinct value, as in ``columns.checked_codes``; a column with a bad cell
# is handed back to the general path (None), which words the problems as before.


def small_span(item: model.LikertItem, scales: Scales) -> Span | None:
    """(low, high) of a likert item whose scale is the whole numbers low..high within int8."""
    span = consecutive(scale_values(item, scales))
    if span is None or span[0] < -128 or span[1] > 127:
        return None
    return int(span[0]), int(span[1])


def _small_column(series: pd.Series, item: model.LikertItem, scales: Scales, span: Span) -> SmallColumn | None:
    """The column as int8 answers, or None (the general path reads it): a column with a bad cell,
    or of a kind not read here."""
    dtype = series.dtype
    lo, hi = span
    if isinstance(dtype, pd.CategoricalDtype):
        return _small_from_codes(item, scales, span, series.cat.codes.to_numpy(), list(dtype.categories))
    text = arrow_text(series)
    if text is not None:
        return _small_text(text, item, scales, span)
    if is_bool_dtype(dtype) or not is_numeric_dtype(dtype):
        if is_object_dtype(dtype) and len(series) and infer_dtype(series, skipna=True) == "string":
            return _small_text(pa.array(series.to_numpy(dtype=object), type=pa.large_string(), from_pandas=True),
                               item, scales, span)
        return None
    array = series.array
    if dtype.kind in "iu" and isinstance(dtype, np.dtype):
        raw = series.to_numpy()
        if len(raw) and (raw.min() < lo or raw.max() > hi):
            return None
        return SmallColumn(raw.astype(np.int8))
    if dtype.kind in "iu" and hasattr(array, "_data") and hasattr(array, "_mask"):
        # pandas' nullable integers: read their NumPy data and mask as they are (pandas has no
        # public accessor without a copy; the attributes have been stable since pandas 1.0)
        data, missing = array._data, array._mask
        small = data.astype(np.int8)
        good = small == data  # in int8's range (a wrapped value differs), then in the scale's
        good &= (small - np.int8(lo)).view(np.uint8) <= np.uint8(hi - lo)
        good |= missing
        if not good.all():
            return None
        if not missing.any():
            return SmallColumn(small)
        answered = ~missing
        small *= answered
        return SmallColumn(small, answered)
    values = series.to_numpy(dtype=float) if isinstance(dtype, np.dtype) else \
        series.to_numpy(dtype=float, na_value=np.nan)
    with np.errstate(invalid="ignore"):  # NaN and values outside int8 cast to some int8; they
        small = values.astype(np.int8)   # differ from the float, so `whole` is False for them
    answered = small == values
    answered &= (small - np.int8(lo)).view(np.uint8) <= np.uint8(hi - lo)
    if answered.all():
        return SmallColumn(small)
    if not (answered | np.isnan(values)).all():
        return None
    small *= answered
    return SmallColumn(small, answered)


def _small_checked(item: model.LikertItem, scales: Scales, span: Span, distinct: list[Any]
                   ) -> tuple[np.ndarray, np.ndarray] | None:
    """check_value on each distinct value: (int8 value, answered) per value, with one more slot
    at the end for null cells; None when a value is bad or not in the span."""
    m = len(distinct)
    small_of = np.zeros(m + 1, dtype=np.int8)
    answered_of = np.zeros(m + 1, dtype=bool)
    for k, raw in enumerate(distinct):
        try:
            status, value = check_value(PLUGIN, item, raw, scales)
        except BadAnswer:
            return None
        if status == ANSWERED:
            point = cast(float, value)  # a likert answer's normal form
            if not (span[0] <= point <= span[1] and float(point).is_integer()):
                return None  # pragma: no cover - check_value allows the scale's values only
            small_of[k], answered_of[k] = int(point), True
    return small_of, answered_of


def _small_from_codes(item: model.LikertItem, scales: Scales, span: Span, codes: np.ndarray, distinct: list[Any]
                      ) -> SmallColumn | None:
    """From (codes, distinct values) as ``columns.distinct_values`` gives them; -1 (null) picks the last slot."""
    occurs = np.bincount(codes + 1, minlength=len(distinct) + 1)[1:] > 0 if len(codes) \
        else np.zeros(len(distinct), bool)
    checked = _small_checked(item, scales, span, [v for v, o in zip(distinct, occurs, strict=True) if o])
    if checked is None:
        return None
    used_small, used_answered = checked
    small_of = np.zeros(len(distinct) + 1, dtype=np.int8)
    answered_of = np.zeros(len(distinct) + 1, dtype=bool)
    where = np.flatnonzero(occurs)
    small_of[where], answered_of[where] = used_small[:-1], used_answered[:-1]
    if answered_of[where].all() and (len(codes) == 0 or codes.min() >= 0):
        return SmallColumn(small_of[codes])
    answered = answered_of[codes]
    return SmallColumn(small_of[codes], answered)


def _small_text(values: Any, item: model.LikertItem, scales: Scales, span: Span
                ) -> SmallColumn | None:
    """From an Arrow string array (or chunked array), on Arrow's buffers.

    Hand-written because Arrow's kernels hash or copy every cell (``utf8_trim_whitespace`` then
    ``dictionary_encode`` cost 38 ms a column of a million, about twice this whole function):
    a cell of one byte that is a digit of the scale ("1" to "5") takes its value from that byte;
    only the other cells (empty, "unsure", " 3 ", "3.0", longer options, bad values) are taken
    out and go through Arrow's dictionary and ``check_value`` once per distinct text."""
    lo, hi = span
    if lo < 0 or hi > 9:  # a one-byte cell is a digit: scales of 0..9 only
        codes, distinct = codes_of_text(values)
        return _small_from_codes(item, scales, span, codes, distinct)
    chunks: list[Any] = values.chunks if isinstance(values, pa.ChunkedArray) else [values]
    n = len(values)
    byte = np.empty(n, dtype=np.uint8)  # each cell's first byte
    plain = np.empty(n, dtype=bool)  # a cell of one byte (first here; below: a digit of the scale)
    blank = np.empty(n, dtype=bool)  # null or empty: not answered, nothing to check
    at = 0
    for chunk in chunks:  # (what differs between chunks: their buffers)
        k = len(chunk)
        if k == 0:
            continue
        if not (pa.types.is_string(chunk.type) or pa.types.is_large_string(chunk.type)):
            chunk = chunk.cast(pa.large_string())
        validity, offset_buffer, data_buffer = chunk.buffers()
        wide = np.int64 if pa.types.is_large_string(chunk.type) else np.int32
        offsets = np.frombuffer(offset_buffer, dtype=wide)[chunk.offset:chunk.offset + k + 1]
        data = np.frombuffer(data_buffer, dtype=np.uint8) if data_buffer is not None and data_buffer.size \
            else np.zeros(1, np.uint8)
        data.take(offsets[:-1], mode="clip", out=byte[at:at + k])
        length = offsets[1:] - offsets[:-1]
        if chunk.null_count:
            bits = np.unpackbits(np.frombuffer(validity, dtype=np.uint8), bitorder="little")
            length *= bits[chunk.offset:chunk.offset + k]  # a null cell as an empty one
        np.equal(length, 1, out=plain[at:at + k])
        np.equal(length, 0, out=blank[at:at + k])
        at += k
    if at != n:  # pragma: no cover - chunks add up to the array
        return None
    byte -= np.uint8(ord("0") + lo)  # the digit's distance from the scale's low end (wraps below)
    plain &= byte <= np.uint8(hi - lo)
    byte += np.uint8(lo)
    small = byte.view(np.int8)
    small *= plain
    blanks = blank.any()
    rest = np.flatnonzero(~(plain | blank) if blanks else ~plain)
    if len(rest) == 0 and not blanks:
        return SmallColumn(small)
    others = values.take(pa.array(rest))
    if isinstance(others, pa.ChunkedArray):
        others = others.combine_chunks()
    encoded = others.dictionary_encode()
    checked = _small_checked(item, scales, span, encoded.dictionary.to_pylist())
    if checked is None:
        return None
    small_of, answered_of = checked
    index = pc.fill_null(encoded.indices, -1).to_numpy().astype(np.intp)  # -1: null, the last slot
    small[rest] = small_of[index]
    answered = plain  # (reused: the plain digits are answered; the rest as checked; blanks are not)
    answered[rest] = answered_of[index]
    if not blanks and answered_of[:-1].all() and not encoded.indices.null_count:
        return SmallColumn(small)
    return SmallColumn(small, answered)


