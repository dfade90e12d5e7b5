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
from collections.abc import Iterable
from urllib.parse import parse_qs, quote, urlencode

import numpy as np
import pandas as pd

from .aggregate import OTHER, cronbach_alpha, from_stats, plan_groups, sufficient_stats, with_reliability
from .instrument import Instrument
from .plaintext import clean
from .store import Store, Study

# (providers, scores, points) of one instrument version's responses, as Store.vectors gives them
Vectors = tuple[np.ndarray, np.ndarray, np.ndarray]

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


def provider_means(vectors: Vectors, study: Study, inst: Instrument) -> pd.DataFrame:
    """Per-provider means and intervals under the suppression rule, on whole columns, with each
    provider mean's reliability and shrunken mean (the ICCs in ``.attrs["icc"]``)."""
    providers, scores, _ = vectors
    frame = pd.DataFrame(scores, columns=inst.score_ids)
    stats, sizes = sufficient_stats(frame, pd.Series(providers, dtype=object).fillna(NONE), inst.score_ids)
    return with_reliability(from_stats(stats, sizes, study.min_group, inst.score_ids), frame, providers,
                            inst.score_ids)


def icc_table(means: pd.DataFrame, labels: dict) -> pd.DataFrame:
    """One row per score: the provider ICC(1) and its 95 % interval (rows only where computed)."""
    rows = [{"score": labels.get(sid, sid), "icc": fit.icc, "ci_low": fit.low, "ci_high": fit.high,
             "providers": fit.groups, "n": fit.n} for sid, fit in means.attrs.get("icc", {}).items() if fit]
    return pd.DataFrame(rows, columns=["score", "icc", "ci_low", "ci_high", "providers", "n"])


def alphas(vectors: Vectors, study: Study, inst: Instrument) -> pd.DataFrame:
    """Cronbach's alpha per mean or sum score over complete cases (withheld below the minimum)."""
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


def likert_shares(vectors: Vectors, study: Study, inst: Instrument) -> pd.DataFrame:
    """Per likert item, the share of each scale point among its answers (unsure and unanswered
    left out): answers are the points turned back where an item is reverse keyed."""
    _, _, points = vectors
    out = []
    for k, (iid, info) in enumerate(inst.items.items()):
        if info.spec.type != "likert":
            continue
        column = points[:, k]
        column = column[~np.isnan(column)]
        if info.spec.reverse and info.pmin is not None and info.pmax is not None:  # a scored likert item
            column = info.pmin + info.pmax - column
        if len(column) < study.min_group:
            continue
        values, counts = np.unique(column, return_counts=True)
        # a scale point chosen fewer than K times is not drawn (with the next-smallest where needed,
        # so it cannot be worked out from the others): else a flag on a rating could be read off here
        shown = plan_groups(dict(zip(values.tolist(), counts.tolist(), strict=True)), study.min_group)
        out += [{"item": iid, "value": v, "share": c / len(column), "n": len(column)}
                for v, c in zip(values, counts, strict=True) if shown[v] != OTHER]
    return pd.DataFrame(out, columns=["item", "value", "share", "n"])


def distribution(vectors: Vectors, inst: Instrument, score_id: str, bins: int = 20) -> pd.DataFrame:
    """A histogram of one score as counts per bin (what is drawn, not every value)."""
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


def suppress_flags(counts: pd.DataFrame, k: int, total: int, severity: dict) -> pd.DataFrame:
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
    # spans is indexed 0, 1, ... by batch, so a batch number is also its row
    period = [f"{low}/{high}" for low, high in zip(spans["min"].to_numpy()[batch], spans["max"].to_numpy()[batch],
                                                    strict=True)]
    frame.insert(list(frame.columns).index("language") + 1, "period", period)
    frame["response_id"] = [secrets.token_hex(16) for _ in range(len(frame))]
    order = list(range(len(frame)))
    secrets.SystemRandom().shuffle(order)  # not submission order
    return frame.iloc[order].reset_index(drop=True)
