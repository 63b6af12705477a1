"""Numbers as a reader sees them, in one style, by the outcome's declared kind (``Column.format``):

- a share as a percentage to one decimal ('16.0%'; a difference in percentage points, '-1.5');
- money in £, £k, £m or £bn to three significant figures ('£950', '£51.0k', '£4.15m'), the sign
  before the £ ('-£51.0k', '+£532k'), never '£-51' nor '-£51,000';
- people and children as whole numbers ('2,730', never '2,730.3');
- days and any other quantity to one decimal ('18.6 cases', '2.4 days').

These are the board's digits (``board_digits``): the brief, the findings' sentences and the terminal
use them, and the terminal, the report and the brief all format here. A table of estimates with
intervals (the report's appendix: the key numbers and the councils' tables) keeps the same forms but
may show more digits where the board's would collapse an interval to one value (``decimals`` with a
half-width: at least one step of the last digit across the interval, at most ``MAX_DECIMALS``), and
shows every cell of one metric with the same digits (``readings.aligned``), so 18.6 never stands
beside 18.42. A measurable difference keeps the digits that hold it off zero.

Money's ``digits`` are decimals of a pound (-3: to the nearest £1,000) and only ever add figures to
its three significant ones; ``BOARD_MONEY`` asks for the three alone. One number's scale (£k, £m)
may be set by a larger one beside it (``size``), so an estimate and its interval share a scale.
"""

from __future__ import annotations

import math

from sim.columns import MONEY, PEOPLE, Column, column

MIN_DECIMALS, MAX_DECIMALS = 1, 3  # of a percentage, days or other quantity
SIGNIFICANT = 3  # figures of money
BOARD_MONEY = -15  # money's digits for "three significant figures, no more"
NO_BREAK = "\u2060"  # word joiner: a line never breaks between a sign and its £
MONEY_SCALES = ((1e9, "bn"), (1e6, "m"), (1e3, "k"), (1.0, ""))


def outcome(metric: str) -> Column:
    """The declaration of a metric (``sim.columns.column``)."""
    return column(metric)


def is_money(metric: str) -> bool:
    return outcome(metric).format == MONEY


def scale(metric: str) -> float:
    """Multiplier from stored values to shown ones (100 for shares)."""
    return 100.0 if outcome(metric).percent else 1.0


def board_digits(metric: str) -> int:
    """The board's decimals for ``metric``: none for people, three significant figures
    (``BOARD_MONEY``) for money, one for percentages, days and anything else."""
    kind = outcome(metric).format
    if kind == MONEY:
        return BOARD_MONEY
    return 0 if kind == PEOPLE else MIN_DECIMALS


def decimals(metric: str, halfwidth: float = math.nan, value: float = math.nan) -> int:
    """Decimals for ``metric``: the board's, or with an interval of this ``halfwidth`` as many
    more as keep its ends apart (one step of the last digit at most across it). For money, decimals
    of a pound (negative: to tens, hundreds, thousands of pounds) on top of three significant
    figures. ``value`` is not used (kept for callers that pass it)."""
    board = board_digits(metric)
    width = 2 * abs(halfwidth * scale(metric)) if halfwidth is not None else math.nan
    if not (math.isfinite(width) and width > 0):
        return board
    needed = math.ceil(-math.log10(width))
    return max(board, min(0 if is_money(metric) else MAX_DECIMALS, needed))


def money_scale(size: float) -> tuple[float, str]:
    """(divisor, suffix) of the £ scale for a sum of ``size`` (after rounding to three figures)."""
    size = abs(float(f"{size:.{SIGNIFICANT}g}")) if math.isfinite(size) else 0.0
    return next((d, s) for d, s in MONEY_SCALES if size >= d or d == 1.0)


def money_places(size: float, digits: int = BOARD_MONEY) -> int:
    """Decimals in the £ scale of ``size``: three significant figures of ``size``, more if
    ``digits`` (decimals of a pound) asks for them."""
    div, _ = money_scale(size)
    shown = abs(float(f"{size:.{SIGNIFICANT}g}")) / div if math.isfinite(size) else 0.0
    figures = SIGNIFICANT - 1 - math.floor(math.log10(shown)) if shown > 0 else 0
    return max(0, figures, digits + round(math.log10(div)))


def money(
    x: float, digits: int = BOARD_MONEY, signed: bool = False, size: float | None = None
) -> str:
    """'£4.15m', '-£51.0k', '+£532k' (``signed``), '£950': three significant figures of ``size``
    (default ``x``) in its scale, more if ``digits`` (decimals of a pound) asks."""
    size = abs(x) if size is None or not math.isfinite(size) else max(abs(size), abs(x))
    div, suffix = money_scale(size)
    places = money_places(size, digits)
    text = f"{abs(x) / div:,.{places}f}"
    zero = float(text.replace(",", "")) == 0
    sign = "" if zero else ("-" if x < 0 else ("+" if signed else ""))
    return f"{sign}{NO_BREAK if sign else ''}£{text}{suffix}"


def number(
    x: float,
    metric: str,
    digits: int,
    difference: bool = False,
    signed: bool | None = None,
    size: float | None = None,
) -> str:
    """One value of ``metric``: '16.0%' for a share, '£13.2m', '18.1', '2,730'. A ``difference``
    of a share is in percentage points (no % sign), signed unless ``signed`` is False; ``size``
    sets money's scale (a larger number beside it)."""
    if x is None or not math.isfinite(x):
        return "not bounded" if x is not None and not math.isnan(x) else "n/a"
    signed = difference if signed is None else signed
    if is_money(metric):
        return money(x, digits, signed, size)
    digits = max(0, digits)
    text = f"{x * scale(metric):{'+' if signed else ''},.{digits}f}"
    if text.lstrip("+-") == f"{0:.{digits}f}":
        text = text.lstrip("+-")  # no "-0.0"
    return text + ("%" if outcome(metric).percent and not difference else "")


def is_zero(text: str) -> bool:
    """Whether a formatted number reads as zero ('0.0', '£0.0k', '0%')."""
    digits = [c for c in text if c.isdigit()]
    return bool(digits) and set(digits) == {"0"}


def board(x: float, metric: str, difference: bool = False, signed: bool | None = None) -> str:
    """A value of ``metric`` in the board's digits: '16.0%', '-£51.0k', '2,730'."""
    return number(x, metric, board_digits(metric), difference, signed)


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
