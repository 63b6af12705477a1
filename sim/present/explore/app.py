"""The explorer's Streamlit script: ``streamlit run app.py -- [DIR ...] --results DIR`` (``swsim
explore`` starts it). A sidebar picks the folder and the page; each page draws what ``pages`` and
``form`` build, and every chart comes with its PNG and its data as CSV."""

from __future__ import annotations

import argparse
from pathlib import Path

import matplotlib
import pandas as pd
import streamlit as st

from sim.errors import BadInput
from sim.experiment.results import Results
from sim.experiment.resultset import MANIFEST
from sim.policy import registry
from sim.present.board import Board, board_of
from sim.present.explore import form, pages, sweeps
from sim.present.explore.folders import check, folders_shown
from sim.present.explore.sweeps import Sweep
from sim.present.figures import parameter_name
from sim.present.formats import count
from sim.present.labels import scenario_labels

DECISION, OVER_TIME, DISTRIBUTIONS, GAINS, VARIANT = (
    "Decision",
    "Over time",
    "Distributions",
    "Who gains and who loses",
    "Run a variant",
)
PAGES = (DECISION, OVER_TIME, DISTRIBUTIONS, GAINS, VARIANT)
FIRST_POLICY = "caseload_cap"  # the form opens on the question boards ask first


def arguments(argv: list[str]) -> argparse.Namespace:
    """The script's arguments: the folders to open (none: every set under ``--results``), the
    results folder (runs from the form go to its ``explore/``), worker processes for those runs."""
    p = argparse.ArgumentParser(prog="swsim explore (app)")
    p.add_argument("folders", nargs="*", type=Path)
    p.add_argument("--results", type=Path, default=Path("results"))
    p.add_argument("--workers", type=int, default=1)
    return p.parse_args(argv)


@st.cache_resource(max_entries=32, show_spinner="Reading the result folder...")
def _read(path: str, stamp: int) -> Results | Sweep:
    return check(Path(path))


def stamp(folder: Path) -> int:
    """When the folder's manifest was last written (a cached reading of it is then stale)."""
    return (folder / MANIFEST).stat().st_mtime_ns


def read(folder: Path) -> Results | Sweep:
    """The folder's results (a sweep's as a ``Sweep``), checked against its manifest; read again
    when it is rewritten."""
    return _read(str(folder), stamp(folder))


@st.cache_resource(max_entries=8, show_spinner="Reading the councils' numbers...")
def _board(path: str, stamp: int) -> Board | None:
    return board_of(_read(path, stamp))


def board(folder: Path) -> Board | None:
    """The board's numbers of the folder's region (None without councils), read once."""
    return _board(str(folder), stamp(folder))


def downloads(png: bytes, frame: pd.DataFrame, stem: str) -> None:
    """The chart as a PNG and its data as CSV, side by side."""
    left, right = st.columns(2)
    left.download_button(
        "Download the chart (PNG)", png, f"{stem}.png", "image/png", key=f"png-{stem}"
    )
    right.download_button(
        "Download its data (CSV)", pages.csv_bytes(frame), f"{stem}.csv", "text/csv",
        key=f"csv-{stem}",
    )  # fmt: skip


def chart(fig, frame: pd.DataFrame, stem: str) -> None:
    png = pages.png_bytes(fig)
    st.image(png)
    downloads(png, frame, stem)


def sidebar_folder(folders: list[Path]) -> Path:
    """The folder the sidebar picks (a run from the form picks its own folder and its decision)."""
    state = st.session_state
    if "pending" in state:  # set before the widgets exist: a run's folder and its decision
        state["folder"], state["page"] = state.pop("pending"), DECISION
    with st.sidebar:
        st.title("swsim explore")
        return Path(st.selectbox("Result folder", [str(f) for f in folders], key="folder"))


def sidebar_page() -> str:
    """The page of a run or comparison the sidebar picks."""
    with st.sidebar:
        return st.radio("Page", PAGES, key="page")


def authority_choice(results: Results, key: str) -> str:
    if len(results.authorities) == 1:
        return results.authorities[0]
    return st.selectbox("Region or council", results.authorities, key=key)


def decision_page(results: Results, folder: Path) -> None:
    s = results.settings
    st.header("The decision")
    st.caption(
        f"{folder}: {results.kind} of {len(results.names)} scenario(s), "
        f"{count(results.reps, 'replication')} of {s.get('years', 0):g} years after "
        f"{s.get('warmup_years', 0):g} years' "
        f"warm-up, seed {s.get('seed')}. Each cell: the baseline's level, or a variant's change "
        "from it with its 95% interval and whether that is better, worse or no measurable change."
    )
    authority = authority_choice(results, "decision-authority")
    table = pages.decision_frame(results, authority)
    st.table(table)
    st.download_button(
        "Download the table (CSV)", pages.csv_bytes(table, index=True), "decision.csv",
        "text/csv", key="csv-decision",
    )  # fmt: skip
    for line in pages.scenario_notes(results):
        st.markdown(f"- {line}")
    lines = pages.warning_lines(results)
    st.subheader("Warnings")
    if not lines:
        st.success(
            "No warning: no growing queue, baseline miss or effect resting on an assumption."
        )
    for line in lines:
        st.warning(line)


