"""``swsim report DIR``: one self-contained HTML page for the board, with its figures as PNG and SVG.

Everything on the page is computed from the result files in DIR (written by ``run`` or
``compare``): the plain-English summary, the figure titles and the table. Figures use the
Okabe-Ito colour-blind-safe palette and state their units.
"""
from __future__ import annotations

import base64
import html
import io
from pathlib import Path

import numpy as np
import pandas as pd

from sim.model.outcomes import CASELOAD_BANDS, band_column
from sim.experiment.results import Results
from sim.experiment.resultset import atomic_write, write_text
from sim.scenario import LEVELS

PALETTE = ["#000000", "#E69F00", "#56B4E9", "#009E73", "#F0E442", "#0072B2", "#D55E00", "#CC79A7"]
LEVEL_LABELS = {"asye": "ASYE", "l2": "level 2", "l3": "level 3", "l4": "level 4", "l5": "level 5"}


# -- numbers and words ------------------------------------------------------------------------
def _money(x: float) -> str:
    x = float(x)
    sign, x = ("-" if x < 0 else ""), abs(x)
    if x >= 1e6:
        return f"{sign}£{x / 1e6:.2f} million"
    if x >= 1e3:
        return f"{sign}£{x / 1e3:,.0f},000"
    return f"{sign}£{x:,.0f}"


def _pts(x: float) -> str:
    return f"{100 * x:.2f}"


def _effect(verb_up: str, verb_down: str, diff: float, lo: float, hi: float, fmt, what: str,
            unit: str) -> str:
    """'lowers annual turnover by 0.60 percentage points (95% CI 0.54 to 0.66)', or 'makes no
    clear change to ...' when the interval includes zero."""
    if lo <= 0 <= hi:
        return f"makes no clear change to {what} ({fmt(diff)} {unit}; 95% CI {fmt(lo)} to {fmt(hi)})"
    if diff < 0:
        return f"{verb_down} {what} by {fmt(-diff)} {unit} (95% CI {fmt(-hi)} to {fmt(-lo)})"
    return f"{verb_up} {what} by {fmt(diff)} {unit} (95% CI {fmt(lo)} to {fmt(hi)})"


def _row(table: pd.DataFrame, scenario: str, metric: str) -> pd.Series:
    return table[(table["scenario"] == scenario) & (table["metric"] == metric)].iloc[0]


def summary_sentences(results: Results) -> list[str]:
    """The plain-English findings, each computed from the result tables."""
    if results.kind == "compare":
        t = results.table
        base = results.names[0]
        out = []
        b = _row(t, base, "turnover_rate")
        out.append(f"In {base}, annual turnover averages {_pts(b['mean'])}% (95% CI {_pts(b['ci_low'])} "
                   f"to {_pts(b['ci_high'])}) over {int(b['n'])} replications.")
        for name in results.names[1:]:
            turn = _row(t, name, "turnover_rate")
            cost = _row(t, name, "total_cost_gbp")
            wait = _row(t, name, "mean_wait_days")
            label = _label(name, base)
            parts = [_effect("raises", "lowers", turn["diff"], turn["diff_low"], turn["diff_high"],
                             lambda x: f"{100 * x:.2f}", "annual turnover", "percentage points")]
            if cost["diff_low"] <= 0 <= cost["diff_high"]:
                parts.append(f"has no clear effect on cost ({_money(cost['diff'])} a year; 95% CI "
                             f"{_money(cost['diff_low'])} to {_money(cost['diff_high'])})")
            else:
                verb = "costs" if cost["diff"] > 0 else "saves"
                lo, hi = sorted([abs(cost["diff_low"]), abs(cost["diff_high"])])
                parts.append(f"{verb} {_money(abs(cost['diff']))} a year (95% CI {_money(lo)} to {_money(hi)})")
            if abs(wait["diff"]) >= 0.05:
                parts.append(_effect("lengthens", "shortens", wait["diff"], wait["diff_low"],
                                     wait["diff_high"], lambda x: f"{x:.1f}",
                                     "the wait for allocation", "days"))
            asye = _row(t, name, "asye_retention_2y")
            if np.isfinite(asye["diff_low"]) and not asye["diff_low"] <= 0 <= asye["diff_high"]:
                parts.append(_effect("raises", "lowers", asye["diff"], asye["diff_low"], asye["diff_high"],
                                     lambda x: f"{100 * x:.1f}", "two-year ASYE retention",
                                     "percentage points"))
            out.append(f"{label} " + ", ".join(parts[:-1]) + (" and " if len(parts) > 1 else "")
                       + parts[-1] + ".")
        return out
    s = results.summaries
    name = results.names[0]

    def ci(col, scale=1.0, fmt="{:.1f}", unit=""):
        r = results.row(name, col)
        m, lo, hi = (fmt.format(v * scale) + unit for v in (r["mean"], r["ci_low"], r["ci_high"]))
        return f"{m} (95% CI {lo} to {hi})"
    cap = results.scenarios[name].reporting.caseload_cap
    return [f"In {name}, over {len(s)} replications: annual turnover {ci('turnover_rate', 100, unit='%')}, "
            f"vacancy rate {ci('vacancy_rate', 100, unit='%')}, agency share "
            f"{ci('agency_share', 100, unit='%')}.",
            f"A case holder holds {ci('mean_caseload')} cases on average; the busiest 5% hold "
            f"{ci('p95_caseload')} or more, and {ci('share_over_cap', 100, unit='%')} of case holders "
            f"are over the reporting cap of {cap:g} cases.",
            f"Children wait {ci('mean_wait_days', fmt='{:.2f}')} days for a social worker, and a case "
            f"changes worker {ci('worker_changes_per_case', fmt='{:.2f}')} times before it closes.",
            f"The workforce costs {_money(s['total_cost_gbp'].mean())} a year, of which agency "
            f"{_money(s['agency_cost_gbp'].mean())}."]


