"""Provider ICC(1), Spearman–Brown reliability of a provider mean and empirical-Bayes means:
a data set worked by hand, agreement of the ANOVA estimator with statsmodels' MixedLM on balanced
data, recovery of known variance components, and the aggregate / dashboard columns under the
suppression rule. Figures are printed (run with -s)."""

from __future__ import annotations

import csv
import io

import numpy as np
import pandas as pd
import pytest

from scoring import icc as iccs
from scoring.__main__ import main
from scoring.aggregate import ALL, OTHER, TOO_FEW, aggregate
from tests.test_aggregate import WA, _wa_answers


def test_icc_and_spearman_brown_on_a_data_set_worked_by_hand():
    # three providers, three responses each: means 2, 4, 6 around 4
    values = [1, 2, 3, 3, 4, 5, 5, 6, 7]
    groups = list("AAABBBCCC")
    # SSB = 3·(4 + 0 + 4) = 24, MSB = 24/2 = 12; SSW = 3·2 = 6, MSW = 6/6 = 1; n0 = 3
    # ICC(1) = (12 − 1) / (12 + 2·1) = 11/14; tau² = (12 − 1)/3 = 11/3, sigma² = 1
    fit = iccs.icc_anova(values, groups)
    assert fit.icc == pytest.approx(11 / 14) and fit.tau2 == pytest.approx(11 / 3) and fit.sigma2 == pytest.approx(1)
    # F = 12 on (2, 6) df; F.975(2, 6) = 7.2599, F.975(6, 2) = 39.331 (tables):
    # low = (12/7.2599 − 1) / (12/7.2599 + 2) = 0.1787, high = (12·39.331 − 1) / (12·39.331 + 2) = 0.9937
    assert fit.low == pytest.approx(0.1787, abs=5e-4) and fit.high == pytest.approx(0.9937, abs=5e-4)
    # Spearman–Brown for k = 3: 3·(11/14) / (1 + 2·(11/14)) = 33/36 = 11/12
    assert iccs.spearman_brown(fit.rho, 3) == pytest.approx(11 / 12)
    assert iccs.spearman_brown(fit.rho, 1) == pytest.approx(11 / 14)
    # shrunken means: 4 + (11/12)·(mean − 4)
    np.testing.assert_allclose(iccs.shrunken([2, 4, 6], [3, 3, 3], fit), [4 - 22 / 12, 4, 4 + 22 / 12])
    mixed = iccs.icc_mixedlm(values, groups)
    assert mixed.icc == pytest.approx(11 / 14, abs=1e-4)
    print(f"\nhand-worked: ICC(1) {fit.icc:.4f} [{fit.low:.4f}, {fit.high:.4f}], MixedLM {mixed.icc:.4f}, "
          f"reliability of a mean of 3: {iccs.spearman_brown(fit.rho, 3):.4f}")


def _draw(rng, sizes, tau2, sigma2):
    groups = np.repeat(np.arange(len(sizes)), sizes)
    return rng.normal(0, tau2 ** 0.5, len(sizes))[groups] + rng.normal(50, sigma2 ** 0.5, len(groups)), groups


def test_mixedlm_and_the_anova_estimator_agree_on_balanced_data():
    rng = np.random.default_rng(12)
    compared = []
    for _ in range(12):
        values, groups = _draw(rng, [11] * 20, 0.09, 1.0)  # ICC 0.083: the size of provider effects in therapy
        anova, mixed = iccs.icc_anova(values, groups), iccs.icc_mixedlm(values, groups)
        if anova.icc > 0:  # REML's estimate is the ANOVA one whenever the latter is not negative
            assert mixed.icc == pytest.approx(anova.icc, abs=1e-3)
            assert mixed.tau2 == pytest.approx(anova.tau2, rel=1e-2, abs=1e-4)
            compared.append((anova.icc, mixed.icc))
        else:
            assert mixed.icc == pytest.approx(0, abs=1e-3)
    assert len(compared) >= 8
    print(f"\nbalanced 20 x 11, true ICC 0.083: ANOVA vs MixedLM, largest difference "
          f"{max(abs(a - b) for a, b in compared):.2e} over {len(compared)} draws")


