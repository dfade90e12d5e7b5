"""Scoring many responses at once, on whole columns.

Loops run over items, rules and scores (tens), never over responses (up to millions). The
order of additions matches ``engine.py`` so both give the same numbers; a property test
(``tests/test_frame_property.py``) holds them to it.
"""

from __future__ import annotations

import math

import numpy as np
import pandas as pd
import pyarrow as pa
import pyarrow.compute as pc
from pandas.api.types import infer_dtype, is_bool_dtype, is_numeric_dtype, is_object_dtype

from . import expressions as ex
from .answers import ANSWERED as ANSWERED_TEXT
from .answers import (
    META_COLUMNS,
    AnswerProblem,
    BadAnswer,
    answer_error,
    check_meta,
    check_value,
    label_for,
    scale_values,
)
from .answers import MISSING as MISSING_TEXT
from .answers import UNSURE as UNSURE_TEXT
from .engine import COMBINED_ORDER  # noqa: F401  (re-exported for callers that score frames)
from .i18n import Message
from .instrument import STAGE_INDEX, Instrument

MAX_REPORTED = 100
MISSING, ANSWERED, UNSURE = 0, 1, 2  # (_numeric_column relies on MISSING 0, ANSWERED 1)


class _Column:
    """One item's answers: state per response, normal-form values, and which cells are bad.

    ``state`` None means every response answered it, with whole numbers in ``value`` (an integer
    array, no NaN); ``bad`` None means no bad cell.

    A likert item on a scale of whole numbers within -128..127 (``_small_span``) is kept as
    ``small``: its answers as int8, 0 where not answered, with ``answered`` the mask (None when
    every response answered). Its points are then summed as integers (exact, so identical to
    engine.py's float additions) and ``value`` (floats, NaN where not answered) is made only when
    an expression or flag reads it."""

    __slots__ = ("state", "_value", "bad", "small", "_answered")

    def __init__(self, state, value, bad, small=None, answered=None):
        self.state, self._value, self.bad, self.small, self._answered = state, value, bad, small, answered

    @property
    def complete(self) -> bool:
        return self.state is None

    @property
    def value(self):
        if self._value is None and self.small is not None:
            self._value = self.small if self.complete else np.where(self._answered, self.small, np.nan)
        return self._value

    @property
    def answered(self) -> np.ndarray | None:
        """Which responses answered (None: all of them)."""
        if self._answered is None and not self.complete:
            self._answered = self.state == ANSWERED
        return self._answered

    def floats(self) -> np.ndarray:
        return self.value.astype(float) if self.complete else self.value


def _consecutive(allowed) -> tuple[float, float] | None:
    """(low, high) when the allowed values are the whole numbers low..high, else None."""
    values = sorted(float(a) for a in allowed)
    if all(v.is_integer() for v in values) and values == [values[0] + k for k in range(len(values))]:
        return values[0], values[-1]
    return None


# --------------------------------------------------------------------------- distinct values
#
# A column of a million answers holds a handful of distinct values. Every column that is not a
# plain numeric array is therefore cut into (codes, distinct values): each cell's index into the
# distinct values, -1 for an empty (null) cell. ``answers.check_value`` (the one place that decides
# what a valid answer is, and the function ``engine.score_response`` calls) then runs once per
# distinct value, and the results are spread back over the cells with NumPy indexing. Per-cell
# work stays in C (Arrow, NumPy, pandas' hash tables) on every common input: categoricals, Arrow
# strings (pandas' ``str`` dtype, what ``read_csv(dtype=str)`` gives), object columns of text.


def _arrow_text(series: pd.Series):
    """The column as an Arrow string array when pandas keeps it in Arrow, else None."""
    dtype = series.dtype
    arrow = (isinstance(dtype, pd.StringDtype) and dtype.storage == "pyarrow") or (
        isinstance(dtype, pd.ArrowDtype) and (pa.types.is_string(dtype.pyarrow_dtype)
                                              or pa.types.is_large_string(dtype.pyarrow_dtype)))
    return pa.array(series.array) if arrow else None


