"""The HTML pages, rendered from the Jinja2 templates in ``templates/``: the report of a run or a
comparison, and the report of a sweep. Text is escaped by the templates; every value comes from the
findings, tables and figures handed in."""

from __future__ import annotations

from jinja2 import Environment, PackageLoader, StrictUndefined, select_autoescape

from sim.experiment.results import Results
from sim.experiment.stats import LEVEL
from sim.present.assumptions import assumptions
from sim.present.baseline import TABLE_ID, baseline_sentences, check_of, observed_table
from sim.present.board import Board, board_of, board_sentences, board_tables
from sim.present.canvas import DISPLAY_PX
from sim.present.decision import BETTER, WORSE, decision_table, warnings
from sim.present.findings import caveats, council_sentences, summary_sentences
from sim.present.formats import count
from sim.present.keytable import council_tables, key_table, methods_used
from sim.present.labels import scenario_labels
from sim.present.readings import CI
from sim.present.region import councils
from sim.present.teams import WAITS, team_tables

ENV = Environment(
    loader=PackageLoader("sim.present", "templates"),
    autoescape=select_autoescape(enabled_extensions=("html.j2",), default=True),
    undefined=StrictUndefined,
    trim_blocks=True,
    lstrip_blocks=True,
)


def run_info(settings: dict, reps: int, paired: bool) -> str:
    """'3 replications of 2 years after 1 year's warm-up, seed 8, common random numbers'."""
    years, warmup = settings.get("years"), settings.get("warmup_years")
    text = count(reps, "replication")
    if years is not None:
        text += f" of {years:g} year{'' if years == 1 else 's'}"
    if warmup:
        text += f" after {warmup:g} " + ("year's" if warmup == 1 else "years'") + " warm-up"
    elif warmup is not None:
        text += ", no warm-up"
    if settings.get("seed") is not None:
        text += f", seed {settings['seed']}"
    return text + (", common random numbers" if paired else "")


def report_page(
    results: Results,
    figure_items: list[dict],
    council_items: list[dict] = (),
    board: Board | None = None,
    board_items: list[dict] = (),
) -> str:
    """The report of a run or comparison: for a region of councils, whether to believe the baseline
    (its councils' first year against DfE, its drift: ``baseline``); findings, caveats,
    assumptions, figures, key numbers (all of the region); then, for a region of councils, the
    board's questions (``board``; computed when not given), its table of the first year against
    DfE first, region first then each council, with their figures; what differs between the
    councils, their small multiples and their table; then, where the scenario describes teams, each
    team's numbers."""
    board = board or board_of(results)
    labels = scenario_labels(results.scenarios, results.names)
    compare = results.kind == "compare" and len(results.names) > 1
    variants = results.names[1:]
    title = labels[results.baseline]
    if compare:
        title += (
            f" compared with {labels[variants[0]]}"
            if len(variants) == 1
            else f" compared with {len(variants)} alternatives"
        )
    table = key_table(results)
    target = bool(results.precision)
    check = check_of(results)  # the baseline against DfE, for a region of councils
    alerts = warnings(results, check)
    baseline_ok = (
        bool(check)
        and check.published
        and check.misses.empty
        and check.can_drift
        and check.drifting.empty
    )
    on_baseline = baseline_sentences(results, check) if check else []
    return ENV.get_template("report.html.j2").render(
        title=title,
        info=run_info(results.settings, results.reps, compare),
        page_px=DISPLAY_PX,
        decision=decision_table(results) if compare else None,
        better=BETTER,
        worse=WORSE,
        warnings=alerts,
        findings=summary_sentences(results),
        caveats=caveats(results),
        assumptions=assumptions(results),
        figure_items=figure_items,
        table=table,
        compare=compare,
        target=target,
        columns=3 + compare + target,
        baseline=labels[results.baseline],
        methods=methods_used(table) or ["none (no interval could be computed)"],
        ci=CI,
        level=f"{LEVEL:.0%}",
        councils=councils(results),
        council_findings=council_sentences(results),
        council_items=list(council_items),
        council_tables=council_tables(results),
        team_sections=team_tables(results),
        team_waits=WAITS,
        board_findings=board_sentences(board) if board else [],
        board_items=list(board_items),
        board_tables=board_tables(board) if board else [],
        # the baseline's misses and drift are among the warnings at the top; here the rest
        baseline_sentences=[s for s in on_baseline if s not in alerts],
        baseline_ok=baseline_ok,
        observed=observed_table(results, check) if check and check.published else None,
        observed_id=TABLE_ID,
    )


def sweep_page(title: str, info: str, findings: list[str], figure_items: list[dict]) -> str:
    """The report of a sweep: what moves each key outcome, and the design points."""
    return ENV.get_template("sweep.html.j2").render(
        title=title, info=info, findings=findings, figure_items=figure_items, page_px=DISPLAY_PX
    )