def _label(name: str, base: str) -> str:
    if name.startswith(base + "+"):
        policies = name[len(base) + 1:].replace("+", " and ")
        return f"Adding {policies.replace('_', ' ')}"
    return name


def assumptions(results: Results) -> list[str]:
    """Named assumptions (parameters documented as 'Assumption') that drive the turnover effects."""
    lines = []
    base = results.scenarios[results.names[0]]
    first = ("pressure_hazard_ratio_per_case", "pressure_threshold", "pay_gap_hazard_ratio_per_10pct")
    for section in ("turnover", "agency"):
        model = getattr(base, section)
        for key, field in type(model).model_fields.items():
            desc = field.description or ""
            if "ssumption" in desc:
                lines.append(f"{section}.{key} = {getattr(model, key)!r}: {desc}")
    # the caseload-pressure and pay effects drive the policy results most: list them first
    lines.sort(key=lambda line: next((i for i, k in enumerate(first) if f".{k} =" in line), len(first)))
    from sim.policy import registry
    known = registry()
    seen = set()
    for scenario in results.scenarios.values():
        for spec in scenario.policy:
            if spec.name in seen or spec.name not in known:
                continue
            seen.add(spec.name)
            for key, field in known[spec.name].Params.model_fields.items():
                if "ssumption" in (field.description or ""):
                    lines.append(f"{spec.name}.{key} = {spec.params.get(key)!r}: {field.description}")
    return lines


# -- figures ----------------------------------------------------------------------------------
def _series(ts: pd.DataFrame) -> dict[str, tuple[pd.Series, str]]:
    """Monthly measures per replication: name -> (values aligned with ts rows, axis label)."""
    perm = ts["perm_total"]
    out = {
        "agency_share": (100 * ts["agency_total"] / (ts["agency_total"] + perm), "agency share (% of staff)"),
        "vacancy_rate": (100 * ts["vacancies_total"] / (ts["vacancies_total"] + perm), "vacancy rate (% of posts)"),
        "caseload_mean": (ts["caseload_mean"], "cases per case holder (mean)"),
        "caseload_p95": (ts["caseload_p95"], "cases per case holder (95th percentile)"),
        "cost": (ts["cost_gbp_month"] / 1000, "cost per month (£ thousand)"),
    }
    leavers12 = ts.groupby(["scenario", "rep"])["leavers"].transform(lambda x: x.rolling(12, min_periods=12).sum())
    out["turnover"] = (100 * leavers12 / perm, "turnover, last 12 months (% of permanent staff)")
    for lv in LEVELS:
        out[f"perm_{lv}"] = (ts[f"perm_{lv}"], f"permanent staff at {LEVEL_LABELS[lv]} (FTE)")
    return out


