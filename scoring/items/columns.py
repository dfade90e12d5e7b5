"""A whole column of answers, parsed: the forms the item types keep them in.

Every column knows which responses answered it and which cells were bad; each form then keeps the
normal-form values its types need:

- ``NumericColumn`` (likert, number): floats, NaN where not answered; or, for a complete column of
  whole numbers, the integers as they came.
- ``SmallColumn`` (likert on a scale of whole numbers within -128..127): int8 answers, 0 where not
  answered. Points are then summed as integers (exact, so identical to engine.py's additions).
- ``CodedColumn`` (yes_no, choice): each cell's option index (-1 where not answered) and value.
- ``MultiColumn``: one row of booleans per option.
- ``ObjectColumn`` (text): the values as objects, None where not answered.

The distinct-value machinery below is shared by every type: a column of a million answers holds a
handful of distinct values, so it is cut into (codes, distinct values), each distinct value is
checked once, and the results are spread back over the cells with NumPy indexing. Per-cell work
stays in C (Arrow, NumPy, pandas' hash tables) on every common input.
"""

from __future__ import annotations

from collections.abc import Callable, Hashable
from typing import Any

import numpy as np
import pandas as pd
import pyarrow as pa
from pandas.api.types import infer_dtype, is_bool_dtype, is_numeric_dtype

MISSING, ANSWERED, UNSURE = 0, 1, 2  # answer states per cell (NumericColumn relies on MISSING 0, ANSWERED 1)
NO_ROWS = np.zeros(0, dtype=np.intp)


class Column:
    """Which responses answered an item, and which cells were bad (row indices)."""

    __slots__ = ("n", "complete", "bad_rows", "_state", "_answered")

    def __init__(self, n: int, state: np.ndarray | None, bad_rows: np.ndarray | None = None,
                 answered: np.ndarray | None = None):
        self.n = n
        self.complete = state is None and answered is None  # every response answered
        self.bad_rows = NO_ROWS if bad_rows is None else bad_rows
        self._state, self._answered = state, answered

    @property
    def answered(self) -> np.ndarray:
        """Which responses answered (a boolean mask)."""
        if self._answered is None:
            self._answered = np.ones(self.n, bool) if self._state is None else self._state == ANSWERED
        return self._answered

    def within(self, ans: np.ndarray | None) -> np.ndarray:
        """``ans`` (as ``answered_within`` gives it) as a mask."""
        return self.answered if ans is None else ans

    def answered_within(self, shown: np.ndarray | None) -> np.ndarray | None:
        """Which responses answered among those shown the item (``shown`` None: shown to every
        response); None when every response counts as answered or when the values say it."""
        if shown is None:
            return None if self.complete else self.answered.copy()
        return shown.copy() if self.complete else self.answered & shown


class NumericColumn(Column):
    """Numbers: floats with NaN where not answered, or the integers of a complete column."""

    __slots__ = ("values",)

    def __init__(self, values: np.ndarray, state: np.ndarray | None, bad_rows: np.ndarray | None = None):
        super().__init__(len(values), state, bad_rows)
        self.values = values

    @classmethod
    def of_codes(cls, state: np.ndarray, value_of: list[object], codes: np.ndarray,
                 bad_rows: np.ndarray | None) -> NumericColumn:
        """From a column's distinct checked values (None: not answered) and each row's code."""
        floats = np.array([np.nan if v is None else v for v in value_of], dtype=float)
        return cls(floats[codes], state, bad_rows)

    def floats(self) -> np.ndarray:
        return self.values.astype(float) if self.complete else self.values

    def answered_within(self, shown: np.ndarray | None) -> np.ndarray | None:
        if shown is None:
            return None  # NaN marks what is not answered (and a complete column has none)
        return super().answered_within(shown)


class SmallColumn(Column):
    """int8 answers, 0 where not answered; ``mask`` is which responses answered, None when all.
    The floats (NaN where not answered) are made only when an expression or flag reads them."""

    __slots__ = ("small", "mask", "_values")

    def __init__(self, small: np.ndarray, answered: np.ndarray | None = None):
        super().__init__(len(small), None, None, answered)
        self.small, self.mask = small, answered
        self._values: np.ndarray | None = None

    @property
    def values(self) -> np.ndarray:
        if self._values is None:
            self._values = self.small if self.mask is None else np.where(self.mask, self.small, np.nan)
        return self._values

    def floats(self) -> np.ndarray:
        return self.values.astype(float) if self.complete else self.values

    def answered_within(self, shown: np.ndarray | None) -> np.ndarray | None:
        if shown is None:
            return self.mask  # the very mask: likert's points use the int8 answers as they are
        return super().answered_within(shown)


