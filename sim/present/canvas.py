"""The size rule for figures, and the texts a figure draws (to check each is inside and readable).

The rule: the page shows an image at most ``DISPLAY_PX`` CSS pixels wide, ``DPI`` CSS pixels to a
figure's inch, so a figure at most ``MAX_WIDTH_IN`` (= DISPLAY_PX / DPI) inches wide is shown at its
own size, never scaled down; its PNG is saved at ``PRINT_DPI`` (twice that: sharp when printed). A font of s points then shows at s * DPI / 96 CSS points
(a CSS point is 96 / 72 pixels): ``MIN_PT`` (9) shows as 9.4 pt. ``drawn_texts`` lists the texts a
figure draws, for checking that each lies inside it and is large enough (tests/test_report.py).
"""

from __future__ import annotations

import textwrap

DISPLAY_PX = 1060  # widest an image is shown on the page (CSS pixels)
DPI = 100  # CSS pixels per inch of a figure as the page shows it
PRINT_DPI = 200  # pixels per inch of the saved PNG
MAX_WIDTH_IN = DISPLAY_PX / DPI  # widest figure shown without scaling (inches)
MIN_PT = 9.0  # smallest text on the page (points, as displayed)
TEXT_PT = 10.0  # axis labels, ticks, legends
TITLE_PT = 11.5  # figure titles
CHAR_EM = 0.6  # mean character width of DejaVu Sans, in ems (for wrapping)


def line_chars(width_in: float, font_pt: float = TEXT_PT) -> int:
    """How many characters fit on a line ``width_in`` inches wide at ``font_pt``."""
    return max(12, int(width_in * 72 / (font_pt * CHAR_EM)))


def wrap(text: str, width_in: float, font_pt: float = TEXT_PT) -> str:
    """``text`` broken into lines that fit ``width_in`` inches at ``font_pt``."""
    chars = line_chars(width_in, font_pt)
    return "\n".join("\n".join(textwrap.wrap(line, chars)) for line in text.split("\n"))


def new_figure(
    rows: int = 1, cols: int = 1, height_in: float = 4.0, width_in: float = MAX_WIDTH_IN, **kw
):
    """A figure of the page's width (constrained layout, so nothing is cut) and its axes grid."""
    import matplotlib.pyplot as plt

    return plt.subplots(
        rows,
        cols,
        figsize=(width_in, height_in),
        dpi=DPI,
        layout="constrained",
        squeeze=False,
        **kw,
    )


def one_line(text: str, more: str, chars: int) -> str:
    """``text``, then ``more`` after a colon if both fit in ``chars`` characters."""
    both = f"{text}: {more}" if more else text
    return both if len(both) <= chars else text


def title(fig, text: str, more: str = "", font_pt: float = TITLE_PT) -> None:
    """The figure's title on one line: ``text``, and ``more`` where the line has room for it (a
    ``text`` too long for one line is wrapped, never cut)."""
    width = fig.get_figwidth() * 0.95
    fig.suptitle(
        wrap(one_line(text, more, line_chars(width, font_pt)), width, font_pt), fontsize=font_pt
    )


def drawn_texts(fig) -> list:
    """Every text the figure draws (visible, not empty), with the renderer that drew it."""
    from matplotlib.text import Text

    drawn = []
    original = Text.draw

    def record(self, renderer):
        if self.get_visible() and self.get_text().strip():
            drawn.append(self)
        return original(self, renderer)

    Text.draw = record
    try:
        fig.canvas.draw()
    finally:
        Text.draw = original
    return drawn