def _fan(ax, months, values: pd.DataFrame, colour: str, label: str) -> None:
    q = values.quantile([0.05, 0.25, 0.5, 0.75, 0.95], axis=1).T
    x = months / 12.0
    ax.fill_between(x, q[0.05], q[0.95], color=colour, alpha=0.15, lw=0)
    ax.fill_between(x, q[0.25], q[0.75], color=colour, alpha=0.3, lw=0)
    ax.plot(x, q[0.5], color=colour, lw=1.6, label=label)


def _wrap(text: str, width: int) -> str:
    import textwrap
    return "\n".join(textwrap.wrap(text, width))


def fan_figure(results: Results, measures: list[str], title: str):
    """Rows: measures; columns: scenarios. Each panel shows its scenario's fan (median, 50% and
    90% of replications) and, for reference, the first scenario's median as a dashed line."""
    import matplotlib.pyplot as plt

    ts = results.timeseries
    series = _series(ts)
    rows, cols = len(measures), len(results.names)
    fig, axes = plt.subplots(rows, cols, figsize=(max(3.3 * cols, 7), 2.4 * rows + 1.0),
                             squeeze=False, sharex=True, sharey="row")
    for r, measure in enumerate(measures):
        values, label = series[measure]
        frame = ts[["scenario", "rep", "month"]].assign(v=values.to_numpy())
        wide = {name: frame[frame["scenario"] == name].pivot(index="month", columns="rep", values="v")
                for name in results.names}
        reference = wide[results.names[0]].median(axis=1)
        for c, name in enumerate(results.names):
            ax = axes[r, c]
            _fan(ax, wide[name].index.to_numpy(), wide[name], PALETTE[c % len(PALETTE)], name)
            if c > 0:
                ax.plot(reference.index / 12.0, reference.to_numpy(), color="black", lw=0.9, ls="--",
                        label=f"{results.names[0]} (median)")
            if r == 0:
                ax.set_title(_wrap(name, 40), fontsize=8)
            if c == 0:
                ax.set_ylabel(_wrap(label, 28), fontsize=8)
            if r == rows - 1:
                ax.set_xlabel("years after warm-up", fontsize=8)
            ax.tick_params(labelsize=7)
            ax.grid(alpha=0.3)
    if cols > 1:
        axes[0, 1].legend(fontsize=6, loc="best")
    fig.suptitle(_wrap(title, 150) + "\nline: median; bands: 50% and 90% of replications",
                 fontsize=9)
    fig.tight_layout()
    return fig


FOREST = [("turnover_rate", 100, "turnover (points)"), ("vacancy_rate", 100, "vacancy rate (points)"),
          ("agency_share", 100, "agency share (points)"), ("mean_caseload", 1, "mean caseload (cases)"),
          ("mean_wait_days", 1, "wait for allocation (days)"),
          ("worker_changes_per_case", 1, "changes of worker per case"),
          ("asye_retention_2y", 100, "ASYE 2-year retention (points)"),
          ("total_cost_gbp", 1e-3, "total cost (£ thousand a year)")]


def forest_figure(results: Results):
    import matplotlib.pyplot as plt

    t = results.table
    variants = results.names[1:]
    fig, axes = plt.subplots(2, 4, figsize=(14, 1.0 + 0.45 * len(variants) * 2 + 2), squeeze=False)
    for ax, (metric, scale, label) in zip(axes.flat, FOREST):
        for i, name in enumerate(variants):
            r = _row(t, name, metric)
            d, lo, hi = r["diff"] * scale, r["diff_low"] * scale, r["diff_high"] * scale
            ax.errorbar([d], [i], xerr=[[d - lo], [hi - d]], fmt="o", color=PALETTE[(i + 1) % len(PALETTE)],
                        capsize=3)
        ax.axvline(0, color="grey", lw=0.8)
        ax.set_yticks(range(len(variants)))
        ax.set_yticklabels(variants if ax in axes[:, 0] else [""] * len(variants), fontsize=8)
        ax.set_ylim(-0.7, len(variants) - 0.3)
        ax.set_xlabel(f"change in {label}", fontsize=8)
        ax.tick_params(axis="x", labelsize=8)
    best = min(variants, key=lambda n: _row(t, n, "turnover_rate")["diff"])
    fig.suptitle(_wrap(f"Paired effect of each scenario against {results.names[0]} (95% CI): "
                       f"{best} lowers turnover most", 150), fontsize=10)
    fig.tight_layout()
    return fig


