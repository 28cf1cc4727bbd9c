"""How the report's figures look: a colour-blind-safe palette, fonts, date axes, event markers, number formats,
and saving PNG and SVG files that repeat byte for byte when nothing changed."""

from __future__ import annotations

import datetime
import math
import struct
import textwrap
from dataclasses import dataclass
from pathlib import Path
from typing import Iterable, Sequence

import matplotlib

matplotlib.use("Agg")  # no display: files only (before pyplot is imported anywhere)

import matplotlib.dates as mdates  # noqa: E402
from matplotlib.font_manager import FontProperties  # noqa: E402
import matplotlib.pyplot as plt  # noqa: E402
import matplotlib.ticker as mticker  # noqa: E402
import numpy as np  # noqa: E402
import pandas as pd  # noqa: E402

#: Okabe & Ito (2008)'s colour-blind-safe palette, without its yellow, which is too pale for lines on white.
PALETTE: tuple[str, ...] = ("#0072B2", "#D55E00", "#009E73", "#CC79A7", "#E69F00", "#56B4E9", "#000000")
#: Okabe & Ito's yellow, kept for filled areas (stacked shares), where it reads well.
YELLOW = "#F0E442"
#: For "other countries" and anything in the background.
GREY = "#8C8C8C"
#: Vertical lines that mark scenario events.
EVENT_COLOUR = "#444444"
#: Resolution of the PNG files: a 10-inch-wide figure is 1100 pixels.
DPI = 110
#: Width of every figure, in inches (heights vary with the number of panels).
WIDTH_IN = 10.0

#: Matplotlib settings for every figure (applied with matplotlib.rc_context, so nothing global changes).
RC: dict[str, object] = {
    "svg.hashsalt": "scamsim-report",  # fixed ids inside SVG files, so reruns give the same bytes
    "svg.fonttype": "path",  # text as outlines: the SVG looks the same everywhere, whatever fonts a viewer has
    "font.family": "DejaVu Sans",
    "font.size": 10,
    "axes.titlesize": 11,
    "axes.titleweight": "bold",
    "axes.titlelocation": "left",
    "axes.titlepad": 15,  # room for the event numbers above time axes
    "axes.labelsize": 10,
    "axes.spines.top": False,
    "axes.spines.right": False,
    "axes.grid": True,
    "grid.color": "#DDDDDD",
    "grid.linewidth": 0.6,
    "legend.frameon": False,
    "legend.fontsize": 9,
    "xtick.labelsize": 9,
    "ytick.labelsize": 9,
    "figure.titlesize": 14,
    "figure.titleweight": "bold",
    "figure.dpi": DPI,
    "savefig.dpi": DPI,
    "lines.linewidth": 1.8,
    "path.simplify": True,
}


def colour(index: int) -> str:
    """The palette's colour number `index` (cycling)."""
    return PALETTE[index % len(PALETTE)]


@dataclass
class FigureFile:
    """A figure written to disk: its id, title, caption and files, and its size in pixels."""

    figure_id: str
    title: str
    caption: str
    png: Path
    svg: Path | None
    width_px: int
    height_px: int
    #: How far, in pixels, anything drawn (a title, a label, a legend, tick labels) reaches past the image's edges
    #: and is cut off: 0 when nothing is clipped (tests/analysis/test_report.py checks every figure).
    overflow_px: float = 0.0


def overflow_px(fig: plt.Figure) -> float:
    """How far, in pixels at DPI, the figure's drawn artists reach past its edges (0 if all fit): the figure's
    tight bounding box, which counts only what is drawn, against the figure itself. Draws the figure (layout)."""
    fig.canvas.draw()
    tight = fig.get_tightbbox(fig.canvas.get_renderer())  # inches
    width, height = fig.get_size_inches()
    beyond = max(0.0, -tight.x0, -tight.y0, tight.x1 - width, tight.y1 - height)
    return round(float(beyond) * DPI, 1)


def new_figure(height_in: float, width_in: float = WIDTH_IN) -> plt.Figure:
    """A blank figure of the report's width with constrained layout."""
    return plt.figure(figsize=(width_in, height_in), layout="constrained")


