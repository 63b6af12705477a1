"""The findings in plain English, computed from the result table: each names the scenario in plain
words and quotes the table's numbers (the region's; for a region of councils, also what differs
between its councils). A value that is the same in every replication, an undefined
metric and a difference whose interval includes zero are never stated as findings: ``caveats`` says
what they are."""

from __future__ import annotations

from sim.columns import (
    COST_PER_PP,
    MEAN_CASELOAD,
    ONE,
    RATES,
    TOTAL_COST,
    TURNOVER_RATE,
    VACANCY_RATE,
)
from sim.experiment.results import Results
from sim.present.briefing import PERMANENT_TARGET
from sim.present.formats import outcome, with_unit
from sim.present.labels import capitalised, scenario_labels
from sim.present.readings import (
    CI,
    INTERVAL,
    SAME,
    SINGLE,
    UNDEFINED,
    Reading,
    halfwidth_texts,
    reading,
    value_text,
)
from sim.present.region import (
    COUNCIL_METRICS,
    PERMANENT_SHARE,
    REGION_METRICS,
    at_target,
    council_means,
    council_range,
    councils,
    key_metrics,
    region_words,
)

TURNOVER, COST = TURNOVER_RATE, TOTAL_COST
THEMES = [
    ("The workforce", list(RATES)),
    ("Caseloads", [MEAN_CASELOAD, "p95_caseload", "share_over_cap"]),
    ("Children", ["worker_changes_per_case"]),  # after children_parts (see _run_sentences)
    ("Cost", [TOTAL_COST, "agency_cost_gbp", "policy_cost_gbp"]),
]
LAC_3PLUS, WAIT, WAIT_P90 = "lac_3plus_workers_share", "mean_wait_days", "wait_days_p90"
# DfE, Children's social care data in England 2024: 27% of looked-after children had three or more
# social workers in the year (calibration/targets.csv, england_lac_3plus_workers_2024)
DFE_LAC_3PLUS, DFE_LAC_3PLUS_YEAR = 0.27, 2024


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
        return (
            f"{'falls' if down else 'rises'} by {size} ({CI} {r.shown(low, signed=False)} to "
            f"{r.shown(high, signed=False)})"
        )
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
        return (
            [_baseline_sentence(results)]
            + children_sentence(results, results.baseline)
            + [_variant_sentence(results, n) for n in results.names[1:]]
        )
    return _run_sentences(results)


def target_words(r: Reading) -> str:
    """Where a share of practice by permanent staff stands against FutureSocial's target: 'below
    FutureSocial's target of 90%', or '' for no value."""
    target = f"FutureSocial's target of {PERMANENT_TARGET:.0%}"
    if r.status == INTERVAL and r.low < PERMANENT_TARGET <= r.high:
        return f"its interval includes {target}"
    if r.status not in (INTERVAL, SINGLE, SAME):
        return ""
    return f"below {target}" if r.estimate < PERMANENT_TARGET else f"at or above {target}"


def _parts(results: Results, name: str, metrics: list[str]) -> list[str]:
    """'annual turnover 16.0% (95% CI 15.4% to 16.5%)' for each metric with a value that varies."""
    cap = results.scenarios[name].reporting.caseload_cap
    single = results.reps == 1
    parts = []
    for m in metrics:
        r = reading(results.row(name, m))
        if r.status in (INTERVAL, SINGLE):
            value = with_unit(r.shown(r.estimate), m) if single else estimate_words(r)
            target = f", {target_words(r)}" if m == PERMANENT_SHARE else ""
            parts.append(f"{_label(m, cap)} {value}{target}")
    return parts


def _value_words(results: Results, r: Reading) -> str:
    """A value as the findings quote it: with its interval, or alone from one replication."""
    return with_unit(r.shown(r.estimate), r.metric) if results.reps == 1 else estimate_words(r)


def children_parts(results: Results, name: str) -> list[str]:
    """Children's experience: the share of looked-after children with three or more social workers
    in the year to 31 March beside DfE's England figure, and the wait for a worker (every wait:
    mean and 90th percentile); each only where it has a value that varies."""

    def quoted(metric: str) -> Reading | None:
        r = reading(results.row(name, metric))
        return r if r.status in (INTERVAL, SINGLE) else None

    parts = []
    if r := quoted(LAC_3PLUS):
        parts.append(
            f"{_value_words(results, r)} of looked-after children had three or more social "
            f"workers in the 12 months to 31 March, against {DFE_LAC_3PLUS:.0%} in England "
            f"in {DFE_LAC_3PLUS_YEAR} (DfE)"
        )
    waits = [
        f"{words} {_value_words(results, r)}"
        for m, words in ((WAIT, "a mean of"), (WAIT_P90, "a 90th percentile of"))
        if (r := quoted(m))
    ]
    if waits:
        parts.append(
            "children waited for a worker (new referrals, and cases whose worker left or that "
            "moved team) " + " with ".join(waits)
        )
    return parts