def caseload_figure(results: Results):
    import matplotlib.pyplot as plt

    cols = [band_column(lo, hi) for lo, hi in CASELOAD_BANDS]
    labels = [f"{lo}-{hi}" if hi else f"{lo}+" for lo, hi in CASELOAD_BANDS]
    fig, ax = plt.subplots(figsize=(9, 3.6))
    width = 0.8 / len(results.names)
    cap = results.scenarios[results.names[0]].reporting.caseload_cap
    over = []
    for i, name in enumerate(results.names):
        counts = results.timeseries[results.timeseries["scenario"] == name][cols].sum()
        share = 100 * counts / counts.sum()
        ax.bar(np.arange(len(cols)) + i * width, share.to_numpy(), width, label=name,
               color=PALETTE[i % len(PALETTE)])
        above = [c for (lo, hi), c in zip(CASELOAD_BANDS, cols) if lo > cap]
        over.append((name, float(100 * counts[above].sum() / counts.sum())))
    ax.set_xticks(np.arange(len(cols)) + width * (len(results.names) - 1) / 2)
    ax.set_xticklabels(labels, fontsize=8)
    ax.set_xlabel("cases held (month ends, case holders)", fontsize=8)
    ax.set_ylabel("share of case-holder months (%)", fontsize=8)
    ax.legend(fontsize=7)
    text = "; ".join(f"{n}: {v:.1f}%" for n, v in over)
    ax.set_title(_wrap(f"Caseload distribution: share over {cap:g} cases - {text}", 110), fontsize=9)
    fig.tight_layout()
    return fig


def cost_plane_figure(results: Results):
    import matplotlib.pyplot as plt

    t = results.table
    fig, ax = plt.subplots(figsize=(7, 5))
    points = []
    for i, name in enumerate(results.names[1:]):
        turn, cost = _row(t, name, "turnover_rate"), _row(t, name, "total_cost_gbp")
        x, xlo, xhi = -100 * turn["diff"], -100 * turn["diff_high"], -100 * turn["diff_low"]
        y, ylo, yhi = cost["diff"] / 1e3, cost["diff_low"] / 1e3, cost["diff_high"] / 1e3
        ax.errorbar([x], [y], xerr=[[x - xlo], [xhi - x]], yerr=[[y - ylo], [yhi - y]], fmt="o",
                    color=PALETTE[(i + 1) % len(PALETTE)], capsize=3, label=name)
        points.append((name, x, y))
    ax.axhline(0, color="grey", lw=0.8)
    ax.axvline(0, color="grey", lw=0.8)
    ax.set_xlabel("turnover avoided (percentage points a year)", fontsize=9)
    ax.set_ylabel("extra cost (£ thousand a year)", fontsize=9)
    ax.legend(fontsize=8)
    name, x, y = max(points, key=lambda p: p[1])
    ax.set_title(_wrap(f"Cost-effectiveness against {results.names[0]} (95% CI): {name} avoids "
                       f"most turnover ({x:.2f} points) at {_money(y * 1e3)} a year", 80), fontsize=9)
    fig.tight_layout()
    return fig


def figures(results: Results) -> list[tuple[str, object, str]]:
    """(file stem, figure, caption) for every figure of the report."""
    base = results.names[0]
    s = results.summaries

    def mean(name, col, scale=1.0):
        return scale * s[s["scenario"] == name][col].mean()
    turn = "; ".join(f"{n} {mean(n, 'turnover_rate', 100):.1f}%" for n in results.names)
    out = [("turnover", fan_figure(results, ["turnover"], f"Turnover a year: {turn}"),
            "Leavers in the last 12 months as a share of permanent staff."),
           ("workforce", fan_figure(results, ["agency_share", "vacancy_rate"],
                                    "Agency share and vacancy rate: " + "; ".join(
                                        f"{n} {mean(n, 'agency_share', 100):.1f}% and "
                                        f"{mean(n, 'vacancy_rate', 100):.1f}%" for n in results.names)),
            "Agency workers over all staff; vacancies over funded posts (DfE definitions), month ends."),
           ("headcount", fan_figure(results, [f"perm_{lv}" for lv in LEVELS],
                                    "Permanent staff by level"), "Permanent social workers in post by level (FTE)."),
           ("caseload", fan_figure(results, ["caseload_mean", "caseload_p95"],
                                   "Cases per case holder: " + "; ".join(
                                       f"{n} mean {mean(n, 'mean_caseload'):.1f}, 95th percentile "
                                       f"{mean(n, 'p95_caseload'):.1f}" for n in results.names)),
            "Cases held per case holder at month ends: mean and 95th percentile."),
           ("cost", fan_figure(results, ["cost"], "Monthly cost: " + "; ".join(
               f"{n} {_money(mean(n, 'total_cost_gbp'))} a year" for n in results.names)),
            "Permanent staff, agency, recruitment and policy costs per month."),
           ]
    if band_column(*CASELOAD_BANDS[0]) in results.timeseries.columns:
        out.append(("caseload_distribution", caseload_figure(results),
                    "How many cases case holders hold, over every month end and replication."))
    if results.kind == "compare" and len(results.names) > 1:
        out.insert(0, ("cost_effectiveness", cost_plane_figure(results),
                       f"Extra cost against turnover avoided, paired with {base} (common random numbers)."))
        out.insert(0, ("effects", forest_figure(results),
                       f"Each scenario's paired difference from {base}, mean and 95% CI over replications."))
    return out