def _codes_of_text(values) -> tuple[np.ndarray, list]:
    """(codes, distinct texts) of an Arrow string array.

    Hand-written on Arrow's buffers because hashing a million short strings (``dictionary_encode``,
    ``pd.factorize``) costs 70-150 ms a column, while most answer cells are one character ("1" to
    "5", "y"): those take their code from their byte (codes 0-127, one ASCII character each), and
    only the other cells (empty, "unsure", " 3 ", longer options) go through Arrow's dictionary."""
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
    distinct = [chr(b) for b in range(128)]
    rest = ~single
    if values.null_count:
        rest &= ~np.asarray(values.is_null())
    if rest.any():
        where = np.flatnonzero(rest)
        encoded = values.take(pa.array(where)).dictionary_encode()
        codes[where] = 128 + encoded.indices.to_numpy(zero_copy_only=False)
        distinct += encoded.dictionary.to_pylist()
    return codes, distinct


def _key(v):
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


def _distinct(series: pd.Series) -> tuple[np.ndarray, list]:
    """(codes, distinct values): each cell's index into the distinct values, -1 where null."""
    dtype = series.dtype
    if isinstance(dtype, pd.CategoricalDtype):
        return series.cat.codes.to_numpy(), list(dtype.categories)
    text = _arrow_text(series)
    if text is not None:
        return _codes_of_text(text)
    if is_numeric_dtype(dtype) or is_bool_dtype(dtype):  # NumPy or nullable numbers and booleans
        codes, uniques = pd.factorize(series, use_na_sentinel=True)
        return codes, list(uniques)
    arr = series.to_numpy(dtype=object)
    kind = infer_dtype(arr, skipna=True)
    if kind == "string":
        return _codes_of_text(pa.array(arr, type=pa.large_string(), from_pandas=True))
    if kind == "empty":
        return np.full(len(arr), -1, dtype=np.int32), []
    if kind in ("integer", "floating", "mixed-integer-float"):  # no bool among them: 1 and 1.0 agree
        codes, uniques = pd.factorize(arr, use_na_sentinel=True)
        return codes, list(uniques)
    # mixed kinds (a JSON file): one Python step per cell, but the checks still run per distinct value
    codes = np.full(len(arr), -1, dtype=np.int64)
    index: dict = {}
    distinct: list = []
    for i in np.flatnonzero(~pd.isna(arr)):
        v = arr[i]
        code = index.setdefault(_key(v), len(distinct))
        if code == len(distinct):
            distinct.append(v)
        codes[i] = code
    return codes, distinct


_STATE = {ANSWERED_TEXT: ANSWERED, UNSURE_TEXT: UNSURE, MISSING_TEXT: MISSING}


def _checked(item, codes: np.ndarray, distinct: list, scales):
    """check_value on each distinct value that occurs: (state per code, value per code, bad per
    code), each with one more slot at the end for null cells (code -1 picks it)."""
    m = len(distinct)
    state = np.full(m + 1, MISSING, dtype=np.int8)
    bad = np.zeros(m + 1, dtype=bool)
    value = [None] * (m + 1)
    occurs = np.bincount(codes + 1, minlength=m + 1)[1:] > 0 if len(codes) else np.zeros(m, bool)
    for k in np.flatnonzero(occurs):
        try:
            status, v = check_value(item, distinct[k], scales)
        except BadAnswer:
            bad[k] = True
            continue
        state[k] = _STATE[status]
        value[k] = v
    return state, value, bad


def _parse_column(series: pd.Series, info, scales) -> _Column:
    item = info.spec
    span = _small_span(item, scales)
    if span is not None:
        col = _small_column(series, item, scales, span)
        if col is not None:
            return col
    if item.type in ("likert", "number") and is_numeric_dtype(series.dtype) and not is_bool_dtype(series.dtype):
        return _numeric_column(series, item, scale_values(item, scales) if item.type == "likert" else None)
    codes, distinct = _distinct(series)
    state_of, value_of, bad_of = _checked(item, codes, distinct, scales)
    state = state_of[codes]
    bad = bad_of[codes] if bad_of.any() else None
    kind = item.type
    if kind in ("likert", "number"):
        floats = np.array([np.nan if v is None else v for v in value_of], dtype=float)
        return _Column(state, floats[codes], bad)
    if kind in ("yes_no", "choice"):
        options = ["yes", "no"] if kind == "yes_no" else [o.value for o in item.options]
        position = {(type(o), o): k for k, o in enumerate(options)}
        code_of = np.array([-1 if v is None else position[(type(v), v)] for v in value_of], dtype=np.int64)
        objects = np.empty(len(value_of), dtype=object)
        objects[:] = value_of
        return _Column(state, (code_of[codes], objects[codes]), bad)
    if kind == "multi":
        chosen_of = np.array([[v is not None and o.value in v for v in value_of] for o in item.options],
                             dtype=bool).reshape(len(item.options), len(value_of))
        return _Column(state, chosen_of[:, codes], bad)
    objects = np.empty(len(value_of), dtype=object)
    objects[:] = value_of
    return _Column(state, objects[codes], bad)


