"""The researcher dashboard's figures, computed from the store (in SQL, or on whole columns of
one query's result). No Streamlit here, so the same functions serve tests and benchmarks.

Re-identification rules (the threat model is in the README's research section): every figure and
export is read from a snapshot of the first ``n`` responses of an instrument version, ``n`` the
largest multiple of the study's minimum group size K (``Store.snapshot``), so two views differ by
at least K responses; flag counts and answer shares below K are suppressed like small groups, with
complementary suppression; exports carry a fresh random id per row, in random order, and the
period of the row's batch of K instead of its date."""

from __future__ import annotations

import secrets
from collections.abc import Iterable, Mapping
from typing import Any, Literal, overload
from urllib.parse import parse_qs, quote, urlencode

import numpy as np
import pandas as pd

from .aggregate import (
    NO_GROUP,
    OTHER,
    Moments,
    cronbach_alpha,
    from_stats,
    plan_groups,
    reliability_from_stats,
    sufficient_stats,
    with_reliability,
)
from .icc import GroupStats
from .instrument import Instrument, ItemInfo
from .items import plugin as item_type
from .plaintext import clean
from .store import Store, Study, Sums

Totals = dict[str, Sums]  # the running totals (Store.tally)
Vectors = tuple[np.ndarray, np.ndarray, np.ndarray]  # providers, scores, points (Store.vectors)

NONE = "(no provider)"
MAX_PROVIDER = 80  # the store's column


def participant_link(study_code: str, provider: str | None = None) -> str:
    """The query part of a participant link, every value URL-encoded (``+`` read as a space,
    ``&`` or ``#`` in a code would otherwise change the link)."""
    query = {"study": study_code} | ({"p": provider} if provider else {})
    return "?" + urlencode(query, quote_via=quote, safe="")


def bad_provider_codes(codes: Iterable[str]) -> list[str]:
    """The provider codes that cannot be used: longer than the store keeps, holding invisible or
    control characters or spaces at either end, or not read back from a link as they are."""
    bad = []
    for code in codes:
        try:
            back = parse_qs(participant_link("x", code)[1:], keep_blank_values=True).get("p")
        except UnicodeError:
            back = None
        if len(code) > MAX_PROVIDER or code != clean(code).strip() or back != [code]:
            bad.append(code)
    return bad


# Each figure below is computed from either of two inputs, with the same rules:
# - a dict of running totals (``Store.tally``: key -> [n, sum, sum of squares], the keys are
#   described in ``store.tally_increments``), which is what the dashboard reads: a few hundred rows
#   whatever the number of responses;
# - the vectors of every response (``Store.vectors``: providers, scores, points), the DataFrame
#   path the tests hold the totals to.


@overload
def _split(counts: Totals, prefix: str, parts: Literal[1]) -> list[tuple[str, Sums]]: ...
@overload
def _split(counts: Totals, prefix: str, parts: Literal[2] = 2) -> list[tuple[str, str, Sums]]: ...
def _split(counts: Totals, prefix: str, parts: int = 2) -> list[tuple[Any, ...]]:
    """The totals under ``prefix``: (the key's ``parts`` fields after the prefix..., the totals)."""
    return [(*key.split("|", parts)[1:], value) for key, value in counts.items() if key.startswith(prefix + "|")]


def provider_means(vectors: Totals | Vectors, study: Study, inst: Instrument) -> pd.DataFrame:
    """Per-provider means and intervals under the suppression rule, on whole columns, with each
    provider mean's reliability and shrunken mean (the ICCs in ``.attrs["icc"]``)."""
    if isinstance(vectors, dict):
        return _provider_means_from_totals(vectors, study, inst)
    providers, scores, _ = vectors
    frame = pd.DataFrame(scores, columns=inst.score_ids)
    stats, sizes = sufficient_stats(frame, pd.Series(providers, dtype=object).fillna(NONE), inst.score_ids)
    return with_reliability(from_stats(stats, sizes, study.min_group, inst.score_ids), frame, providers,
                            inst.score_ids)


def _provider_means_from_totals(counts: Totals, study: Study, inst: Instrument) -> pd.DataFrame:
    sizes = {g: int(v[0]) for g, v in _split(counts, "n", 1)}
    rows: list[dict[str, object]] = []
    per_score: dict[str, GroupStats] = {}
    parts: dict[str, list[tuple[str, float, float, float]]] = {}
    for i, g, (n, total, sq) in _split(counts, "s"):
        sid = inst.score_ids[int(i)]
        rows.append({"group": g, "score_id": sid, "n": int(n), "sum": total, "sumsq": sq})
        if g not in NO_GROUP:
            parts.setdefault(sid, []).append((g, n, total, sq))
    stats = pd.DataFrame(rows, columns=["group", "score_id", "n", "sum", "sumsq"])
    for sid in inst.score_ids:
        found = sorted(parts.get(sid, []))
        ns = np.array([p[1] for p in found], dtype=float)
        means = np.array([p[2] for p in found], dtype=float) / np.maximum(ns, 1)
        ssw = np.maximum(np.array([p[3] for p in found], dtype=float) - ns * means * means, 0.0)
        per_score[sid] = GroupStats([p[0] for p in found], ns, means, ssw)
    return reliability_from_stats(from_stats(stats, sizes, study.min_group, inst.score_ids), per_score,
                                  inst.score_ids)


