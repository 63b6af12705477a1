"""The findings in plain English, computed from the result table: each names the scenario in plain
words and quotes the table's numbers. A value that is the same in every replication, an undefined
metric and a difference whose interval includes zero are never stated as findings: ``caveats`` says
what they are."""
from __future__ import annotations

from sim.experiment.results import Results
from sim.experiment.stats import COST_PER_PP, ONE
from sim.model.outcomes import KEY_METRICS
from sim.present.formats import outcome, with_unit
from sim.present.labels import capitalised, scenario_labels
from sim.present.readings import (CI, INTERVAL, SAME, SINGLE, UNDEFINED, Reading, halfwidth_texts,
                                  reading, value_text)

TURNOVER, COST = "turnover_rate", "total_cost_gbp"
THEMES = [("The workforce", ["turnover_rate", "vacancy_rate", "agency_share"]),
          ("Caseloads", ["mean_caseload", "p95_caseload", "share_over_cap"]),
          ("Children", ["mean_wait_days", "worker_changes_per_case"]),
          ("Cost", ["total_cost_gbp", "agency_cost_gbp", "policy_cost_gbp"])]


# -- numbers in words -------------------------------------------------------------------------
def estimate_words(r: Reading) -> str:
    """'16.0% (95% CI 15.4% to 16.5%)', '16.0% (n/a (1 replication))'."""
    value = with_unit(r.shown(r.estimate), r.metric, r.difference)
    if r.status == INTERVAL:
        return f"{value} ({CI} {r.shown(r.low)} to {r.shown(r.high)})"
    return f"{value} ({r.why()})"


def change_words(r: Reading) -> str:
    """A paired difference: 'falls by 0.60 percentage points (95% CI 0.54 to 0.66)'; 'shows no
    measurable change (+0.04 percentage points; 95% CI -0.38 to 0.46)'; one replication or a
    constant difference say so."""
    if r.status == INTERVAL and r.measurable:
        down = r.estimate < 0
        low, high = (-r.high, -r.low) if down else (r.low, r.high)
        size = with_unit(r.shown(abs(r.estimate), signed=False), r.metric, True)
        return (f"{'falls' if down else 'rises'} by {size} ({CI} {r.shown(low, signed=False)} to "
                f"{r.shown(high, signed=False)})")
    value = with_unit(r.shown(r.estimate), r.metric, True)
    if r.status == INTERVAL:
        return f"shows no measurable change ({value}; {CI} {r.shown(r.low)} to {r.shown(r.high)})"
    if r.status == SINGLE:
        return f"changes by {value} in the one replication (no interval)"
    return f"is {r.why()}"


def _label(metric: str, cap: float) -> str:
    words = outcome(metric).label
    return f"{words} ({cap:g} cases)" if metric == "share_over_cap" else words


# -- findings ---------------------------------------------------------------------------------
def summary_sentences(results: Results) -> list[str]:
    """The plain-English findings, each computed from ``results.table``."""
    if results.kind == "compare" and len(results.names) > 1:
        return [_baseline_sentence(results)] + [_variant_sentence(results, n) for n in results.names[1:]]
    return _run_sentences(results)


def _run_sentences(results: Results) -> list[str]:
    name = results.baseline
    cap = results.scenarios[name].reporting.caseload_cap
    single = results.reps == 1
    out = []
    for lead, metrics in THEMES:
        parts = []
        for m in metrics:
            r = reading(results.row(name, m))
            if r.status in (INTERVAL, SINGLE):
                value = with_unit(r.shown(r.estimate), m) if single else estimate_words(r)
                parts.append(f"{_label(m, cap)} {value}")
        if parts:
            out.append(f"{lead}: " + "; ".join(parts) + ".")
    if out:
        how = (f"in its one replication (no intervals: {ONE})" if single
               else f"over {results.reps} replications (means with {CI}s)")
        out[0] = f"In {name}, {how}. " + out[0]
    return out


def _baseline_sentence(results: Results) -> str:
    name = results.baseline
    r = reading(results.row(name, TURNOVER))
    if r.status == INTERVAL:
        return (f"In {name}, {outcome(TURNOVER).label} averages {estimate_words(r)} over "
                f"{results.reps} replications.")
    return f"In {name}, {outcome(TURNOVER).label} is {estimate_words(r)}."


