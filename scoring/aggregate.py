"""Aggregates that protect small groups, and Cronbach's alpha.

Suppression (the contract's rule): a group with fewer than K responses never appears by name.
Such groups are pooled into one row ``other`` when together they reach K; where they do not, the
next-smallest named groups are pooled in too until they do (complementary suppression), so that
no hidden group can be worked out by subtracting visible rows from ``all``. When the whole data
set is smaller than K, every row's statistics are withheld and only its count is shown.

Everything works from sufficient statistics (n, sum, sum of squares per group and score), so
the same rule applies to figures computed in SQL and to a DataFrame from a CSV file.
"""

from __future__ import annotations

from collections.abc import Hashable, Iterable, Mapping
from typing import TypeVar

import numpy as np
import pandas as pd
from numpy.typing import ArrayLike

from . import icc as iccs
from .frame import score_frame
from .instrument import Instrument

ALL, OTHER = "all", "other"
NO_GROUP = {"(none)", "(no provider)", ""}  # responses without a provider: in no provider's figures
TOO_FEW = "too few responses to compare"

_G = TypeVar("_G", bound=Hashable)  # a group: a provider code, a flag, a scale point


def plan_groups(sizes: Mapping[_G, int], min_group: int) -> dict[_G, _G | str]:
    """Map each group to the row it is shown in: its own name, or 'other'."""
    order = sorted(sizes, key=lambda g: (sizes[g], str(g)))
    pooled = [g for g in order if sizes[g] < min_group]
    if pooled:
        named = [g for g in order if g not in pooled]
        while sum(sizes[g] for g in pooled) < min_group and named:
            pooled.append(named.pop(0))  # complementary: the next-smallest named group
    return {g: (OTHER if g in pooled else g) for g in sizes}


def from_stats(stats: pd.DataFrame, sizes: Mapping[str, int], min_group: int, score_ids: list[str]) -> pd.DataFrame:
    """Rows ``group, n, S_mean, S_sd, S_ci_low, S_ci_high`` from per-group sufficient statistics.

    ``stats``: columns group, score_id, n, sum, sumsq (one row per group and score).
    ``sizes``: responses per group (the suppression rule counts responses, not answered scores).
    """
    mapping = plan_groups(sizes, min_group)
    rows_order = [g for g in sorted({v for v in mapping.values() if v != OTHER}, key=str)]
    if OTHER in mapping.values():
        rows_order.append(OTHER)
    shown_n = {r: sum(sizes[g] for g, to in mapping.items() if to == r) for r in rows_order}
    total = sum(sizes.values())
    stats = stats.copy()
    stats["row"] = stats["group"].map(mapping)
    pooled = _sums(stats.groupby(["row", "score_id"], dropna=False)[["n", "sum", "sumsq"]].sum())
    everything = _sums(stats.groupby("score_id")[["n", "sum", "sumsq"]].sum())
    out = []
    for row in rows_order + [ALL]:
        n_row = total if row == ALL else shown_n[row]
        record: dict[str, object] = {"group": row, "n": int(n_row)}
        withheld = total < min_group or n_row < min_group
        for sid in score_ids:
            part = everything.get(sid) if row == ALL else pooled.get((row, sid))
            record.update(_describe(sid, part, withheld))
        out.append(record)
    columns = ["group", "n"] + [f"{s}_{k}" for s in score_ids for k in ("mean", "sd", "ci_low", "ci_high")]
    return pd.DataFrame(out, columns=columns)


def _sums(frame: pd.DataFrame) -> dict[Hashable, tuple[float, float, float]]:
    """index -> (n, sum, sum of squares), from a frame with those three columns."""
    return {key: (float(n), float(s), float(ss)) for key, n, s, ss in frame.itertuples(name=None)}


def _describe(sid: str, part: tuple[float, float, float] | None, withheld: bool) -> dict[str, float]:
    keys = [f"{sid}_{k}" for k in ("mean", "sd", "ci_low", "ci_high")]
    if part is None or withheld or part[0] == 0:
        return dict.fromkeys(keys, np.nan)
    n, s, ss = part
    mean = s / n
    if n < 2:
        return dict(zip(keys, (mean, np.nan, np.nan, np.nan), strict=True))
    var = max((ss - n * mean * mean) / (n - 1), 0.0)
    sd = var ** 0.5
    from scipy import stats as sps  # here: importing SciPy adds 55 MB, which reliability never needs

    half = sps.t.ppf(0.975, n - 1) * sd / n ** 0.5
    return dict(zip(keys, (mean, sd, mean - half, mean + half), strict=True))