def title(fig: plt.Figure, text: str, most_lines: int = 2) -> None:
    """The figure's title, wrapped to the figure's width (bold 14-point text is about 0.68 em a character on
    average; a title of 95 characters on one line was cut off at both edges), at most `most_lines` lines."""
    size = FontProperties(size=matplotlib.rcParams["figure.titlesize"]).get_size_in_points()
    fits = max(20, int(fig.get_figwidth() * 72 / (0.68 * size)))
    lines = textwrap.wrap(text, fits)
    if len(lines) > most_lines:
        lines = lines[:most_lines]
        lines[-1] = lines[-1][:fits - 1].rstrip() + "…"
    fig.suptitle("\n".join(lines))


def save(fig: plt.Figure, folder: Path, figure_id: str, title: str, caption: str, svg: bool = True) -> FigureFile:
    """Writes the figure as PNG (and SVG) without timestamps, closes it, and says where it went."""
    folder.mkdir(parents=True, exist_ok=True)
    beyond = overflow_px(fig)
    png = folder / f"{figure_id}.png"
    fig.savefig(png, format="png", dpi=DPI, metadata={"Software": None})
    svg_path = None
    if svg:
        svg_path = folder / f"{figure_id}.svg"
        fig.savefig(svg_path, format="svg", metadata={"Date": None, "Creator": None})
    plt.close(fig)
    with png.open("rb") as stream:
        header = stream.read(24)
    width_px, height_px = struct.unpack(">II", header[16:24])  # the PNG's IHDR: what was really written
    return FigureFile(figure_id=figure_id, title=title, caption=caption, png=png, svg=svg_path, width_px=width_px,
                      height_px=height_px, overflow_px=beyond)


# ---------------------------------------------------------------------------------------------------------------
# Axes
# ---------------------------------------------------------------------------------------------------------------