def _numeric_column(series: pd.Series, item, allowed=None) -> _Column:
    """A column of a numeric dtype (NumPy or nullable) for a likert or number item."""
    n = len(series)
    span = _consecutive(allowed) if allowed is not None else None
    whole = series.dtype.kind in "iu" and (isinstance(series.dtype, np.dtype) or not series.hasnans)
    if whole and span is not None:
        # the common case of a large numeric export: whole numbers on a 1..k scale. Nothing can
        # be missing or unsure; two reductions check the range, and the integers are kept as
        # they are (every sum of them is exact, so results stay identical to engine.py's).
        raw = series.to_numpy(dtype=np.int64)
        if n == 0 or (raw.min() >= span[0] and raw.max() <= span[1]):
            return _Column(None, raw, None)
        return _Column(np.full(n, ANSWERED, np.int8), raw.astype(float), (raw < span[0]) | (raw > span[1]))
    values = series.to_numpy(dtype=float, na_value=np.nan)
    missing = np.isnan(values)
    if span is not None:  # NaN and infinity fail every comparison: one expression checks all cells
        good = (values >= span[0]) & (values <= span[1]) & (np.floor(values) == values)
    elif allowed is not None:
        good = np.isin(values, np.asarray(allowed, dtype=float))
    else:
        good = np.isfinite(values)
        if item.integer:
            good &= np.floor(values) == values
        if item.min is not None:
            good &= values >= item.min
        if item.max is not None:
            good &= values <= item.max
    good |= missing
    bad = None if good.all() else ~good
    state = (~missing).view(np.int8)  # ANSWERED is 1 and MISSING 0: the mask itself, no copy
    return _Column(state, values, bad)


# --------------------------------------------------------------------------- small likert columns
#
# The common large input: likert items on a scale of whole numbers (1..5). Each column becomes
# ``small`` (int8 answers, 0 where not answered) and ``answered`` (a mask, None when complete),
# read from each input kind's own buffers in a few NumPy passes over one byte a cell. Cells that
# are anything else than a plain in-range number (empty, "unsure", " 3 ", "3.0", bad values) go
# through ``check_value`` once per distinct value, as in ``_checked``; a column with a bad cell
# is handed back to the general path (None), which words the problems as before.


def _small_span(item, scales) -> tuple[int, int] | None:
    """(low, high) of a likert item whose scale is the whole numbers low..high within int8."""
    if item.type != "likert":
        return None
    span = _consecutive(scale_values(item, scales))
    if span is None or span[0] < -128 or span[1] > 127:
        return None
    return int(span[0]), int(span[1])


def _small_column(series: pd.Series, item, scales, span) -> _Column | None:
    """The column as int8 answers, or None (the general path reads it): a column with a bad cell,
    or of a kind not read here."""
    dtype = series.dtype
    lo, hi = span
    if isinstance(dtype, pd.CategoricalDtype):
        return _small_from_codes(item, scales, span, series.cat.codes.to_numpy(), list(dtype.categories))
    text = _arrow_text(series)
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
        return _Column(None, None, None, small=raw.astype(np.int8))
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
            return _Column(None, None, None, small=small)
        answered = ~missing
        small *= answered
        return _Column(answered.view(np.int8), None, None, small=small, answered=answered)
    values = series.to_numpy(dtype=float) if isinstance(dtype, np.dtype) else \
        series.to_numpy(dtype=float, na_value=np.nan)
    with np.errstate(invalid="ignore"):  # NaN and values outside int8 cast to some int8; they
        small = values.astype(np.int8)   # differ from the float, so `whole` is False for them
    answered = small == values
    answered &= (small - np.int8(lo)).view(np.uint8) <= np.uint8(hi - lo)
    if answered.all():
        return _Column(None, None, None, small=small)
    if not (answered | np.isnan(values)).all():
        return None
    small *= answered
    return _Column(answered.view(np.int8), None, None, small=small, answered=answered)


