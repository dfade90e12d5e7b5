"""How far provider means can be told apart: the provider intraclass correlation ICC(1), the
reliability of each provider's mean (Spearman–Brown) and empirical-Bayes (shrunken) means.

ICC(1) is the share of a score's variance that lies between providers: tau² / (tau² + sigma²) in
the random-intercept model  y_ij = mu + u_j + e_ij,  u_j ~ N(0, tau²),  e_ij ~ N(0, sigma²).
It is estimated by REML. For this model the restricted likelihood depends on the data only
through each provider's size n_j, mean and within-provider sum of squares (``GroupStats``), so it
is computed from those: the database hands over a few numbers per provider instead of a million
rows (issue 16). With gamma = tau²/sigma², sigma² profiled out,

    -2 l_REML(gamma) = (N − 1)·log(Q/(N − 1)) + sum_j log(1 + n_j·gamma) + log sum_j w_j + const,
    w_j = n_j / (1 + n_j·gamma),  mu = sum w_j·mean_j / sum w_j,  Q = SSW + sum w_j·(mean_j − mu)²,

minimised over gamma >= 0 where its derivative crosses zero (SciPy's Brent root search; gamma = 0
when the likelihood only falls towards that boundary). statsmodels' MixedLM fitted on the rows
(``icc_mixedlm``, kept as the reference) gives the same ICC within 1e-4 (tests/test_icc.py). On
balanced data REML and the one-way ANOVA estimator coincide (when the latter is positive), so the
closed-form ANOVA estimator is used there, and as the fallback when the search fails. The 95 %
interval is the F-based one of the one-way ANOVA (exact for balanced data; with unequal group
sizes it uses the usual average group size n0, an approximation).

With ICC rho, the mean of k responses has reliability k·rho / (1 + (k − 1)·rho) (Spearman–Brown),
and the empirical-Bayes estimate of a provider's true mean pulls its raw mean towards the overall
mean by exactly that factor: shrunken = mu + reliability · (raw mean − mu).
"""

from __future__ import annotations

import warnings
from dataclasses import dataclass

import numpy as np
from numpy.typing import ArrayLike
from scipy import stats as sps

COMPARE_AT = 0.7  # the reliability a provider mean needs before means are compared or ordered


@dataclass(frozen=True)
class ICC:
    icc: float  # the point estimate (the ANOVA estimator can be below 0; MixedLM's cannot)
    low: float  # 95 % interval
    high: float
    tau2: float  # between-provider variance (at least 0)
    sigma2: float  # within-provider variance
    mean: float  # the overall mean mu (generalised least squares: each provider weighted by its precision)
    n: int  # responses
    groups: int  # providers
    method: str  # "anova" or "mixedlm"

    @property
    def rho(self) -> float:
        """The ICC used for reliabilities: never below 0."""
        return max(self.icc, 0.0) if np.isfinite(self.icc) else float("nan")


@dataclass(frozen=True)
class GroupStats:
    """Per provider: responses, mean and within-provider sum of squares (all a one-way random
    intercept model needs); labels sorted as text."""
    labels: list[str]
    sizes: np.ndarray
    means: np.ndarray
    ssw: np.ndarray

    @classmethod
    def of(cls, values: ArrayLike, groups: ArrayLike) -> GroupStats:
        y, codes, labels = _groups(values, groups)
        sizes = np.bincount(codes, minlength=len(labels)).astype(float)
        means = np.bincount(codes, weights=y, minlength=len(labels)) / np.maximum(sizes, 1)
        ssw = np.bincount(codes, weights=(y - means[codes]) ** 2, minlength=len(labels))
        return cls(list(labels), sizes, means, ssw)

    def combine(self, other: GroupStats) -> GroupStats:
        """Both sets of responses together (Chan et al.'s pairwise update of the sums of squares)."""
        labels = sorted(set(self.labels) | set(other.labels))
        n, m, q = (np.zeros(len(labels)) for _ in range(3))
        at = {g: k for k, g in enumerate(labels)}
        for part in (self, other):
            idx = np.array([at[g] for g in part.labels], dtype=int)
            if not len(idx):
                continue
            n_a, m_a = n[idx], m[idx]
            n_b, m_b = part.sizes, part.means
            total = n_a + n_b
            delta = m_b - m_a
            q[idx] = np.where(n_a == 0, part.ssw, q[idx] + part.ssw + delta * delta * n_a * n_b / np.maximum(total, 1))
            m[idx] = np.where(n_a == 0, m_b, m_a + delta * n_b / np.maximum(total, 1))
            n[idx] = total
        return GroupStats(labels, n, m, q)


