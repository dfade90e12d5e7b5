"""Scoring many responses at once, on whole columns.

Loops run over items, rules and scores (tens), never over responses (up to millions). The
order of additions matches ``engine.py`` so both give the same numbers; property tests
(``tests/test_frame_property.py``, and one per item type in ``tests/items/``) hold them to it.

This module is a driver: how a column of answers is parsed (with its fast paths), what it stands
for in expressions and what points it gives are each item type's (``scoring/items/``).
"""

from __future__ import annotations

import math
from collections.abc import Callable, Sequence
from typing import Any

import numpy as np
import pandas as pd

from . import expressions as ex
from .answers import (
    META_COLUMNS,
    AnswerProblem,
    BadAnswer,
    answer_error,
    check_meta,
    check_value,
    label_for,
)
from .engine import COMBINED_ORDER  # noqa: F401  (re-exported for callers that score frames)
from .i18n import Message
from .instrument import STAGE_INDEX, Instrument, ItemInfo, ScoreInfo
from .items import plugin as item_type
from .items.columns import Column, distinct_values

MAX_REPORTED = 100
# each response's context, audience and stage (None: no expression reads it and the file has none)
Meta = tuple["np.ndarray | None", "np.ndarray | None", "np.ndarray | None"]
Section = tuple[str, list[AnswerProblem], int]  # a column, its first problems, its bad cells


def _meta_column(frame: pd.DataFrame, name: str, default: str, sections: list[Section],
                 labels: Callable[[int], str], needed: bool = True) -> np.ndarray | None:
    """The context or audience of each response: the column where filled in, else ``default``.
    None when no expression reads it and the file has no such column (nothing to check or build).
    Appends (name, its first problems, its bad cells) to ``sections``."""
    if name not in frame.columns:
        return np.full(len(frame), default, dtype=object) if needed else None
    codes, distinct = distinct_values(frame[name])
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
    bad_rows, problems = np.flatnonzero(~ok_of[codes]), list[AnswerProblem]()
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
    return pd.DataFrame({i: _points_or_nan(points[i], answered[i])
                         for i, info in instrument.items.items() if info.scored})


def _points_or_nan(points: np.ndarray, answered: np.ndarray | None) -> np.ndarray:
    """Points as floats, NaN where not answered (integer points carry 0 there)."""
    return points if answered is None or points.dtype.kind == "f" else np.where(answered, points, np.nan)


def _prepare(instrument: Instrument, answers: pd.DataFrame, context: str, audience: str, stage: str, kind: str,
             row_offset: int = 0) -> tuple[dict[str, Column], Meta, pd.DataFrame, int]:
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
    sections: list[Section] = [("", problems, len(problems))]  # the header first, then as reported
    used = instrument.expression_names
    ctx = _meta_column(frame, "context", context, sections, labels, "context" in used)
    aud = _meta_column(frame, "audience", audience, sections, labels, "audience" in used)
    staged = "stage" in used or any(info.stage for info in instrument.items.values())
    stg = _meta_column(frame, "stage", stage, sections, labels, staged)

    scales = instrument.spec.scales
    columns: dict[str, Column] = {}
    reported = sum(len(found) for _, found, _ in sections)
    for iid, info in instrument.items.items():
        series = frame[iid] if iid in frame.columns else pd.Series([None] * n, dtype=object)
        col = item_type(info.spec).parse_column(series, info.spec, scales)
        columns[iid] = col
        bad_rows = col.bad_rows
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


def _stage_index(stg: np.ndarray | None) -> np.ndarray | None:
    """Each response's stage as an index into STAGES (None: no item depends on it)."""
    if stg is None:
        return None
    return pd.Series(stg, dtype=object).map(STAGE_INDEX).to_numpy(dtype=np.int8)


class _LazyEnv(dict[str, Any]):
    """Names for expressions; a derived value is computed the first time it is asked for."""

    def __init__(self, instrument: Instrument, n: int):
        super().__init__()
        self.instrument, self.n = instrument, n

    def __missing__(self, name: str) -> Any:
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


Masks = dict[str, "np.ndarray | None"]  # item id -> a mask per response (None: every response)


