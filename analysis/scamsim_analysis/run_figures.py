"""The report's figures of run files. One run: colours are countries. Several runs: colours are runs, and figures
that show countries get one panel per country, so the runs can be compared line against line.

Every time series is a median across replicates with its 90% band (5th to 95th percentile), and the scenario's
events are dotted vertical lines, numbered as in the list under each figure."""

from __future__ import annotations

import math
import tomllib
from dataclasses import dataclass
from pathlib import Path
from typing import Sequence

import matplotlib
import matplotlib.pyplot as plt
import numpy as np
import pandas as pd
import xarray as xr
from matplotlib.lines import Line2D
from matplotlib.patches import FancyArrowPatch, Rectangle

from . import style
from .reader import RunResult
from .style import EventMark, FigureFile, band, colour, date_axis, mark_events, money_scale, percent, thousands
from .summary import (RELEASE_FLOWS, CountryGroup, country_groups, first_event_date, flow_sum, grouped, per_month,
                      quantiles, scalar_quantiles, step_before_first_event)


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

    def time(self, run: RunResult) -> pd.DatetimeIndex:
        """A run's dates (the first day of each step)."""
        return run.time


def key_height(events: Sequence[EventMark]) -> float:
    """Height in inches that the events list under a figure needs."""
    if not events:
        return 0.0
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


