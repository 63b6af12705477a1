"""The board's regional report: what a region of councils answers of the FutureSocial briefing
(``briefing``), the region first, then each council. Permanent practice against the 90% target;
agency workers (FTE) and spend beside the briefing's c700; moves between councils and who gains and
loses them; children entering care with the staffing effects on and off, and the test of "300 fewer
children, £12m over 3 years"; who pays and who gains, council by council.

Every number is read from a result table: the comparison's (``Results.row``) or, for the quantities
derived from each replication's summary (``sim.columns.DERIVED``: net gain from moves, entries into
care without the staffing effects, over three years, and their cost), the board's table
(``sim.experiment.derived.board_table``, computed the same way and written beside the report as
``board.csv``). A scenario without councils has no board's section."""

from __future__ import annotations

from dataclasses import dataclass

import pandas as pd

from sim.columns import (
    CARE_COST_3Y,
    DERIVED,
    ENTERED_3Y,
    ENTRY_COST_3Y,
    NET_MOVES,
    NO_EFFECTS,
    NO_EFFECTS_3Y,
    NO_EFFECTS_COST_3Y,
    REGION,
    TOTAL_COST,
    TURNOVER_RATE,
    VACANCY_RATE,
)
from sim.experiment.derived import board_table
from sim.experiment.results import Results
from sim.present.briefing import (
    AGENCY_WORKERS,
    AGENCY_YEAR,
    FEWER_CHILDREN,
    PERMANENT_TARGET,
    SAVING_GBP,
    SOURCE,
    YEARS,
)
from sim.present.findings import change_words, estimate_words, target_words
from sim.present.formats import money, outcome, short_unit, with_unit
from sim.present.keytable import Cell, CouncilTable, estimate_cell, interval_cell
from sim.present.labels import and_list, capitalised, scenario_labels
from sim.present.readings import CI, INTERVAL, SAME, SINGLE, Reading, reading
from sim.present.region import PERMANENT_SHARE, at_target, councils, region_words

BOARD_FILE = "board.csv"
CHILDREN = [
    "entered_care_per_year",
    NO_EFFECTS,
    ENTERED_3Y,
    NO_EFFECTS_3Y,
    ENTRY_COST_3Y,
    NO_EFFECTS_COST_3Y,
    CARE_COST_3Y,
]
REGION_COLUMNS = [
    PERMANENT_SHARE,
    "agency_mean",
    "agency_cost_gbp",
    "moves_in_per_year",
    "moves_pay_driven_per_year",
]
BY_COUNCIL = [
    PERMANENT_SHARE,
    "agency_mean",
    "agency_cost_gbp",
    NET_MOVES,
    "moves_pay_driven_per_year",
]
WHO_PAYS = [TOTAL_COST, "policy_cost_gbp"]
WHO_GAINS = [TURNOVER_RATE, VACANCY_RATE, "entered_care_per_year"]
FTE_WORDS = (
    f"the model counts agency workers as FTE on assignment (one worker per post covered, a "
    f"mean over month ends); the briefing's c{AGENCY_WORKERS} is a count of workers "
    f"(headcount) in {AGENCY_YEAR}, so the two are not the same measure"
)
CHANCE = (
    "with {n} councils and 95% intervals, about one council in twenty shows a measurable "
    "change by chance"
)


@dataclass
class Board:
    """A region's results and the board's table of derived quantities: one place to read any
    number of the board's section."""

    results: Results
    table: pd.DataFrame

    @property
    def compare(self) -> bool:
        return self.results.kind == "compare" and len(self.results.names) > 1

    @property
    def variants(self) -> list[str]:
        return self.results.names[1:] if self.compare else []

    @property
    def labels(self) -> dict[str, str]:
        return scenario_labels(self.results.scenarios, self.results.names)

    def row(self, name: str, metric: str, authority: str = REGION) -> pd.Series:
        """The row of the board's table (a derived quantity) or of the comparison table."""
        if metric not in DERIVED:
            return self.results.row(name, metric, authority)
        t = self.table
        return t[
            (t["authority"] == authority) & (t["scenario"] == name) & (t["metric"] == metric)
        ].iloc[0]

    def reading(
        self, name: str, metric: str, authority: str = REGION, difference: bool = False
    ) -> Reading:
        return reading(self.row(name, metric, authority), difference)


def board_of(results: Results) -> Board | None:
    """The board's numbers of a region of councils; None for a scenario without councils."""
    return Board(results, board_table(results)) if councils(results) else None


# -- cells and tables ---------------------------------------------------------------------------------
def level_cell(board: Board, name: str, metric: str, authority: str = REGION) -> Cell:
    """The baseline's mean (95% CI); a variant's mean, then its paired difference from the baseline
    (95% CI), bold where the interval excludes zero."""
    mean = estimate_cell(board.reading(name, metric, authority), board.results.reps)
    if name not in board.variants:
        return Cell(mean)
    d = board.reading(name, metric, authority, difference=True)
    change = interval_cell(d)
    return Cell(f"{mean}; change {change.text}", change.measurable)