def _small_checked(item, scales, span, distinct: list):
    """check_value on each distinct value: (int8 value, answered) per value, with one more slot
    at the end for null cells; None when a value is bad or not in the span."""
    m = len(distinct)
    small_of = np.zeros(m + 1, dtype=np.int8)
    answered_of = np.zeros(m + 1, dtype=bool)
    for k, raw in enumerate(distinct):
        try:
            status, value = check_value(item, raw, scales)
        except BadAnswer:
            return None
        if status == ANSWERED_TEXT:
            if not (span[0] <= value <= span[1] and float(value).is_integer()):
                return None  # pragma: no cover - check_value allows the scale's values only
            small_of[k], answered_of[k] = int(value), True
    return small_of, answered_of


def _small_from_codes(item, scales, span, codes: np.ndarray, distinct: list) -> _Column | None:
    """From (codes, distinct values) as ``_distinct`` gives them; -1 (null) picks the last slot."""
    occurs = np.bincount(codes + 1, minlength=len(distinct) + 1)[1:] > 0 if len(codes) else []
    checked = _small_checked(item, scales, span, [v for v, o in zip(distinct, occurs, strict=True) if o])
    if checked is None:
        return None
    used_small, used_answered = checked
    small_of = np.zeros(len(distinct) + 1, dtype=np.int8)
    answered_of = np.zeros(len(distinct) + 1, dtype=bool)
    where = np.flatnonzero(occurs)
    small_of[where], answered_of[where] = used_small[:-1], used_answered[:-1]
    if answered_of[where].all() and (len(codes) == 0 or codes.min() >= 0):
        return _Column(None, None, None, small=small_of[codes])
    answered = answered_of[codes]
    return _Column(answered.view(np.int8), None, None, small=small_of[codes], answered=answered)


def _small_text(values, item, scales, span) -> _Column | None:
    """From an Arrow string array (or chunked array), on Arrow's buffers.

    Hand-written because Arrow's kernels hash or copy every cell (``utf8_trim_whitespace`` then
    ``dictionary_encode`` cost 38 ms a column of a million, about twice this whole function):
    a cell of one byte that is a digit of the scale ("1" to "5") takes its value from that byte;
    only the other cells (empty, "unsure", " 3 ", "3.0", longer options, bad values) are taken
    out and go through Arrow's dictionary and ``check_value`` once per distinct text."""
    lo, hi = span
    if lo < 0 or hi > 9:  # a one-byte cell is a digit: scales of 0..9 only
        codes, distinct = _codes_of_text(values)
        return _small_from_codes(item, scales, span, codes, distinct)
    chunks = values.chunks if isinstance(values, pa.ChunkedArray) else [values]
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
    if not blank.any():
        blank = None
    rest = np.flatnonzero(~(plain | blank) if blank is not None else ~plain)
    if len(rest) == 0 and blank is None:
        return _Column(None, None, None, small=small)
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
    if blank is None and answered_of[:-1].all() and not encoded.indices.null_count:
        return _Column(None, None, None, small=small)
    return _Column(answered.view(np.int8), None, None, small=small, answered=answered)


def _meta_column(frame: pd.DataFrame, name: str, default: str, sections, labels, needed: bool = True):
    """The context or audience of each response: the column where filled in, else ``default``.
    None when no expression reads it and the file has no such column (nothing to check or build).
    Appends (name, its first problems, its bad cells) to ``sections``."""
    if name not in frame.columns:
        return np.full(len(frame), default, dtype=object) if needed else None
    codes, distinct = _distinct(frame[name])
    out_of = np.full(len(distinct) + 1, default, dtype=object)  # the last slot: empty cells
    ok_of = np.ones(len(distinct) + 1, dtype=bool)
    for k, raw in enumerate(distinct):
        try:
            value = check_meta(name, raw)
        except BadAnswer:
            ok_of[k] = False
            continue
        if value is not None:
            out_of[k] = value
    bad_rows, problems = np.flatnonzero(~ok_of[codes]), []
    for i in bad_rows[:MAX_REPORTED]:
        try:
            check_meta(name, frame[name].iat[i])
        except BadAnswer as exc:
            problems.append(AnswerProblem(labels(i), None, str(exc)))
    sections.append((name, problems, len(bad_rows)))
    return out_of[codes]


