"""The FutureSocial members' briefing note (15 November 2017) that the board's regional report
tests, and the quantities the report derives from each replication's summary to test it: its numbers
are quoted once, here, with the briefing's words.

The derived quantities are declared like the summary outcomes (``sim.model.outcomes.Outcome``) so
that the report's formats, readings and tables treat them as any other metric."""
from __future__ import annotations

from sim.model.outcomes import INF, Outcome

SOURCE = "FutureSocial 2017 briefing"
# "90% of social work practice is delivered by highly motivated social workers on permanent contracts"
PERMANENT_TARGET = 0.90
# "a high reliance on agency workers - c700 at the last count which is c20% of the social work
# workforce": a count of workers (headcount), in 2017
AGENCY_WORKERS, AGENCY_YEAR = 700, 2017
# "we aim to have reduced, by 300, children and young people going into care across the region. The
# average cost of a child in care is £40,000 per year. This is £12m saving over the 3 years."
FEWER_CHILDREN, SAVING_GBP, YEARS = 300, 12_000_000, 3

NET_MOVES = "net_moves_per_year"
NO_EFFECTS = "entered_care_no_effects_per_year"
ENTERED_3Y, NO_EFFECTS_3Y = "entered_care_3y", "entered_care_no_effects_3y"
ENTRY_COST_3Y, NO_EFFECTS_COST_3Y = "entry_cost_gbp_3y", "entry_cost_no_effects_gbp_3y"
CARE_COST_3Y = "care_cost_gbp_3y"

_ON = "with the staffing effects on entries into care (the model's assumptions)"
_OFF = ("with the children entering care because of staffing taken out "
        "(`entered_care_per_year` - `entered_care_extra_per_year`, on the same seeds)")
_ARITHMETIC = ("the briefing's arithmetic: each child who does not enter care saves a year's care "
               "at `children.care_cost_gbp_per_child_year` (£40,000 in the briefing)")
DERIVED: dict[str, Outcome] = {o.name: o for o in (
    Outcome(NET_MOVES, "net gain from moves between councils", "people a year",
            "Moves in from another council of the region minus moves out to another council "
            "(`moves_in_per_year` - `moves_out_per_year`): a council's gain (or, negative, loss) of "
            "staff to the others.", low=-INF),
    Outcome(NO_EFFECTS, "children entering care, staffing effects off", "children a year",
            f"Children entering care a year {_OFF}."),
    Outcome(ENTERED_3Y, f"children entering care over {YEARS} years", "children",
            f"`entered_care_per_year` x {YEARS} ({_ON}): the briefing's {YEARS} years at the run's "
            "mean rate."),
    Outcome(NO_EFFECTS_3Y, f"children entering care over {YEARS} years, staffing effects off",
            "children", f"Children entering care a year {_OFF}, x {YEARS}."),
    Outcome(ENTRY_COST_3Y, f"cost of the children entering care over {YEARS} years",
            f"GBP over {YEARS} years", f"Children entering care over {YEARS} years x {_ARITHMETIC}."),
    Outcome(NO_EFFECTS_COST_3Y, f"cost of the children entering care over {YEARS} years, staffing "
            "effects off", f"GBP over {YEARS} years",
            f"As the cost of the children entering care, {_OFF}."),
    Outcome(CARE_COST_3Y, f"cost of care over {YEARS} years", f"GBP over {YEARS} years",
            f"`care_cost_gbp` x {YEARS}: the model's cost of the children in care (month-end mean) "
            f"over {YEARS} years."),
)}
