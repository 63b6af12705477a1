"""What ``swsim backtest`` shows: a plot per measure (each council's observed history against the
simulated band of the test years, one panel per council) and a summary in words and tables."""

from __future__ import annotations

import math
from pathlib import Path

import pandas as pd

from calibration.backtest import BAND, BEYOND, Backtest
from sim.columns import AGENCY_SHARE, MEAN_CASELOAD, TURNOVER_RATE, VACANCY_RATE
from sim.present.canvas import MAX_WIDTH_IN, TEXT_PT, new_figure, title, wrap
from sim.present.tables import markdown_table

LABELS = {
    TURNOVER_RATE: ("turnover", "% of staff in post, year to 30 September", 100.0),
    AGENCY_SHARE: ("agency rate", "% of all workers, at 30 September", 100.0),
    VACANCY_RATE: ("vacancy rate", "% of posts, at 30 September", 100.0),
    MEAN_CASELOAD: ("caseload", "cases per case holder (FTE)", 1.0),
}
COLUMNS = 4
PANEL_IN = 1.9


def plot_metric(
    bt: Backtest, observed: pd.DataFrame, metric: str, fit_until: int, path: Path
) -> None:
    """One panel per council: the observed values (fit years and test years), the simulated mean
    and 90% band in the test years, and the naive forecast (the last fit year's value)."""
    import matplotlib.pyplot as plt
    from matplotlib.lines import Line2D
    from matplotlib.patches import Patch

    name, unit, scale = LABELS[metric]
    obs = observed[observed["metric"] == metric].dropna(subset=["observed"])
    table = bt.table[bt.table["metric"] == metric]
    councils = sorted(set(obs["council"]) | set(table["council"]))
    cols = min(COLUMNS, len(councils))
    rows = math.ceil(len(councils) / cols)
    fig, axes = new_figure(rows, cols, PANEL_IN * rows + 1.3, sharex=True)
    flat = list(axes.flat)
    for ax, council in zip(flat, councils):
        o = obs[obs["council"] == council].sort_values("year")
        t = table[table["council"] == council].sort_values("year")
        ax.fill_between(
            t["year"],
            t["sim_p05"] * scale,
            t["sim_p95"] * scale,
            color="#9ecae1",
            alpha=0.8,
            linewidth=0,
        )
        if len(t) == 1:  # one test year: a bar for the band
            ax.errorbar(
                t["year"],
                t["sim_mean"] * scale,
                yerr=[
                    (t["sim_mean"] - t["sim_p05"]) * scale,
                    (t["sim_p95"] - t["sim_mean"]) * scale,
                ],
                color="#3182bd",
                linewidth=6,
                alpha=0.5,
                fmt="none",
            )
        ax.plot(t["year"], t["sim_mean"] * scale, "o", color="#08519c", markersize=4)
        ax.plot(t["year"], t["naive"] * scale, "_", color="#d95f02", markersize=12, mew=2)
        ax.plot(
            o["year"],
            o["observed"] * scale,
            "-",
            color="black",
            marker="o",
            markersize=3,
            linewidth=1,
        )
        ax.axvline(fit_until + 0.5, color="grey", linewidth=0.8, linestyle=":")
        ax.set_title(wrap(council, MAX_WIDTH_IN / cols * 0.9), fontsize=TEXT_PT)
        ax.grid(alpha=0.3)
        ax.xaxis.set_major_locator(plt.MaxNLocator(integer=True))
        ax.tick_params(labelsize=TEXT_PT - 1)
    for ax in flat[: len(councils)][::cols]:
        ax.set_ylabel(wrap(unit, PANEL_IN * 0.95, TEXT_PT - 1), fontsize=TEXT_PT - 1)
    spare = flat[len(councils) :]
    for ax in spare:
        ax.axis("off")
    handles = [
        Line2D([], [], color="black", marker="o", markersize=3, label="observed (DfE)"),
        Patch(color="#9ecae1", label=f"simulated {int(BAND[0] * 100)}-{int(BAND[1] * 100)}% band"),
        Line2D([], [], color="#08519c", marker="o", linestyle="", label="simulated mean"),
        Line2D(
            [],
            [],
            color="#d95f02",
            marker="_",
            markersize=12,
            linestyle="",
            label="naive: last fit year's value",
        ),
    ]
    if spare:
        spare[0].legend(handles=handles, loc="center", frameon=False, fontsize=TEXT_PT - 1)
    else:
        fig.legend(handles=handles, loc="outside lower center", ncols=4, frameon=False)
    title(
        fig,
        f"Backtest: {name}, fitted on the years up to {fit_until} (left of the dotted line), "
        "simulated from the observed state at that census",
    )
    fig.savefig(path)
    plt.close(fig)