def date_axis(ax: plt.Axes, narrow: bool = False) -> None:
    """Dates on the x axis, as concise as they stay readable (years, then months). On a narrow axis, at most about
    four labels from the first whole year (or month) of the axis on: every year or every few years, or every few
    months for a short run. Call it after the axis limits are set."""
    if not narrow:
        locator = mdates.AutoDateLocator(minticks=3, maxticks=9)
        ax.xaxis.set_major_locator(locator)
        ax.xaxis.set_major_formatter(mdates.ConciseDateFormatter(locator, show_offset=False))
        return
    left, right = (mdates.num2date(x).replace(tzinfo=None) for x in ax.get_xlim())
    years = (right - left).days / 365.25
    if years >= 2.5:
        step = max(1, math.ceil(years / 4))
        first = left.year if (left.month, left.day) == (1, 1) else left.year + 1
        ticks = [datetime.datetime(year, 1, 1) for year in range(first, right.year + 1, step)]
        label = "%Y"
    else:
        step = max(1, math.ceil(years * 12 / 4))
        month = left.year * 12 + left.month - (1 if left.day == 1 else 0)
        ticks = []
        while True:
            date = datetime.datetime(month // 12, month % 12 + 1, 1)
            if date > right:
                break
            ticks.append(date)
            month += step
        label = "%b"
    ax.xaxis.set_major_locator(mticker.FixedLocator(mdates.date2num(ticks)))
    # The year on January ticks (and the first), the month elsewhere: '2025  Jul  2026  Jul'.
    first_tick = mdates.date2num(ticks[0]) if ticks else None
    ax.xaxis.set_major_formatter(mticker.FuncFormatter(
        lambda x, _: mdates.num2date(x).strftime("%Y" if mdates.num2date(x).month == 1 or x == first_tick
                                                 else label)))


def thousands(ax: plt.Axes, axis: str = "y") -> None:
    """Whole numbers with thousands separators on an axis."""
    formatter = mticker.FuncFormatter(lambda value, _: f"{value:,.0f}")
    (ax.yaxis if axis == "y" else ax.xaxis).set_major_formatter(formatter)


def percent(ax: plt.Axes, axis: str = "y") -> None:
    """Shares in [0, 1] shown as percentages."""
    (ax.yaxis if axis == "y" else ax.xaxis).set_major_formatter(mticker.PercentFormatter(1.0, decimals=None))


def money_scale(values: Iterable[float]) -> tuple[float, str]:
    """A divisor and a unit word for US dollar amounts of this size: (1e9, 'billion USD') and so on."""
    finite = [abs(v) for v in values if v is not None and np.isfinite(v)]
    largest = max(finite) if finite else 0.0
    for divisor, word in ((1e9, "billion USD"), (1e6, "million USD"), (1e3, "thousand USD")):
        if largest >= divisor:
            return divisor, word
    return 1.0, "USD"


def format_number(value: float, units: str = "") -> str:
    """A number for a table or caption: thousands separators, money in millions or billions, shares in %."""
    if value is None or not np.isfinite(value):
        return "n/a"
    if units.startswith("USD"):
        divisor, word = money_scale([value])
        return f"{value / divisor:,.2f} {word}" if divisor > 1 else f"{value:,.0f} USD"
    if units in ("share", "1%"):
        return f"{100 * value:.1f}%"
    if units.split("/")[0] in ("people", "operations", "raids"):
        return f"{value:,.0f}"
    if units == "per100":
        return f"{value:.1f}"
    if abs(value) >= 100 or float(value).is_integer():
        return f"{value:,.0f}"
    return f"{value:,.2f}" if abs(value) >= 1 else f"{value:.3g}"


# ---------------------------------------------------------------------------------------------------------------
# Scenario events
# ---------------------------------------------------------------------------------------------------------------


@dataclass
class EventMark:
    """A scenario event as the figures mark it: a number, a date and a plain description."""

    number: int
    date: pd.Timestamp
    text: str


#: More scenario events than this (several runs' events together reach 26) are not drawn as lines across every
#: panel, which hid the data behind them: each panel gets a short tick at its top edge per group of close events,
#: numbered on the top row, and the list is the page's table of events rather than a key under every figure.
MANY_EVENTS = 8


def many_events(events: Sequence[EventMark]) -> bool:
    """Whether there are too many events for lines across the panels and a key under each figure."""
    return len(events) > MANY_EVENTS


def mark_events(ax: plt.Axes, events: Sequence[EventMark], numbers: bool = True) -> None:
    """Dotted vertical lines at each event's date, with its number above the axes; events too close together for
    separate labels share one ('3-4', '5-7') so the numbers stay readable. With many events (many_events()), only a
    short tick at the top edge per group of close events, so the data stay in view."""
    if not events:
        return
    left, right = ax.get_xlim()
    span = max(right - left, 1.0)
    width_pt = max(ax.get_position().width * ax.figure.get_figwidth() * 72, 1.0)
    close = span * 16.0 / width_pt  # labels nearer than 16 points merge
    clusters: list[list[tuple[float, int]]] = []
    for event in sorted(events, key=lambda e: (e.date, e.number)):
        x = mdates.date2num(event.date)
        if x < left or x > right:
            continue
        if many_events(events):
            ax.axvline(x, ymin=0.96, ymax=1.0, color=EVENT_COLOUR, linewidth=1.0, zorder=1)
        else:
            ax.axvline(x, color=EVENT_COLOUR, linestyle=(0, (2, 2)), linewidth=0.8, zorder=1, alpha=0.8)
        if clusters and x - clusters[-1][-1][0] < close:
            clusters[-1].append((x, event.number))
        else:
            clusters.append([(x, event.number)])
    if numbers:
        for cluster in clusters:
            first, last = cluster[0][1], cluster[-1][1]
            text = str(first) if first == last else f"{first}-{last}" if last - first > 1 else f"{first},{last}"
            x = sum(point[0] for point in cluster) / len(cluster)
            ax.annotate(text, xy=(x, 1.0), xycoords=("data", "axes fraction"), xytext=(0, 3),
                        textcoords="offset points", ha="center", va="bottom", fontsize=7.5, color="white",
                        fontweight="bold", annotation_clip=False,
                        bbox={"boxstyle": "round,pad=0.2", "facecolor": EVENT_COLOUR, "edgecolor": "none"})
    ax.set_xlim(left, right)


def events_key(fig: plt.Figure, events: Sequence[EventMark], listed_on_page: bool = True) -> None:
    """The numbered list of events at the bottom of the figure, two columns when it is long; with many events, where
    the page lists them (`listed_on_page`: the run reports' table of scenario events), a line that points there."""
    if not events:
        return
    if many_events(events) and listed_on_page:
        fig.supxlabel(f"Events: {len(events)} scenario events, ticks at the top of each panel numbered as in the "
                      "report's table of scenario events", fontsize=8, ha="left", x=0.01, color="#333333")
        return
    lines = [f"{e.number:>2}  {e.date:%d %b %Y}  {e.text}" for e in events]
    # As many characters of 8-point DejaVu Sans Mono (0.6 em wide) as the figure's width holds, less its margins:
    # longer lines were cut off at the image's right edge.
    fits = int((fig.get_figwidth() * 72 - 20) / (0.61 * 8))
    if len(lines) > 4:
        column = (fits - 4) // 2
        lines = [line if len(line) <= column else line[:column - 1] + "…" for line in lines]
        half = (len(lines) + 1) // 2
        left, right = lines[:half], lines[half:]
        width = max(len(line) for line in left) + 4
        lines = [f"{a:<{width}}{b}" for a, b in zip(left, right + [""] * (len(left) - len(right)))]
    else:
        lines = [line if len(line) <= fits else line[:fits - 1] + "…" for line in lines]
    fig.supxlabel("Events (dotted lines):\n" + "\n".join(lines), fontsize=8, ha="left", x=0.01,
                  family="DejaVu Sans Mono", color="#333333")


def band(ax: plt.Axes, x: Sequence, median: Sequence[float], low: Sequence[float], high: Sequence[float],
         colour_: str, label: str | None, linestyle: str = "-", alpha: float = 0.12) -> None:
    """A median line with its band across replicates (summary.band_name() says which band): a light fill with a
    thin outline of the same colour, so that where several bands overlap each one's edges can still be told."""
    ax.fill_between(x, low, high, color=colour_, alpha=alpha, linewidth=0, zorder=2)
    for edge in (low, high):
        ax.plot(x, edge, color=colour_, linewidth=0.6, alpha=0.55, linestyle=linestyle, zorder=2)
    ax.plot(x, median, color=colour_, label=label, linestyle=linestyle, zorder=3)


def legend_row(fig: plt.Figure, cell: object, handles: Sequence, labels: Sequence[str], ncol: int) -> None:
    """A legend in a row of the figure's grid of its own (`cell`, a SubplotSpec), outside every panel, so it hides no
    data; constrained layout makes room for it (matplotlib 3.6, Debian 12's, has no fig.legend(loc="outside ..."))."""
    ax = fig.add_subplot(cell)
    ax.axis("off")
    if not handles:
        return
    # Fewer columns while the legend would be wider than the figure (8-point text, about 0.55 em a character, and
    # a handle and gap of about 8): constrained layout would otherwise shrink the panels to make room. Matplotlib
    # fills a legend column by column, so its width is the sum of each column's longest label.
    fits = fig.get_figwidth() * 72 / (0.55 * 8)
    ncol = max(1, min(ncol, len(labels)))

    def width(columns: int) -> int:
        rows = math.ceil(len(labels) / columns)
        return sum(max(len(label) for label in labels[j:j + rows]) + 8 for j in range(0, len(labels), rows))

    while ncol > 1 and width(ncol) > fits:
        ncol -= 1
    ax.legend(handles, labels, loc="center", ncol=ncol, fontsize=8, frameon=False)


def legend_below_title(ax: plt.Axes, ncol: int = 4, **kwargs: object) -> None:
    """A legend in the upper left corner inside the axes, several columns wide."""
    handles, labels = ax.get_legend_handles_labels()
    if handles:
        ax.legend(handles, labels, ncol=ncol, loc=kwargs.pop("loc", "upper left"), **kwargs)
