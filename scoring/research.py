"""The researcher dashboard's figures, computed from the store (in SQL, or on whole columns of
one query's result). No Streamlit here, so the same functions serve tests and benchmarks."""

from __future__ import annotations

import pandas as pd

from .aggregate import cronbach_alpha, from_stats
from .instrument import Instrument
from .store import Store, Study

NONE = "(no provider)"


def provider_means(store: Store, study: Study, inst: Instrument, content_hash: str) -> pd.DataFrame:
    stats = store.score_stats(study.id, inst.id, content_hash)
    sizes = store.group_sizes(study.id, inst.id, content_hash)
    stats["provider"] = stats["provider"].fillna(NONE)
    sizes["provider"] = sizes["provider"].fillna(NONE)
    return from_stats(stats.rename(columns={"provider": "group"}), dict(zip(sizes["provider"], sizes["n"],
                      strict=True)), study.min_group, inst.score_ids)


def alphas(store: Store, study: Study, inst: Instrument, content_hash: str) -> pd.DataFrame:
    scored = [s for s in inst.scores if s.spec.method in ("mean", "sum")]
    items = sorted({i for s in scored for i in s.items})
    matrix = store.points_matrix(study.id, inst.id, content_hash, items) if items else pd.DataFrame()
    rows = []
    for s in scored:
        alpha, n = cronbach_alpha(matrix[s.items]) if not matrix.empty else (float("nan"), 0)
        rows.append({"score": s.spec.id, "items": len(s.items), "n": n,
                     "alpha": alpha if n >= study.min_group else float("nan")})
    return pd.DataFrame(rows, columns=["score", "items", "n", "alpha"])


def likert_shares(store: Store, study: Study, inst: Instrument, content_hash: str, lang: str) -> pd.DataFrame:
    """Per likert item, the share of each scale point among its answers (unsure left out)."""
    likert = [i for i, f in inst.items.items() if f.spec.type == "likert"]
    if not likert:
        return pd.DataFrame(columns=["item", "value", "share", "n"])
    counts = store.answer_counts(study.id, inst.id, content_hash, likert)
    counts = counts[counts["answer"].notna() & (counts["answer"] != "unsure")].copy()
    counts["value"] = pd.to_numeric(counts["answer"], errors="coerce")
    totals = counts.groupby("item_id")["n"].transform("sum")
    counts["share"] = counts["n"] / totals
    counts["item"] = counts["item_id"]
    counts["n_item"] = totals
    keep = counts[counts["n_item"] >= study.min_group]
    return keep[["item", "value", "share", "n_item"]].rename(columns={"n_item": "n"}).sort_values(["item", "value"])


def flag_shares(store: Store, study: Study, inst: Instrument, content_hash: str, total: int) -> pd.DataFrame:
    counts = store.flag_counts(study.id, inst.id, content_hash)
    counts["share"] = counts["n"] / max(total, 1)
    counts["severity"] = counts["flag_id"].map(inst.severity)
    return counts.sort_values("n", ascending=False)