def time_page(results: Results, folder: Path) -> None:
    st.header("Measures over time")
    labels = scenario_labels(results.scenarios, results.names)
    measures = pages.time_measures(results)
    measure = st.selectbox("Measure", list(measures), format_func=measures.get, key="time-measure")
    chosen = st.multiselect(
        "Scenarios", results.names, default=results.names, format_func=labels.get,
        key="time-scenarios",
    )  # fmt: skip
    every = len(results.authorities) > 1 and st.checkbox(
        "Every council (small multiples: a panel each)", key="time-every"
    )
    authorities = st.multiselect(
        "Region and councils (a panel each)", results.authorities,
        default=results.authorities[:1], key="time-authorities", disabled=every,
    )  # fmt: skip
    authorities = pages.panels(results, authorities, every)
    if not chosen or not authorities:
        st.info("Pick at least one scenario and one council (or the region).")
        return
    bands = pages.time_bands(results, measure, chosen, authorities)
    chart(pages.time_figure(results, bands, measure), bands, f"{folder.name}-{measure}")


def distribution_page(results: Results, folder: Path) -> None:
    st.header("Distributions over replications")
    measures = pages.summary_measures(results)
    metric = st.selectbox("Summary measure", list(measures), format_func=measures.get, key="dist")
    authority = authority_choice(results, "dist-authority")
    frame = pages.distribution(results, metric, authority)
    chart(pages.distribution_figure(results, frame, metric), frame, f"{folder.name}-{metric}")


def gains_page(folder: Path) -> None:
    st.header("Who gains and who loses")
    tables = pages.gains(board(folder))
    if not tables:
        st.info(
            "This page compares councils: open a comparison of a region of councils (a scenario "
            "with an [authority] section), such as the West Midlands example."
        )
        return
    st.caption(
        "For each variant, each council's change from the baseline (paired over the "
        "replications): better or worse where the 95% interval excludes no change."
    )
    measures = pages.gains_measures()
    metric = st.selectbox(
        "Each council's change in", list(measures), format_func=measures.get, key="gains-measure"
    )
    chart(
        pages.gains_figure(board(folder), metric),
        pages.gains_changes(board(folder), metric),
        f"{folder.name}-gains-{metric}",
    )
    for i, g in enumerate(tables, start=1):
        st.subheader(g.label)
        st.markdown(g.sentence)
        frame = pages.gains_frame(g)
        st.table(frame)
        st.download_button(
            "Download the table (CSV)", pages.csv_bytes(frame, index=True),
            f"{folder.name}-gains-{i}.csv", "text/csv", key=f"csv-gains-{i}",
        )  # fmt: skip


def sweep_page(sweep: Sweep) -> None:
    s = sweep.settings
    names = ", ".join(parameter_name(p) for p in sweep.points.columns)
    st.header("A sweep: what moves the outcome")
    st.caption(
        f"{sweep.folder}: {s.get('design')} design of {len(sweep.points)} points over {names}; "
        f"{count(s.get('reps', 0), 'replication')} of {s.get('years', 0):g} years after "
        f"{s.get('warmup_years', 0):g} years' warm-up at each point, seed {s.get('seed')}."
    )
    measures = sweeps.outcomes(sweep)
    outcome = st.selectbox("Outcome", list(measures), format_func=measures.get, key="sweep-outcome")
    st.subheader("Its response to each parameter")
    frame = sweeps.response(sweep, outcome)
    stem = f"{sweep.folder.name}-{outcome}"
    chart(sweeps.response_figure(sweep, frame, outcome), frame, stem)
    st.subheader("Sensitivity indices")
    try:
        table = sweeps.indices(sweep.folder, outcome)
    except BadInput as err:
        st.warning("; ".join(err.problems))
        return
    if table is None:
        written = sweeps.written_indices(sweep.folder)
        st.info(
            f"No indices of this outcome yet: swsim sensitivity {sweep.folder} --outcome {outcome} "
            "writes them"
            + (
                f" (written for: {', '.join(measures.get(w, w) for w in written)})."
                if written
                else "."
            )
        )
        return
    st.caption(
        "Ranked by how much each parameter moves the outcome: the outcome at the parameter's low "
        "and high end (averaged over the other parameters), the standardised regression "
        "coefficient (src) and, for a Sobol design, the first-order and total Sobol indices."
    )
    st.table(sweeps.indices_shown(table, outcome))
    data = sweeps.tornado_data(table, outcome)
    chart(sweeps.indices_figure(table, outcome), data, f"{stem}-sensitivity")


