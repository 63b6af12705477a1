"""What a report shows of a region of councils: which metrics the board asks for at the region's
level and for each council, the councils of a result, and each council's mean of a metric as the
tables print it. Results without councils are a region of one: no councils, no extra metrics."""

from __future__ import annotations

import math

from sim.columns import KEY_METRICS, MEAN_CASELOAD, RATES, REGION, TOTAL_COST
from sim.experiment.results import Results
from sim.present.briefing import PERMANENT_TARGET
from sim.present.formats import with_unit
from sim.present.readings import INTERVAL, SAME, SINGLE, reading

# the region's measures the board asks for, beside the key metrics
REGION_METRICS = ["moves_in_per_year", "permanent_practice_share", "agency_unmet_mean"]
# each council's row of the councils' table
COUNCIL_METRICS = [*RATES, MEAN_CASELOAD, "moves_in_per_year", TOTAL_COST]
PERMANENT_SHARE = "permanent_practice_share"


def councils(results: Results) -> list[str]:
    """The councils of the results, in the region's order ([] for a scenario without councils)."""
    return [a for a in results.authorities if a != REGION]


def key_metrics(results: Results) -> list[str]:
    """The key metrics, and for a region of councils its own measures after them."""
    return KEY_METRICS + (REGION_METRICS if councils(results) else [])


def region_words(results: Results) -> str:
    """'the region (its 14 councils together)', or '' for a scenario without councils."""
    n = len(councils(results))
    return f"the region (its {n} councils together)" if n else ""


def council_means(results: Results, name: str, metric: str) -> list[tuple[str, float, str]]:
    """(council, mean, the mean as the tables print it) for every council with a mean, lowest
    first."""
    out = []
    for council in councils(results):
        r = reading(results.row(name, metric, council))
        if r.status in (INTERVAL, SINGLE, SAME) and math.isfinite(r.estimate):
            out.append((council, r.estimate, r.shown(r.estimate)))
    return sorted(out, key=lambda c: c[1])


def council_range(results: Results, name: str, metric: str, unit: bool = False) -> str:
    """'from 9.8% in Solihull to 18.2% in Birmingham' (the councils' means, with their unit if
    ``unit``), or ''."""
    means = council_means(results, name, metric)
    if not means:
        return ""
    (low, _, low_text), (high, _, high_text) = means[0], means[-1]
    if unit:
        low_text, high_text = with_unit(low_text, metric), with_unit(high_text, metric)
    return f"from {low_text} in {low} to {high_text} in {high}"


def at_target(results: Results, name: str) -> list[tuple[str, str]]:
    """(council, its mean as the tables print it) for the councils whose mean share of practice
    by permanent staff reaches FutureSocial's target, highest first."""
    return [
        (c, text)
        for c, x, text in council_means(results, name, PERMANENT_SHARE)[::-1]
        if x >= PERMANENT_TARGET
    ]
