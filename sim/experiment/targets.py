"""The speed targets the benchmark checks (issue 29 of this round), declared once: the speed-up
over the per-case reference model and over a named earlier version, and the peak memory. They live
here, beside the benchmark, never in timed tests; ``swsim bench`` prints each with whether this
run meets it."""

from __future__ import annotations

from dataclasses import dataclass

# The version the speed-up targets are set against: main at the start of the speed work.
TARGET_BASE = "e3b654c"
# "Flat over replications": the last replication's peak memory at most this much above the first's
# (an assumption: the benchmark's resolution, not a published figure).
FLAT_SHARE = 0.05


@dataclass(frozen=True)
class SpeedTarget:
    """A scenario's targets: at least ``over_reference`` times the reference model's speed, at
    least ``over_base`` times ``TARGET_BASE``'s, at most ``peak_mb`` of memory (None: none set)."""

    over_reference: float
    over_base: float
    peak_mb: float | None


TARGETS: dict[str, SpeedTarget] = {
    "west_midlands": SpeedTarget(over_reference=60.0, over_base=3.5, peak_mb=300.0),
    "baseline": SpeedTarget(over_reference=40.0, over_base=3.0, peak_mb=None),
}


def _verdict(met: bool) -> str:
    return "met" if met else "NOT met"


def reference_lines(scenario: str, speedup: float) -> list[str]:
    """The reference-model target's line for ``scenario`` (none if it has no target)."""
    target = TARGETS.get(scenario)
    if target is None:
        return []
    return [
        f"  target: at least {target.over_reference:g} times the reference model's speed: "
        f"{speedup:.1f} times, {_verdict(speedup >= target.over_reference)}"
    ]


def memory_lines(scenario: str, first_mb: float, last_mb: float) -> list[str]:
    """The memory target's line for ``scenario``: at most its peak, flat over replications."""
    target = TARGETS.get(scenario)
    if target is None or target.peak_mb is None:
        return []
    flat = last_mb <= first_mb * (1 + FLAT_SHARE)
    return [
        f"  target: peak memory at most {target.peak_mb:,.0f} MB: {last_mb:,.0f} MB, "
        f"{_verdict(last_mb <= target.peak_mb)}",
        f"  target: flat over replications (within {FLAT_SHARE:.0%}): {first_mb:,.0f} to "
        f"{last_mb:,.0f} MB, {_verdict(flat)}",
    ]


def base_lines(scenario: str, ref: str, speedup: float) -> list[str]:
    """The earlier-version target's line for ``scenario`` timed against ``ref``: checked when
    ``ref`` is ``TARGET_BASE`` (a commit named by any prefix of its hash of 7 or more digits)."""
    name = scenario.rsplit("/", 1)[-1].removesuffix(".toml")
    target = TARGETS.get(name)
    if target is None:
        return []
    if not (len(ref) >= 7 and (ref.startswith(TARGET_BASE) or TARGET_BASE.startswith(ref))):
        return [
            f"  target: at least {target.over_base:g} times the speed of {TARGET_BASE} "
            f"(run --against {TARGET_BASE} to check it)"
        ]
    return [
        f"  target: at least {target.over_base:g} times the speed of {TARGET_BASE}: "
        f"{speedup:.2f} times, {_verdict(speedup >= target.over_base)}"
    ]