def _items(instrument: Instrument, columns: dict[str, Column], meta: Meta, n: int
           ) -> tuple[_LazyEnv, Masks, dict[str, np.ndarray], Masks]:
    """Visibility, expression values and points of every item, in order (show_if sees earlier ones).

    ``visible[i]`` is None for an item always shown; expression values are made only for names
    some expression uses. Numeric answers are NaN wherever not answered, so a likert item's
    values serve as its points without a copy."""
    env = _LazyEnv(instrument, n)
    ctx, aud, stg = meta
    env["context"], env["audience"], env["stage"] = ctx, aud, stg
    stage_index = _stage_index(stg)
    used = instrument.expression_names
    visible: Masks = {}
    points: dict[str, np.ndarray] = {}
    answered: Masks = {}
    for iid, info in instrument.items.items():
        col, kind = columns[iid], item_type(info.spec)
        shown = None if info.show_if is None else ex.truthy_vector(ex.eval_vector(info.show_if, env, n))
        if info.stage and stage_index is not None:  # asked only from its stage on (revision 2)
            reached = stage_index >= info.stage
            shown = reached if shown is None else shown & reached
        visible[iid] = shown
        ans = col.answered_within(shown)
        answered[iid] = ans
        if iid in used:
            env[iid] = kind.column_value(info, info.spec, col, ans, n)
        points[iid] = kind.column_points(info, info.spec, col, ans, n) if info.scored else np.full(n, np.nan)
    return env, visible, points, answered


def _evaluate(instrument: Instrument, columns: dict[str, Column], meta: Meta, frame: pd.DataFrame, n: int
              ) -> pd.DataFrame:
    env, visible, points, answered = _items(instrument, columns, meta, n)
    raised = _raised(instrument, columns, env, answered, n)
    out: dict[str, Any] = {"response_id": _response_ids(frame, n)}
    scored = {i for sc in instrument.scores for i in sc.items}
    # which responses each item gave points for: computed once, shared by every score (None: all
    # of them; integer points, 0 where not answered, come with their mask from _items)
    has = {i: answered[i] if points[i].dtype.kind in "iu" else ~np.isnan(points[i]) for i in scored}
    for score in instrument.scores:
        out[score.spec.id] = _score(instrument, score, visible, points, has, n)
    unverified = _unverified(instrument, columns, visible)
    verdict = _verdicts(instrument, out[instrument.band_score] if instrument.band_score is not None else None,
                        raised, unverified, n)
    out["verdict"] = pd.Series(verdict, dtype=object)  # object: no costly conversion to Arrow strings
    out["flags"] = pd.Series(_join_flags(instrument.flag_ids, raised, n), dtype=object)
    out["unverified"] = pd.Series(_join_flags(list(unverified), unverified, n), dtype=object)
    return pd.DataFrame(out, copy=False)


def _raised(instrument: Instrument, columns: dict[str, Column], env: _LazyEnv, answered: Masks, n: int
            ) -> dict[str, np.ndarray]:
    """Which responses raise each item's flag and each rule."""
    raised: dict[str, np.ndarray] = {}
    for iid, info in instrument.items.items():
        if info.flag is not None:
            col = columns[iid]
            env["value"] = env[iid] if iid in env else \
                item_type(info.spec).column_value(info, info.spec, col, answered[iid], n)
            raised[iid] = col.within(answered[iid]) & ex.truthy_vector(ex.eval_vector(info.flag, env, n))
    env.pop("value", None)
    for rule, tree in instrument.rules:
        raised[rule.id] = ex.truthy_vector(ex.eval_vector(tree, env, n))
    return raised


def _unverified(instrument: Instrument, columns: dict[str, Column], visible: Masks) -> dict[str, np.ndarray]:
    """Shown critical-capable items answered unsure or left unanswered (revision 2)."""
    unverified: dict[str, np.ndarray] = {}
    for iid, info in instrument.items.items():
        col, shown = columns[iid], visible[iid]
        if info.critical and not col.complete:
            open_ = ~col.answered
            unverified[iid] = open_ if shown is None else open_ & shown
    return unverified


