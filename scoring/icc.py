"""How far provider means can be told apart: the provider intraclass correlation ICC(1), the
reliability of each provider's mean (Spearman–Brown) and empirical-Bayes (shrunken) means.

ICC(1) is the share of a score's variance that lies between providers: tau² / (tau² + sigma²) in
the random-intercept model  y_ij = mu + u_j + e_ij,  u_j ~ N(0, tau²),  e_ij ~ N(0, sigma²).
It is estimated with statsmodels' MixedLM (REML), the well-kept implementation of that model; on
balanced data REML and the one-way ANOVA estimator coincide (when the latter is positive), so the
closed-form ANOVA estimator is used there, and as the fallback when MixedLM cannot be fitted. The
95 % interval is the F-based one of the one-way ANOVA (exact for balanced data; with unequal group
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


def _groups(values: ArrayLike, groups: ArrayLike) -> tuple[np.ndarray, np.ndarray, list]:
    y = np.asarray(values, dtype=float)
    g = np.asarray(groups, dtype=object)
    keep = ~np.isnan(y)
    labels, codes = np.unique(g[keep].astype(str), return_inverse=True)
    return y[keep], codes, list(labels)


def anova_parts(values: ArrayLike, groups: ArrayLike) -> dict:
    """The one-way ANOVA's mean squares, the average group size n0 and the group sizes and means."""
    y, codes, labels = _groups(values, groups)
    a, n_total = len(labels), len(y)
    sizes = np.bincount(codes, minlength=a).astype(float)
    means = np.bincount(codes, weights=y, minlength=a) / sizes
    grand = y.mean()
    ssb = float((sizes * (means - grand) ** 2).sum())
    ssw = float(((y - means[codes]) ** 2).sum())
    msb, msw = ssb / (a - 1), ssw / (n_total - a)
    n0 = (n_total - (sizes ** 2).sum() / n_total) / (a - 1)
    return {"msb": msb, "msw": msw, "n0": n0, "a": a, "n": n_total, "sizes": sizes, "means": means,
            "labels": labels}


def _interval(p: dict) -> tuple[float, float]:
    if p["msw"] <= 0:
        return float("nan"), float("nan")
    f = p["msb"] / p["msw"]
    d1, d2, n0 = p["a"] - 1, p["n"] - p["a"], p["n0"]
    f_low = f / sps.f.ppf(0.975, d1, d2)
    f_high = f * sps.f.ppf(0.975, d2, d1)
    return (f_low - 1) / (f_low + n0 - 1), (f_high - 1) / (f_high + n0 - 1)


def _usable(values: ArrayLike, groups: ArrayLike) -> bool:
    y, codes, labels = _groups(values, groups)
    return len(labels) >= 2 and len(y) > len(labels)


def _precision_mean(p: dict, tau2: float, sigma2: float) -> float:
    weights = 1.0 / (tau2 + sigma2 / p["sizes"]) if tau2 + sigma2 > 0 else p["sizes"]
    return float((weights * p["means"]).sum() / weights.sum())


def icc_anova(values: ArrayLike, groups: ArrayLike) -> ICC:
    """ICC(1) by the one-way ANOVA estimator (MSB − MSW) / (MSB + (n0 − 1)·MSW)."""
    p = anova_parts(values, groups)
    sigma2 = p["msw"]
    tau2 = (p["msb"] - p["msw"]) / p["n0"]
    icc = (p["msb"] - p["msw"]) / (p["msb"] + (p["n0"] - 1) * p["msw"]) if p["msb"] + p["msw"] > 0 else float("nan")
    low, high = _interval(p)
    return ICC(icc, low, high, max(tau2, 0.0), sigma2, _precision_mean(p, max(tau2, 0.0), sigma2), p["n"], p["a"],
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
    return ICC(tau2 / (tau2 + sigma2), low, high, tau2, sigma2, _precision_mean(p, tau2, sigma2), p["n"], p["a"],
               "mixedlm")


def provider_icc(values: ArrayLike, groups: ArrayLike) -> ICC | None:
    """ICC(1) of one score across providers (None with fewer than two providers or no replication):
    the ANOVA estimator on balanced data, MixedLM otherwise (ANOVA if MixedLM fails)."""
    if not _usable(values, groups):
        return None
    p = anova_parts(values, groups)
    if np.all(p["sizes"] == p["sizes"][0]):
        return icc_anova(values, groups)
    try:
        return icc_mixedlm(values, groups)
    except (np.linalg.LinAlgError, FloatingPointError, ValueError):
        return icc_anova(values, groups)


def spearman_brown(rho: float, k: ArrayLike) -> np.ndarray:
    """The reliability of a mean of k responses: k·rho / (1 + (k − 1)·rho)."""
    k = np.asarray(k, dtype=float)
    return k * rho / (1 + (k - 1) * rho)


def shrunken(raw_mean: ArrayLike, k: ArrayLike, fit: ICC) -> np.ndarray:
    """Empirical-Bayes means: the overall mean plus each raw mean's distance from it, times its reliability."""
    return fit.mean + spearman_brown(fit.rho, k) * (np.asarray(raw_mean, dtype=float) - fit.mean)