def write_overview(path: Path, results: Results) -> None:
    """The run at a glance: the report's fan charts of turnover, agency, vacancies and caseloads."""
    import matplotlib
    matplotlib.use("Agg")
    import matplotlib.pyplot as plt

    name = results.baseline
    fig = fan_figure(results, ["turnover", "agency_share", "vacancy_rate", "caseload_p95"],
                     f"{name}: the workforce over time")
    fig.savefig(path, format="png", dpi=90)
    plt.close(fig)


# -- the page ---------------------------------------------------------------------------------
def write_report(folder: Path, results: Results) -> Path:
    """Write FOLDER/report.html (self-contained) and FOLDER/figures/*.png, *.svg; return the page."""
    import matplotlib
    matplotlib.use("Agg")

    d = Path(folder)
    blocks = [_embed(d, stem, fig, caption) for stem, fig, caption in figures(results)]
    page = _page(results, blocks)
    (d / "report.html").write_text(page, encoding="utf-8")
    return d / "report.html"


def _page(results: Results, blocks: list[str]) -> str:
    m = results.settings
    title = (f"{results.names[0]} compared with {', '.join(results.names[1:])}"
             if results.kind == "compare" else f"{results.names[0]}")
    info = (f"{m.get('reps', len(results.summaries) // len(results.names))} replications of "
            f"{m.get('years', '?')} years after {m.get('warmup_years', '?')} years' warm-up, seed "
            f"{m.get('seed', '?')}" + (", common random numbers" if results.kind == "compare" else ""))
    findings = "".join(f"<li>{html.escape(s)}</li>" for s in summary_sentences(results))
    assumed = "".join(f"<li>{html.escape(a)}</li>" for a in assumptions(results))
    table = _table(results)
    return f"""<!DOCTYPE html>
<html lang="en"><head><meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
<title>swsim: {html.escape(title)}</title>
<style>
body {{ font-family: system-ui, -apple-system, "Segoe UI", sans-serif; max-width: 1100px; margin: 1.5em auto;
       padding: 0 1em; color: #222; line-height: 1.45; }}
h1 {{ font-size: 1.5em; }} h2 {{ font-size: 1.2em; margin-top: 1.6em; }}
.grid {{ display: grid; grid-template-columns: 3fr 2fr; gap: 1.5em; }}
@media (max-width: 800px) {{ .grid {{ grid-template-columns: 1fr; }} }}
.assumptions {{ font-size: 0.85em; background: #f6f6f6; padding: 0.5em 1em; border-radius: 6px; }}
figure {{ margin: 1.5em 0; }} img {{ max-width: 100%; height: auto; border: 1px solid #ddd; }}
figcaption {{ font-size: 0.85em; color: #555; }}
table {{ border-collapse: collapse; font-size: 0.85em; width: 100%; overflow-x: auto; display: block; }}
td, th {{ border-bottom: 1px solid #ddd; padding: 0.25em 0.5em; text-align: right; white-space: nowrap; }}
td:first-child, th:first-child, td:nth-child(2), th:nth-child(2) {{ text-align: left; }}
</style></head><body>
<h1>swsim: {html.escape(title)}</h1>
<p>{html.escape(info)}. Generated by <code>swsim report</code> from the result files; every number
below is computed from them.</p>
<div class="grid"><section><h2>What the model finds</h2><ul>{findings}</ul></section>
<section class="assumptions"><h2>Assumptions that drive these results</h2><ul>{assumed}</ul>
<p>These are named parameters without a documented estimate; the calibration cannot pin them down
(see the README, Calibration). Vary them before quoting an effect.</p></section></div>
<h2>Figures</h2>
{''.join(blocks)}
<h2>Key numbers</h2>
{table}
</body></html>
"""


