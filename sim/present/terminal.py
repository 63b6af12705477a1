"""The terminal's layout: lines at most ``WIDTH`` columns wide, tables of wrapped cells in blocks
of columns that fit, and short letters for scenarios (explained by a legend)."""

from __future__ import annotations

import textwrap
from string import ascii_uppercase

WIDTH = 100  # columns of a terminal line
LABEL = 30  # a row's label is wrapped within this
GAP = "  "


def wrapped(line: str, width: int = WIDTH) -> list[str]:
    """A line cut at ``width`` columns (the rest indented), or itself if it fits."""
    if len(line) <= width:
        return [line]
    return textwrap.wrap(line, width, subsequent_indent="  ", break_on_hyphens=False)


def letters(names: list[str]) -> dict[str, str]:
    """A short label per scenario: A for the baseline, then B, C, ... (A1, B1, ... past Z)."""
    n = len(ascii_uppercase)
    return {
        name: ascii_uppercase[i % n] + (str(i // n) if i >= n else "")
        for i, name in enumerate(names)
    }


def grid(
    rows: list[tuple[str, list[list[str]]]],
    heads: list[str],
    width: int = WIDTH,
    label: int = LABEL,
    right: bool = False,
) -> list[str]:
    """Rows of (label, cells of lines) under ``heads`` (the labels' first; each wrapped at its
    words), in blocks of as many cell columns as fit in ``width`` (numbers to the ``right``)."""
    cols = len(heads) - 1
    words = [max((len(w) for w in h.split()), default=0) for h in heads]
    widths = [max([words[i + 1]] + [len(x) for _, c in rows for x in c[i]]) for i in range(cols)]
    label = min(label, max([words[0]] + [len(lb) for lb, _ in rows]))
    blocks: list[list[int]] = [[]]
    for i in range(cols):
        used = label + sum(len(GAP) + widths[j] for j in [*blocks[-1], i])
        if blocks[-1] and used > width:
            blocks.append([])
        blocks[-1].append(i)
    align = ">" if right else "<"
    out: list[str] = []
    for block in blocks:
        if out:
            out.append("")
        table = [
            (heads[0], [[heads[i + 1]] for i in range(cols)], True),
            *((lb, c, False) for lb, c in rows),
        ]
        for name, cells, head in table:
            column = [textwrap.wrap(cells[i][0], widths[i]) if head else cells[i] for i in block]
            left = textwrap.wrap(name, label) or [""]
            for k in range(max(len(left), *(len(c) for c in column))):
                parts = [f"{left[k] if k < len(left) else '':{label}s}"]
                parts += [
                    f"{c[k] if k < len(c) else '':{align if not head else align}{widths[i]}s}"
                    for c, i in zip(column, block)
                ]
                out.append(GAP.join(parts).rstrip())
    return out
