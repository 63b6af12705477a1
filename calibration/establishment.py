"""How councils fund posts: the establishment rule's response estimated from DfE's panel.

The rule (``workforce.establishment = "follows_demand"``, ``sim.model.workforce.review_establishment``)
moves a council's funded posts each year part of the way toward the posts its workload needs:

    log P[t+1] - log P[t] = lambda * (log C[t] - log P[t]) + council's own constant

where P is funded posts (DfE ``inpost_fte + vacancy_fte``) and C the cases held at the census
(DfE ``cases``). The constant is the council's own standard of cases per post (``-lambda *
log(c_i)``). ``lambda`` is estimated within councils (each council's years about its own mean, so
its standard drops out) from every council of England in DfE's children's social work workforce
indicators 2017-2020, with standard errors clustered by council. The pooled estimate with year
effects (a standard common to all councils) is given beside it.

    python -m calibration.establishment      # print the estimates and the fit
"""

from __future__ import annotations

import sys
from dataclasses import dataclass
from pathlib import Path

import numpy as np
import pandas as pd

from calibration.dfe import DATA, dfe_values

WORKFORCE = DATA / "csww_indicators_2017_2020.csv"


@dataclass(frozen=True)
class Estimate:
    """A slope with its standard errors (ordinary and clustered by council) and the fit."""

    slope: float
    se: float
    se_clustered: float
    r2: float
    n: int
    councils: int

    def line(self, label: str) -> str:
        return (
            f"{label}: {self.slope:.3f} (se {self.se:.3f}, clustered by council "
            f"{self.se_clustered:.3f}; R^2 {self.r2:.3f}; {self.n} council-years, "
            f"{self.councils} councils)"
        )


def panel(frame: pd.DataFrame) -> pd.DataFrame:
    """One row per council and year with a previous year: ``council``, ``year``,
    ``growth`` (log change in funded posts from the previous census) and ``cases_per_post`` (log of
    the previous census's cases over its funded posts). ``frame``: DfE's columns ``time_period``,
    ``la_name``, ``inpost_fte``, ``vacancy_fte`` and ``cases`` (numbers, or DfE's symbols)."""
    la = (
        frame[frame["geographic_level"] == "Local authority"]
        if "geographic_level" in frame
        else frame
    )
    data = pd.DataFrame({"council": la["la_name"], "year": pd.to_numeric(la["time_period"])})
    for column in ("inpost_fte", "vacancy_fte", "cases"):
        data[column] = dfe_values(la[column].astype(str))[0]
    data["posts"] = data["inpost_fte"] + data["vacancy_fte"]
    data = data.sort_values(["council", "year"])
    before = data.groupby("council")[["year", "posts", "cases"]].shift()
    data["growth"] = np.log(data["posts"] / before["posts"])
    data["cases_per_post"] = np.log(before["cases"] / before["posts"])
    keep = (
        (before["year"] == data["year"] - 1)
        & np.isfinite(data["growth"])
        & np.isfinite(data["cases_per_post"])
    )
    return data.loc[keep, ["council", "year", "growth", "cases_per_post"]].reset_index(drop=True)


def _ols(
    x: np.ndarray, y: np.ndarray, groups: np.ndarray, r2_of: np.ndarray | None = None
) -> tuple[np.ndarray, np.ndarray, np.ndarray, float]:
    """Least squares of ``y`` on ``x`` (columns): coefficients, ordinary and cluster-robust
    (by ``groups``, with the usual small-sample factor) standard errors, and R^2."""
    beta, *_ = np.linalg.lstsq(x, y, rcond=None)
    resid = y - x @ beta
    n, k = x.shape
    inverse = np.linalg.inv(x.T @ x)
    ordinary = resid @ resid / (n - k) * inverse
    meat = np.zeros((k, k))
    labels = np.unique(groups)
    for g in labels:
        u = x[groups == g].T @ resid[groups == g]
        meat += np.outer(u, u)
    g = len(labels)
    clustered = inverse @ meat @ inverse * g / (g - 1) * (n - 1) / (n - k)
    total = y - y.mean() if r2_of is None else r2_of
    return (
        beta,
        np.sqrt(np.diag(ordinary)),
        np.sqrt(np.diag(clustered)),
        float(1 - resid @ resid / (total @ total)),
    )


def within_slope(data: pd.DataFrame) -> Estimate:
    """``lambda`` within councils: growth on cases per post, each about its council's mean."""
    groups = data["council"].to_numpy()
    demean = data.groupby("council")[["growth", "cases_per_post"]].transform("mean")
    y = (data["growth"] - demean["growth"]).to_numpy()
    x = (data["cases_per_post"] - demean["cases_per_post"]).to_numpy()[:, None]
    beta, se, sec, r2 = _ols(x, y, groups)
    # the council means take one degree of freedom each
    councils = len(np.unique(groups))
    se_fe = se * np.sqrt((len(y) - 1) / max(len(y) - 1 - councils, 1))
    return Estimate(float(beta[0]), float(se_fe[0]), float(sec[0]), r2, len(y), councils)


def pooled_slope(data: pd.DataFrame) -> Estimate:
    """``lambda`` with one standard for all councils and a constant for each year."""
    years = pd.get_dummies(data["year"]).astype(float).to_numpy()
    x = np.column_stack([years, data["cases_per_post"].to_numpy()])
    beta, se, sec, r2 = _ols(x, data["growth"].to_numpy(), data["council"].to_numpy())
    return Estimate(
        float(beta[-1]), float(se[-1]), float(sec[-1]), r2, len(data), data["council"].nunique()
    )


def dfe_panel(path: Path = WORKFORCE) -> pd.DataFrame:
    """The panel of every council of England in DfE's workforce indicators."""
    return panel(pd.read_csv(path, dtype=str, keep_default_na=False))


def main() -> int:
    data = dfe_panel()
    change = np.exp(data["growth"]) - 1
    print(within_slope(data).line("within councils (the rule's adjustment_per_year)"))
    print(pooled_slope(data).line("pooled, with year effects"))
    print(
        f"yearly change in funded posts: median {change.median():+.1%}, 5-95% "
        f"{change.quantile(0.05):+.1%} to {change.quantile(0.95):+.1%}; share within +/-15%: "
        f"{(change.abs() <= 0.15).mean():.0%}"
    )
    return 0


if __name__ == "__main__":
    sys.exit(main())