def _verdicts(instrument: Instrument, banded: np.ndarray | None, raised: dict[str, np.ndarray],
              unverified: dict[str, np.ndarray], n: int) -> np.ndarray:
    """Each response's verdict: critical, unverified, the (capped) band, incomplete, or None."""
    severities: dict[str, np.ndarray] = {}
    for fid, mask in raised.items():
        severity = instrument.severity[fid]
        severities[severity] = severities[severity] | mask if severity in severities else mask
    verdict = np.full(n, None, dtype=object)
    if banded is not None:
        verdict[np.isnan(banded)] = "incomplete"
        position = _band_positions(instrument, banded, severities, n)
        band_ids = np.array([b.id for b in instrument.spec.bands], dtype=object)
        placed = position >= 0
        verdict[placed] = band_ids[position[placed]]
    any_unverified = np.zeros(n, bool)
    for mask in unverified.values():
        any_unverified |= mask
    verdict[any_unverified] = "unverified"
    if "critical" in severities:
        verdict[severities["critical"]] = "critical"
    return verdict


def _band_positions(instrument: Instrument, banded: np.ndarray, severities: dict[str, np.ndarray], n: int
                    ) -> np.ndarray:
    """Each response's band as an index into the bands (-1 where the score is null), caps applied."""
    position = np.full(n, -1, dtype=np.int64)
    unset = ~np.isnan(banded)
    for k, band in enumerate(instrument.spec.bands):
        hit = unset & (banded >= band.min - 1e-9)
        position[hit] = k
        unset &= ~hit
    for severity, cap in instrument.caps.items():  # a raised flag lowers the band to at most its cap
        if severity in severities:
            position = np.where(severities[severity] & (position >= 0) & (position < cap), cap, position)
    return position


# --------------------------------------------------------------------------- scores
#
# Sums are taken item after item, in the order engine.py adds them, so results are identical.
# Weights (revision 2) multiply each item's points; an item of weight 1 is added as it is (a
# product with 1.0 is exact, so both engines still agree to the bit).


def _score(instrument: Instrument, score: ScoreInfo, visible: Masks, points: dict[str, np.ndarray],
           has: Masks, n: int) -> np.ndarray:
    """One score per response, NaN where null."""
    method = score.spec.method
    weights = [instrument.items[i].weight for i in score.items]
    infos = [instrument.items[i] for i in score.items]
    item_points = [points[i] for i in score.items]
    masks = [has[i] for i in score.items]
    # every item's points whole numbers (0 where not answered) and unweighted: added as integers.
    # Each partial sum is then exact, as each of engine.py's float additions of whole numbers is,
    # so the results are the same to the bit.
    weighted = any(w != 1.0 for w in weights)
    if not weighted and method != "mean_percent" and all(p.dtype.kind in "iu" for p in item_points):
        sums = _whole_sums(infos, item_points, masks, method == "percent", n)
    else:
        sums = _float_sums(infos, item_points, masks, weights, method, weighted, n)
    got = _count(masks, n)
    value = _score_value(method, sums, got)
    null = _too_few(score, visible, got, n)
    if np.ndim(null) == 0:
        if null:
            value[:] = np.nan
    else:
        value[null] = np.nan
    return value


class _Sums:
    """A score's running sums per response: the points, and (as a method needs them) the
    answered items' weights and their least and most points."""

    def __init__(self, total: np.ndarray, wsum: np.ndarray | None = None, low: np.ndarray | None = None,
                 high: np.ndarray | None = None):
        self.total, self.wsum, self.low, self.high = total, wsum, low, high


def _whole_sums(infos: list[ItemInfo], item_points: list[np.ndarray], masks: list[np.ndarray | None],
                percent: bool, n: int) -> _Sums:
    itotal = np.zeros(n, dtype=np.int64 if any(p.dtype.itemsize > 2 for p in item_points) else np.int32)
    low = np.zeros(n) if percent else None
    high = np.zeros(n) if percent else None
    for info, p, answered in zip(infos, item_points, masks, strict=True):
        np.add(itotal, p, out=itotal)
        if low is not None and high is not None:
            pmin, pmax = _range(info)
            where: Any = answered if answered is not None else True
            np.add(low, pmin, out=low, where=where)
            np.add(high, pmax, out=high, where=where)
    return _Sums(itotal, None, low, high)