def score_frame(instrument: Instrument, answers: pd.DataFrame, context: str = "unknown",
                audience: str = "vetting", stage: str = "after_session", *, kind: str = "frame",
                row_offset: int = 0) -> pd.DataFrame:
    """Score every response in ``answers`` (one row per response, one column per item id).

    Returns ``response_id``, one column per score (NaN where null), ``verdict``, ``flags`` (raised
    flag ids joined with ``;``) and ``unverified`` (unsure or unanswered critical-capable items,
    joined with ``;``), row for row. ``context`` / ``audience`` / ``stage`` columns, where present
    and not empty, override the arguments. Raises AnswerError listing malformed answers.
    ``row_offset``: rows of the file before ``answers`` (a batch of a larger file), for line numbers.
    """
    columns, meta, frame, n = _prepare(instrument, answers, context, audience, stage, kind, row_offset)
    return _evaluate(instrument, columns, meta, frame, n)


def _evaluate_points(instrument: Instrument, answers: pd.DataFrame, context: str, audience: str,
                     kind: str, stage: str = "after_session", row_offset: int = 0) -> pd.DataFrame:
    """Each scored item's points per response (NaN where hidden, unanswered or unsure)."""
    columns, meta, frame, n = _prepare(instrument, answers, context, audience, stage, kind, row_offset)
    _, _, points, answered = _items(instrument, columns, meta, n)
    return pd.DataFrame({i: points[i] if answered[i] is None or points[i].dtype.kind == "f"
                         else np.where(answered[i], points[i], np.nan)
                         for i, info in instrument.items.items() if info.scored})


def _prepare(instrument: Instrument, answers: pd.DataFrame, context: str, audience: str, stage: str, kind: str,
             row_offset: int = 0):
    """Check and parse every answer column; raise AnswerError listing malformed answers (with
    each column's problems in ``sections``, so that batches of one file can be merged)."""
    check_meta("context", context)
    check_meta("audience", audience)
    check_meta("stage", stage)
    n = len(answers)
    frame = answers.reset_index(drop=True)
    problems: list[AnswerProblem] = []

    def labels(i: int) -> str:
        return label_for(frame, int(i), kind, row_offset)

    unknown = [c for c in frame.columns if c not in instrument.items and c not in META_COLUMNS
               and not str(c).startswith("x-")]
    for c in unknown:
        problems.append(AnswerProblem(Message("answers.header" if kind == "csv" else "answers.columns"), str(c),
                                      Message("answers.unknown_column")))
    sections = [("", problems, len(problems))]  # (column, its first problems, its bad cells), as reported
    used = instrument.expression_names
    ctx = _meta_column(frame, "context", context, sections, labels, "context" in used)
    aud = _meta_column(frame, "audience", audience, sections, labels, "audience" in used)
    staged = "stage" in used or any(info.stage for info in instrument.items.values())
    stg = _meta_column(frame, "stage", stage, sections, labels, staged)

    scales = instrument.spec.scales
    columns: dict[str, _Column] = {}
    reported = sum(len(found) for _, found, _ in sections)
    for iid, info in instrument.items.items():
        series = frame[iid] if iid in frame.columns else pd.Series([None] * n, dtype=object)
        col = _parse_column(series, info, scales)
        columns[iid] = col
        bad_rows = np.flatnonzero(col.bad) if col.bad is not None else ()
        problems = []
        sections.append((iid, problems, len(bad_rows)))
        for i in bad_rows[: max(0, MAX_REPORTED - reported)]:
            raw = series.iat[i]
            try:
                check_value(info.spec, raw, scales)
                message = f"{raw!r} is not a valid answer"  # pragma: no cover - the two checks agree
            except BadAnswer as exc:
                message = str(exc)
            problems.append(AnswerProblem(labels(i), iid, message))
        reported += len(problems)
    if any(count for _, _, count in sections):
        raise answer_error(sections, MAX_REPORTED)

    return columns, (ctx, aud, stg), frame, n


def _stage_index(stg) -> np.ndarray | None:
    """Each response's stage as an index into STAGES (None: no item depends on it)."""
    if stg is None:
        return None
    return pd.Series(stg, dtype=object).map(STAGE_INDEX).to_numpy(dtype=np.int8)


