"""Run figures 1 to 3: people held by country, displacement between countries, decentralisation (the sizes
of operations)."""

from __future__ import annotations

import math
import tomllib

import matplotlib
import matplotlib.pyplot as plt
import numpy as np
import xarray as xr
from matplotlib.lines import Line2D
from matplotlib.patches import Rectangle

from . import style
from .reader import RunResult
from .run_context import (RunFigureContext, _finish_time_axes, _group_series, _panel_grid, _x_limits,
                          key_height, run_grid, run_line)
from .style import FigureFile, band, colour, percent, thousands
from .summary import first_event_date, quantiles, scalar_quantiles, step_before_first_event


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
        axes = _panel_grid(fig, panels, ncols, context)
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
        _x_limits(axes, context.runs)
        _finish_time_axes(axes, context, axes[:ncols])
        caption = ("How many people are held in compounds, across the region (first panel) and in each host "
                   "country, one line per run. " + " ".join(_change_sentence(r, label)
                                                           for r, label in zip(context.runs, context.labels)))
    style.title(fig, title)
    style.events_key(fig, context.events)
    caption += f" Lines are medians across replicates; {context.band_words}."
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
        axes = _panel_grid(fig, panels, ncols, context)
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
        _x_limits(axes, context.runs)
        _finish_time_axes(axes, context, axes[:ncols])
        caption = ("Each host country's share of all the people held, one line per run (median across "
                   "replicates; " + context.band_words + "). A share that falls in one country while it rises in "
                   "another is displacement rather than dismantling.")
    style.title(fig, title)
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
    grid, first = run_grid(fig, context, 2, 2)
    ax_size = fig.add_subplot(grid[first, 0])
    ax_small = fig.add_subplot(grid[first, 1], sharex=ax_size)
    ax_country = fig.add_subplot(grid[first + 1, 0])
    ax_hist = fig.add_subplot(grid[first + 1, 1])
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
    _x_limits([ax_size, ax_small], context.runs)
    _finish_time_axes([ax_size, ax_small], context, [ax_size, ax_small])
    _size_by_country(ax_country, context)
    _size_histogram(ax_hist, context)
    style.title(fig, title)
    style.events_key(fig, context.events)
    threshold = _small_threshold(context.runs[0])
    before = ("on the day before the first event" if any(first_event_date(r) is not None for r in context.runs)
              else "at the start")
    caption = ("Top: the average number of people per operation, and the share of people held in small operations"
               f"{threshold} (cells), over time. Bottom left: each host country's mean operation size {before} "
               "(diamonds) and at the end of the run (bars, with whiskers: the " + context.band_label + "). Bottom right: how "
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