def test_known_variance_components_are_recovered_on_unbalanced_data():
    rng = np.random.default_rng(5)
    truth = 0.25 / 1.25  # tau² = 0.25, sigma² = 1: ICC 0.2
    estimates, covered = [], 0
    for _ in range(40):
        sizes = rng.integers(5, 26, 30)
        values, groups = _draw(rng, sizes, 0.25, 1.0)
        fit = iccs.provider_icc(values, groups)
        assert fit.method == "reml"
        estimates.append(fit.icc)
        covered += fit.low <= truth <= fit.high
    estimates = np.array(estimates)
    se = estimates.std(ddof=1) / len(estimates) ** 0.5
    assert abs(estimates.mean() - truth) < 3 * se + 0.01  # unbiased within sampling error
    assert covered >= 34  # the 95 % interval covers the truth in about 95 % of draws (34 of 40 at least)
    print(f"\nunbalanced 30 providers of 5-25, true ICC 0.200: mean estimate {estimates.mean():.3f} "
          f"(SE {se:.3f}), interval covered the truth in {covered}/40 draws")


def test_reml_from_per_provider_statistics_equals_mixedlm_on_the_rows():
    """The dashboard's ICC comes from a few numbers per provider (sizes, means, within sums of
    squares), not rows: it must agree with statsmodels' MixedLM fitted on the rows. Tolerance
    1e-4 on the ICC (MixedLM's Powell search stops within about 3e-5 of the optimum), 1e-3
    relative on tau² and sigma²."""
    rng = np.random.default_rng(21)
    worst = 0.0
    for k in range(12):
        sizes = rng.integers(2, 40, rng.integers(3, 25))
        values, groups = _draw(rng, sizes, [0.0, 0.01, 0.09, 0.25, 1.0, 4.0][k % 6], 1.0)
        if k % 3 == 0:
            values = np.round(values)  # whole-number scores, as sums of points are
        mixed = iccs.icc_mixedlm(values, groups)
        fit = iccs.icc_reml(iccs.GroupStats.of(values, groups))
        assert fit.icc == pytest.approx(mixed.icc, abs=1e-4)
        assert fit.sigma2 == pytest.approx(mixed.sigma2, rel=1e-3)
        assert fit.tau2 == pytest.approx(mixed.tau2, rel=1e-3, abs=1e-4)
        assert fit.mean == pytest.approx(mixed.mean, abs=1e-6)
        assert (fit.low, fit.high) == pytest.approx((mixed.low, mixed.high), rel=1e-9, abs=1e-12)
        assert (fit.n, fit.groups) == (mixed.n, mixed.groups)
        worst = max(worst, abs(fit.icc - mixed.icc))
    print(f"\nREML from per-provider statistics vs MixedLM on rows: largest ICC difference {worst:.1e}")


def test_group_statistics_added_in_parts_equal_those_of_all_rows():
    rng = np.random.default_rng(3)
    values, groups = _draw(rng, rng.integers(1, 30, 9), 0.3, 1.0)
    groups = np.array([f"g{g}" for g in groups], dtype=object)
    whole = iccs.GroupStats.of(values, groups)
    cut = [0, 17, 18, 90, len(values)]
    parts = iccs.GroupStats.of(values[:0], groups[:0])
    for a, b in zip(cut, cut[1:], strict=False):
        parts = parts.combine(iccs.GroupStats.of(values[a:b], groups[a:b]))
    assert parts.labels == whole.labels
    np.testing.assert_array_equal(parts.sizes, whole.sizes)
    np.testing.assert_allclose(parts.means, whole.means, rtol=1e-13)
    np.testing.assert_allclose(parts.ssw, whole.ssw, rtol=1e-11)
    first = iccs.GroupStats.of(values[:0], groups[:0]).combine(whole)  # from nothing: exactly the same
    np.testing.assert_array_equal(first.means, whole.means), np.testing.assert_array_equal(first.ssw, whole.ssw)