KEY = ["turnover_rate", "vacancy_rate", "agency_share", "mean_caseload", "p95_caseload",
       "mean_wait_days", "worker_changes_per_case", "asye_retention_2y", "total_cost_gbp",
       "agency_cost_gbp", "policy_cost_gbp"]


def _table(results: Results) -> str:
    rows = ["<tr><th>metric</th><th>scenario</th><th>mean</th><th>95% CI</th>"
            + ("<th>difference</th><th>95% CI</th>" if results.kind == "compare" else "") + "</tr>"]
    for metric in KEY:
        for name in results.names:
            r = results.row(name, metric)
            mean, lo, hi = r["mean"], r["ci_low"], r["ci_high"]
            diff = ""
            if results.kind == "compare":
                diff = ("<td></td><td></td>" if name == results.names[0] else
                        f"<td>{_num(r['diff'])}</td><td>{_num(r['diff_low'])} to {_num(r['diff_high'])}</td>")
            rows.append(f"<tr><td>{metric}</td><td>{html.escape(name)}</td><td>{_num(mean)}</td>"
                        f"<td>{_num(lo)} to {_num(hi)}</td>{diff}</tr>")
    return "<table>" + "".join(rows) + "</table>"


def _num(x: float) -> str:
    x = float(x)
    if not np.isfinite(x):
        return ""
    return f"{x:,.0f}" if abs(x) >= 1000 else f"{x:.3f}"


def tornado_figure(table: pd.DataFrame, base_value: float, label: str, title: str):
    """One-way sensitivity: for each parameter (rows of ``table`` with columns ``parameter``,
    ``low``, ``high``, ``at_low``, ``at_high``), the outcome at its low and high value as a bar
    around the outcome at the base settings; widest at the top."""
    import matplotlib.pyplot as plt

    t = table.assign(width=(table["at_high"] - table["at_low"]).abs()).sort_values("width")
    fig, ax = plt.subplots(figsize=(8, 0.6 * len(t) + 1.6))
    for i, r in enumerate(t.itertuples()):
        ax.barh(i, r.at_low - base_value, left=base_value, color=PALETTE[5], alpha=0.85,
                label="parameter low" if i == 0 else None)
        ax.barh(i, r.at_high - base_value, left=base_value, color=PALETTE[6], alpha=0.85,
                label="parameter high" if i == 0 else None)
        ax.text(max(r.at_low, r.at_high), i, f"  {r.low:g} / {r.high:g}", va="center", fontsize=7)
    ax.axvline(base_value, color="black", lw=1)
    ax.set_yticks(range(len(t)))
    ax.set_yticklabels(t["parameter"], fontsize=8)
    ax.set_xlabel(label, fontsize=8)
    ax.legend(fontsize=7, loc="lower right")
    ax.set_title(_wrap(title, 90), fontsize=9)
    fig.tight_layout()
    return fig


def write_sensitivity(out: Path, outcome: str, method: str = "auto") -> tuple[pd.DataFrame, Path]:
    """DIR/sensitivity_OUTCOME.csv and its tornado plot."""
    from sim.experiment.sensitivity import analyse

    import matplotlib
    matplotlib.use("Agg")
    import matplotlib.pyplot as plt

    table = analyse(out, outcome, method)
    atomic_write(Path(out) / f"sensitivity_{outcome}.csv", lambda p: table.to_csv(p, index=False))
    top = table.iloc[0]["parameter"]
    fig = tornado_figure(table, float(table["mean_outcome"].iloc[0]), f"{outcome} (mean over replications)",
                         f"{outcome}: {top} moves it most (regression on design points, "
                         f"R^2 = {table['r2'].iloc[0]:.2f})")
    png = Path(out) / f"sensitivity_{outcome}.png"
    atomic_write(png, lambda p: fig.savefig(p, format="png", dpi=100))
    plt.close(fig)
    return table, png