def per_day(counts: Totals) -> pd.DataFrame:
    """Responses per date, from the running totals."""
    import datetime as dt

    days = sorted((dt.date.fromisoformat(d), int(v[0])) for d, v in _split(counts, "d", 1))
    return pd.DataFrame(days, columns=["date", "n"])


def icc_table(means: pd.DataFrame, labels: Mapping[str, str]) -> pd.DataFrame:
    """One row per score: the provider ICC(1) and its 95 % interval (rows only where computed)."""
    rows = [{"score": labels.get(sid, sid), "icc": fit.icc, "ci_low": fit.low, "ci_high": fit.high,
             "providers": fit.groups, "n": fit.n} for sid, fit in means.attrs.get("icc", {}).items() if fit]
    return pd.DataFrame(rows, columns=["score", "icc", "ci_low", "ci_high", "providers", "n"])


def alphas(vectors: Totals | Vectors, study: Study, inst: Instrument) -> pd.DataFrame:
    """Cronbach's alpha per mean or sum score over complete cases (withheld below the minimum)."""
    if isinstance(vectors, dict):
        rows = []
        for i, s in enumerate(inst.scores):
            if s.spec.method not in ("mean", "sum"):
                continue
            moments = Moments(len(s.items))
            moments.n = int(vectors.get(f"a|{i}", [0])[0])
            for j in range(len(s.items) + 1):
                _, moments.sums[j], moments.squares[j] = vectors.get(f"a|{i}|{j}", [0, 0.0, 0.0])
            alpha = moments.alpha()
            rows.append({"score": s.spec.id, "items": len(s.items), "n": moments.n,
                         "alpha": alpha if moments.n >= study.min_group else float("nan")})
        return pd.DataFrame(rows, columns=["score", "items", "n", "alpha"])
    _, _, points = vectors
    columns = {iid: k for k, iid in enumerate(inst.items)}
    rows = []
    for s in inst.scores:
        if s.spec.method not in ("mean", "sum"):
            continue
        alpha, n = cronbach_alpha(pd.DataFrame(points[:, [columns[i] for i in s.items]]))
        rows.append({"score": s.spec.id, "items": len(s.items), "n": n,
                     "alpha": alpha if n >= study.min_group else float("nan")})
    return pd.DataFrame(rows, columns=["score", "items", "n", "alpha"])


def likert_shares(vectors: Totals | Vectors, study: Study, inst: Instrument) -> pd.DataFrame:
    """Per likert item, the share of each scale point among its answers (unsure and unanswered
    left out): answers are the points turned back where an item is reverse keyed."""
    out: list[dict[str, object]] = []
    if isinstance(vectors, dict):
        given: dict[int, dict[float, int]] = {}
        for j, v, (n, _, _) in _split(vectors, "l"):
            given.setdefault(int(j), {})[float(v)] = int(n)
        for k, (iid, info) in enumerate(inst.items.items()):
            if not item_type(info.spec).points_from_scale or k not in given:
                continue
            counts = given[k]
            if item_type(info.spec).reverse_keyed(info.spec):
                counts = {_turned(info) - v: n for v, n in counts.items()}
            counts = dict(sorted(counts.items()))
            total = sum(counts.values())
            if total < study.min_group:
                continue
            shown = plan_groups(counts, study.min_group)
            out += [{"item": iid, "value": v, "share": c / total, "n": total}
                    for v, c in counts.items() if shown[v] != OTHER]
        return pd.DataFrame(out, columns=["item", "value", "share", "n"])
    _, _, points = vectors
    for k, (iid, info) in enumerate(inst.items.items()):
        if not item_type(info.spec).points_from_scale:
            continue
        column = points[:, k]
        column = column[~np.isnan(column)]
        if item_type(info.spec).reverse_keyed(info.spec):
            column = _turned(info) - column
        if len(column) < study.min_group:
            continue
        values, chosen = np.unique(column, return_counts=True)
        # a scale point chosen fewer than K times is not drawn (with the next-smallest where needed,
        # so it cannot be worked out from the others): else a flag on a rating could be read off here
        shown = plan_groups(dict(zip(values.tolist(), chosen.tolist(), strict=True)), study.min_group)
        out += [{"item": iid, "value": v, "share": c / len(column), "n": len(column)}
                for v, c in zip(values, chosen, strict=True) if shown[v] != OTHER]
    return pd.DataFrame(out, columns=["item", "value", "share", "n"])