def field_input(policy: str, f: form.FormField):
    """The input of one parameter, with its declared bounds and default."""
    key = f"param-{policy}-{f.key}"
    label = f.label + (f" ({f.unit})" if f.unit else "")
    if f.kind == form.FLAG:
        return st.checkbox(label, value=f.default, help=f.help, key=key)
    if f.kind == form.CHOICE:
        options = list(f.options)
        return st.selectbox(label, options, index=options.index(f.default), help=f.help, key=key)
    if f.kind == form.CHOICES:
        return st.multiselect(label, list(f.options), default=f.default, help=f.help, key=key)
    cast = int if f.kind == form.INTEGER else float
    return st.number_input(
        label,
        min_value=None if f.low is None else cast(f.low),
        max_value=None if f.high is None else cast(f.high),
        value=cast(f.default),
        step=1 if f.kind == form.INTEGER else None,
        format=None if f.kind == form.INTEGER else "%g",
        help=f.help,
        key=key,
    )


def variant_page(results: Results, folder: Path, args: argparse.Namespace) -> None:
    st.header("Run a variant")
    st.caption(
        f"Add a policy to a scenario of this folder and run it beside the folder's scenarios, "
        f"all in one comparison on common random numbers (at most {form.MAX_REPS} replications "
        f"of {form.MAX_YEARS:g} years; the folder's warm-up and seed). The result is saved "
        f"under {args.results}/explore/."
    )
    labels = scenario_labels(results.scenarios, results.names)
    scenario = st.selectbox(
        "Scenario", results.names, format_func=labels.get, key="variant-scenario"
    )
    policies = registry()
    names = list(policies)
    policy = st.selectbox(
        "Policy", names, index=names.index(FIRST_POLICY) if FIRST_POLICY in names else 0,
        format_func=lambda n: f"{n}: {policies[n].label_for()}", key="variant-policy",
    )  # fmt: skip
    st.caption(policies[policy].describe())
    s = results.settings
    with st.form(f"variant-{policy}"):
        values = {f.key: field_input(policy, f) for f in form.form_fields(policy)}
        reps = st.number_input(
            "Replications", 1, form.MAX_REPS, min(int(s.get("reps", 5)), form.MAX_REPS),
            key="variant-reps",
        )  # fmt: skip
        years = st.number_input(
            "Years after the warm-up", 0.1, form.MAX_YEARS,
            float(min(s.get("years", 2.0), form.MAX_YEARS)), format="%g", key="variant-years",
        )  # fmt: skip
        submitted = st.form_submit_button("Run")
    if not submitted:
        return
    try:
        params = form.checked(policy, values)
        form.check_size(int(reps), float(years))
        scenarios = form.with_variant(results, scenario, form.variant_item(policy, params))
    except BadInput as err:
        st.error("Not run: " + "; ".join(err.problems))
        return
    with st.status(f"Running {scenarios[-1].name}...", expanded=True) as status:
        out = form.run_variant(
            results, scenarios, reps=int(reps), years=float(years), results_root=args.results,
            workers=args.workers, progress=status.write,
        )  # fmt: skip
        status.update(label=f"Saved {out}", state="complete")
    st.session_state["pending"] = str(out)
    st.session_state["made"] = str(out)
    st.rerun()


def main(argv: list[str]) -> None:
    """The app over the folders named in ``argv`` (``arguments``)."""
    matplotlib.use("Agg")
    args = arguments(argv)
    st.set_page_config(page_title="swsim explore", layout="wide")
    folders = folders_shown(args.folders, args.results)
    if not folders:
        st.error(f"No result folder to show: none given and none under {args.results}/.")
        return
    folder = sidebar_folder(folders)
    if st.session_state.get("made") == str(folder):
        st.success(f"Your run is saved in {folder} (every folder is in the sidebar).")
    try:
        results = read(folder)
    except BadInput as err:
        st.error("; ".join(err.problems))
        return
    if isinstance(results, Sweep):
        sweep_page(results)
        return
    page = sidebar_page()
    if page == DECISION:
        decision_page(results, folder)
    elif page == OVER_TIME:
        time_page(results, folder)
    elif page == DISTRIBUTIONS:
        distribution_page(results, folder)
    elif page == GAINS:
        gains_page(folder)
    else:
        variant_page(results, folder, args)


if __name__ == "__main__":  # ``streamlit run`` runs the script as __main__
    import sys

    main(sys.argv[1:])