def _groups(values: ArrayLike, groups: ArrayLike) -> tuple[np.ndarray, np.ndarray, list[str]]:
    y = np.asarray(values, dtype=float)
    g = np.asarray(groups, dtype=object)
    keep = ~np.isnan(y)
    labels, codes = np.unique(g[keep].astype(str), return_inverse=True)
    return y[keep], codes, [str(label) for label in labels]


@dataclass(frozen=True)
class Anova:
    """The one-way ANOVA's mean squares, the average group size n0, and the groups' sizes and means."""
    msb: float
    msw: float
    n0: float
    a: int  # groups
    n: int  # responses
    sizes: np.ndarray
    means: np.ndarray
    labels: list[str]


def anova_parts(values: GroupStats | ArrayLike, groups: ArrayLike | None = None) -> Anova:
    """The one-way ANOVA's parts (from rows, or from a ``GroupStats`` passed as ``values``)."""
    st = _stats(values, groups)
    sizes, means, labels = st.sizes, st.means, st.labels
    a, n_total = len(labels), int(sizes.sum())
    grand = float((sizes * means).sum() / n_total)
    ssb = float((sizes * (means - grand) ** 2).sum())
    ssw = float(st.ssw.sum())
    msb, msw = ssb / (a - 1), ssw / (n_total - a)
    n0 = float((n_total - (sizes ** 2).sum() / n_total) / (a - 1))
    return Anova(msb, msw, n0, a, n_total, sizes, means, labels)


def _stats(values: GroupStats | ArrayLike, groups: ArrayLike | None) -> GroupStats:
    """``values`` if it is a ``GroupStats``, else the statistics of rows ``values`` in ``groups``."""
    if isinstance(values, GroupStats):
        return values
    if groups is None:
        raise TypeError("rows need their groups")
    return GroupStats.of(values, groups)


def _interval(p: Anova) -> tuple[float, float]:
    if p.msw <= 0:
        return float("nan"), float("nan")
    f = p.msb / p.msw
    d1, d2, n0 = p.a - 1, p.n - p.a, p.n0
    f_low = f / sps.f.ppf(0.975, d1, d2)
    f_high = f * sps.f.ppf(0.975, d2, d1)
    return float((f_low - 1) / (f_low + n0 - 1)), float((f_high - 1) / (f_high + n0 - 1))


def _usable(st: GroupStats) -> bool:
    return len(st.labels) >= 2 and st.sizes.sum() > len(st.labels)


def _precision_mean(p: Anova, tau2: float, sigma2: float) -> float:
    weights = 1.0 / (tau2 + sigma2 / p.sizes) if tau2 + sigma2 > 0 else p.sizes
    return float((weights * p.means).sum() / weights.sum())


def icc_anova(values: GroupStats | ArrayLike, groups: ArrayLike | None = None) -> ICC:
    """ICC(1) by the one-way ANOVA estimator (MSB − MSW) / (MSB + (n0 − 1)·MSW)."""
    p = anova_parts(values, groups)
    sigma2 = p.msw
    tau2 = (p.msb - p.msw) / p.n0
    icc = (p.msb - p.msw) / (p.msb + (p.n0 - 1) * p.msw) if p.msb + p.msw > 0 else float("nan")
    low, high = _interval(p)
    return ICC(icc, low, high, max(tau2, 0.0), sigma2, _precision_mean(p, max(tau2, 0.0), sigma2), p.n, p.a,
               "anova")