def _unit(metric: str, compare: bool) -> str:
    unit = short_unit(metric)
    return (
        f"{unit}; change in {short_unit(metric, True)}"
        if compare and unit != short_unit(metric, True)
        else unit
    )


def region_columns(results: Results) -> list[str]:
    """The region table's measures: with a regional bank in any scenario, its workers after the
    agency workers'."""
    banked = any(
        (results.summary(n, REGION)["bank_mean"] > 0).any()
        for n in results.names
        if "bank_mean" in results.summary(n, REGION)
    )
    return [
        c
        for m in REGION_COLUMNS
        for c in ([m, "bank_mean"] if m == "agency_mean" and banked else [m])
    ]


def region_table(board: Board) -> CouncilTable:
    """The region, a row per scenario: permanent practice, agency (and bank) workers and agency
    spend, moves between councils and those driven by pay."""
    base = board.labels[board.results.baseline]
    change = f"; for each variant, its change from {base}" if board.compare else ""
    columns = region_columns(board.results)
    return CouncilTable(
        f"The region, scenario by scenario: mean ({CI}){change}",
        [(outcome(m).label, _unit(m, board.compare)) for m in columns],
        [
            (board.labels[n], [level_cell(board, n, m) for m in columns])
            for n in board.results.names
        ],
        "scenario",
        False,
    )


def council_table(board: Board, metric: str) -> CouncilTable:
    """One metric, a row per council (the region first but for net gains, which are the councils'
    alone), a column per scenario."""
    results = board.results
    where = [] if metric == NET_MOVES else [REGION]
    rows = [
        (
            region_words(results) if a == REGION else a,
            [level_cell(board, n, metric, a) for n in results.names],
        )
        for a in where + councils(results)
    ]
    o = outcome(metric)
    target = f"; FutureSocial's target: {PERMANENT_TARGET:.0%}" if metric == PERMANENT_SHARE else ""
    return CouncilTable(
        f"{capitalised(o.label)} ({_unit(metric, board.compare)}{target}), each council: "
        f"mean ({CI})" + ("; for each variant, its change" if board.compare else ""),
        [(board.labels[n], "") for n in results.names],
        rows,
        region_first=metric != NET_MOVES,
    )


def children_table(board: Board) -> CouncilTable:
    """Children entering care in the region, a row per scenario, with the staffing effects on and
    off, over three years, and the cost."""
    columns = [
        ("entered_care_per_year", "children entering care", "children a year, staffing effects on"),
        (NO_EFFECTS, "children entering care", "children a year, staffing effects off"),
        (ENTERED_3Y, "children entering care", f"children over {YEARS} years, effects on"),
        (NO_EFFECTS_3Y, "children entering care", f"children over {YEARS} years, effects off"),
        (
            ENTRY_COST_3Y,
            "cost of the children entering care",
            f"£ over {YEARS} years, the briefing's arithmetic",
        ),
        (CARE_COST_3Y, "cost of care", f"£ over {YEARS} years, the model's children in care"),
    ]
    base = board.labels[board.results.baseline]
    change = (
        f"; for each variant, its change from {base} (negative: fewer, or saved)"
        if board.compare
        else ""
    )
    return CouncilTable(
        f"Children entering care in the region: mean ({CI}){change}",
        [(label, unit) for _, label, unit in columns],
        [
            (board.labels[n], [level_cell(board, n, m) for m, _, _ in columns])
            for n in board.results.names
        ],
        "scenario",
        False,
    )


def effect_table(board: Board, name: str) -> CouncilTable:
    """Who pays and who gains with one variant: each council's (and the region's) paired difference
    from the baseline in cost and in turnover, vacancies and children entering care."""
    results = board.results
    metrics = WHO_PAYS + WHO_GAINS
    rows = [
        (
            region_words(results) if a == REGION else a,
            [interval_cell(board.reading(name, m, a, difference=True)) for m in metrics],
        )
        for a in [REGION, *councils(results)]
    ]
    return CouncilTable(
        f"With {board.labels[name]}, who pays and who gains: each council's paired "
        f"difference from {board.labels[results.baseline]} ({CI})",
        [(outcome(m).label, short_unit(m, True)) for m in metrics],
        rows,
    )


def board_tables(board: Board) -> list[CouncilTable]:
    """Every table of the board's section, the region first."""
    return [
        region_table(board),
        *(council_table(board, m) for m in BY_COUNCIL),
        children_table(board),
    ] + [effect_table(board, n) for n in board.variants]