def _variant_sentence(results: Results, name: str) -> str:
    label = scenario_labels(results.scenarios, results.names)[name]
    cap = results.scenarios[name].reporting.caseload_cap
    turn = reading(results.row(name, TURNOVER), difference=True)
    cost = reading(results.row(name, COST), difference=True)
    text = (f"With {label}, {outcome(TURNOVER).label} {change_words(turn)} and "
            f"{outcome(COST).label} {change_words(cost)}.")
    others = [f"{_label(m, cap)} {change_words(r)}" for m in KEY_METRICS if m not in (TURNOVER, COST)
              and (r := reading(results.row(name, m), difference=True)).measurable]
    if others:
        text += " Measurable changes: " + "; ".join(others) + "."
    ratio = reading(results.row(name, COST_PER_PP))
    if ratio.status == INTERVAL:
        cheaper = " (negative: on average it costs less than the baseline)" if ratio.estimate < 0 else ""
        text += (f" Cost per percentage point of {outcome(TURNOVER).label} avoided: "
                 f"{ratio.shown(ratio.estimate)} a year ({CI} {ratio.shown(ratio.low)} to "
                 f"{ratio.shown(ratio.high)}){cheaper}.")
    return text


# -- what is not a finding --------------------------------------------------------------------
def caveats(results: Results) -> list[str]:
    """What a reader must not take as a finding: values that never vary, undefined metrics, single
    replications, and whether a precision target was met."""
    labels = scenario_labels(results.scenarios, results.names)
    out = []
    if results.reps == 1:
        out.append(f"One replication: no interval can be computed ({ONE}), so no difference can be "
                   "called measurable; run more replications before quoting one.")
    where = {n: (f"in {labels[n]}" if n == results.baseline else f"with {labels[n]}") for n in results.names}
    for metric in KEY_METRICS:
        rows = {n: reading(results.row(n, metric)) for n in results.names}
        same = [f"{where[n]} ({r.why().split(': ', 1)[1]})" for n, r in rows.items() if r.status == SAME]
        if same:
            out.append(f"{capitalised(outcome(metric).label)} is the same in every replication "
                       f"{'; '.join(same)}: a fixed value, flagged, not a finding.")
        undefined = [n for n, r in rows.items() if r.status == UNDEFINED]
        if undefined:
            place = "" if len(undefined) == len(rows) else " " + "; ".join(where[n] for n in undefined)
            out.append(f"{capitalised(outcome(metric).label)}{place} is {rows[undefined[0]].why()}.")
    for p in results.precision or []:
        out.append(_precision_sentence(p, labels.get(p["scenario"], p["scenario"])))
    return out


def _precision_sentence(p: dict, label: str) -> str:
    metric = p["metric"]
    hw, target = (with_unit(x, metric, True) for x in halfwidth_texts(p))
    what = f"the difference in {outcome(metric).label} for {label}"
    if p["reached"]:
        return (f"Precision: {what} reached the target half-width of {target} (± {hw} with "
                f"{p['replications']} replications).")
    return (f"Precision: {what} did not reach the target half-width of {target} (± {hw} with "
            f"{p['replications']} replications); about {p['replications_needed']:,} replications would "
            f"reach it ({p['replications_needed'] - p['replications']:,} more).")


# -- sweeps -----------------------------------------------------------------------------------
def sweep_sentence(metric: str, values, runs: int, top: dict, name: str) -> str:
    """What moves one outcome across a sweep: the range of its mean over the design points, and the
    parameter that moves it most, at that parameter's low and high end (``analyse``)."""
    return (f"Across {len(values)} design points ({runs} runs), the mean {outcome(metric).label} of a "
            f"point ranges from {value_text(min(values), metric)} to {value_text(max(values), metric)}; "
            f"{name} moves it most: {value_text(top['at_low'], metric)} at its low end ({top['low']:g}) "
            f"and {value_text(top['at_high'], metric)} at its high end ({top['high']:g}), averaged "
            f"over the other parameters.")
