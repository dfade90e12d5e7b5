"""The researcher dashboard's figures, computed from the store (in SQL, or on whole columns of
one query's result). No Streamlit here, so the same functions serve tests and benchmarks."""

from __future__ import annotations

from urllib.parse import parse_qs, quote, urlencode

import numpy as np
import pandas as pd

from .aggregate import cronbach_alpha, from_stats, sufficient_stats, with_reliability
from .instrument import Instrument
from .plaintext import clean
from .store import Store, Study

NONE = "(no provider)"
MAX_PROVIDER = 80  # the store's column


def participant_link(study_code: str, provider: str | None = None) -> str:
    """The query part of a participant link, every value URL-encoded (``+`` read as a space,
    ``&`` or ``#`` in a code would otherwise change the link)."""
    query = {"study": study_code} | ({"p": provider} if provider else {})
    return "?" + urlencode(query, quote_via=quote, safe="")


def bad_provider_codes(codes) -> list[str]:
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


def provider_means(vectors, study: Study, inst: Instrument) -> pd.DataFrame:
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


def alphas(vectors, study: Study, inst: Instrument) -> pd.DataFrame:
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


def likert_shares(vectors, study: Study, inst: Instrument) -> pd.DataFrame:
    """Per likert item, the share of each scale point among its answers (unsure and unanswered
    left out): answers are the points turned back where an item is reverse keyed."""
    _, _, points = vectors
    out = []
    for k, (iid, info) in enumerate(inst.items.items()):
        if info.spec.type != "likert":
            continue
        column = points[:, k]
        column = column[~np.isnan(column)]
        if info.spec.reverse:
            column = info.pmin + info.pmax - column
        if len(column) < study.min_group:
            continue
        values, counts = np.unique(column, return_counts=True)
        out += [{"item": iid, "value": v, "share": c / len(column), "n": len(column)}
                for v, c in zip(values, counts, strict=True)]
    return pd.DataFrame(out, columns=["item", "value", "share", "n"])


def distribution(vectors, inst: Instrument, score_id: str, bins: int = 20) -> pd.DataFrame:
    """A histogram of one score as counts per bin (what is drawn, not every value)."""
    _, scores, _ = vectors
    column = scores[:, inst.score_ids.index(score_id)]
    column = column[~np.isnan(column)]
    if not len(column):
        return pd.DataFrame(columns=["low", "high", "n"])
    counts, edges = np.histogram(column, bins=bins)
    return pd.DataFrame({"low": edges[:-1], "high": edges[1:], "n": counts})


def flag_shares(store: Store, study: Study, inst: Instrument, content_hash: str, total: int) -> pd.DataFrame:
    counts = store.flag_counts(study.id, inst.id, content_hash)
    counts["share"] = counts["n"] / max(total, 1)
    counts["severity"] = counts["flag_id"].map(inst.severity)
    return counts.sort_values("n", ascending=False)