def _items(instrument, columns, meta, n):
    """Visibility, expression values and points of every item, in order (show_if sees earlier ones).

    ``visible[i]`` is None for an item always shown; expression values are made only for names
    some expression uses. Numeric answers are NaN wherever not answered, so a likert item's
    values serve as its points without a copy."""
    env = _LazyEnv(instrument, n)
    ctx, aud, stg = meta
    env["context"], env["audience"], env["stage"] = ctx, aud, stg
    stage_index = _stage_index(stg)
    used = instrument.expression_names
    visible: dict[str, np.ndarray | None] = {}
    points: dict[str, np.ndarray] = {}
    answered: dict[str, np.ndarray] = {}
    for iid, info in instrument.items.items():
        col = columns[iid]
        shown = None if info.show_if is None else ex.truthy_vector(ex.eval_vector(info.show_if, env, n))
        if info.stage and stage_index is not None:  # asked only from its stage on (revision 2)
            reached = stage_index >= info.stage
            shown = reached if shown is None else shown & reached
        visible[iid] = shown
        numeric = info.spec.type in ("likert", "number")
        if col.small is not None and shown is None:
            ans = col.answered  # None when complete
        elif numeric and shown is None:
            ans = None  # NaN marks what is not answered (and a complete column has none)
        elif col.complete:
            ans = shown.copy()
        else:
            ans = col.answered & shown if shown is not None else col.answered.copy()
        answered[iid] = ans
        if iid in used:
            env[iid] = _expr_value(info, col, ans, n)
        points[iid] = _points(info, col, ans, n)
    return env, visible, points, answered


def _evaluate(instrument, columns, meta, frame, n) -> pd.DataFrame:
    env, visible, points, answered = _items(instrument, columns, meta, n)

    raised: dict[str, np.ndarray] = {}
    for iid, info in instrument.items.items():
        if info.flag is not None:
            value = env[iid] if iid in env else _expr_value(info, columns[iid], answered[iid], n)
            env["value"] = value
            ans = answered[iid] if answered[iid] is not None else (
                np.ones(n, bool) if columns[iid].complete else ~np.isnan(columns[iid].value))
            raised[iid] = ans & ex.truthy_vector(ex.eval_vector(info.flag, env, n))
    env.pop("value", None)
    for rule, tree in instrument.rules:
        raised[rule.id] = ex.truthy_vector(ex.eval_vector(tree, env, n))

    out = {"response_id": _response_ids(frame, n)}
    scored = {i for sc in instrument.scores for i in sc.items}
    # which responses each item gave points for: computed once, shared by every score (None: all
    # of them; integer points, 0 where not answered, come with their mask from _items)
    has = {i: answered[i] if points[i].dtype.kind in "iu" else ~np.isnan(points[i]) for i in scored}
    for score in instrument.scores:
        out[score.spec.id] = _score(instrument, score, visible, points, has, n)

    # shown critical-capable items answered unsure or left unanswered (revision 2)
    unverified: dict[str, np.ndarray] = {}
    for iid, info in instrument.items.items():
        col = columns[iid]
        if info.critical and not col.complete:
            open_ = ~col.answered
            unverified[iid] = open_ if visible[iid] is None else open_ & visible[iid]

    severities: dict[str, np.ndarray] = {}
    for fid, mask in raised.items():
        severity = instrument.severity[fid]
        severities[severity] = severities[severity] | mask if severity in severities else mask
    verdict = np.full(n, None, dtype=object)
    if instrument.band_score is not None:
        banded = out[instrument.band_score]
        verdict[np.isnan(banded)] = "incomplete"
        position = np.full(n, -1, dtype=np.int64)
        unset = ~np.isnan(banded)
        for k, band in enumerate(instrument.spec.bands):
            hit = unset & (banded >= band.min - 1e-9)
            position[hit] = k
            unset &= ~hit
        for severity, cap in instrument.caps.items():  # a raised flag lowers the band to at most its cap
            if severity in severities:
                position = np.where(severities[severity] & (position >= 0) & (position < cap), cap, position)
        band_ids = np.array([b.id for b in instrument.spec.bands], dtype=object)
        placed = position >= 0
        verdict[placed] = band_ids[position[placed]]
    any_unverified = np.zeros(n, bool)
    for mask in unverified.values():
        any_unverified |= mask
    verdict[any_unverified] = "unverified"
    if "critical" in severities:
        verdict[severities["critical"]] = "critical"
    out["verdict"] = pd.Series(verdict, dtype=object)  # object: no costly conversion to Arrow strings
    out["flags"] = pd.Series(_join_flags(instrument.flag_ids, raised, n), dtype=object)
    out["unverified"] = pd.Series(_join_flags(list(unverified), unverified, n), dtype=object)
    return pd.DataFrame(out, copy=False)


