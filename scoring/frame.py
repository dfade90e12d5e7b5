"""Scoring many responses at once, on whole columns.

Loops run over items, rules and scores (tens), never over responses (up to millions). The
order of additions matches ``engine.py`` so both give the same numbers; a property test
(``tests/test_frame_property.py``) holds them to it.
"""

from __future__ import annotations

import numbers

import numpy as np
import pandas as pd
from pandas.api.types import is_bool_dtype, is_numeric_dtype

from . import expressions as ex
from .answers import (
    META_COLUMNS,
    AnswerError,
    AnswerProblem,
    BadAnswer,
    check_meta,
    check_value,
    label_for,
    scale_values,
)
from .instrument import Instrument
from .model import AUDIENCES, CONTEXTS

MAX_REPORTED = 100
MISSING, ANSWERED, UNSURE = 0, 1, 2


class _Column:
    """One item's answers: state per response, normal-form values, and which cells are bad.

    ``state`` None means every response answered it, with whole numbers in ``value`` (an integer
    array, no NaN); ``bad`` None means no bad cell."""

    __slots__ = ("state", "value", "bad")

    def __init__(self, state, value, bad):
        self.state, self.value, self.bad = state, value, bad

    @property
    def complete(self) -> bool:
        return self.state is None

    def floats(self) -> np.ndarray:
        return self.value.astype(float) if self.complete else self.value


def _kinds(arr: np.ndarray) -> np.ndarray:
    """The Python type of each cell (compared with ``np.equal(kinds, str)``: exact types, so a
    bool never passes as an int)."""
    return pd.Series(arr, dtype=object).map(type).to_numpy()


def _is_number_or_text(v) -> bool:
    return isinstance(v, (str, numbers.Real)) and not isinstance(v, (bool, np.bool_))