class CodedColumn(Column):
    """One option among several: each cell's option index (-1 where not answered) and value."""

    __slots__ = ("codes", "objects")

    def __init__(self, state: np.ndarray, codes: np.ndarray, objects: np.ndarray, bad_rows: np.ndarray | None):
        super().__init__(len(state), state, bad_rows)
        self.codes, self.objects = codes, objects


class MultiColumn(Column):
    """Options chosen: one row of booleans per option."""

    __slots__ = ("chosen",)

    def __init__(self, state: np.ndarray, chosen: np.ndarray, bad_rows: np.ndarray | None):
        super().__init__(len(state), state, bad_rows)
        self.chosen = chosen


class ObjectColumn(Column):
    """The normal-form values as objects, None where not answered."""

    __slots__ = ("objects",)

    def __init__(self, state: np.ndarray, objects: np.ndarray, bad_rows: np.ndarray | None):
        super().__init__(len(state), state, bad_rows)
        self.objects = objects


def objects_where(mask: np.ndarray, objects: np.ndarray) -> np.ndarray:
    """``objects`` where ``mask``, None elsewhere."""
    none: Any = None  # (NumPy's stubs take no None for a value of ``where``; NumPy does)
    return np.where(mask, objects, none)


def object_array(values: list[object]) -> np.ndarray:
    out = np.empty(len(values), dtype=object)
    out[:] = values
    return out


# --------------------------------------------------------------------------- distinct values


def arrow_text(series: pd.Series) -> pa.Array | None:
    """The column as an Arrow string array when pandas keeps it in Arrow, else None."""
    dtype = series.dtype
    arrow = (isinstance(dtype, pd.StringDtype) and dtype.storage == "pyarrow") or (
        isinstance(dtype, pd.ArrowDtype) and (pa.types.is_string(dtype.pyarrow_dtype)
                                              or pa.types.is_large_string(dtype.pyarrow_dtype)))
    return pa.array(series.array) if arrow else None


def codes_of_text(values: Any) -> tuple[np.ndarray, list[Any]]:
    """(codes, distinct texts) of an Arrow string array.

    Hand-written on Arrow's buffers because hashing a million short strings (``dictionary_encode``,
    ``pd.factorize``) costs 70-150 ms a column, while most answer cells are one character ("1" to
    "5", "y"): those take their code from their byte (codes 0-127, one ASCII character each), and
    only the other cells (empty, "unsure", " 3 ", longer options) go through Arrow's dictionary.

    (``values`` an Arrow string array or chunked array: typed Any, as pyarrow's stubs type neither
    ``buffers()`` nor a dictionary array's parts.)"""
    if isinstance(values, pa.ChunkedArray):
        values = values.combine_chunks() if values.num_chunks != 1 else values.chunk(0)
    if not (pa.types.is_string(values.type) or pa.types.is_large_string(values.type)):
        values = values.cast(pa.large_string())
    n = len(values)
    if n == 0:
        return np.zeros(0, dtype=np.intp), []
    _, offset_buffer, data_buffer = values.buffers()
    wide = np.int64 if pa.types.is_large_string(values.type) else np.int32
    offsets = np.frombuffer(offset_buffer, dtype=wide)[values.offset:values.offset + n + 1]
    starts = offsets[:-1]
    single = offsets[1:] - starts == 1
    if values.null_count:
        single &= ~values.is_null().to_numpy(zero_copy_only=False)
    data = np.frombuffer(data_buffer, dtype=np.uint8) if data_buffer is not None and data_buffer.size \
        else np.zeros(1, np.uint8)
    codes = np.where(single, data.take(starts, mode="clip").astype(np.intp), -1)
    distinct: list[Any] = [chr(b) for b in range(128)]
    rest = ~single
    if values.null_count:
        rest &= ~np.asarray(values.is_null())
    if rest.any():
        where = np.flatnonzero(rest)
        encoded = values.take(pa.array(where)).dictionary_encode()
        codes[where] = 128 + encoded.indices.to_numpy(zero_copy_only=False)
        distinct += encoded.dictionary.to_pylist()
    return codes, distinct


def _key(v: object) -> Hashable:
    """A hashable key that keeps 1, 1.0 and True apart and lets lists be compared."""
    if isinstance(v, (list, tuple)):
        return type(v), tuple(_key(x) for x in v)
    if isinstance(v, (set, frozenset)):
        return type(v), frozenset(_key(x) for x in v)
    try:
        hash(v)
    except TypeError:
        return type(v), id(v)
    return type(v), v


