"""The key numbers table of the report: for each key metric (and a region's own measures) and
scenario, the region's mean with its 95% interval, the paired difference from the baseline with its
half-width, the interval method, and (with a precision target) whether the target half-width was
reached. The councils' table: each council's mean of a few metrics, and for a comparison each
variant's paired difference per council."""

from __future__ import annotations

from dataclasses import dataclass, field

from sim.columns import COST_PER_PP, REGION
from sim.experiment.results import Results
from sim.present.briefing import PERMANENT_TARGET
from sim.present.formats import outcome, short_unit, unit_heading
from sim.present.labels import scenario_labels
from sim.present.readings import (
    CI,
    INTERVAL,
    SINGLE,
    Reading,
    aligned,
    halfwidth_texts,
    method_words,
    metric_readings,
    reading,
)
from sim.present.region import COUNCIL_METRICS, PERMANENT_SHARE, councils, key_metrics, region_words


@dataclass
class Row:
    scenario: str
    mean: str
    difference: str = ""
    method: str = ""
    target: str = ""
    measurable: bool = False


@dataclass
class Group:
    label: str
    unit: str
    definition: str
    rows: list[Row] = field(default_factory=list)


def estimate_cell(r: Reading, reps: int) -> str:
    """'16.0% (15.4% to 16.5%)', '16.0%, n/a (1 replication)', or why there is no number."""
    if r.status == INTERVAL:
        text = f"{r.shown(r.estimate)} ({r.shown(r.low)} to {r.shown(r.high)})"
    elif r.status == SINGLE:
        text = f"{r.shown(r.estimate)}, {r.why()}"
    else:
        return r.why()
    return text + (f"; from {r.n} of {reps} replications" if 0 < r.n < reps else "")


def difference_cell(r: Reading) -> str:
    """'-0.60 ± 0.06 (-0.66 to -0.54)'; 'no measurable effect: +0.04 ± 0.42 (...)'."""
    if r.status != INTERVAL:
        return estimate_cell(r, r.n)
    text = (
        f"{r.shown(r.estimate)} ± {r.shown(r.halfwidth, signed=False)} "
        f"({r.shown(r.low)} to {r.shown(r.high)})"
    )
    return text if r.measurable else f"no measurable effect: {text}"


def target_cell(p: dict) -> str:
    """Whether the target half-width was reached, and if not, how many replications would."""
    hw, target = halfwidth_texts(p)
    if p["reached"]:
        return f"reached: ± {hw} (target ± {target}) with {p['replications']} replications"
    return (
        f"not reached: ± {hw} (target ± {target}) with {p['replications']} replications; about "
        f"{p['replications_needed']:,} would reach it ({p['replications_needed'] - p['replications']:,} more)"
    )


def key_table(results: Results) -> list[Group]:
    """The groups of rows of the key numbers table (cost per point last, for comparisons)."""
    labels = scenario_labels(results.scenarios, results.names)
    compare = results.kind == "compare" and len(results.names) > 1
    targets = {(p["scenario"], p["metric"]): target_cell(p) for p in results.precision or []}
    groups = []
    for metric in key_metrics(results) + ([COST_PER_PP] if compare else []):
        o = outcome(metric)
        unit = unit_heading(metric) + (
            f"; FutureSocial's target: {PERMANENT_TARGET:.0%}" if metric == PERMANENT_SHARE else ""
        )
        group = Group(o.label, unit, o.definition)
        shown = [n for n in results.names if metric != COST_PER_PP or n != results.baseline]
        means, diffs = metric_readings(results, metric, shown), {}
        if compare and metric != COST_PER_PP:
            diffs = metric_readings(results, metric, shown[1:], difference=True)
        for name in shown:
            mean = means[name]
            if metric == COST_PER_PP:  # a comparison quantity: in the difference column
                row = Row(
                    labels[name],
                    "",
                    estimate_cell(mean, results.reps),
                    measurable=mean.status == INTERVAL,
                )
                r = mean
            elif compare and name != results.baseline:
                r = diffs[name]
                row = Row(
                    labels[name],
                    estimate_cell(mean, results.reps),
                    difference_cell(r),
                    measurable=r.measurable,
                )
            else:
                r = mean
                row = Row(labels[name], estimate_cell(mean, results.reps))
            row.method = method_words(r.method) if r.status == INTERVAL else ""
            row.target = targets.get((name, metric), "")
            group.rows.append(row)
        groups.append(group)
    return groups


def methods_used(groups: list[Group]) -> list[str]:
    return sorted({row.method for g in groups for row in g.rows if row.method})


# -- the councils -------------------------------------------------------------------------------------
@dataclass
class Cell:
    text: str
    measurable: bool = False


@dataclass
class CouncilTable:
    """One table of the councils: a row per council (the region first), a column per metric (or,
    in the board's section, per scenario; or a row per scenario)."""

    caption: str
    columns: list[tuple[str, str]]  # (metric label, unit)
    rows: list[tuple[str, list[Cell]]]  # (council, its cells)
    corner: str = "council"  # the heading of the rows' names
    region_first: bool = True  # the first row is the region's (shaded)


def interval_cell(r: Reading) -> Cell:
    """A paired difference: '-0.60 (-0.66 to -0.54)', measurable when the interval excludes zero;
    or why there is none."""
    if r.status != INTERVAL:
        return Cell(estimate_cell(r, r.n))
    return Cell(f"{r.shown(r.estimate)} ({r.shown(r.low)} to {r.shown(r.high)})", r.measurable)


def _council_rows(results: Results, name: str, difference: bool) -> list[tuple[str, list[Cell]]]:
    rows = []
    authorities = [REGION, *councils(results)]
    columns = [
        aligned([reading(results.row(name, m, a), difference) for a in authorities])
        for m in COUNCIL_METRICS
    ]
    for i, authority in enumerate(authorities):
        label = region_words(results) if authority == REGION else authority
        cells = [
            interval_cell(c[i]) if difference else Cell(estimate_cell(c[i], results.reps))
            for c in columns
        ]
        rows.append((label, cells))
    return rows


def council_tables(results: Results) -> list[CouncilTable]:
    """The councils' means (the baseline's, for a comparison), then each variant's paired
    difference from the baseline per council; none without councils."""
    if not councils(results):
        return []
    labels = scenario_labels(results.scenarios, results.names)
    compare = results.kind == "compare" and len(results.names) > 1
    base = results.baseline
    heads = lambda diff: [(outcome(m).label, short_unit(m, diff)) for m in COUNCIL_METRICS]
    where = f" in {labels[base]}" if compare else ""
    out = [
        CouncilTable(
            f"Each council's mean{where} ({CI})", heads(False), _council_rows(results, base, False)
        )
    ]
    for name in results.names[1:] if compare else []:
        out.append(
            CouncilTable(
                f"With {labels[name]}: each council's paired difference from {labels[base]} ({CI})",
                heads(True),
                _council_rows(results, name, True),
            )
        )
    return out