class _LazyEnv(dict):
    """Names for expressions; a derived value is computed the first time it is asked for."""

    def __init__(self, instrument, n):
        super().__init__()
        self.instrument, self.n = instrument, n

    def __missing__(self, name):
        # what it rests on first, with a stack: recursion through __missing__ overflowed Python's
        # recursion limit on a chain of a few thousand derived values (inside the caps)
        derived, stack = self.instrument.derived, [name]
        while stack:
            top = stack[-1]
            todo = [n for n in ex.names(derived[top]) if n in derived and n not in self]
            if todo:
                stack.extend(todo)
                continue
            stack.pop()
            if top not in self:
                self[top] = ex.eval_vector(derived[top], self, self.n)
        return self[name]


def _expr_value(info, col: _Column, ans: np.ndarray | None, n: int):
    kind = info.spec.type
    if kind in ("likert", "number"):
        return col.floats() if ans is None else np.where(ans, col.floats(), np.nan)
    if kind == "multi":
        return {(float(o.value) if isinstance(o.value, int) else o.value):
                np.where(ans, col.value[k].astype(float), np.nan) for k, o in enumerate(info.spec.options)}
    if kind == "choice" and info.name_type.type == ex.NUM:
        code, value = col.value
        nums = np.array([float(o.value) for o in info.spec.options])
        return np.where(ans, nums[np.maximum(code, 0)], np.nan)
    value = col.value[1] if kind in ("yes_no", "choice") else col.value
    return np.where(ans, value, None)


def _points(info, col: _Column, ans: np.ndarray | None, n: int) -> np.ndarray:
    item = info.spec
    if not info.scored:
        return np.full(n, np.nan)
    kind = item.type
    if kind == "likert":
        if col.small is not None and ans is col.answered:  # int8 points, 0 where not answered
            if not item.reverse:
                return col.small
            flipped = np.int8(int(info.pmin) + int(info.pmax)) - col.small
            return flipped if ans is None else np.multiply(flipped, ans, out=flipped)
        if col.complete and ans is None:  # whole numbers, all answered: points stay integers
            return (int(info.pmin) + int(info.pmax)) - col.value if item.reverse else col.value
        values = info.pmin + info.pmax - col.floats() if item.reverse else col.floats()
        return values if ans is None else np.where(ans, values, np.nan)
    if kind == "yes_no":
        table = np.array([item.points.yes, item.points.no], dtype=float)
        code = col.value[0]
        return np.where(ans, table[np.maximum(code, 0)], np.nan)
    if kind == "choice":
        table = np.array([np.nan if o.points is None else o.points for o in item.options], dtype=float)
        code = col.value[0]
        return np.where(ans, table[np.maximum(code, 0)], np.nan)
    if kind == "multi":
        total = np.zeros(n)
        for k, option in enumerate(item.options):
            if option.points is not None:
                total = total + np.where(col.value[k], float(option.points), 0.0)
        if item.max_points is not None:
            total = np.minimum(total, float(item.max_points))
        return np.where(ans, total, np.nan)
    if kind == "number":
        result = np.full(n, np.nan)
        unset = ~np.isnan(col.value) if ans is None else ans.copy()
        for band in item.points_bands:
            hit = unset.copy()
            if band.min is not None:
                hit &= col.value >= band.min
            if band.max is not None:
                hit &= col.value <= band.max
            result[hit] = float(band.points)
            unset &= ~hit
        return result
    return np.full(n, np.nan)  # pragma: no cover