def summary_text(
    bt: Backtest,
    scenario: str,
    workforce: str,
    fit_until: int,
    until: int,
    reps: int,
    posts: str = "observed",
) -> str:
    """The summary (markdown): the scores against the naive forecast, the method, the pooled
    values and each council's fitted parameters with their 90% intervals and how well they fit."""
    s = bt.scores.copy()
    for c in ("mae_model", "mae_naive"):
        s[c] = [v * (1.0 if m == MEAN_CASELOAD else 100.0) for v, m in zip(s[c], s["metric"])]
    s["coverage_90"] = (s["coverage_90"] * 100).round(1)
    s = s.rename(
        columns={
            "coverage_90": "coverage of 90% band (%)",
            "mae_model": "MAE model",
            "mae_naive": "MAE naive",
            "model_better": "model better",
        }
    )
    rates = bt.table[bt.table["metric"] != MEAN_CASELOAD]
    fit = bt.fit
    pooled = fit.pooled.rename(
        columns={"persistence": "persistence a year", "residual_sd": "unexplained sd"}
    )
    params = fit.parameters.pivot_table(index="council", columns="parameter", values="value")
    low = fit.parameters.pivot_table(index="council", columns="parameter", values="low_90")
    high = fit.parameters.pivot_table(index="council", columns="parameter", values="high_90")
    shown = pd.DataFrame({"council": params.index})
    for p in params.columns:
        shown[p] = [
            f"{params.at[c, p]:.3g} ({low.at[c, p]:.3g} to {high.at[c, p]:.3g})"
            for c in params.index
        ]
    quality = fit.quality.pivot_table(index="council", columns="metric", values="z").round(2)
    quality.columns = [f"z {c}" for c in quality.columns]
    rmse = fit.quality.pivot_table(index="council", columns="metric", values="fit_years_rmse")
    quality = quality.join((rmse * 100).round(1).add_prefix("fit-years RMSE (pts) "))
    region = fit.region_fit.fitted
    region = region[region["authority"] == "region"].dropna(axis=1).drop(columns="authority")
    years = str(until) if until == fit_until + 1 else f"{fit_until + 1}-{until}"
    return (
        f"# Backtest of {scenario}\n\n"
        f"Fitted on the years up to {fit_until} of `{workforce}`, run forward from the observed "
        f"state at the {fit_until} census to {until} ({reps} replications), and compared with what "
        f"was observed in {years}. Errors are in percentage points (cases for the "
        f"caseload); the naive forecast is each council's last observed value up to {fit_until}.\n\n"
        + markdown_table(s)
        + f"\nCouncil-years covered by the 90% band (turnover, agency and vacancy rates): "
        f"{rates['covered'].mean() * 100:.0f}% of {len(rates)}.\n\n"
        "## Method\n\n"
        "- **Where each council is heading** (pooled): a council's distance from the region's mean "
        "persists from year to year by a factor estimated across the region's councils on the fit "
        "years (one factor and one unexplained spread per measure):\n\n"
        + markdown_table(pooled)
        + "\n- **Council parameters** (each council's own): turnover scale, appeal to applicants and "
        "agency backfill are fitted so that runs from the council's observed state at the "
        f"{fit_until} census reach its expected turnover, vacancy and agency rates a year later; "
        f"agency workers beyond vacancies ({BEYOND}) are set from the file where it has the columns. "
        "**Regional parameters** (shared, fitted with them): the supply of applicants and the "
        "agency inflow:\n\n"
        + markdown_table(region)
        + "\n- **Uncertainty**: the unexplained spread of each expected rate, carried to its "
        "parameter by the rate's measured response to it (an elasticity pooled over the councils, "
        "from a first set of runs; a parameter its rate barely answers in a year keeps the spread "
        "carried at an elasticity of 1); every replication draws the councils' parameters from "
        "it, centred so that a second set of runs' mean rate is the expected rate, and the runs' own "
        "chance adds to it; a draw above a council's expected agency rate is carried by its "
        "agency beyond vacancies, one below by its backfill.\n"
        "- **Start**: each council's posts filled at its observed vacancy rate and its vacancies "
        "covered at its observed agency rate; a one-year warm-up burns in only the case mix "
        "(nobody joins or leaves).\n"
        + (
            "- **Inputs** (given to the model as observed, not to the naive forecast): each "
            "council's referrals (its yearly series) and, where the file has in post and vacancies, "
            f"its funded posts after the {fit_until} census (their ratio to that census's, moving "
            "evenly between census dates; the fit and the first two sets of runs hold them), the "
            "region's supply of applicants growing with its posts (an assumption: the region's mean "
            "vacancy rate then holds, as the pooled forecast assumes).\n\n"
            if posts == "observed"
            else "- **Inputs** (given to the model as observed, not to the naive forecast): each "
            "council's referrals (its yearly series). Funded posts are not read from the file: the "
            "forecast funds them by the establishment rule (`workforce.establishment = "
            '"follows_demand"`, a yearly review toward the posts its cases need), the fit and the '
            "first two sets of runs holding them; the region's supply of applicants is held.\n\n"
        )
        + "## Council parameters (90% interval)\n\n"
        + markdown_table(shown)
        + "\n## How well each council fits\n\n"
        "z: the fitted runs' rate a year on against the expected rate, in its sds; fit-years RMSE: "
        "the pooled model's one-year-ahead error over the fit years (in sample).\n\n"
        + markdown_table(quality.reset_index())
    )