def _text_view(arr: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """(stripped strings or None, missing mask) for an object column."""
    s = pd.Series(arr, dtype=object)
    is_str = np.equal(_kinds(arr), str) if len(s) else np.zeros(0, bool)
    text = np.full(len(arr), None, dtype=object)
    if is_str.any():
        text[is_str] = pd.Series(arr[is_str], dtype=object).str.strip().to_numpy(dtype=object)
    missing = pd.isna(s).to_numpy() | (is_str & (text == ""))
    return text, missing


def _unsure_mask(text: np.ndarray, item) -> np.ndarray:
    if not getattr(item, "allow_unsure", False):
        return np.zeros(len(text), bool)
    return np.asarray(pd.Series(text, dtype=object).str.lower().to_numpy() == "unsure", dtype=bool)


def _consecutive(allowed) -> tuple[float, float] | None:
    """(low, high) when the allowed values are the whole numbers low..high, else None."""
    values = sorted(float(a) for a in allowed)
    if all(v.is_integer() for v in values) and values == [values[0] + k for k in range(len(values))]:
        return values[0], values[-1]
    return None


def _numeric_column(series: pd.Series, item, allowed=None) -> _Column:
    n = len(series)
    if is_numeric_dtype(series) and not is_bool_dtype(series):
        raw = series.to_numpy()
        span = _consecutive(allowed) if allowed is not None else None
        if raw.dtype.kind in "iu" and span is not None:
            # the common case of a large numeric export: whole numbers on a 1..k scale. Nothing can
            # be missing or unsure; two reductions check the range, and the integers are kept as
            # they are (every sum of them is exact, so results stay identical to engine.py's).
            if n == 0 or (raw.min() >= span[0] and raw.max() <= span[1]):
                return _Column(None, raw, None)
            return _Column(np.full(n, ANSWERED, np.int8), raw.astype(float), (raw < span[0]) | (raw > span[1]))
        values = series.to_numpy(dtype=float, na_value=np.nan)
        missing = np.isnan(values)
        unsure = np.zeros(n, bool)
        bad = np.isinf(values)
    else:
        arr = series.to_numpy(dtype=object)
        text, missing = _text_view(arr)
        unsure = _unsure_mask(text, item) & ~missing
        number_or_text = pd.Series(arr, dtype=object).map(_is_number_or_text).to_numpy(dtype=bool)
        wrong_kind = ~number_or_text & ~missing
        values = pd.to_numeric(pd.Series(np.where(wrong_kind | unsure, None, arr), dtype=object),
                               errors="coerce").to_numpy(dtype=float, na_value=np.nan)
        bad = ~missing & ~unsure & (np.isnan(values) | np.isinf(values) | wrong_kind)
    ok = ~missing & ~unsure & ~bad
    if allowed is not None:
        span = _consecutive(allowed)
        if span is not None:
            off = (values < span[0]) | (values > span[1]) | (np.floor(values) != values)
        else:
            off = ~np.isin(values, np.asarray(allowed, dtype=float))
        bad |= ok & off
    else:
        if item.integer:
            bad |= ok & (np.floor(values) != values)
        if item.min is not None:
            bad |= ok & (values < item.min)
        if item.max is not None:
            bad |= ok & (values > item.max)
    state = np.where(missing, MISSING, np.where(unsure, UNSURE, ANSWERED)).astype(np.int8)
    values = np.where(state == ANSWERED, values, np.nan)
    return _Column(state, values, bad)


def _option_keys(arr: np.ndarray, text: np.ndarray) -> np.ndarray:
    """Match keys: the stripped text for strings; str() of whole numbers for numbers."""
    keys = text.copy()
    other = np.equal(text, None) & ~pd.isna(pd.Series(arr, dtype=object)).to_numpy()
    for i in np.flatnonzero(other):  # JSON numbers: rare, and only where the cell is not text
        v = arr[i]
        if isinstance(v, (bool, np.bool_)) or not isinstance(v, numbers.Real):
            keys[i] = None
            continue
        keys[i] = str(int(v)) if float(v).is_integer() else str(float(v))
    return keys


def _choice_column(series: pd.Series, item) -> _Column:
    arr = series.to_numpy(dtype=object)
    text, missing = _text_view(arr)
    n = len(arr)
    if item.type == "yes_no":
        lowered = pd.Series(text, dtype=object).str.lower()
        codes = lowered.map({"yes": 0, "no": 1}).to_numpy(dtype=float, na_value=np.nan)
        unsure = _unsure_mask(text, item) & ~missing
        values_by_code = np.array(["yes", "no"], dtype=object)
        is_unsure_opt = np.zeros(2, bool)
    else:
        options = list(item.options)
        code_of = {str(o.value): k for k, o in enumerate(options)}
        keys = _option_keys(arr, text)
        codes = pd.Series(keys, dtype=object).map(code_of).to_numpy(dtype=float, na_value=np.nan)
        unsure = (_unsure_mask(text, item) & ~missing & np.isnan(codes))
        values_by_code = np.array([o.value for o in options] + [None], dtype=object)[:-1]
        is_unsure_opt = np.array([o.unsure for o in options], dtype=bool)
    bad = ~missing & ~unsure & np.isnan(codes)
    ok = ~missing & ~unsure & ~bad
    code = np.where(ok, codes, -1).astype(np.int64)
    if is_unsure_opt.any():
        chose_unsure = ok & is_unsure_opt[np.maximum(code, 0)]
        unsure |= chose_unsure
        ok &= ~chose_unsure
        code = np.where(ok, code, -1)
    state = np.where(missing | bad, MISSING, np.where(unsure, UNSURE, ANSWERED)).astype(np.int8)
    value = np.full(n, None, dtype=object)
    value[ok] = values_by_code[code[ok]]
    return _Column(state, (code, value), bad)


def _multi_column(series: pd.Series, item) -> _Column:
    arr = series.to_numpy(dtype=object)
    n = len(arr)
    s = pd.Series(arr, dtype=object)
    is_str = np.equal(_kinds(arr), str)
    is_list = s.map(lambda v: isinstance(v, (list, tuple, set, frozenset))).to_numpy()
    text, missing = _text_view(arr)
    unsure = _unsure_mask(text, item) & ~missing
    missing = missing & ~is_list
    bad = ~missing & ~unsure & ~is_str & ~is_list
    parts = s.where(~(is_str & ~unsure), s.str.split(";")).where(is_str | is_list, None)
    exploded = parts[~missing & ~unsure & ~bad].explode()
    if len(exploded):
        keys = exploded.map(lambda v: str(v).strip() if isinstance(v, str)
                            else (str(int(v)) if isinstance(v, float) and v.is_integer() else str(v))
                            if v is not None and not isinstance(v, bool) else None)
        empty = keys.isin(["", "None"]) | exploded.isna()
        keys = keys[~empty]
        code_of = {str(o.value): k for k, o in enumerate(item.options)}
        codes = keys.map(code_of)
        unknown = codes.isna()
        bad[keys.index[unknown.to_numpy()].unique()] = True
        good = codes[~unknown]
        rows = good.index.to_numpy()
        cols = good.to_numpy(dtype=np.int64)
    else:
        rows = cols = np.zeros(0, np.int64)
    chosen = np.zeros((len(item.options), n), dtype=bool)
    chosen[cols, rows] = True
    state = np.where(missing | bad, MISSING, np.where(unsure, UNSURE, ANSWERED)).astype(np.int8)
    return _Column(state, chosen, bad)


def _text_column(series: pd.Series, item) -> _Column:
    arr = series.to_numpy(dtype=object)
    text, missing = _text_view(arr)
    is_str = np.equal(_kinds(arr), str)
    bad = ~missing & ~is_str
    lengths = pd.Series(arr, dtype=object).where(is_str, "").str.len().to_numpy()
    bad |= is_str & (lengths > item.max_length)
    state = np.where(missing | bad, MISSING, ANSWERED).astype(np.int8)
    value = np.where(state == ANSWERED, arr, None)
    return _Column(state, value, bad)


def _parse_column(series: pd.Series, info, scales) -> _Column:
    item = info.spec
    if item.type == "likert":
        return _numeric_column(series, item, scale_values(item, scales))
    if item.type == "number":
        return _numeric_column(series, item)
    if item.type in ("yes_no", "choice"):
        return _choice_column(series, item)
    if item.type == "multi":
        return _multi_column(series, item)
    return _text_column(series, item)


def _meta_column(frame: pd.DataFrame, name: str, default: str, problems, labels, needed: bool = True):
    """The context or audience of each response: the column where filled in, else ``default``.
    None when no expression reads it and the file has no such column (nothing to check or build)."""
    if name not in frame.columns:
        return np.full(len(frame), default, dtype=object) if needed else None
    out = np.full(len(frame), default, dtype=object)
    values = frame[name].to_numpy(dtype=object)
    stripped = pd.Series(values, dtype=object).map(lambda v: v.strip() if isinstance(v, str) else v)
    empty = pd.isna(stripped).to_numpy() | (stripped.to_numpy() == "")
    ok = empty | stripped.isin(CONTEXTS if name == "context" else AUDIENCES).to_numpy()
    for i in np.flatnonzero(~ok)[:MAX_REPORTED]:
        try:
            check_meta(name, values[i])
        except BadAnswer as exc:
            problems.append(AnswerProblem(labels(i), None, str(exc)))
    out[~empty] = stripped.to_numpy()[~empty]
    return out


def score_frame(instrument: Instrument, answers: pd.DataFrame, context: str = "unknown",
                audience: str = "vetting", kind: str = "frame") -> pd.DataFrame:
    """Score every response in ``answers`` (one row per response, one column per item id).

    Returns ``response_id``, one column per score (NaN where null), ``verdict`` and ``flags``
    (raised flag ids joined with ``;``), row for row. ``context`` / ``audience`` columns, where
    present and not empty, override the arguments. Raises AnswerError listing malformed answers.
    """
    columns, ctx, aud, frame, n = _prepare(instrument, answers, context, audience, kind)
    return _evaluate(instrument, columns, ctx, aud, frame, n)


def _evaluate_points(instrument: Instrument, answers: pd.DataFrame, context: str, audience: str,
                     kind: str) -> pd.DataFrame:
    """Each scored item's points per response (NaN where hidden, unanswered or unsure)."""
    columns, ctx, aud, frame, n = _prepare(instrument, answers, context, audience, kind)
    _, _, points, _ = _items(instrument, columns, ctx, aud, n)
    return pd.DataFrame({i: points[i] for i, info in instrument.items.items() if info.scored})


def _prepare(instrument: Instrument, answers: pd.DataFrame, context: str, audience: str, kind: str):
    """Check and parse every answer column; raise AnswerError listing malformed answers."""
    check_meta("context", context)
    check_meta("audience", audience)
    n = len(answers)
    frame = answers.reset_index(drop=True)
    problems: list[AnswerProblem] = []

    def labels(i: int) -> str:
        return label_for(frame, int(i), kind)

    unknown = [c for c in frame.columns if c not in instrument.items and c not in META_COLUMNS
               and not str(c).startswith("x-")]
    for c in unknown:
        problems.append(AnswerProblem("line 1 (header)" if kind == "csv" else "columns", str(c),
                                      "not an item of this instrument "
                                      "(columns of your own must start with 'x-')"))
    used = instrument.expression_names
    ctx = _meta_column(frame, "context", context, problems, labels, "context" in used)
    aud = _meta_column(frame, "audience", audience, problems, labels, "audience" in used)

    scales = instrument.spec.scales
    columns: dict[str, _Column] = {}
    meta_problems, bad_total = len(problems), 0
    for iid, info in instrument.items.items():
        series = frame[iid] if iid in frame.columns else pd.Series([None] * n, dtype=object)
        col = _parse_column(series, info, scales)
        columns[iid] = col
        bad_rows = np.flatnonzero(col.bad) if col.bad is not None else ()
        bad_total += len(bad_rows)
        for i in bad_rows[: max(0, MAX_REPORTED - len(problems))]:
            raw = series.iat[i]
            try:
                check_value(info.spec, raw, scales)
                message = f"{raw!r} is not a valid answer"  # pragma: no cover - the two checks agree
            except BadAnswer as exc:
                message = str(exc)
            problems.append(AnswerProblem(labels(i), iid, message))
    if problems:
        total = meta_problems + bad_total
        raise AnswerError(problems[:MAX_REPORTED], more=max(0, total - MAX_REPORTED))

    return columns, ctx, aud, frame, n


def _items(instrument, columns, ctx, aud, n):
    """Visibility, expression values and points of every item, in order (show_if sees earlier ones).

    ``visible[i]`` is None for an item always shown; expression values are made only for names
    some expression uses. Numeric answers are NaN wherever not answered, so a likert item's
    values serve as its points without a copy."""
    env = _LazyEnv(instrument, n)
    env["context"], env["audience"] = ctx, aud
    used = instrument.expression_names
    visible: dict[str, np.ndarray | None] = {}
    points: dict[str, np.ndarray] = {}
    answered: dict[str, np.ndarray] = {}
    for iid, info in instrument.items.items():
        col = columns[iid]
        shown = None if info.show_if is None else ex.truthy_vector(ex.eval_vector(info.show_if, env, n))
        visible[iid] = shown
        numeric = info.spec.type in ("likert", "number")
        if numeric and shown is None:
            ans = None  # NaN marks what is not answered (and a complete column has none)
        elif col.complete:
            ans = shown.copy()
        else:
            ans = col.state == ANSWERED
            if shown is not None:
                ans &= shown
        answered[iid] = ans
        if iid in used:
            env[iid] = _expr_value(info, col, ans, n)
        points[iid] = _points(info, col, ans, n)
    return env, visible, points, answered


def _evaluate(instrument, columns, ctx, aud, frame, n) -> pd.DataFrame:
    env, visible, points, answered = _items(instrument, columns, ctx, aud, n)

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
    # which responses each item gave points for: computed once, shared by every score
    # (None: all of them; an integer array of points cannot hold NaN)
    has = {i: None if points[i].dtype.kind in "iu" else ~np.isnan(points[i]) for i in scored}
    for score in instrument.scores:
        out[score.spec.id] = _score(instrument, score, visible, points, has, n)

    verdict = np.full(n, None, dtype=object)
    if instrument.band_score is not None:
        banded = out[instrument.band_score]
        verdict[np.isnan(banded)] = "incomplete"
        unset = ~np.isnan(banded)
        for band in instrument.spec.bands:
            hit = unset & (banded >= band.min - 1e-9)
            verdict[hit] = band.id
            unset &= ~hit
    critical = np.zeros(n, bool)
    for fid, mask in raised.items():
        if instrument.severity[fid] == "critical":
            critical |= mask
    verdict[critical] = "critical"
    out["verdict"] = pd.Series(verdict, dtype=object)  # object: no costly conversion to Arrow strings
    out["flags"] = pd.Series(_join_flags(instrument.flag_ids, raised, n), dtype=object)
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
    """Sum item after item (in the order engine.py adds them, so results are identical)."""
    always = always_got = 0
    shown = np.zeros(n, dtype=np.int16)
    got = np.zeros(n, dtype=np.int16)
    total = np.zeros(n)
    percent = score.spec.method == "percent"
    low = np.zeros(n) if percent else None
    high = np.zeros(n) if percent else None
    for iid in score.items:
        info = instrument.items[iid]
        answered = has[iid]
        if visible[iid] is None:
            always += 1
        else:
            shown += visible[iid]
        if answered is None:  # every response: plain in-place additions, in the same order
            always_got += 1
            np.add(total, points[iid], out=total, casting="unsafe")
            if percent:
                np.add(low, info.pmin, out=low)
                np.add(high, info.pmax, out=high)
            continue
        got += answered
        np.add(total, points[iid], out=total, where=answered)
        if percent:
            np.add(low, info.pmin, out=low, where=answered)
            np.add(high, info.pmax, out=high, where=answered)
    shown += always
    got += always_got
    with np.errstate(all="ignore"):
        if score.spec.method == "mean":
            value = total / got
        elif score.spec.method == "sum":
            value = total
        else:
            span = high - low
            value = np.where(span == 0, np.nan, (total - low) / np.where(span == 0, 1, span) * 100.0)
    null = (shown == 0) | (got == 0) | (got < score.spec.min_answered * shown - 1e-9)
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