def children_sentence(results: Results, name: str) -> list[str]:
    """``children_parts`` as a sentence of a comparison's baseline; none without a value."""
    parts = children_parts(results, name)
    return [f"Children in {name}: " + "; ".join(parts) + "."] if parts else []


def _region_sentence(results: Results, name: str) -> list[str]:
    """The region's own measures (moves between councils, permanent practice against the target,
    agency cover not found); none without councils."""
    parts = _parts(results, name, REGION_METRICS) if councils(results) else []
    return ["Across the region: " + "; ".join(parts) + "."] if parts else []


def _run_sentences(results: Results) -> list[str]:
    name = results.baseline
    out = []
    for lead, metrics in THEMES:
        parts = (children_parts(results, name) if lead == "Children" else []) + _parts(
            results, name, metrics
        )
        if parts:
            out.append(f"{lead}: " + "; ".join(parts) + ".")
    if out:
        how = (
            f"in its one replication (no intervals: {ONE})"
            if results.reps == 1
            else f"over {results.reps} replications (means with {CI}s)"
        )
        where = f", {region_words(results)}" if councils(results) else ""
        out[0] = f"In {name}{where}, {how}. " + out[0]
    return out + _region_sentence(results, name)


def _baseline_sentence(results: Results) -> str:
    name = results.baseline
    where = f", {region_words(results)}" if councils(results) else ""
    r = reading(results.row(name, TURNOVER))
    if r.status == INTERVAL:
        text = (
            f"In {name}{where}, {outcome(TURNOVER).label} averages {estimate_words(r)} over "
            f"{results.reps} replications."
        )
    else:
        text = f"In {name}{where}, {outcome(TURNOVER).label} is {estimate_words(r)}."
    return " ".join([text, *_region_sentence(results, name)])


def _variant_sentence(results: Results, name: str) -> str:
    label = scenario_labels(results.scenarios, results.names)[name]
    cap = results.scenarios[name].reporting.caseload_cap
    turn = reading(results.row(name, TURNOVER), difference=True)
    cost = reading(results.row(name, COST), difference=True)
    text = (
        f"With {label}, {outcome(TURNOVER).label} {change_words(turn)} and "
        f"{outcome(COST).label} {change_words(cost)}."
    )
    others = [
        f"{_label(m, cap)} {change_words(r)}"
        for m in key_metrics(results)
        if m not in (TURNOVER, COST)
        and (r := reading(results.row(name, m), difference=True)).measurable
    ]
    if others:
        text += " Measurable changes: " + "; ".join(others) + "."
    ratio = reading(results.row(name, COST_PER_PP))
    if ratio.status == INTERVAL:
        cheaper = (
            " (negative: on average it costs less than the baseline)" if ratio.estimate < 0 else ""
        )
        text += (
            f" Cost per percentage point of {outcome(TURNOVER).label} avoided: "
            f"{ratio.shown(ratio.estimate)} a year ({CI} {ratio.shown(ratio.low)} to "
            f"{ratio.shown(ratio.high)}){cheaper}."
        )
    return text


# -- the councils -----------------------------------------------------------------------------
def council_sentences(results: Results) -> list[str]:
    """What differs between the councils, from each council's rows of the table: the range of their
    means, how many meet the permanent practice target and, for a comparison, in which councils
    each variant measurably changes turnover and cost. None without councils."""
    if not councils(results):
        return []
    labels = scenario_labels(results.scenarios, results.names)
    base = results.baseline
    where = f" in {labels[base]}" if len(results.names) > 1 else ""
    ranges = [
        f"{outcome(m).label} {text}"
        for m in COUNCIL_METRICS
        if (text := council_range(results, base, m, unit=True))
    ]
    out = [
        f"Across the {len(councils(results))} councils{where} (each council's mean over "
        f"{results.reps} replications; intervals in the table below): " + "; ".join(ranges) + "."
    ]
    out += _target_sentence(results, base)
    if results.kind == "compare":
        out += [_council_change_sentence(results, n, labels[n]) for n in results.names[1:]]
    return out


def _target_sentence(results: Results, name: str) -> list[str]:
    """How many councils' mean share of practice by permanent staff meets the 90% target."""
    means = council_means(results, name, PERMANENT_SHARE)
    if not means:
        return []
    met = [f"{c} {text}" for c, text in at_target(results, name)]
    n = len(councils(results))
    label = capitalised(outcome(PERMANENT_SHARE).label)
    if not met:
        c, _, text = means[-1]
        return [
            f"{label} is below FutureSocial's target of {PERMANENT_TARGET:.0%} in every council "
            f"(means; highest: {c} {text})."
        ]
    return [
        f"{label} meets FutureSocial's target of {PERMANENT_TARGET:.0%} in {len(met)} of the {n} "
        f"councils (means: {', '.join(met)})."
    ]