# -- findings ------------------------------------------------------------------------------------------
def _fewer_words(r: Reading, noun: str, base: str, less: str = "fewer") -> str:
    """A paired difference of a count or cost as fewer (or more) than the baseline: '12.3 fewer
    children entering care than west_midlands (95% CI 4.5 to 20.1)'; '£480,000 less spent on
    ...'; without an interval, why."""
    if r.status not in (INTERVAL, SINGLE, SAME):
        return f"{noun}: {r.why()}"
    if r.status == SAME and r.estimate == 0:
        return f"as many {noun} as {base} (the same in every replication)"
    fewer = r.estimate <= 0
    size = r.shown(abs(r.estimate), signed=False)
    text = f"{size} {less if fewer else 'more'} {noun} than {base}"
    if r.status == INTERVAL:
        low, high = (-r.high, -r.low) if fewer else (r.low, r.high)
        return f"{text} ({CI} {r.shown(low, signed=False)} to {r.shown(high, signed=False)})"
    return f"{text} ({r.why().split(':')[0]})"


def _claim_words(r: Reading, claim: float, claim_text: str) -> str:
    """Where the claim stands against a difference's interval (fewer or saved is negative)."""
    if r.status != INTERVAL:
        return f"no interval to set beside the briefing's {claim_text}"
    low, high = -r.high, -r.low
    if high < claim:
        return f"short of the briefing's {claim_text} (the interval lies below it)"
    if low > claim:
        return f"more than the briefing's {claim_text} (the interval lies above it)"
    return f"its interval includes the briefing's {claim_text}"


def children_claim_sentence(board: Board, name: str) -> str:
    """The test of the briefing's claim for one variant: fewer children entering care over three
    years with the staffing effects on and off, and the saving, beside 300 and £12m."""
    base = board.labels[board.results.baseline]
    on = board.reading(name, ENTERED_3Y, difference=True)
    off = board.reading(name, NO_EFFECTS_3Y, difference=True)
    cost = board.reading(name, ENTRY_COST_3Y, difference=True)
    care = board.reading(name, CARE_COST_3Y, difference=True)
    saving = f"£{SAVING_GBP / 1e6:g}m"
    price = money(board.results.scenarios[name].children.care_cost_gbp_per_child_year)
    return (
        f"With {board.labels[name]}, over {YEARS} years the region has "
        f"{_fewer_words(on, 'children entering care', base)} with the staffing effects on, "
        f"{_claim_words(on, FEWER_CHILDREN, f'{FEWER_CHILDREN} fewer')}; with them off, "
        f"{_fewer_words(off, 'children', base)}. On the briefing's arithmetic ({price} a child) "
        f"that is {_fewer_words(cost, 'spent on their care', base, 'less')}, "
        f"{_claim_words(cost, SAVING_GBP, f'{saving} saving')}; the model's cost of the children "
        f"in care over {YEARS} years {change_words(care)} ({SOURCE}: 300 fewer children and "
        f"young people going into care across the region, {saving} over the 3 years)."
    )


def practice_sentences(board: Board) -> list[str]:
    """The region's permanent practice against the 90% target in each scenario, and which councils
    reach it."""
    results, labels = board.results, board.labels
    parts, met = [], []
    for name in results.names:
        r = board.reading(name, PERMANENT_SHARE)
        parts.append(f"{labels[name]} {estimate_words(r)}, {target_words(r)}")
        if r.status in (INTERVAL, SINGLE, SAME) and r.estimate >= PERMANENT_TARGET:
            met.append(labels[name])
    verdict = (
        f"it reaches the target (mean) with {and_list(met)}"
        if met
        else "no scenario reaches it in the region"
    )
    out = [
        f"Share of practice by permanent staff in the region (FutureSocial's target: "
        f"{PERMANENT_TARGET:.0%}): " + "; ".join(parts) + f"; {verdict}."
    ]
    n = len(councils(results))
    per = []
    for name in results.names:
        at = [f"{c} {text}" for c, text in at_target(results, name)]
        per.append(f"{labels[name]}: {len(at)} of {n}" + (f" ({', '.join(at)})" if at else ""))
    out.append(
        f"Councils whose mean share of practice by permanent staff reaches {PERMANENT_TARGET:.0%}: "
        + "; ".join(per)
        + "."
    )
    return out


def agency_sentence(board: Board) -> str:
    """Agency workers (FTE) and agency spend in the region, beside the briefing's c700 (headcount)."""
    results, labels = board.results, board.labels
    parts = []
    for name in results.names:
        text = (
            f"{labels[name]} {estimate_words(board.reading(name, 'agency_mean'))} and "
            f"{estimate_words(board.reading(name, 'agency_cost_gbp'))}"
        )
        if name in board.variants:
            text += (
                f" (agency workers {change_words(board.reading(name, 'agency_mean', difference=True))}; "
                f"spend {change_words(board.reading(name, 'agency_cost_gbp', difference=True))})"
            )
        parts.append(text)
    return (
        "Agency workers and agency spend in the region: " + "; ".join(parts) + f". The "
        f"briefing counted c{AGENCY_WORKERS} agency workers ({SOURCE}); {FTE_WORDS}."
    )