def icc_mixedlm(values: ArrayLike, groups: ArrayLike) -> ICC:
    """ICC(1) from a random-intercept model fitted by REML (statsmodels MixedLM)."""
    import statsmodels.api as sm  # imported here: it takes a second to load and most commands never need it

    y, codes, _ = _groups(values, groups)
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")  # boundary and convergence notes: a tau² of 0 is a valid answer here
        # Powell: statsmodels' default (bfgs, then lbfgs) stops short or lands on tau² = 0 when the
        # between-provider variance is small, as it is here (measured: ICC 0.135 or 0 where REML's
        # optimum, equal to the ANOVA estimate on balanced data, is 0.067); Powell reaches it.
        fit = sm.MixedLM(y, np.ones((len(y), 1)), groups=codes).fit(reml=True, method="powell")
    if not fit.converged:
        raise FloatingPointError("MixedLM did not converge")
    tau2 = max(float(np.asarray(fit.cov_re)[0, 0]), 0.0)
    sigma2 = float(fit.scale)
    if not (np.isfinite(tau2) and np.isfinite(sigma2)) or tau2 + sigma2 <= 0:
        raise FloatingPointError("MixedLM gave no usable variance components")
    p = anova_parts(y, codes)
    low, high = _interval(p)
    return ICC(tau2 / (tau2 + sigma2), low, high, tau2, sigma2, _precision_mean(p, tau2, sigma2), p.n, p.a,
               "mixedlm")


def icc_reml(st: GroupStats) -> ICC:
    """ICC(1) by REML from per-provider sufficient statistics (the formula is at the top)."""
    from scipy.optimize import brentq

    n, means, big_n = st.sizes, st.means, float(st.sizes.sum())
    ssw = float(st.ssw.sum())

    def parts(gamma: float) -> tuple[np.ndarray, float, float]:
        w = n / (1 + n * gamma)
        mu = float((w * means).sum() / w.sum())
        q = ssw + float((w * (means - mu) ** 2).sum())
        return w, mu, q

    def slope(gamma: float) -> float:
        """d(-2 l_REML)/d gamma = sum w − sum w²/sum w − (N − 1)·sum w²·(mean − mu)² / Q
        (dw_j/dgamma = −w_j²; mu's own derivative drops out, as mu minimises Q)."""
        w, mu, q = parts(gamma)
        return float(w.sum() - (w * w).sum() / w.sum() - (big_n - 1) * (w * w * (means - mu) ** 2).sum() / q)

    # the optimum is where the slope crosses zero (found to machine precision by Brent's root
    # search, where a search on the likelihood's value stops at ~1e-8), or gamma = 0 when the
    # likelihood only falls towards the boundary
    gamma, high = 0.0, 1.0
    if slope(0.0) < 0:
        while slope(high) < 0 and high < 1e12:
            high *= 4
        gamma = brentq(slope, 0.0, high, xtol=1e-300, rtol=4 * np.finfo(float).eps) if slope(high) > 0 else high
    _, _, q = parts(gamma)
    sigma2 = q / (big_n - 1)
    tau2 = gamma * sigma2
    if not (np.isfinite(tau2) and np.isfinite(sigma2)) or tau2 + sigma2 <= 0:
        raise FloatingPointError("REML gave no usable variance components")
    p = anova_parts(st)
    low, high = _interval(p)
    return ICC(tau2 / (tau2 + sigma2), low, high, tau2, sigma2, _precision_mean(p, tau2, sigma2), p.n, p.a,
               "reml")


def provider_icc(values: GroupStats | ArrayLike, groups: ArrayLike | None = None) -> ICC | None:
    """ICC(1) of one score across providers (None with fewer than two providers or no replication),
    from rows or from a ``GroupStats`` passed as ``values``: the ANOVA estimator on balanced data,
    REML otherwise (ANOVA if that fails)."""
    st = _stats(values, groups)
    if not _usable(st):
        return None
    if np.all(st.sizes == st.sizes[0]):
        return icc_anova(st)
    try:
        return icc_reml(st)
    except (np.linalg.LinAlgError, FloatingPointError, ValueError):
        return icc_anova(st)


def spearman_brown(rho: float, k: ArrayLike) -> np.ndarray:
    """The reliability of a mean of k responses: k·rho / (1 + (k − 1)·rho) (a NumPy scalar for one k)."""
    ks = np.asarray(k, dtype=float)
    return ks * rho / (1 + (ks - 1) * rho)


def shrunken(raw_mean: ArrayLike, k: ArrayLike, fit: ICC) -> np.ndarray:
    """Empirical-Bayes means: the overall mean plus each raw mean's distance from it, times its reliability."""
    return fit.mean + spearman_brown(fit.rho, k) * (np.asarray(raw_mean, dtype=float) - fit.mean)
