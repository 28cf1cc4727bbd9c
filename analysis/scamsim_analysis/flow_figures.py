"""Run figures 4 and 5: what happens to released people, and money."""

from __future__ import annotations

import matplotlib.pyplot as plt
import numpy as np

from . import style
from .run_context import RunFigureContext, _finish_time_axes, _x_limits, key_height, run_grid, run_line
from .style import FigureFile, band, colour, money_scale, thousands
from .summary import (RELEASE_FLOWS, flow_sum, grouped, per_month, quantiles, scalar_quantiles,
                      step_before_first_event)


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
    grid, first = run_grid(fig, context, 2, len(flows), height_ratios=[1.0, 0.35 + 0.09 * len(context.groups)])
    top = [fig.add_subplot(grid[first, i]) for i in range(len(flows))]
    for ax in top[1:]:
        ax.sharex(top[0])
    bottom = [fig.add_subplot(grid[first + 1, i]) for i in range(len(flows))]
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
    style.title(fig, title)
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
               + context.band_label + "." + sentence)
    return style.save(fig, context.folder, "released_people", title, caption, context.svg)


# ---------------------------------------------------------------------------------------------------------------
# 5. Money
# ---------------------------------------------------------------------------------------------------------------


def money(context: RunFigureContext) -> FigureFile:
    """Figure 5: scam revenue by host country per month, and the money laundered, frozen and seized (cumulative)."""
    title = "Money: scam revenue, and what is laundered, frozen and seized"
    fig = style.new_figure(7.4 + key_height(context.events))
    grid, first = run_grid(fig, context, 2, 3, height_ratios=[1.15, 1.0])
    if context.single:
        ax_country = fig.add_subplot(grid[first, :2])
        ax_region = fig.add_subplot(grid[first, 2])
        time_axes = [ax_country, ax_region]
    else:
        ax_region = fig.add_subplot(grid[first, :2])
        ax_country = fig.add_subplot(grid[first, 2])
        time_axes = [ax_region]
    money_axes = [fig.add_subplot(grid[first + 1, i]) for i in range(3)]
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
        # Under the axis, outside the data: inside, it sat on the largest country's line.
        ax_country.legend(loc="upper center", bbox_to_anchor=(0.5, -0.1), ncol=min(5, len(context.groups)),
                          fontsize=8)
        ax_region.set_title("All host countries")
    else:
        ax_region.set_title("Revenue per month, all host countries")
        ax_region.set_ylabel(f"{word} per month")
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
    style.title(fig, title)
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