def with_reliability(table: pd.DataFrame, scores: pd.DataFrame, groups: ArrayLike | pd.Series | None,
                     score_ids: list[str]) -> pd.DataFrame:
    """``table`` (from ``from_stats``) with, per score, ``S_reliability`` (Spearman–Brown reliability
    of each named provider's mean) and ``S_shrunken`` (its empirical-Bayes mean), and ``note``
    saying "too few responses to compare" for a provider whose mean reliability is below 0.7 on
    any score. The provider ICC(1) of each score is in ``table.attrs["icc"]`` (None when not
    computed). The ICC rests on every response with a provider, as the 'all' row does; nothing is
    added to a pooled or withheld row, so nothing from a hidden group appears by name."""
    labels = pd.Series(groups, dtype=object).reset_index(drop=True) if groups is not None else None
    per_score: dict[str, iccs.GroupStats] = {}
    if labels is not None:
        labels = labels.map(lambda g: None if g is None or (isinstance(g, float) and np.isnan(g))
                            or str(g) in NO_GROUP else str(g))
        for sid in score_ids:
            values = scores[sid].astype(float).reset_index(drop=True)
            has = labels.notna() & values.notna()
            per_score[sid] = iccs.GroupStats.of(values[has].to_numpy(), labels[has].to_numpy())
    return reliability_from_stats(table, per_score if labels is not None else None, score_ids)


def reliability_from_stats(table: pd.DataFrame, per_score: Mapping[str, iccs.GroupStats] | None,
                           score_ids: list[str]) -> pd.DataFrame:
    """``with_reliability`` from per-provider sufficient statistics (``icc.GroupStats`` per score,
    over the responses with a provider and that score; None: no provider column)."""
    out = table.copy()
    shown = out["group"].astype(str)
    named = ~shown.isin([ALL, OTHER])
    low = pd.Series(False, index=out.index)
    fits: dict[str, iccs.ICC | None] = {}
    for sid in score_ids:
        rel = pd.Series(np.nan, index=out.index)
        shrunk = pd.Series(np.nan, index=out.index)
        fit = None
        visible = out.loc[shown == ALL, f"{sid}_mean"].notna().any()
        st = per_score[sid] if per_score is not None and visible else None
        if st is not None:
            fit = iccs.provider_icc(st)
        if st is not None and fit is not None:
            counts = pd.Series(st.sizes, index=st.labels)
            rows = named & out[f"{sid}_mean"].notna() & shown.isin(counts.index)
            k = shown[rows].map(counts).astype(float)
            rel[rows] = iccs.spearman_brown(fit.rho, k.to_numpy())
            shrunk[rows] = iccs.shrunken(out.loc[rows, f"{sid}_mean"].to_numpy(), k.to_numpy(), fit)
            low |= rows & (rel < iccs.COMPARE_AT)
        fits[sid] = fit
        out[f"{sid}_reliability"], out[f"{sid}_shrunken"] = rel, shrunk
    out["note"] = np.where(low, TOO_FEW, "")
    order = ["group", "n"] + [f"{s}_{k}" for s in score_ids
                              for k in ("mean", "sd", "ci_low", "ci_high", "reliability", "shrunken")] + ["note"]
    out = out[order]
    out.attrs["icc"] = fits
    return out


def sufficient_stats(scores: pd.DataFrame, groups: pd.Series | None, score_ids: list[str]
                     ) -> tuple[pd.DataFrame, dict[str, int]]:
    """Per-group n, sum and sum of squares of each score, on whole columns."""
    frame = scores[score_ids].astype(float).copy()
    frame["group"] = groups.fillna("(none)").astype(str).to_numpy() if groups is not None else ALL
    sizes = {str(g): int(n) for g, n in frame.groupby("group").size().items()}
    long = frame.melt(id_vars="group", var_name="score_id", value_name="v").dropna(subset=["v"])
    long["v2"] = long["v"] ** 2
    agg = long.groupby(["group", "score_id"]).agg(n=("v", "size"), sum=("v", "sum"), sumsq=("v2", "sum"))
    return agg.reset_index(), sizes


def aggregate(instrument: Instrument, answers: pd.DataFrame, by: str | None = None, min_group: int = 11,
              context: str = "unknown", audience: str = "research", kind: str = "frame",
              stage: str = "after_session") -> pd.DataFrame:
    """The contract's ``aggregate``: score ``answers`` and summarise per group of column ``by``."""
    return aggregate_batches(instrument, [(0, answers)], by, min_group, context, audience, kind, stage)


