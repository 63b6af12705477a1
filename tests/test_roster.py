"""The roster is the one record of each worker: a ``SocialWorker`` reads and writes its row of the
roster's arrays while in post, and keeps a copy of the row once they leave (the slot is reused)."""

from __future__ import annotations

import pytest

from sim.model.clock import Clock
from sim.model.region import Region
from sim.model.roster import RECORD


def test_a_worker_is_a_view_of_their_row_and_keeps_it_when_they_leave(baseline):
    region = Region(baseline, 3, 0, Clock(1.0, 0.0))
    region.run()
    roster = region.authorities[0].roster
    worker = roster.permanent()[0]
    assert (worker.hired_day, worker.level, worker.pipeline, worker.born) == (
        roster.hired[worker.slot],
        roster.level[worker.slot],
        roster.pipeline[worker.slot],
        roster.born[worker.slot],
    )
    worker.level_since = 123.0
    assert roster.level_since[worker.slot] == 123.0
    for name in ("level", "contract"):  # through the roster: the case book, or the staff, follow
        with pytest.raises(AttributeError):
            setattr(worker, name, 2)
    left = [w for w in roster.workers if w.left_day is not None]
    reused = [w for w in left if roster.contract[w.slot] and roster.worker_at(w.slot) is not w]
    assert reused  # someone else holds the slot now: the leaver's attributes are their own
    assert all(
        w.hired_day <= w.left_day and w.contract in ("permanent", "agency", "bank") for w in reused
    )
    assert any(w.hired_day != roster.hired[w.slot] for w in reused)
    assert [column.name for column in RECORD] == [
        "level",
        "contract",
        "hired_day",
        "pipeline",
        "level_since",
        "start_level",
        "asye_passed",
        "born",
    ]
    with pytest.raises(AttributeError):
        left[0].born = 0.0