def _adopters(results: Results, name: str) -> list[str]:
    """The councils that adopt a variant's policies when they name them (else none: all do)."""
    named = [set(p.authorities) for p in results.scenarios[name].policy if p.authorities]
    return [c for c in councils(results) if any(c in s for s in named)]


def _council_change_sentence(results: Results, name: str, label: str) -> str:
    """For a policy some councils adopt, its effect there first; then in which councils a variant
    measurably lowers or raises turnover and total cost, with the chance of a false alarm."""
    adopters = _adopters(results, name)
    lead = ""
    if adopters:
        effects = [
            f"{c}: "
            + ", ".join(
                f"{outcome(m).label} {change_words(reading(results.row(name, m, c), difference=True))}"
                for m in (TURNOVER, VACANCY_RATE, COST)
            )
            for c in adopters
        ]
        lead = (
            f"With {label}, in the council{'s' if len(adopters) > 1 else ''} adopting it: "
            + "; ".join(effects)
            + ". "
        )
    parts = []
    for metric in (TURNOVER, COST):
        moved = {
            c: reading(results.row(name, metric, c), difference=True) for c in councils(results)
        }
        falls = [c for c, r in moved.items() if r.measurable and r.estimate < 0]
        rises = [c for c, r in moved.items() if r.measurable and r.estimate > 0]
        words = [
            f"{verb} measurably in {_councils_words(which, len(moved))}"
            for verb, which in (("falls", falls), ("rises", rises))
            if which
        ]
        parts.append(
            f"{outcome(metric).label} "
            + (" and ".join(words) or "changes measurably in no council")
        )
    n = len(councils(results))
    return (
        lead + f"With {label}, council by council: " + "; ".join(parts) + f" (with {n} councils "
        "and 95% intervals, about one council in twenty shows a measurable change by chance)."
    )


def _councils_words(names: list[str], n: int) -> str:
    """'all 14 councils', '2 of the 14 councils (Dudley, Solihull)'."""
    if len(names) == n:
        return f"all {n} councils"
    return f"{len(names)} of the {n} councils ({', '.join(names)})"


# -- what is not a finding --------------------------------------------------------------------
def caveats(results: Results) -> list[str]:
    """What a reader must not take as a finding: values that never vary, undefined metrics, single
    replications, and whether a precision target was met."""
    labels = scenario_labels(results.scenarios, results.names)
    out = []
    if results.reps == 1:
        out.append(
            f"One replication: no interval can be computed ({ONE}), so no difference can be "
            "called measurable; run more replications before quoting one."
        )
    where = {
        n: (f"in {labels[n]}" if n == results.baseline else f"with {labels[n]}")
        for n in results.names
    }
    for metric in key_metrics(results):
        rows = {n: reading(results.row(n, metric)) for n in results.names}
        same = [
            f"{where[n]} ({r.why().split(': ', 1)[1]})" for n, r in rows.items() if r.status == SAME
        ]
        if same:
            out.append(
                f"{capitalised(outcome(metric).label)} is the same in every replication "
                f"{'; '.join(same)}: a fixed value, flagged, not a finding."
            )
        undefined = [n for n, r in rows.items() if r.status == UNDEFINED]
        if undefined:
            place = (
                "" if len(undefined) == len(rows) else " " + "; ".join(where[n] for n in undefined)
            )
            out.append(
                f"{capitalised(outcome(metric).label)}{place} is {rows[undefined[0]].why()}."
            )
    for p in results.precision or []:
        out.append(_precision_sentence(p, labels.get(p["scenario"], p["scenario"])))
    return out


def _precision_sentence(p: dict, label: str) -> str:
    metric = p["metric"]
    hw, target = (with_unit(x, metric, True) for x in halfwidth_texts(p))
    what = f"the difference in {outcome(metric).label} for {label}"
    if p["reached"]:
        return (
            f"Precision: {what} reached the target half-width of {target} (± {hw} with "
            f"{p['replications']} replications)."
        )
    return (
        f"Precision: {what} did not reach the target half-width of {target} (± {hw} with "
        f"{p['replications']} replications); about {p['replications_needed']:,} replications would "
        f"reach it ({p['replications_needed'] - p['replications']:,} more)."
    )


# -- sweeps -----------------------------------------------------------------------------------
def sweep_sentence(metric: str, values, runs: int, top: dict, name: str) -> str:
    """What moves one outcome across a sweep: the range of its mean over the design points, and the
    parameter that moves it most, at that parameter's low and high end (``analyse``)."""
    return (
        f"Across {len(values)} design points ({runs} runs), the mean {outcome(metric).label} of a "
        f"point ranges from {value_text(min(values), metric)} to {value_text(max(values), metric)}; "
        f"{name} moves it most: {value_text(top['at_low'], metric)} at its low end ({top['low']:g}) "
        f"and {value_text(top['at_high'], metric)} at its high end ({top['high']:g}), averaged "
        f"over the other parameters."
    )