def distinct_values(series: pd.Series) -> tuple[np.ndarray, list[Any]]:
    """(codes, distinct values): each cell's index into the distinct values, -1 where null."""
    dtype = series.dtype
    if isinstance(dtype, pd.CategoricalDtype):
        return series.cat.codes.to_numpy(), list(dtype.categories)
    text = arrow_text(series)
    if text is not None:
        return codes_of_text(text)
    if is_numeric_dtype(dtype) or is_bool_dtype(dtype):  # NumPy or nullable numbers and booleans
        found, uniques = pd.factorize(series, use_na_sentinel=True)
        return found, list(uniques)
    arr = series.to_numpy(dtype=object)
    kind = infer_dtype(arr, skipna=True)
    if kind == "string":
        return codes_of_text(pa.array(arr, type=pa.large_string(), from_pandas=True))
    if kind == "empty":
        return np.full(len(arr), -1, dtype=np.int32), []
    if kind in ("integer", "floating", "mixed-integer-float"):  # no bool among them: 1 and 1.0 agree
        numbered, numbers = pd.factorize(arr, use_na_sentinel=True)
        return numbered, list(numbers)
    # mixed kinds (a JSON file): one Python step per cell, but the checks still run per distinct value
    codes: np.ndarray = np.full(len(arr), -1, dtype=np.int64)
    index: dict[Hashable, int] = {}
    distinct: list[Any] = []
    for i in np.flatnonzero(~pd.isna(arr)):
        v = arr[i]
        code = index.setdefault(_key(v), len(distinct))
        if code == len(distinct):
            distinct.append(v)
        codes[i] = code
    return codes, distinct


_STATE = {"answered": ANSWERED, "unsure": UNSURE, "missing": MISSING}


def checked_codes(check: Callable[[object], tuple[str, object]], codes: np.ndarray, distinct: list[Any]
                  ) -> tuple[np.ndarray, list[object], np.ndarray]:
    """``check`` (``check_value`` for one item) on each distinct value that occurs: (state per
    code, value per code, bad per code), each with one more slot at the end for null cells (code
    -1 picks it)."""
    from .base import BadAnswer  # (base imports this module)

    m = len(distinct)
    state = np.full(m + 1, MISSING, dtype=np.int8)
    bad = np.zeros(m + 1, dtype=bool)
    value: list[object] = [None] * (m + 1)
    occurs = np.bincount(codes + 1, minlength=m + 1)[1:] > 0 if len(codes) else np.zeros(m, bool)
    for k in np.flatnonzero(occurs):
        try:
            status, v = check(distinct[k])
        except BadAnswer:
            bad[k] = True
            continue
        state[k] = _STATE[status]
        value[k] = v
    return state, value, bad


def consecutive(allowed: list[float]) -> tuple[float, float] | None:
    """(low, high) when the allowed values are the whole numbers low..high, else None."""
    values = sorted(float(a) for a in allowed)
    if all(v.is_integer() for v in values) and values == [values[0] + k for k in range(len(values))]:
        return values[0], values[-1]
    return None


def numeric_column(series: pd.Series, allowed: list[float] | None = None, integer: bool = False,
                   low: float | None = None, high: float | None = None) -> NumericColumn:
    """A column of a numeric dtype (NumPy or nullable) for a likert item (``allowed``: its scale's
    values) or a number item (``integer``, ``low``, ``high``: its bounds)."""
    n = len(series)
    span = consecutive(allowed) if allowed is not None else None
    whole = series.dtype.kind in "iu" and (isinstance(series.dtype, np.dtype) or not series.hasnans)
    if whole and span is not None:
        # the common case of a large numeric export: whole numbers on a 1..k scale. Nothing can
        # be missing or unsure; two reductions check the range, and the integers are kept as
        # they are (every sum of them is exact, so results stay identical to engine.py's).
        raw = series.to_numpy(dtype=np.int64)
        if n == 0 or (raw.min() >= span[0] and raw.max() <= span[1]):
            return NumericColumn(raw, None)
        return NumericColumn(raw.astype(float), np.full(n, ANSWERED, np.int8),
                             np.flatnonzero((raw < span[0]) | (raw > span[1])))
    values = series.to_numpy(dtype=float, na_value=np.nan)
    missing = np.isnan(values)
    if span is not None:  # NaN and infinity fail every comparison: one expression checks all cells
        good = (values >= span[0]) & (values <= span[1]) & (np.floor(values) == values)
    elif allowed is not None:
        good = np.isin(values, np.asarray(allowed, dtype=float))
    else:
        good = np.isfinite(values)
        if integer:
            good &= np.floor(values) == values
        if low is not None:
            good &= values >= low
        if high is not None:
            good &= values <= high
    good |= missing
    bad = None if good.all() else np.flatnonzero(~good)
    state = (~missing).view(np.int8)  # ANSWERED is 1 and MISSING 0: the mask itself, no copy
    return NumericColumn(values, state, bad)