def _score(instrument, score, visible, points, has, n) -> np.ndarray:
    """Sum item after item (in the order engine.py adds them, so results are identical).

    Weights (revision 2) multiply each item's points; an item of weight 1 is added as it is
    (a product with 1.0 is exact, so both engines still agree to the bit)."""
    always = always_got = 0
    # None while every item so far was shown to (answered by) every response: a count then
    shown = None if all(visible[i] is None for i in score.items) else np.zeros(n, dtype=np.int16)
    got = None
    total = np.zeros(n)
    method = score.spec.method
    percent = method == "percent"
    mean_percent = method == "mean_percent"
    weights = [instrument.items[i].weight for i in score.items]
    weighted = any(w != 1.0 for w in weights)
    # the denominator of a weighted mean or of mean_percent: the answered items' weights
    wsum = np.zeros(n) if (mean_percent or (weighted and method == "mean")) else None
    low = np.zeros(n) if percent else None
    high = np.zeros(n) if percent else None
    # every item's points whole numbers (0 where not answered) and unweighted: added as integers.
    # Each partial sum is then exact, as each of engine.py's float additions of whole numbers is,
    # so the results are the same to the bit.
    whole = not weighted and method != "mean_percent" and all(points[i].dtype.kind in "iu" for i in score.items)
    itotal = np.zeros(n, dtype=np.int64 if any(points[i].dtype.itemsize > 2 for i in score.items)
                      else np.int32) if whole else None
    for iid, w in zip(score.items, weights, strict=True):
        info = instrument.items[iid]
        answered = has[iid]
        if visible[iid] is None:
            always += 1
        else:
            shown += visible[iid]
        if mean_percent:
            if not info.pmax > info.pmin:
                term = None  # counts as answered, but adds nothing to either side
            else:
                term = w * (points[iid] - info.pmin) / (info.pmax - info.pmin)
        else:
            term = points[iid] if w == 1.0 else w * points[iid]
        if answered is not None and got is None:
            got = np.zeros(n, dtype=np.int16)
        if whole:
            np.add(itotal, points[iid], out=itotal)
            if answered is None:
                always_got += 1
            else:
                got += answered
            if percent:
                np.add(low, info.pmin, out=low, where=answered if answered is not None else True)
                np.add(high, info.pmax, out=high, where=answered if answered is not None else True)
            continue
        if answered is None:  # every response: plain in-place additions, in the same order
            always_got += 1
            if term is not None:
                np.add(total, term, out=total, casting="unsafe")
                if wsum is not None:
                    np.add(wsum, w, out=wsum)
            if percent:
                np.add(low, w * info.pmin, out=low)
                np.add(high, w * info.pmax, out=high)
            continue
        got += answered
        if term is not None:
            np.add(total, term, out=total, where=answered)
            if wsum is not None:
                np.add(wsum, w, out=wsum, where=answered)
        if percent:
            np.add(low, w * info.pmin, out=low, where=answered)
            np.add(high, w * info.pmax, out=high, where=answered)
    if got is None:
        got = always_got
    elif always_got:
        got += always_got
    if whole:
        total = itotal
    with np.errstate(all="ignore"):
        if method == "mean":
            value = total / (wsum if wsum is not None else got)
        elif method == "sum":
            value = total.astype(float)
        elif mean_percent:
            value = np.where(wsum == 0, np.nan, total / np.where(wsum == 0, 1, wsum) * 100.0)
        else:
            span = high - low
            value = np.where(span == 0, np.nan, (total - low) / np.where(span == 0, 1, span) * 100.0)
    if shown is None:  # every item shown to every response: the threshold is one whole number
        null = got < max(1, math.ceil(score.spec.min_answered * always - 1e-9))  # (got < x: got < ceil(x))
    else:
        shown += always
        null = (shown == 0) | (got == 0) | (got < score.spec.min_answered * shown - 1e-9)
    if np.ndim(null) == 0:
        if null:
            value[:] = np.nan
    else:
        value[null] = np.nan
    return value


def _join_flags(flag_ids, raised, n) -> np.ndarray:
    out = np.full(n, "", dtype=object)
    for fid in flag_ids:
        mask = raised.get(fid)
        if mask is None or not mask.any():
            continue
        empty = out == ""
        out[mask & empty] = fid
        rest = mask & ~empty
        out[rest] = out[rest] + (";" + fid)
    return out


def _response_ids(frame: pd.DataFrame, n: int):
    if "response_id" in frame.columns:
        return pd.Series(frame["response_id"].to_numpy(dtype=object), dtype=object)
    return np.arange(1, n + 1)  # the row number, counting from 1