def _panel_grid(fig: plt.Figure, panels: int, ncols: int, top: float = 0) -> list[plt.Axes]:
    """`panels` axes in a grid `ncols` wide, sharing the time axis."""
    nrows = math.ceil(panels / ncols)
    grid = fig.add_gridspec(nrows, ncols)
    axes: list[plt.Axes] = []
    for index in range(panels):
        ax = fig.add_subplot(grid[index // ncols, index % ncols], sharex=axes[0] if axes else None)
        axes.append(ax)
    return axes


def run_line(index: int) -> str:
    """The line style of run number `index` (solid, dashed, dash-dot, dotted), so that runs whose lines coincide
    stay visible and runs differ by more than colour."""
    return ("-", "--", "-.", ":")[index % 4]


def _run_legend(ax: plt.Axes, context: RunFigureContext) -> None:
    """A legend of the runs' colours and line styles (several runs)."""
    handles = [Line2D([], [], color=colour(i), linestyle=run_line(i), label=label)
               for i, label in enumerate(context.labels)]
    ax.legend(handles=handles, loc="upper left", fontsize=8)


def _group_series(run: RunResult, metric: str, context: RunFigureContext) -> xr.DataArray:
    """A by_country series summed into the report's country groups: (replicate, time, group)."""
    return grouped(run.series(metric).astype(float), context.groups)


# ---------------------------------------------------------------------------------------------------------------
# 1. People held by country
# ---------------------------------------------------------------------------------------------------------------


def held_by_country(context: RunFigureContext) -> FigureFile:
    """Figure 1: people held in compounds in each host country over time, and in all of them together."""
    title = "People held in scam compounds, by host country"
    if context.single:
        run = context.runs[0]
        fig = style.new_figure(5.2 + key_height(context.events))
        grid = fig.add_gridspec(1, 3)
        ax = fig.add_subplot(grid[0, :2])
        ax_total = fig.add_subplot(grid[0, 2])  # not shared: its narrower axis gets its own ticks
        q = quantiles(_group_series(run, "workers_held", context))
        for group in context.groups:
            sel = q.sel(group=group.label)
            band(ax, run.time, sel["median"], sel["low"], sel["high"], group.colour, group.label, alpha=0.12)
        total = quantiles(run.series("workers_held").sum("country"))
        band(ax_total, run.time, total["median"], total["low"], total["high"], "#000000", "All host countries")
        ax.set_title("Each host country")
        ax_total.set_title("All host countries together")
        ax.legend(loc="upper center", bbox_to_anchor=(0.5, -0.08), ncol=min(4, len(context.groups)), fontsize=8.5)
        axes = [ax, ax_total]
        for a in axes:
            a.set_ylabel("People held")
            thousands(a)
            a.set_ylim(bottom=0)
        _x_limits(axes, context.runs)
        _finish_time_axes(axes, context, axes)
        caption = (f"How many people are held in compounds in each host country (left) and across the region "
                   f"(right), day by day. {_change_sentence(run)}")
    else:
        panels = 1 + len(context.groups)
        ncols = 3
        fig = style.new_figure(2.5 * math.ceil(panels / ncols) + 0.6 + key_height(context.events))
        axes = _panel_grid(fig, panels, ncols)
        for index, run in enumerate(context.runs):
            total = quantiles(run.series("workers_held").sum("country"))
            band(axes[0], run.time, total["median"], total["low"], total["high"], colour(index),
                 context.labels[index], linestyle=run_line(index))
            q = quantiles(_group_series(run, "workers_held", context))
            for ax, group in zip(axes[1:], context.groups):
                sel = q.sel(group=group.label)
                band(ax, run.time, sel["median"], sel["low"], sel["high"], colour(index), None,
                     linestyle=run_line(index))
        axes[0].set_title("All host countries")
        for ax, group in zip(axes[1:], context.groups):
            ax.set_title(group.label if len(group.label) < 40 else group.label[:37] + "...")
        for ax in axes:
            thousands(ax)
            ax.set_ylim(bottom=0)
        for ax in axes[::ncols]:
            ax.set_ylabel("People held")
        _run_legend(axes[0], context)
        _x_limits(axes, context.runs)
        _finish_time_axes(axes, context, axes[:ncols])
        caption = ("How many people are held in compounds, across the region (first panel) and in each host "
                   "country, one line per run. " + " ".join(_change_sentence(r, label)
                                                           for r, label in zip(context.runs, context.labels)))
    fig.suptitle(title)
    style.events_key(fig, context.events)
    caption += " Lines are medians across replicates; shaded bands hold 90% of replicates."
    return style.save(fig, context.folder, "held_by_country", title, caption, context.svg)


def _change_sentence(run: RunResult, label: str | None = None) -> str:
    """'In the median run, the number held across the region went from X to Y (+Z%).'"""
    held = run.series("workers_held").sum("country")
    start, _, _ = scalar_quantiles(held.isel(time=0).values)
    end, _, _ = scalar_quantiles(held.isel(time=-1).values)
    change = f" ({(end - start) / start:+.0%})" if start > 0 else ""
    who = f"{label}: " if label else "In the median replicate, "
    return (f"{who}people held across the region went from {start:,.0f} to {end:,.0f}{change} "
            f"by {run.time[-1]:%B %Y}.")


# ---------------------------------------------------------------------------------------------------------------
# 2. Displacement
# ---------------------------------------------------------------------------------------------------------------


def _shares(run: RunResult, context: RunFigureContext) -> xr.DataArray:
    """Each group's share of the people held, per replicate: (replicate, time, group); NaN when no one is held."""
    held = _group_series(run, "workers_held", context)
    total = held.sum("group")
    return held / total.where(total > 0)


def displacement(context: RunFigureContext) -> FigureFile:
    """Figure 2: each host country's share of the people held over time (stacked, one run; lines, several)."""
    title = "Displacement: where the people held are"
    if context.single:
        run = context.runs[0]
        fig = style.new_figure(5.0 + key_height(context.events))
        ax = fig.add_subplot()
        shares = _shares(run, context).mean("replicate").fillna(0.0)
        colours = [g.colour if i < len(style.PALETTE) - 1 or g.colour == style.GREY else style.YELLOW
                   for i, g in enumerate(context.groups)]
        ax.stackplot(run.time, *[shares.sel(group=g.label).values for g in context.groups],
                     labels=[g.label for g in context.groups], colors=colours, alpha=0.9, linewidth=0.3,
                     edgecolor="white")
        ax.set_ylim(0, 1)
        ax.set_ylabel("Share of all people held")
        percent(ax)
        handles, labels = ax.get_legend_handles_labels()
        ax.legend(handles[::-1], labels[::-1], loc="center left", bbox_to_anchor=(1.01, 0.5), fontsize=8.5)
        ax.grid(False)
        axes = [ax]
        _x_limits(axes, context.runs)
        _finish_time_axes(axes, context, axes)
        caption = ("Each host country's share of all the people held in compounds (the bands add up to 100%; mean "
                   "share across replicates). When enforcement in one country pushes operations across a border, "
                   "its band narrows and its neighbours' widen. " + _shift_sentence(run, context))
    else:
        panels = len(context.groups)
        ncols = 3
        fig = style.new_figure(2.5 * math.ceil(panels / ncols) + 0.6 + key_height(context.events))
        axes = _panel_grid(fig, panels, ncols)
        for index, run in enumerate(context.runs):
            q = quantiles(_shares(run, context))
            for ax, group in zip(axes, context.groups):
                sel = q.sel(group=group.label)
                band(ax, run.time, sel["median"], sel["low"], sel["high"], colour(index), None,
                     linestyle=run_line(index))
        for ax, group in zip(axes, context.groups):
            ax.set_title(group.label if len(group.label) < 40 else group.label[:37] + "...")
            percent(ax)
            ax.set_ylim(bottom=0)
        for ax in axes[::ncols]:
            ax.set_ylabel("Share of people held")
        _run_legend(axes[0], context)
        _x_limits(axes, context.runs)
        _finish_time_axes(axes, context, axes[:ncols])
        caption = ("Each host country's share of all the people held, one line per run (median across "
                   "replicates, band: 90% of replicates). A share that falls in one country while it rises in "
                   "another is displacement rather than dismantling.")
    fig.suptitle(title)
    style.events_key(fig, context.events)
    return style.save(fig, context.folder, "displacement", title, caption, context.svg)


def _shift_sentence(run: RunResult, context: RunFigureContext) -> str:
    """Which country's share grew and which shrank most, before the first event to the end."""
    shares = _shares(run, context).mean("replicate")
    before = shares.isel(time=step_before_first_event(run))
    change = (shares.isel(time=-1) - before).fillna(0.0)
    if change.size == 0:
        return ""
    gain = str(change["group"].values[int(change.argmax())])
    loss = str(change["group"].values[int(change.argmin())])
    when = "before the first event" if first_event_date(run) is not None else "at the start"
    return (f"From {when} to the end, {gain}'s share changed most upwards ({float(change.max()):+.0%} points) and "
            f"{loss}'s most downwards ({float(change.min()):+.0%} points).")


# ---------------------------------------------------------------------------------------------------------------
# 3. Decentralisation
# ---------------------------------------------------------------------------------------------------------------


def decentralisation(context: RunFigureContext) -> FigureFile:
    """Figure 3: mean operation size and the share held in small operations over time; operation size by country
    before the first event and at the end; the sizes of the operations left at the end."""
    title = "Decentralisation: do compounds split into small cells?"
    fig = style.new_figure(7.6 + key_height(context.events))
    grid = fig.add_gridspec(2, 2)
    ax_size = fig.add_subplot(grid[0, 0])
    ax_small = fig.add_subplot(grid[0, 1], sharex=ax_size)
    ax_country = fig.add_subplot(grid[1, 0])
    ax_hist = fig.add_subplot(grid[1, 1])
    line_colour = (lambda i: "#000000") if context.single else colour
    for index, run in enumerate(context.runs):
        label = None if context.single else context.labels[index]
        if run.has_series("mean_operation_size", "global"):
            size = run.series("mean_operation_size", "global")
        else:
            held = run.series("workers_held").sum("country")
            size = held / run.series("operations_active").sum("country").where(lambda x: x > 0)
        q = quantiles(size)
        band(ax_size, run.time, q["median"], q["low"], q["high"], line_colour(index), label,
             linestyle=run_line(index))
        if run.has_series("share_held_in_small_operations", "global"):
            q = quantiles(run.series("share_held_in_small_operations", "global"))
            band(ax_small, run.time, q["median"], q["low"], q["high"], line_colour(index), label,
                 linestyle=run_line(index))
    ax_size.set_title("Mean operation size")
    ax_size.set_ylabel("People per operation")
    thousands(ax_size)
    ax_size.set_ylim(bottom=0)
    ax_small.set_title("Share of people held in small operations")
    ax_small.set_ylabel("Share of people held")
    percent(ax_small)
    ax_small.set_ylim(bottom=0)
    if not context.single:
        _run_legend(ax_size, context)
    _x_limits([ax_size, ax_small], context.runs)
    _finish_time_axes([ax_size, ax_small], context, [ax_size, ax_small])
    _size_by_country(ax_country, context)
    _size_histogram(ax_hist, context)
    fig.suptitle(title)
    style.events_key(fig, context.events)
    threshold = _small_threshold(context.runs[0])
    before = ("on the day before the first event" if any(first_event_date(r) is not None for r in context.runs)
              else "at the start")
    caption = ("Top: the average number of people per operation, and the share of people held in small operations"
               f"{threshold} (cells), over time. Bottom left: each host country's mean operation size {before} "
               "(diamonds) and at the end of the run (bars, with the 90% band across replicates). Bottom right: how "
               "big the operations still running at the end are (the file records operations only at the end). "
               "When pressure breaks compounds into cells, the mean size falls and the share in small operations "
               "rises.")
    small_worlds = sorted({run.scale for run in context.runs if run.scale < 0.5})
    if small_worlds:
        # docs/MODEL.md section 8: sizes shrink in small worlds (fewer operations, noisier raid counts).
        scales = ", ".join(f"{s:g}" for s in small_worlds)
        caption += (f" Read sizes as relative changes: at scale {scales} operations come out smaller than at full "
                    "scale (about half at 0.1), a known limit of the model (docs/MODEL.md section 8).")
    return style.save(fig, context.folder, "decentralisation", title, caption, context.svg)


def _small_threshold(run: RunResult) -> str:
    """' (at most N people)' from the resolved scenario, or the parameter's name where the scenario keeps its
    default (the resolved text lists only values that were set)."""
    try:
        value = tomllib.loads(run.scenario_toml).get("economics", {}).get("small_operation_workers")
    except tomllib.TOMLDecodeError:
        value = None
    if isinstance(value, (int, float)):
        return f" (at most {value:,.0f} people)"
    return " (below the size set by the model parameter economics.small_operation_workers)"


def _group_size(run: RunResult, context: RunFigureContext, step: int) -> xr.DataArray:
    """People per operation in each group at a step: (replicate, group); NaN where a group has no operation."""
    held = _group_series(run, "workers_held", context).isel(time=step)
    operations = _group_series(run, "operations_active", context).isel(time=step)
    return held / operations.where(operations > 0)


def _size_by_country(ax: plt.Axes, context: RunFigureContext) -> None:
    """Bars: mean operation size per group at the end; diamonds: the day before the first event."""
    labels = [g.short for g in context.groups]
    y = np.arange(len(context.groups))
    height = 0.8 / len(context.runs)
    for index, run in enumerate(context.runs):
        if not run.has_series("operations_active"):
            continue
        offset = y - 0.4 + height * (index + 0.5)
        end = quantiles(_group_size(run, context, -1))
        before = quantiles(_group_size(run, context, step_before_first_event(run)))
        bar_colours = [g.colour for g in context.groups] if context.single else colour(index)
        median = np.nan_to_num(end["median"].values)
        ax.barh(offset, median, height=height * 0.9, color=bar_colours, alpha=0.75,
                label=None if context.single else context.labels[index])
        err = np.vstack([median - np.nan_to_num(end["low"].values), np.nan_to_num(end["high"].values) - median])
        ax.errorbar(median, offset, xerr=np.clip(err, 0, None), fmt="none", ecolor="#333333", elinewidth=0.8,
                    capsize=2)
        ax.plot(before["median"].values, offset, "D", color="#000000", markersize=4.5, markerfacecolor="white",
                markeredgewidth=1.2)
    ax.set_yticks(y, labels)
    ax.invert_yaxis()
    ax.set_xlabel("People per operation")
    thousands(ax, "x")
    ax.set_title("Operation size by country: before and at the end")
    before = ("day before the first event" if any(first_event_date(run) is not None for run in context.runs)
              else "at the start")
    handles = [Rectangle((0, 0), 1, 1, color="#777777", alpha=0.75, label="at the end (median)"),
               Line2D([], [], marker="D", linestyle="none", color="#000000", markerfacecolor="white",
                      label=before)]
    if not context.single:
        handles += [Rectangle((0, 0), 1, 1, color=colour(i), alpha=0.75, label=label)
                    for i, label in enumerate(context.labels)]
    ax.legend(handles=handles, loc="lower right", fontsize=8)
    ax.grid(axis="y", visible=False)


def _size_histogram(ax: plt.Axes, context: RunFigureContext) -> None:
    """The sizes of the operations active at the end of the run (all replicates, per replicate)."""
    sizes = []
    for run in context.runs:
        operators = run.operators
        if operators.empty or "workers" not in operators:
            sizes.append(np.array([]))
            continue
        active = operators[(operators.get("state", "active") != "dismantled") & (operators["workers"] > 0)]
        sizes.append(active["workers"].to_numpy(dtype=float))
    every = np.concatenate(sizes) if sizes else np.array([])
    ax.set_title("Sizes of the operations left at the end")
    if every.size == 0:
        ax.text(0.5, 0.5, "The file records no operation\nrunning at the end", ha="center", va="center",
                transform=ax.transAxes, color=style.GREY)
        ax.set_xticks([])
        ax.set_yticks([])
        return
    top = max(every.max(), 10.0)
    bottom = max(1.0, every.min() * 0.8)
    bins = np.unique(np.geomspace(bottom, top * 1.01, 16).round())
    for index, (run, values) in enumerate(zip(context.runs, sizes)):
        # Per replicate; a smaller world has proportionally fewer operations of the same sizes (docs/MODEL.md 5).
        per_run = 1.0 / max(len(run.replicates), 1) / (run.scale if run.full_scale else 1.0)
        weights = np.full(values.size, per_run)
        if context.single:
            ax.hist(values, bins=bins, weights=weights, color=style.PALETTE[0], alpha=0.8, edgecolor="white")
        else:
            ax.hist(values, bins=bins, weights=weights, histtype="step", color=colour(index), linewidth=1.8,
                    linestyle=run_line(index),
                    label=context.labels[index])
    ax.set_xscale("log")
    ax.xaxis.set_major_formatter(matplotlib.ticker.FuncFormatter(lambda v, _: f"{v:,.0f}"))
    ax.set_xlabel("People in the operation (log scale)")
    ax.set_ylabel("Operations (per replicate)")


# ---------------------------------------------------------------------------------------------------------------
# 4. What happens to released people
# ---------------------------------------------------------------------------------------------------------------

_FLOW_NOTES = {
    "Released": "let go, freed or escaped",
    "Admitted to aftercare": "shelter and support",
    "Repatriated": "sent home",
    "Re-recruited": "trafficked again",
}


def released_people(context: RunFigureContext) -> FigureFile:
    """Figure 4: people released, and how many of them went into aftercare, were repatriated or re-recruited: over
    time across the region (cumulative), and in total by host country."""
    title = "What happens to released people"
    flows = list(RELEASE_FLOWS)
    fig = style.new_figure(4.4 + 0.32 * len(context.groups) + 0.8 + key_height(context.events))
    grid = fig.add_gridspec(2, len(flows), height_ratios=[1.0, 0.35 + 0.09 * len(context.groups)])
    top = [fig.add_subplot(grid[0, i]) for i in range(len(flows))]
    for ax in top[1:]:
        ax.sharex(top[0])
    bottom = [fig.add_subplot(grid[1, i]) for i in range(len(flows))]
    for ax in bottom[1:]:
        ax.sharey(bottom[0])
    flow_colours = {"Released": "#000000", "Admitted to aftercare": style.PALETTE[2],
                    "Repatriated": style.PALETTE[0], "Re-recruited": style.PALETTE[1]}
    y = np.arange(len(context.groups))
    height = 0.8 / len(context.runs)
    labels = [g.short for g in context.groups]
    totals: dict[str, float] = {}
    for index, run in enumerate(context.runs):
        for ax_time, ax_bar, flow in zip(top, bottom, flows):
            series = flow_sum(run, RELEASE_FLOWS[flow])
            c = flow_colours[flow] if context.single else colour(index)
            q = quantiles(series.sum("country").cumsum("time"))
            band(ax_time, run.time, q["median"], q["low"], q["high"], c,
                 None if context.single else context.labels[index], linestyle=run_line(index))
            per_group = quantiles(grouped(series, context.groups).sum("time"))
            median = per_group["median"].values
            offset = y - 0.4 + height * (index + 0.5)
            ax_bar.barh(offset, median, height=height * 0.9, color=c, alpha=0.8)
            err = np.vstack([median - per_group["low"].values, per_group["high"].values - median])
            ax_bar.errorbar(median, offset, xerr=np.clip(err, 0, None), fmt="none", ecolor="#333333",
                            elinewidth=0.8, capsize=2)
            if index == 0:
                totals[flow] = float(q["median"].isel(time=-1))
    for ax, flow in zip(top, flows):
        ax.set_title(f"{flow}\n({_FLOW_NOTES[flow]})", fontsize=10)
        thousands(ax)
        ax.set_ylim(bottom=0)
    top[0].set_ylabel("People, cumulative")
    if not context.single:
        _run_legend(top[0], context)
    _x_limits(top, context.runs)
    _finish_time_axes(top, context, top)
    for ax in bottom:
        thousands(ax, "x")
        ax.set_xlabel("People, whole run")
        ax.grid(axis="y", visible=False)
        ax.tick_params(axis="x", labelrotation=30)
    bottom[0].set_yticks(y, labels)
    bottom[0].invert_yaxis()
    for ax in bottom[1:]:
        ax.tick_params(axis="y", labelleft=False)
    fig.suptitle(title)
    style.events_key(fig, context.events)
    released = totals.get("Released", 0.0)
    sentence = ""
    if released > 0 and context.single:
        sentence = (f" In the median replicate, {released:,.0f} people were released over the run; "
                    f"{totals.get('Admitted to aftercare', 0):,.0f} were admitted to aftercare, "
                    f"{totals.get('Repatriated', 0):,.0f} repatriated and {totals.get('Re-recruited', 0):,.0f} "
                    "re-recruited (the same person can appear in more than one).")
    caption = ("Top: the running total of people released from compounds (by operators under pressure, freed by "
               "raids, or escaped) across the region, and of those admitted to aftercare, repatriated, or "
               "re-recruited into a compound. Bottom: the same totals over the whole run by host country, with the "
               "90% band across replicates." + sentence)
    return style.save(fig, context.folder, "released_people", title, caption, context.svg)


# ---------------------------------------------------------------------------------------------------------------
# 5. Money
# ---------------------------------------------------------------------------------------------------------------


def money(context: RunFigureContext) -> FigureFile:
    """Figure 5: scam revenue by host country per month, and the money laundered, frozen and seized (cumulative)."""
    title = "Money: scam revenue, and what is laundered, frozen and seized"
    fig = style.new_figure(7.4 + key_height(context.events))
    grid = fig.add_gridspec(2, 3, height_ratios=[1.15, 1.0])
    if context.single:
        ax_country = fig.add_subplot(grid[0, :2])
        ax_region = fig.add_subplot(grid[0, 2])
        time_axes = [ax_country, ax_region]
    else:
        ax_region = fig.add_subplot(grid[0, :2])
        ax_country = fig.add_subplot(grid[0, 2])
        time_axes = [ax_region]
    money_axes = [fig.add_subplot(grid[1, i]) for i in range(3)]
    # Revenue per month.
    monthly = {}
    for index, run in enumerate(context.runs):
        revenue = run.series("revenue_usd")
        monthly[index] = (quantiles(per_month(grouped(revenue, context.groups), run.dt_days)),
                          quantiles(per_month(revenue.sum("country"), run.dt_days)))
    divisor, word = money_scale(float(m[1]["high"].max()) for m in monthly.values())
    for index, run in enumerate(context.runs):
        by_group, region = monthly[index]
        if context.single:
            for group in context.groups:
                sel = by_group.sel(group=group.label) / divisor
                band(ax_country, sel["time"].values, sel["median"], sel["low"], sel["high"], group.colour,
                     group.label, alpha=0.12)
            band(ax_region, region["time"].values, region["median"] / divisor, region["low"] / divisor,
                 region["high"] / divisor, "#000000", None)
        else:
            band(ax_region, region["time"].values, region["median"] / divisor, region["low"] / divisor,
                 region["high"] / divisor, colour(index), context.labels[index], linestyle=run_line(index))
    if context.single:
        ax_country.set_title("Revenue per month, each host country")
        ax_country.set_ylabel(f"{word} per month")
        ax_country.legend(loc="upper left", ncol=2, fontsize=8)
        ax_region.set_title("All host countries")
    else:
        ax_region.set_title("Revenue per month, all host countries")
        ax_region.set_ylabel(f"{word} per month")
        _run_legend(ax_region, context)
        _revenue_bars(ax_country, context)
    for ax in time_axes:
        ax.set_ylim(bottom=0)
    # Laundered, frozen, seized: cumulative.
    for ax, (metric, name) in zip(money_axes, (("laundered_usd", "Laundered (crypto)"),
                                               ("frozen_usd", "Frozen"), ("seized_usd", "Seized in raids"))):
        series = {i: quantiles(run.series(metric).sum("country").cumsum("time"))
                  for i, run in enumerate(context.runs) if run.has_series(metric)}
        d, w = money_scale(float(q["high"].max()) for q in series.values())
        for index, q in series.items():
            run = context.runs[index]
            band(ax, run.time, q["median"] / d, q["low"] / d, q["high"] / d,
                 colour(index) if not context.single else "#000000", None, linestyle=run_line(index))
        ax.set_title(name, fontsize=10)
        ax.set_ylabel(f"{w}, cumulative")
        ax.set_ylim(bottom=0)
    all_time = time_axes + money_axes
    _x_limits(all_time, context.runs)
    _finish_time_axes(all_time, context, all_time)
    fig.suptitle(title)
    style.events_key(fig, context.events)
    caption = ("Top: scam revenue earned by the operations in each host country, per month (US dollars, nominal). "
               "Bottom: running totals across the region of the revenue laundered through cryptocurrency, the "
               "money frozen (laundered funds and sanctioned capital) and the capital seized in raids. "
               + _revenue_sentence(context))
    return style.save(fig, context.folder, "money", title, caption, context.svg)


def _revenue_bars(ax: plt.Axes, context: RunFigureContext) -> None:
    """Total revenue over the run per country group, one bar per run (several runs)."""
    y = np.arange(len(context.groups))
    height = 0.8 / len(context.runs)
    totals = {i: quantiles(grouped(run.series("revenue_usd"), context.groups).sum("time"))
              for i, run in enumerate(context.runs)}
    divisor, word = money_scale(float(q["high"].max()) for q in totals.values())
    for index, q in totals.items():
        median = q["median"].values / divisor
        offset = y - 0.4 + height * (index + 0.5)
        ax.barh(offset, median, height=height * 0.9, color=colour(index), alpha=0.8)
        err = np.vstack([median - q["low"].values / divisor, q["high"].values / divisor - median])
        ax.errorbar(median, offset, xerr=np.clip(err, 0, None), fmt="none", ecolor="#333333", elinewidth=0.8,
                    capsize=2)
    ax.set_yticks(y, [g.short for g in context.groups])
    ax.invert_yaxis()
    ax.set_xlabel(f"{word}, whole run")
    ax.set_title("Revenue, whole run")
    ax.grid(axis="y", visible=False)


def _revenue_sentence(context: RunFigureContext) -> str:
    """How much the first run's revenue changed from before the first event to the last year."""
    run = context.runs[0]
    revenue = run.series("revenue_usd").sum("country")
    before_step = step_before_first_event(run)
    year_steps = max(int(365 / run.dt_days), 1)
    if before_step < 30 or len(run.time) < 2 * year_steps:
        return ""
    before = revenue.isel(time=slice(max(before_step - year_steps, 0), before_step + 1)).mean("time")
    last = revenue.isel(time=slice(-year_steps, None)).mean("time")
    b, _, _ = scalar_quantiles(before.values)
    a, _, _ = scalar_quantiles(last.values)
    if b <= 0:
        return ""
    who = "" if context.single else f" ({context.labels[0]})"
    return (f"Regional revenue in the last year of the run{who} was {a / b - 1:+.0%} against the year before the "
            "first event (medians).")


# ---------------------------------------------------------------------------------------------------------------
# 6. Map
# ---------------------------------------------------------------------------------------------------------------


def snapshot_steps(run: RunResult) -> list[int]:
    """The steps the map shows: the day before the first event, three months and a year after it, and the end (or,
    without events, four evenly spaced dates)."""
    last = len(run.time) - 1
    first = first_event_date(run)
    if first is None or run.step_of(first) == 0:
        steps = [0, last // 3, 2 * last // 3, last]
    else:
        before = step_before_first_event(run)
        steps = [before, run.step_of(first + pd.Timedelta(days=91)), run.step_of(first + pd.Timedelta(days=365)),
                 last]
    return sorted(set(min(max(s, 0), last) for s in steps))


@dataclass
class _MapLayout:
    """Where each country is drawn: (x, y) in degrees; countries off the map go to a box in a corner."""

    positions: dict[str, tuple[float, float]]
    off_map: list[str]
    extent: tuple[float, float, float, float]  # lon_min, lon_max, lat_min, lat_max


def _map_layout(run: RunResult, hosts: Sequence[str]) -> _MapLayout:
    """Fits the map around the host countries; hosts far from the rest (or without coordinates) are drawn in a box
    in the lower-left corner."""
    table = run.countries
    located = [c for c in hosts if c in table.index and np.isfinite(table.at[c, "latitude_deg"])
               and np.isfinite(table.at[c, "longitude_deg"])]
    if located:
        lat0 = float(np.median([table.at[c, "latitude_deg"] for c in located]))
        lon0 = float(np.median([table.at[c, "longitude_deg"] for c in located]))
    else:
        lat0, lon0 = 12.0, 103.0
    core = [c for c in located if abs(table.at[c, "latitude_deg"] - lat0) < 30
            and abs(table.at[c, "longitude_deg"] - lon0) < 35]
    off_map = [c for c in hosts if c not in core]
    lats = [table.at[c, "latitude_deg"] for c in core] or [lat0]
    lons = [table.at[c, "longitude_deg"] for c in core] or [lon0]
    pad = 5.0
    lon_min, lon_max = min(lons) - pad - 2.0, max(lons) + pad + 4.0  # room for the labels
    lat_min, lat_max = min(lats) - pad - (5.0 if off_map else 0.0), max(lats) + pad
    # At least 30 by 22 degrees, so nearby countries don't crowd.
    if lon_max - lon_min < 30:
        mid = (lon_max + lon_min) / 2
        lon_min, lon_max = mid - 15, mid + 15
    if lat_max - lat_min < 22:
        mid = (lat_max + lat_min) / 2
        lat_min, lat_max = mid - 11, mid + 11
    positions = {c: (float(table.at[c, "longitude_deg"]), float(table.at[c, "latitude_deg"])) for c in core}
    for slot, country in enumerate(off_map):
        positions[country] = (lon_min + 3.0 + 6.0 * slot, lat_min + 2.5)
    for country in table.index:
        if country not in positions and np.isfinite(table.at[country, "latitude_deg"]):
            positions[country] = (float(table.at[country, "longitude_deg"]), float(table.at[country, "latitude_deg"]))
    return _MapLayout(positions=positions, off_map=off_map, extent=(lon_min, lon_max, lat_min, lat_max))


def _net_moves(window: pd.DataFrame, replicates: int) -> pd.DataFrame:
    """Moves between each pair of countries netted against the moves back: from_country, to_country, people (mean
    per replicate, arrivals), operations (mean per replicate)."""
    if window.empty:
        return pd.DataFrame(columns=["from_country", "to_country", "people", "operations"])
    flows: dict[tuple[str, str], list[float]] = {}
    for (origin, destination), rows in window.groupby(["from_country", "to_country"]):
        if origin is None or destination is None or origin == destination:
            continue
        key, sign = ((origin, destination), 1.0) if origin < destination else ((destination, origin), -1.0)
        entry = flows.setdefault(key, [0.0, 0.0])
        entry[0] += sign * float(rows["people_arriving"].sum()) / replicates
        entry[1] += sign * len(rows) / replicates
    rows = []
    for (a, b), (people, operations) in flows.items():
        if people == 0 and operations == 0:
            continue
        origin, destination = (a, b) if people > 0 or (people == 0 and operations > 0) else (b, a)
        rows.append({"from_country": origin, "to_country": destination, "people": abs(people),
                     "operations": abs(operations)})
    return pd.DataFrame(rows, columns=["from_country", "to_country", "people", "operations"])


def _label_offset(position: tuple[float, float], centre: tuple[float, float], radius_pt: float) -> tuple[float, float,
                                                                                                       str, str]:
    """Where a country's label goes: away from the centre of the map's hosts, just outside its circle (offset in
    points, and the horizontal and vertical alignment)."""
    dx, dy = position[0] - centre[0], position[1] - centre[1]
    distance = math.hypot(dx, dy)
    if distance < 1e-6:
        dx, dy, distance = 0.0, 1.0, 1.0
    ux, uy = dx / distance, dy / distance
    gap = radius_pt + 3
    ha = "left" if ux > 0.35 else "right" if ux < -0.35 else "center"
    va = "bottom" if uy > 0.35 else "top" if uy < -0.35 else "center"
    return ux * gap, uy * gap, ha, va


def relocation_map(context: RunFigureContext) -> FigureFile:
    """Figure 6: host countries at their real positions, circles sized by the people held, and arrows for the
    operations that moved between countries since the previous map (net of moves back)."""
    title = "Map: people held, and operations moving between countries"
    hosts = [c for g in context.groups for c in g.countries]
    steps_per_run = [snapshot_steps(run) for run in context.runs]
    maps = max(len(s) for s in steps_per_run)
    layout = _map_layout(context.runs[0], hosts)
    lon_min, lon_max, lat_min, lat_max = layout.extent
    aspect = 1.0 / math.cos(math.radians((lat_min + lat_max) / 2))
    if context.single:
        ncols = 2 if maps > 2 else maps
        nrows = math.ceil(maps / ncols)
        cells = [(i // ncols, i % ncols) for i in range(maps)]
    else:
        ncols, nrows = maps, len(context.runs)
        cells = []
    panel_width = (style.WIDTH_IN - 0.9 * ncols) / ncols
    panel_height = panel_width * (lat_max - lat_min) / (lon_max - lon_min) * aspect
    fig = style.new_figure(nrows * (panel_height + 0.55) + 1.5)
    grid = fig.add_gridspec(nrows + 1, ncols, height_ratios=[panel_height + 0.55] * nrows + [0.5])
    held_medians = {}
    largest = 1.0
    for r, run in enumerate(context.runs):
        held = run.series("workers_held")
        held = held.median("replicate") if "replicate" in held.dims else held
        held_medians[r] = held
        largest = max(largest, float(held.max()))
    max_area = 2200.0 * (panel_width / 4.6) ** 2
    core = [c for c in hosts if c not in layout.off_map and c in layout.positions]
    centre = (float(np.mean([layout.positions[c][0] for c in core])) if core else 0.0,
              float(np.mean([layout.positions[c][1] for c in core])) if core else 0.0)
    biggest_move = 1.0
    moves_per_run = []
    for r, run in enumerate(context.runs):
        moves = run.relocations()
        replicates = max(len(run.replicates), 1)
        windows = []
        previous = -1
        for step in steps_per_run[r]:
            window = moves[(moves["arrival_step"] > previous) & (moves["arrival_step"] <= step)] if len(moves) \
                else moves
            net = _net_moves(window, replicates)
            if len(net):
                biggest_move = max(biggest_move, float(net["people"].max()))
            windows.append(net)
            previous = step
        moves_per_run.append(windows)
    for r, run in enumerate(context.runs):
        for c, step in enumerate(steps_per_run[r]):
            row, col = cells[c] if context.single else (r, c)
            ax = fig.add_subplot(grid[row, col])
            ax.set_xlim(lon_min, lon_max)
            ax.set_ylim(lat_min, lat_max)
            ax.set_aspect(aspect)
            ax.set_facecolor("#F4F8FB")
            ax.grid(color="#D5DEE6", linewidth=0.5)
            ax.tick_params(labelsize=7)
            ax.xaxis.set_major_formatter(matplotlib.ticker.FuncFormatter(lambda v, _: f"{v:.0f}°E"))
            ax.yaxis.set_major_formatter(matplotlib.ticker.FuncFormatter(
                lambda v, _: "0°" if v == 0 else f"{abs(v):.0f}°{'N' if v > 0 else 'S'}"))
            if layout.off_map:
                width = 6.0 * len(layout.off_map)
                ax.add_patch(Rectangle((lon_min + 0.3, lat_min + 0.3), width, 5.4, fill=False, linestyle="--",
                                       edgecolor=style.GREY, linewidth=0.8))
                ax.text(lon_min + 0.6, lat_min + 0.6, "off the map", fontsize=6, color=style.GREY,
                        va="bottom").set_in_layout(False)
            # Other countries inside the map, for orientation.
            for country, (x, y) in layout.positions.items():
                if country in hosts or not (lon_min < x < lon_max and lat_min < y < lat_max):
                    continue
                ax.plot(x, y, "o", color="#BBBBBB", markersize=3)
                below = y - lat_min > 0.08 * (lat_max - lat_min)
                ax.annotate(run.country_name(country), (x, y), xytext=(0, -4 if below else 4),
                            textcoords="offset points", fontsize=6.5, color="#888888", ha="center",
                            va="top" if below else "bottom", clip_on=True).set_in_layout(False)
            held = held_medians[r].isel(time=step)
            for country in hosts:
                if country not in layout.positions:
                    continue
                x, y = layout.positions[country]
                value = float(held.sel(country=country)) if country in held["country"] else 0.0
                group = next(g for g in context.groups if country in g.countries)
                area = max_area * value / largest
                if value > 0:
                    ax.scatter([x], [y], s=area, color=group.colour, alpha=0.6, edgecolor="white", linewidth=0.8,
                               zorder=3)
                else:
                    ax.plot(x, y, "o", markerfacecolor="none", markeredgecolor=group.colour, markersize=4, zorder=3)
                dx, dy, ha, va = _label_offset((x, y), centre, math.sqrt(area) / 2 if value > 0 else 2)
                room = (lon_max - lon_min) * 0.2  # a label is about this wide: keep it inside the map
                if ha == "right" and x - lon_min < room:
                    dx, ha = abs(dx) if dx else 4.0, "left"
                elif ha == "left" and lon_max - x < room:
                    dx, ha = -abs(dx) if dx else -4.0, "right"
                if country in layout.off_map:
                    dx, dy, ha, va = 0, 6, "left", "bottom"
                ax.annotate(f"{run.country_name(country)} {value:,.0f}", (x, y), xytext=(dx, dy),
                            textcoords="offset points", fontsize=7 if context.single else 6, ha=ha, va=va,
                            zorder=6, color="#111111", clip_on=True,
                            bbox={"boxstyle": "round,pad=0.12", "facecolor": "white", "alpha": 0.7,
                                  "edgecolor": "none"}).set_in_layout(False)
            net = moves_per_run[r][c]
            for _, move in net.sort_values("people").iterrows():
                if move["from_country"] not in layout.positions or move["to_country"] not in layout.positions:
                    continue
                share = move["people"] / biggest_move
                ax.add_patch(FancyArrowPatch(layout.positions[move["from_country"]],
                                             layout.positions[move["to_country"]], connectionstyle="arc3,rad=0.2",
                                             arrowstyle="-|>", mutation_scale=9, linewidth=0.7 + 3.3 * share ** 0.5,
                                             color=style.PALETTE[1], alpha=0.85, zorder=4, shrinkA=5, shrinkB=7))
            date = run.time[step]
            moved = float(net["people"].sum()) if len(net) else 0.0
            subtitle = "start" if c == 0 else f"{moved:,.0f} people moved (net) since the last map"
            ax.set_title(f"{date:%d %b %Y}", fontsize=10 if context.single else 9, pad=4)
            if not context.single and c == 0:
                ax.set_ylabel(context.labels[r], fontsize=9, fontweight="bold")
            if c > 0:
                ax.text(0.99, 0.99, subtitle if context.single else f"{moved:,.0f} moved", transform=ax.transAxes,
                        ha="right", va="top", fontsize=7 if context.single else 6, color="#333333"
                        ).set_in_layout(False)
    handles = [Line2D([], [], marker="o", linestyle="none", markersize=math.sqrt(max_area * v / largest),
                      markerfacecolor="#999999", alpha=0.6, markeredgecolor="white", label=f"{v:,.0f} held")
               for v in _nice_sizes(largest)]
    handles.append(Line2D([], [], color=style.PALETTE[1], linewidth=3,
                          label=f"operations moving since the previous map (widest: {biggest_move:,.0f} people)"))
    legend_ax = fig.add_subplot(grid[nrows, :])
    legend_ax.axis("off")
    legend_ax.legend(handles=handles, loc="center", ncol=len(handles), fontsize=8, frameon=False,
                     handletextpad=1.6, columnspacing=2.5, borderaxespad=0)
    fig.suptitle(title)
    caption = ("Each circle is a host country at its real position (its main compound region, or its capital), "
               "sized by the median number of people held there on the date above the map. Arrows show operations "
               "that moved from one country to another since the previous map, net of moves the other way; the "
               "thicker the arrow, the more people moved with them (mean per replicate)."
               + (f" {', '.join(run.country_name(c) for c in layout.off_map)} lies off the map and is drawn in the "
                  "dashed box." if layout.off_map else ""))
    return style.save(fig, context.folder, "relocation_map", title, caption, context.svg)


def _nice_sizes(largest: float) -> list[float]:
    """Two or three round numbers for the circle-size legend."""
    top = 10 ** math.floor(math.log10(max(largest, 1)))
    top = max(v for v in (top, 2 * top, 5 * top) if v <= max(largest, 1))
    return sorted({top, top / 5 if top >= 5 else top / 2}, reverse=True)


#: The run figures in report order: (function, figure id).
RUN_FIGURES = (held_by_country, displacement, decentralisation, released_people, money, relocation_map)


def make_run_figures(runs: Sequence[RunResult], labels: Sequence[str], events: Sequence[EventMark], folder: Path,
                     svg: bool = True) -> list[FigureFile]:
    """Draws every run figure into `folder` (PNG and SVG) and returns them in report order."""
    context = RunFigureContext(runs=list(runs), labels=list(labels), groups=country_groups(runs),
                               events=list(events), folder=folder, svg=svg)
    figures = []
    with matplotlib.rc_context(style.RC):
        for draw in RUN_FIGURES:
            figures.append(draw(context))
    return figures