def _turned(info: ItemInfo) -> float:
    """The sum of a likert item's lowest and highest points: that minus its points is the answer given,
    where it is reverse keyed."""
    if info.pmin is None or info.pmax is None:  # the loader refuses a likert item without scale points
        raise ValueError(f"likert item {info.id} has no scale points")
    return info.pmin + info.pmax


def distribution(vectors: Totals | Vectors, inst: Instrument, score_id: str, bins: int = 20) -> pd.DataFrame:
    """A histogram of one score as counts per bin (what is drawn, not every value)."""
    if isinstance(vectors, dict):
        i = inst.score_ids.index(score_id)
        found = sorted((float(v), int(c[0])) for k, v, c in _split(vectors, "h") if int(k) == i)
        if not found:
            return pd.DataFrame(columns=["low", "high", "n"])
        values, weights = np.array([f[0] for f in found]), np.array([f[1] for f in found])
        counts, edges = np.histogram(values, bins=bins, weights=weights)  # the same edges and bins as on rows
        return pd.DataFrame({"low": edges[:-1], "high": edges[1:], "n": counts.astype(np.int64)})
    _, scores, _ = vectors
    column = scores[:, inst.score_ids.index(score_id)]
    column = column[~np.isnan(column)]
    if not len(column):
        return pd.DataFrame(columns=["low", "high", "n"])
    counts, edges = np.histogram(column, bins=bins)
    return pd.DataFrame({"low": edges[:-1], "high": edges[1:], "n": counts})


def flag_shares(store: Store, study: Study, inst: Instrument, content_hash: str, total: int,
                upto: int | None = None) -> pd.DataFrame:
    """How often each flag was raised among the responses up to ``upto``. Flags raised fewer than K
    times are pooled into one row ``other`` (with the next-smallest flags until the pool reaches K,
    as small groups are), and that row is left out when even the pool stays below K."""
    counts = store.flag_counts(study.id, inst.id, content_hash, upto)
    return suppress_flags(counts, study.min_group, total, inst.severity)


def flag_shares_from(counts: Totals, study: Study, inst: Instrument, total: int) -> pd.DataFrame:
    """``flag_shares`` from the running totals."""
    found = pd.DataFrame([(f, int(v[0])) for f, v in _split(counts, "f", 1)], columns=["flag_id", "n"])
    return suppress_flags(found, study.min_group, total, inst.severity)


def suppress_flags(counts: pd.DataFrame, k: int, total: int, severity: Mapping[str, str]) -> pd.DataFrame:
    sizes = {str(f): int(n) for f, n in zip(counts["flag_id"], counts["n"], strict=True)}
    mapping = plan_groups(sizes, k)
    rows = [{"flag_id": f, "n": n} for f, n in sizes.items() if mapping[f] != OTHER]
    pooled = sum(n for f, n in sizes.items() if mapping[f] == OTHER)
    if pooled >= k:
        rows.append({"flag_id": OTHER, "n": pooled})
    out = pd.DataFrame(rows, columns=["flag_id", "n"])
    out["share"] = out["n"] / max(total, 1)
    out["severity"] = out["flag_id"].map(severity)
    return out.sort_values(["n", "flag_id"], ascending=[False, True]).reset_index(drop=True)


def export_frame(store: Store, study: Study, inst: Instrument, content_hash: str, upto: int,
                 include_text: bool = False) -> pd.DataFrame:
    """What a researcher downloads: the snapshot's rows (up to ``upto``), each with a fresh random
    ``response_id`` (never the submission key a participant's browser saw, and new in every
    export, so two exports cannot be joined row by row), in random order, with ``period`` (the
    first and last date of the row's batch of K responses) instead of its own date."""
    frame = store.export_frame(study.id, inst.id, content_hash, inst, include_text=include_text, upto=upto)
    if frame.empty:
        return frame
    batch = np.arange(len(frame)) // study.min_group  # stored order: batches of K, as the snapshots
    dates = frame.pop("date").astype(str)
    spans = dates.groupby(batch).agg(["min", "max"])
    period = (spans["min"] + "/" + spans["max"]).to_numpy()[batch].tolist()  # batch b is row b of spans
    frame.insert(list(frame.columns).index("language") + 1, "period", period)
    frame["response_id"] = [secrets.token_hex(16) for _ in range(len(frame))]
    order = list(range(len(frame)))
    secrets.SystemRandom().shuffle(order)  # not submission order
    return frame.iloc[order].reset_index(drop=True)
