"""The FutureSocial members' briefing note (15 November 2017) that the board's regional report
tests: its numbers are quoted once, here, with the briefing's words.

The quantities the report derives from each replication's summary to test it are declared with
every other column (``sim.columns.DERIVED``) and computed in ``sim.experiment.derived``."""

from __future__ import annotations

from sim.columns import BRIEFING_YEARS

SOURCE = "FutureSocial 2017 briefing"
# "90% of social work practice is delivered by highly motivated social workers on permanent contracts"
PERMANENT_TARGET = 0.90
# "a high reliance on agency workers - c700 at the last count which is c20% of the social work
# workforce": a count of workers (headcount), in 2017
AGENCY_WORKERS, AGENCY_YEAR = 700, 2017
# "we aim to have reduced, by 300, children and young people going into care across the region. The
# average cost of a child in care is £40,000 per year. This is £12m saving over the 3 years."
FEWER_CHILDREN, SAVING_GBP, YEARS = 300, 12_000_000, BRIEFING_YEARS
