"""Small-group suppression (including differencing), t intervals, Cronbach's alpha, and the
aggregate / reliability commands."""

import csv
import io

import numpy as np
import pandas as pd
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st
from scipy import stats as sps

from scoring import load_instrument
from scoring.__main__ import main
from scoring.aggregate import ALL, OTHER, aggregate, cronbach_alpha, from_stats, plan_groups, sufficient_stats
from tests.conftest import QUESTIONNAIRES

WA = QUESTIONNAIRES / "working-alliance.yaml"


def test_small_groups_pool_into_other():
    assert plan_groups({"A": 25, "B": 20, "C": 8, "D": 4, "E": 3}, 11) == {
        "A": "A", "B": "B", "C": OTHER, "D": OTHER, "E": OTHER}


def test_complementary_suppression_pools_the_next_smallest_named_group():
    mapping = plan_groups({"A": 30, "B": 12, "C": 5}, 11)
    assert mapping == {"A": "A", "B": OTHER, "C": OTHER}  # C alone (5) would be 'all' minus A minus B


def test_no_small_groups_means_no_other_row():
    assert plan_groups({"A": 11, "B": 40}, 11) == {"A": "A", "B": "B"}


def _frame(sizes, seed=0):
    rng = np.random.default_rng(seed)
    groups = [g for g, n in sizes.items() for _ in range(n)]
    return pd.DataFrame({"total": rng.normal(50, 10, len(groups))}), pd.Series(groups)


def test_everything_withheld_when_the_whole_set_is_small():
    scores, groups = _frame({"A": 3, "B": 4})
    stats, sizes = sufficient_stats(scores, groups, ["total"])
    out = from_stats(stats, sizes, 11, ["total"])
    assert list(out["group"]) == [OTHER, ALL] and list(out["n"]) == [7, 7]
    assert out["total_mean"].isna().all()


@settings(max_examples=200, deadline=None)
@given(st.dictionaries(st.sampled_from("ABCDEFGHIJ"), st.integers(1, 40), min_size=1, max_size=10),
       st.integers(5, 15))
def test_nothing_about_fewer_than_k_responses_can_be_read_or_subtracted(sizes, k):
    scores, groups = _frame(sizes)
    stats, counts = sufficient_stats(scores, groups, ["total"])
    out = from_stats(stats, counts, k, ["total"]).set_index("group")
    shown = out[out["total_mean"].notna()]
    # every visible figure rests on at least k responses
    assert (shown["n"] >= k).all()
    # no group smaller than k appears by name
    assert not [g for g, n in sizes.items() if n < k and g in out.index]
    # 'all' minus the named rows is exactly the 'other' row (or nothing): subtraction reveals
    # nothing that is not already shown as a pooled row of at least k
    named = out.drop(index=[ALL, OTHER], errors="ignore")
    rest = out.loc[ALL, "n"] - named["n"].sum()
    assert rest == (out.loc[OTHER, "n"] if OTHER in out.index else 0)
    if rest:
        assert rest >= k or out["total_mean"].isna().all()


def test_means_and_t_intervals_match_scipy():
    values = np.array([3.0, 4.5, 5.0, 2.5, 4.0, 3.5, 4.0, 5.0, 2.0, 4.5, 3.0, 4.0])
    stats, sizes = sufficient_stats(pd.DataFrame({"s": values}), pd.Series(["g"] * len(values)), ["s"])
    row = from_stats(stats, sizes, 5, ["s"]).set_index("group").loc["g"]
    low, high = sps.t.interval(0.95, len(values) - 1, loc=values.mean(), scale=sps.sem(values))
    assert row["s_mean"] == pytest.approx(values.mean())
    assert row["s_sd"] == pytest.approx(values.std(ddof=1))
    assert (row["s_ci_low"], row["s_ci_high"]) == pytest.approx((low, high))


def textbook_alpha(x: np.ndarray) -> float:
    """Cronbach's alpha from the item covariance matrix: k/(k-1) * (1 - trace(C) / sum(C))."""
    c = np.cov(x, rowvar=False, ddof=1)
    k = x.shape[1]
    return k / (k - 1) * (1 - np.trace(c) / c.sum())


def test_alpha_against_the_textbook_formula():
    assert cronbach_alpha(pd.DataFrame([[1, 1], [2, 3], [3, 2]]))[0] == pytest.approx(2 / 3)  # by hand
    assert cronbach_alpha(pd.DataFrame([[1, 2, 3], [2, 3, 4], [4, 5, 6]]))[0] == pytest.approx(1.0)
    rng = np.random.default_rng(7)
    trait = rng.normal(size=(300, 1))
    data = np.clip(np.round(3 + trait + rng.normal(scale=0.8, size=(300, 5))), 1, 5)
    alpha, n = cronbach_alpha(pd.DataFrame(data))
    assert n == 300 and alpha == pytest.approx(textbook_alpha(data))
    with_gaps = pd.DataFrame(data).mask(rng.random(data.shape) < 0.05)
    alpha, n = cronbach_alpha(with_gaps)
    complete = with_gaps.dropna().to_numpy()
    assert n == len(complete) and alpha == pytest.approx(textbook_alpha(complete))


def _wa_answers(n_by_provider: dict, seed=3) -> pd.DataFrame:
    rng = np.random.default_rng(seed)
    rows, items = [], list(load_instrument(WA).items)  # every alliance item
    for prov, n in n_by_provider.items():
        for _ in range(n):
            base = rng.integers(2, 5)
            rows.append({"provider": prov, **{item: int(np.clip(base + rng.integers(-1, 2), 1, 5))
                                              for item in items}})
    return pd.DataFrame(rows, dtype=object)


def test_aggregate_by_provider_and_reliability_on_the_alliance(tmp_path, capsys):
    answers = _wa_answers({"A": 20, "B": 15, "C": 6})
    inst = load_instrument(WA)
    out = aggregate(inst, answers, by="provider", min_group=11)
    assert list(out["group"]) == ["A", OTHER, ALL]  # C (6) would be all - A - B: B is pooled in too
    assert list(out["n"]) == [20, 21, 41]
    path = tmp_path / "wa.csv"
    answers.to_csv(path, index=False)
    assert main(["reliability", "--instrument", str(WA), "--answers", str(path)]) == 0
    rows = list(csv.DictReader(io.StringIO(capsys.readouterr().out)))
    assert [r["score"] for r in rows] == ["goal", "task", "bond", "total"]
    assert all(int(r["n"]) == 41 and float(r["cronbach_alpha"]) > 0.5 for r in rows)


def test_aggregate_cli(tmp_path, capsys):
    path = tmp_path / "wa.csv"
    _wa_answers({"A": 12, "B": 3}).to_csv(path, index=False)
    assert main(["aggregate", "--instrument", str(WA), "--answers", str(path), "--by", "provider"]) == 0
    rows = list(csv.DictReader(io.StringIO(capsys.readouterr().out)))
    assert [r["group"] for r in rows] == [OTHER, ALL]  # B alone is too small, so A goes in with it
    assert list(rows[0])[:6] == ["group", "n", "goal_mean", "goal_sd", "goal_ci_low", "goal_ci_high"]
    assert main(["aggregate", "--instrument", str(WA), "--answers", str(path), "--by", "clinic"]) == 1
    assert "no column 'clinic'" in capsys.readouterr().out
    bad = tmp_path / "bad.csv"
    bad.write_text("wa_goal_1\n9\n")
    assert main(["aggregate", "--instrument", str(WA), "--answers", str(bad)]) == 1
    assert "line 2, item wa_goal_1" in capsys.readouterr().out