def _ranked(board: Board, name: str) -> tuple[list[str], list[str]]:
    """(councils whose net gain from moves is measurably above zero, those measurably below),
    largest first."""
    rs = {c: board.reading(name, NET_MOVES, c) for c in councils(board.results)}
    gain = [(c, r) for c, r in rs.items() if r.status == INTERVAL and r.low > 0]
    lose = [(c, r) for c, r in rs.items() if r.status == INTERVAL and r.high < 0]
    words = lambda items: [
        f"{c} {with_unit(r.shown(r.estimate, signed=True), NET_MOVES)}" for c, r in items
    ]
    return (
        words(sorted(gain, key=lambda x: -x[1].estimate)),
        words(sorted(lose, key=lambda x: x[1].estimate)),
    )


def moves_sentences(board: Board) -> list[str]:
    """Moves between councils and those driven by pay in each scenario, and which councils
    measurably gain or lose staff to the others."""
    results, labels = board.results, board.labels
    out = []
    for name in results.names:
        moves = board.reading(name, "moves_in_per_year")
        pay = board.reading(name, "moves_pay_driven_per_year")
        lead = "In" if name == results.baseline else "With"
        driven = (
            "none of them driven by pay (in every replication)"
            if pay.status == SAME and pay.estimate == 0
            else f"{estimate_words(pay)} of them driven by pay"
        )
        text = f"{lead} {labels[name]}, {estimate_words(moves)} move between the region's councils, {driven}"
        if name in board.variants:
            text += (
                f" (moves between councils {change_words(board.reading(name, 'moves_in_per_year', difference=True))}; "
                f"moves driven by pay {change_words(board.reading(name, 'moves_pay_driven_per_year', difference=True))})"
            )
        gain, lose = _ranked(board, name)
        text += (
            f". Councils that measurably gain staff from the others (net, a year): "
            f"{', '.join(gain) or 'none'}; that measurably lose: {', '.join(lose) or 'none'}."
        )
        out.append(text)
    return out


def certain(r: Reading) -> bool:
    """A difference whose interval excludes zero, or that is the same, not zero, in every
    replication (a policy's fixed cost)."""
    return r.measurable or (r.status == SAME and r.estimate != 0)


def _measurably(board: Board, name: str, metric: str) -> tuple[list[str], list[str]]:
    """(councils where a variant measurably lowers ``metric``, where it raises it)."""
    rs = {c: board.reading(name, metric, c, difference=True) for c in councils(board.results)}
    return (
        [c for c, r in rs.items() if certain(r) and r.estimate < 0],
        [c for c, r in rs.items() if certain(r) and r.estimate > 0],
    )


def _where(names: list[str], n: int) -> str:
    if not names:
        return "no council"
    return f"all {n} councils" if len(names) == n else f"{len(names)} of {n} ({', '.join(names)})"


def effect_sentence(board: Board, name: str) -> str:
    """Who pays and who gains with a variant: the region's change in cost and in the gains, then the
    councils where each measurably moves."""
    n = len(councils(board.results))
    pays = "; ".join(
        f"{outcome(m).label} {change_words(board.reading(name, m, difference=True))}"
        for m in WHO_PAYS
    )
    gains = "; ".join(
        f"{outcome(m).label} {change_words(board.reading(name, m, difference=True))}"
        for m in WHO_GAINS
    )
    council = []
    for m in WHO_PAYS + WHO_GAINS:
        falls, rises = _measurably(board, name, m)
        council.append(
            f"{outcome(m).label} falls in {_where(falls, n)} and rises in {_where(rises, n)}"
        )
    return (
        f"With {board.labels[name]}, who pays and who gains in the region: {pays}; {gains}. "
        f"Council by council (measurable changes, or the same in every replication): "
        + "; ".join(council)
        + f" ({CHANCE.format(n=n)})."
    )


def board_sentences(board: Board) -> list[str]:
    """The board's findings, each from the board's and the comparison's tables."""
    base = board.results.baseline
    entered = board.reading(base, "entered_care_per_year")
    off = board.reading(base, NO_EFFECTS)
    children = (
        f"In {board.labels[base]}, {estimate_words(entered)} enter care in the region with "
        f"the staffing effects on, {estimate_words(off)} with them off."
    )
    return (
        practice_sentences(board)
        + [agency_sentence(board)]
        + moves_sentences(board)
        + [children]
        + [children_claim_sentence(board, n) for n in board.variants]
        + [effect_sentence(board, n) for n in board.variants]
    )
