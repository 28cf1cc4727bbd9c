"""What every run figure shares: the context (runs, labels, country groups, events, folder) and the helpers
for time axes, panels and legends (run_figures.py draws them all)."""

from __future__ import annotations

import math
from dataclasses import dataclass
from pathlib import Path
from typing import Sequence

import matplotlib.pyplot as plt
import pandas as pd
import xarray as xr
from matplotlib.lines import Line2D

from .reader import RunResult
from .style import EventMark, colour, date_axis, legend_row, many_events, mark_events
from .summary import CountryGroup, band_name, band_words, grouped


@dataclass
class RunFigureContext:
    """What every run figure needs: the runs, their labels, the country groups, the events, and where to write."""

    runs: list[RunResult]
    labels: list[str]
    groups: list[CountryGroup]
    events: list[EventMark]
    folder: Path
    svg: bool = True

    @property
    def single(self) -> bool:
        """Whether there is one run (colours are then countries)."""
        return len(self.runs) == 1

    @property
    def band_words(self) -> str:
        """What the shaded bands are, for a caption: the 90% band, or the range of a few replicates (summary.py)."""
        return band_words([len(run.replicates) for run in self.runs])

    @property
    def band_label(self) -> str:
        """The band's name for a legend: 'range of 3 replicates' (one run or runs alike) or 'band across
        replicates'."""
        counts = {len(run.replicates) for run in self.runs}
        return band_name(counts.pop()) if len(counts) == 1 else "band across replicates"

    def time(self, run: RunResult) -> pd.DatetimeIndex:
        """A run's dates (the first day of each step)."""
        return run.time


def key_height(events: Sequence[EventMark], listed_on_page: bool = True) -> float:
    """Height in inches that the events list under a figure needs (style.events_key())."""
    if not events:
        return 0.0
    if many_events(events) and listed_on_page:
        return 0.35  # one line: the list is the page's table of events
    rows = len(events) if len(events) <= 4 else (len(events) + 1) // 2
    return 0.35 + 0.16 * rows


def _finish_time_axes(axes: Sequence[plt.Axes], context: RunFigureContext, numbers_on: Sequence[plt.Axes]) -> None:
    """Dates on every time axis and the events marked, numbered on the axes in `numbers_on`."""
    for ax in axes:
        width_in = ax.get_position().width * ax.figure.get_figwidth()
        date_axis(ax, narrow=width_in < 2.8)
        mark_events(ax, context.events, numbers=ax in numbers_on)


def _x_limits(axes: Sequence[plt.Axes], runs: Sequence[RunResult]) -> None:
    """The whole of the longest run on every time axis."""
    start = min(run.time[0] for run in runs)
    end = max(run.time[-1] for run in runs)
    for ax in axes:
        ax.set_xlim(start, end)


def _panel_grid(fig: plt.Figure, panels: int, ncols: int, context: RunFigureContext) -> list[plt.Axes]:
    """`panels` axes in a grid `ncols` wide, sharing the time axis (below the runs' legend: run_grid())."""
    nrows = math.ceil(panels / ncols)
    grid, first = run_grid(fig, context, nrows, ncols)
    axes: list[plt.Axes] = []
    for index in range(panels):
        ax = fig.add_subplot(grid[first + index // ncols, index % ncols], sharex=axes[0] if axes else None)
        axes.append(ax)
    return axes


def run_line(index: int) -> str:
    """The line style of run number `index` (solid, dashed, dash-dot, dotted), so that runs whose lines coincide
    stay visible and runs differ by more than colour."""
    return ("-", "--", "-.", ":")[index % 4]


#: Height of the row above the panels that holds the runs' legend (several runs), in inches.
LEGEND_ROW_IN = 0.3


def run_grid(fig: plt.Figure, context: RunFigureContext, nrows: int, ncols: int,
             height_ratios: Sequence[float] | None = None) -> tuple[object, int]:
    """The figure's grid of panels and the index of its first row of panels. With several runs, a thin row above
    the panels holds the legend of the runs' colours and line styles, outside the data (inside the first panel it
    hid its lines), and the figure grows by that row."""
    ratios = list(height_ratios) if height_ratios is not None else [1.0] * nrows
    if context.single:
        return fig.add_gridspec(nrows, ncols, height_ratios=ratios), 0
    panels_in = fig.get_figheight()
    fig.set_figheight(panels_in + LEGEND_ROW_IN)
    grid = fig.add_gridspec(nrows + 1, ncols, height_ratios=[sum(ratios) * LEGEND_ROW_IN / panels_in] + ratios)
    handles = [Line2D([], [], color=colour(i), linestyle=run_line(i), label=label)
               for i, label in enumerate(context.labels)]
    legend_row(fig, grid[0, :], handles, list(context.labels), len(handles))
    return grid, 1


def _group_series(run: RunResult, metric: str, context: RunFigureContext) -> xr.DataArray:
    """A by_country series summed into the report's country groups: (replicate, time, group)."""
    return grouped(run.series(metric).astype(float), context.groups)
