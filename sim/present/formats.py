"""Numbers as a reader sees them, by the outcome's declared unit: shares as percentages (differences
in percentage points), money as £ with thousands separators, other quantities with their unit.

Decimals follow the precision of the estimate: the half-width of its interval is shown to one
significant figure (within ``MIN_DECIMALS`` and ``MAX_DECIMALS``), so digits are never more precise
than the replications allow, and never so few that an interval collapses to one value.
"""

from __future__ import annotations

import math

from sim.columns import Column, column

MIN_DECIMALS, MAX_DECIMALS = 1, 3
MONEY_ROUNDING = -3  # money is shown to the nearest £1,000 at most (10 ** 3)
MONEY_LARGE = 10_000  # ... and to the nearest £1,000 from £10,000 when there is no interval
NO_BREAK = "\u2060"  # word joiner: a line never breaks between a sign and its £


def outcome(metric: str) -> Column:
    """The declaration of a metric (``sim.columns.column``)."""
    return column(metric)


def is_money(metric: str) -> bool:
    return outcome(metric).unit.startswith("GBP")


def scale(metric: str) -> float:
    """Multiplier from stored values to shown ones (100 for shares)."""
    return 100.0 if outcome(metric).percent else 1.0


def decimals(metric: str, halfwidth: float = math.nan, value: float = math.nan) -> int:
    """Decimals for ``metric`` (negative: rounding to tens, hundreds, thousands of pounds): one
    significant figure of the half-width if there is one (two for money), else by the size of the
    value."""
    hw = abs(halfwidth * scale(metric)) if halfwidth is not None else math.nan
    size = abs(value * scale(metric)) if value is not None and math.isfinite(value) else 0.0
    if is_money(metric):
        if math.isfinite(hw) and hw > 0:
            return max(MONEY_ROUNDING, min(0, 1 - math.floor(math.log10(hw))))
        return MONEY_ROUNDING if size >= MONEY_LARGE else 0
    if math.isfinite(hw) and hw > 0:
        return min(MAX_DECIMALS, max(MIN_DECIMALS, -math.floor(math.log10(hw))))
    return 1 if size >= 10 or outcome(metric).percent else 2


def money(x: float, digits: int = 0, signed: bool = False) -> str:
    """£13,157,000; -£41,000; +£532,000 (signed); rounded to 10 ** -digits pounds."""
    step = 10 ** max(0, -digits)
    rounded = round(x / step) * step
    sign = "-" if rounded < 0 else ("+" if signed and rounded > 0 else "")
    return f"{sign}{NO_BREAK if sign else ''}£{abs(rounded):,.0f}"


def number(
    x: float, metric: str, digits: int, difference: bool = False, signed: bool | None = None
) -> str:
    """One value of ``metric``: '16.0%' for a share, '£13,157,000', '18.10'. A ``difference`` of a
    share is in percentage points (no % sign), signed unless ``signed`` is False."""
    if x is None or not math.isfinite(x):
        return "not bounded" if x is not None and not math.isnan(x) else "n/a"
    signed = difference if signed is None else signed
    if is_money(metric):
        return money(x, digits, signed)
    text = f"{x * scale(metric):{'+' if signed else ''},.{digits}f}"
    if text.lstrip("+-") == f"{0:.{digits}f}":
        text = text.lstrip("+-")  # no "-0.0"
    return text + ("%" if outcome(metric).percent and not difference else "")


def unit_words(metric: str, difference: bool = False) -> str:
    """The unit after a number in a sentence: 'percentage points', 'days', 'a year' ('' for a share
    level, whose number carries its % sign)."""
    o = outcome(metric)
    if o.percent:
        return "percentage points" if difference else ""
    if is_money(metric):
        return o.unit.removeprefix("GBP").strip()
    return o.unit


def with_unit(text: str, metric: str, difference: bool = False) -> str:
    unit = unit_words(metric, difference)
    return f"{text} {unit}" if unit else text


def unit_heading(metric: str) -> str:
    """The unit of a table's metric: '% (share of funded posts); differences in percentage points'."""
    o = outcome(metric)
    if o.percent:
        unit = (
            f"% of {o.unit.removeprefix('share of ')}"
            if o.unit.startswith("share of ")
            else f"% ({o.unit})"
        )
        return f"{unit}; differences in percentage points"
    return o.unit.replace("GBP", "£")


def short_unit(metric: str, difference: bool = False) -> str:
    """The unit of a column of numbers: '%' ('percentage points' for differences), '£ a year',
    'cases per case holder'."""
    o = outcome(metric)
    if o.percent:
        return "percentage points" if difference else "%"
    return o.unit.replace("GBP", "£")


def count(n: int, word: str) -> str:
    """'1 replication', '3 replications'."""
    return f"{n} {word}{'' if n == 1 else 's'}"