def _provider_data(seed=4):
    """Working-alliance answers from providers that differ: A and B with many responses, C few, D
and E fewer than the minimum."""
    rng = np.random.default_rng(seed)
    rows = []
    for provider, n, shift in (("A", 60, 1), ("B", 45, -1), ("C", 12, 0), ("D", 6, 0), ("E", 6, 0)):
        for _ in range(n):
            person = rng.normal(0, 0.6)
            rows.append({"provider": provider, **{
                f"wa_{d}_{i}": int(np.clip(np.round(3 + 0.1 * shift + person + rng.normal(0, 0.7)), 1, 5))
                for d in ("goal", "task", "bond") for i in range(1, 5)}})
    return pd.DataFrame(rows, dtype=object)


def test_aggregate_adds_reliability_and_shrunken_means_only_to_providers_shown_by_name(tmp_path, capsys):
    from scoring import load_instrument

    inst = load_instrument(WA)
    answers = _provider_data()
    out = aggregate(inst, answers, by="provider", min_group=11).set_index("group")
    assert list(out.index) == ["A", "B", "C", OTHER, ALL]  # D and E (6 each) pooled
    assert list(out.index[:3]) == sorted(out.index[:3])  # by name, never by mean
    fit = out.attrs["icc"]["total"]
    assert 0 < fit.low < fit.icc < fit.high < 1 and fit.groups == 5 and fit.n == 129
    for provider, n in (("A", 60), ("B", 45)):
        assert out.loc[provider, "total_reliability"] == pytest.approx(n * fit.rho / (1 + (n - 1) * fit.rho))
        raw = out.loc[provider, "total_mean"]
        assert abs(out.loc[provider, "total_shrunken"] - fit.mean) < abs(raw - fit.mean)  # pulled in
    for pooled in (OTHER, ALL):
        assert out.loc[pooled, [c for c in out.columns if c.endswith(("_reliability", "_shrunken"))]].isna().all()
    assert out.loc["C", "total_reliability"] < 0.7 and out.loc["C", "note"] == TOO_FEW
    assert out.loc["A", "note"] == "" and out.loc["A", "total_reliability"] >= 0.7
    print("\n" + out[["n", "total_mean", "total_reliability", "total_shrunken", "note"]].to_string())
    for sid, f in out.attrs["icc"].items():
        print(f"ICC(1) {sid}: {f.icc:.3f} [{f.low:.3f}, {f.high:.3f}] ({f.method})")

    path = tmp_path / "wa.csv"
    answers.to_csv(path, index=False)
    capsys.readouterr()
    assert main(["aggregate", "--instrument", str(WA), "--answers", str(path), "--by", "provider"]) == 0
    captured = capsys.readouterr()
    rows = list(csv.DictReader(io.StringIO(captured.out)))
    assert {"total_reliability", "total_shrunken", "note"} <= set(rows[0])
    assert not {"D", "E"} & {r["group"] for r in rows}
    assert f"ICC(1) of total across providers: {fit.icc:.3f}" in captured.err


def test_no_icc_from_a_set_below_the_minimum_or_a_single_provider():
    from scoring import load_instrument

    inst = load_instrument(WA)
    small = aggregate(inst, _wa_answers({"A": 5, "B": 4}), by="provider", min_group=11)
    assert small.attrs["icc"] == {s: None for s in inst.score_ids}
    assert small.filter(like="_reliability").isna().all().all()
    single = aggregate(inst, _wa_answers({"A": 20}), by="provider", min_group=11)
    assert single.attrs["icc"]["total"] is None and single["note"].eq("").all()