def _float_sums(infos: list[ItemInfo], item_points: list[np.ndarray], masks: list[np.ndarray | None],
                weights: list[float], method: str, weighted: bool, n: int) -> _Sums:
    mean_percent = method == "mean_percent"
    total = np.zeros(n)
    # the denominator of a weighted mean or of mean_percent: the answered items' weights
    wsum = np.zeros(n) if (mean_percent or (weighted and method == "mean")) else None
    low = np.zeros(n) if method == "percent" else None
    high = np.zeros(n) if method == "percent" else None
    for info, p, answered, w in zip(infos, item_points, masks, weights, strict=True):
        pmin, pmax = _range(info)
        term: np.ndarray | None
        if mean_percent:
            # an item whose points cannot vary counts as answered, but adds nothing to either side
            term = w * (p - pmin) / (pmax - pmin) if pmax > pmin else None
        else:
            term = p if w == 1.0 else w * p
        where: Any = answered if answered is not None else True  # every response: plain in-place additions
        if term is not None:
            if answered is None:
                np.add(total, term, out=total, casting="unsafe")
            else:
                np.add(total, term, out=total, where=where)
            if wsum is not None:
                np.add(wsum, w, out=wsum, where=where)
        if low is not None and high is not None:
            np.add(low, w * pmin, out=low, where=where)
            np.add(high, w * pmax, out=high, where=where)
    return _Sums(total, wsum, low, high)


def _range(info: ItemInfo) -> tuple[float, float]:
    assert info.pmin is not None and info.pmax is not None  # a score's items give points
    return info.pmin, info.pmax


def _count(masks: list[np.ndarray | None], n: int) -> np.ndarray | int:
    """How many of the items gave points, per response (a number when every response is alike)."""
    always = sum(1 for m in masks if m is None)
    got: np.ndarray | None = None
    for answered in masks:
        if answered is not None:
            if got is None:
                got = np.zeros(n, dtype=np.int16)
            got += answered
    if got is None:
        return always
    if always:
        got += always
    return got


def _score_value(method: str, sums: _Sums, got: np.ndarray | int) -> np.ndarray:
    with np.errstate(all="ignore"):
        if method == "mean":
            return np.asarray(sums.total / (sums.wsum if sums.wsum is not None else got))
        if method == "sum":
            return sums.total.astype(float)
        if method == "mean_percent":
            wsum = sums.wsum
            assert wsum is not None
            return np.where(wsum == 0, np.nan, sums.total / np.where(wsum == 0, 1, wsum) * 100.0)
        assert sums.low is not None and sums.high is not None
        span = sums.high - sums.low
        return np.where(span == 0, np.nan, (sums.total - sums.low) / np.where(span == 0, 1, span) * 100.0)


def _too_few(score: ScoreInfo, visible: Masks, got: np.ndarray | int, n: int) -> np.ndarray | bool:
    """Where the score is null: too few of its shown items gave points (``min_answered``)."""
    always = sum(1 for i in score.items if visible[i] is None)
    if always == len(score.items):  # every item shown to every response: the threshold is one whole number
        return np.asarray(got < max(1, math.ceil(score.spec.min_answered * always - 1e-9)))  # (got < ceil(x))
    shown = np.zeros(n, dtype=np.int16)
    for i in score.items:
        mask = visible[i]
        if mask is not None:
            shown += mask
    shown += always
    return (shown == 0) | (got == 0) | (got < score.spec.min_answered * shown - 1e-9)


def _join_flags(flag_ids: Sequence[str], raised: dict[str, np.ndarray], n: int) -> np.ndarray:
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


def _response_ids(frame: pd.DataFrame, n: int) -> pd.Series | np.ndarray:
    if "response_id" in frame.columns:
        return pd.Series(frame["response_id"].to_numpy(dtype=object), dtype=object)
    return np.arange(1, n + 1)  # the row number, counting from 1