def aggregate_batches(instrument: Instrument, batches: Iterable[tuple[int, pd.DataFrame]], by: str | None = None,
                      min_group: int = 11,
                      context: str = "unknown", audience: str = "research", kind: str = "frame",
                      stage: str = "after_session") -> pd.DataFrame:
    """``aggregate`` over ``batches`` of one file ((rows before it, frame) each, as
    ``batches.plain_csv_batches`` gives them): sufficient statistics are added up batch by batch;
    with ``by``, each response's scores and group are kept (a few numbers a response) for the
    provider ICC."""
    from .batches import each_batch

    ids = instrument.score_ids

    def work(frame: pd.DataFrame, offset: int
             ) -> tuple[tuple[pd.DataFrame, dict[str, int]], pd.DataFrame | None, pd.Series | None]:
        if by is not None and by not in frame.columns:
            raise ValueError(f"there is no column '{by}' to group by (columns: {', '.join(map(str, frame.columns))})")
        scores = score_frame(instrument, frame, context=context, audience=audience, stage=stage, kind=kind,
                             row_offset=offset)
        groups = frame[by].reset_index(drop=True).astype(object).map(
            lambda v: None if v is None or v == "" else v) if by else None
        return sufficient_stats(scores, groups, ids), (scores[ids] if by else None), groups

    parts: list[pd.DataFrame] = []
    sizes: dict[str, int] = {}
    kept: list[pd.DataFrame] = []
    labels: list[pd.Series] = []
    for (stats, counts), scores, groups in each_batch(batches, work):
        parts.append(stats)
        for g, k in counts.items():
            sizes[g] = sizes.get(g, 0) + k
        if by:
            kept.append(scores)
            labels.append(groups)
    stats = pd.concat(parts, ignore_index=True).groupby(["group", "score_id"], as_index=False)[
        ["n", "sum", "sumsq"]].sum() if len(parts) > 1 else parts[0]
    if by is None:
        return from_stats(stats, sizes, min_group, ids).tail(1).reset_index(drop=True)  # the 'all' row, once
    scores = pd.concat(kept, ignore_index=True) if len(kept) > 1 else kept[0]
    groups = pd.concat(labels, ignore_index=True) if len(labels) > 1 else labels[0]
    return with_reliability(from_stats(stats, sizes, min_group, ids), scores, groups, ids)


class Moments:
    """Complete cases of k items added up batch by batch: n, and the sums and sums of squares of
    each item and of their total (alpha needs no more than the item variances and the variance
    of the total, which is the sum of the item covariances). Each is taken about the first
    complete case, a shift that keeps the sums small; sums of whole-number points are then exact
    and the same however the file is cut into batches, so splitting changes nothing. Written
    here because NumPy and pandas have no incremental variance; it is the textbook formula."""

    def __init__(self, k: int):
        self.n = 0
        self.shift: np.ndarray | None = None
        self.sums, self.squares = np.zeros(k + 1), np.zeros(k + 1)  # the items, then their total

    def add(self, rows: np.ndarray) -> Moments:
        if len(rows):
            if self.shift is None:
                self.shift = rows[0].copy()
            centred = rows - self.shift
            centred = np.column_stack([centred, centred.sum(axis=1)])
            self.n += len(rows)
            self.sums += centred.sum(axis=0)
            self.squares += np.einsum("ij,ij->j", centred, centred)
        return self

    def alpha(self) -> float:
        """k/(k-1) * (1 - sum of item variances / variance of the total); NaN below 2 items or cases."""
        k, n = len(self.sums) - 1, self.n
        if k < 2 or n < 2:
            return float("nan")
        var = (self.squares - self.sums * self.sums / n) / (n - 1)
        if var[-1] <= 0:
            return float("nan")
        return float(k / (k - 1) * (1 - var[:-1].sum() / var[-1]))


def cronbach_alpha(points: pd.DataFrame) -> tuple[float, int]:
    """Alpha over complete cases: k/(k-1) * (1 - sum of item variances / variance of the total)."""
    moments = Moments(points.shape[1]).add(points.dropna().to_numpy(dtype=float))
    return moments.alpha(), moments.n


def points_frame(instrument: Instrument, answers: pd.DataFrame, context: str = "unknown", audience: str = "research",
                 kind: str = "frame", stage: str = "after_session", row_offset: int = 0) -> pd.DataFrame:
    """Item points (reverse keying applied), one column per scored item, NaN where not answered."""
    from .frame import _evaluate_points  # the whole-column engine's own points

    return _evaluate_points(instrument, answers, context, audience, kind, stage, row_offset)


def reliability(instrument: Instrument, answers: pd.DataFrame, context: str = "unknown", audience: str = "research",
                kind: str = "frame", stage: str = "after_session") -> pd.DataFrame:
    """The contract's ``reliability``: per mean or sum score, its items, n (complete cases), alpha
    (on unweighted points, as revision 2 says)."""
    return reliability_batches(instrument, [(0, answers)], context, audience, kind, stage)


def reliability_batches(instrument: Instrument, batches: Iterable[tuple[int, pd.DataFrame]], context: str = "unknown",
                        audience: str = "research", kind: str = "frame", stage: str = "after_session"
                        ) -> pd.DataFrame:
    """``reliability`` over ``batches`` of one file: each score's complete cases added up batch by
    batch (``Moments``)."""
    from .batches import each_batch

    scores = [s for s in instrument.scores if s.spec.method in ("mean", "sum")]
    moments = {s.spec.id: Moments(len(s.items)) for s in scores}

    def work(frame: pd.DataFrame, offset: int) -> pd.DataFrame:
        return points_frame(instrument, frame, context, audience, kind, stage, offset)

    for points in each_batch(batches, work):
        for score in scores:
            moments[score.spec.id].add(points[score.items].dropna().to_numpy(dtype=float))
    rows = [{"score": s.spec.id, "items": ";".join(s.items), "n": moments[s.spec.id].n,
             "cronbach_alpha": moments[s.spec.id].alpha()} for s in scores]
    return pd.DataFrame(rows, columns=["score", "items", "n", "cronbach_alpha"])