# -- sweeps -----------------------------------------------------------------------------------
SWEEP_OUTCOMES = [("turnover_rate", 100, "annual turnover (%)"),
                  ("total_cost_gbp", 1e-3, "total cost (£ thousand a year)"),
                  ("mean_wait_days", 1, "wait for allocation (days)")]


def write_sweep_report(directory: Path, folder: Path) -> Path:
    """The report of the sweep in ``directory``, written to ``folder``: what moves each key outcome
    (tornado), and the outcome against each parameter over the design points."""
    import matplotlib
    matplotlib.use("Agg")
    import matplotlib.pyplot as plt

    from sim.experiment.sensitivity import analyse, load_sweep, point_means

    d = Path(directory)
    settings, points, table = load_sweep(d)
    blocks, findings = [], []
    for outcome, scale, label in SWEEP_OUTCOMES:
        sens = analyse(d, outcome, "regression")
        y = point_means(points, table, outcome) * scale
        top = sens.iloc[0]
        findings.append(
            f"Across {len(points)} design points ({len(table)} runs), mean {label} ranges from "
            f"{np.nanmin(y):.2f} to {np.nanmax(y):.2f}; {top['parameter']} moves it most: "
            f"{top['at_low'] * scale:.2f} at {top['low']:g} and {top['at_high'] * scale:.2f} at "
            f"{top['high']:g} (others at their mean; linear fit R^2 = {top['r2']:.2f}).")
        scaled = sens.assign(at_low=sens["at_low"] * scale, at_high=sens["at_high"] * scale)
        fig = tornado_figure(scaled, float(np.nanmean(y)), label,
                             f"{label}: {top['parameter']} moves it most")
        blocks.append(_embed(Path(folder), f"tornado_{outcome}", fig, "Outcome at each parameter's low and high "
                             "value, the others at their mean (regression on the design points)."))
        fig, axes = plt.subplots(1, len(points.columns), figsize=(4.2 * len(points.columns), 3.4), squeeze=False)
        for ax, name in zip(axes[0], points.columns):
            ax.scatter(points[name], y, s=18, color=PALETTE[5])
            ax.set_xlabel(name, fontsize=8)
            ax.set_ylabel(label, fontsize=8)
            ax.tick_params(labelsize=7)
        fig.suptitle(_wrap(f"{label} at each design point (mean over {settings['reps']} replications)", 120), fontsize=9)
        fig.tight_layout()
        blocks.append(_embed(Path(folder), f"points_{outcome}", fig, "Each dot is one design point."))
    info = (f"{settings['design']} design over {', '.join(points.columns)}; {len(points)} points x "
            f"{settings['reps']} replications of {settings['years']} years, seed {settings['seed']}")
    page = f"""<!DOCTYPE html><html lang="en"><head><meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1"><title>swsim sweep</title>
<style>body {{ font-family: system-ui, sans-serif; max-width: 1100px; margin: 1.5em auto; padding: 0 1em; }}
img {{ max-width: 100%; height: auto; border: 1px solid #ddd; }} figcaption {{ font-size: 0.85em; color: #555; }}</style>
</head><body><h1>swsim sweep: {html.escape(settings['scenario'])}</h1><p>{html.escape(info)}.</p>
<h2>What the sweep finds</h2><ul>{''.join(f'<li>{html.escape(f)}</li>' for f in findings)}</ul>
<h2>Figures</h2>{''.join(blocks)}</body></html>
"""
    (Path(folder) / "report.html").write_text(page, encoding="utf-8")
    return Path(folder) / "report.html"


def _embed(d: Path, stem: str, fig, caption: str) -> str:
    import matplotlib.pyplot as plt
    buf = io.BytesIO()
    fig.savefig(buf, format="png", dpi=100)
    png = buf.getvalue()
    atomic_write(d / "figures" / f"{stem}.png", lambda p: p.write_bytes(png))
    atomic_write(d / "figures" / f"{stem}.svg", lambda p: fig.savefig(p, format="svg"))
    title = fig._suptitle.get_text() if fig._suptitle else fig.axes[0].get_title()
    plt.close(fig)
    return (f'<figure id="{stem}"><img alt="{html.escape(title)}" src="data:image/png;base64,'
            f'{base64.b64encode(png).decode()}"><figcaption>{html.escape(caption)}</figcaption></figure>')
