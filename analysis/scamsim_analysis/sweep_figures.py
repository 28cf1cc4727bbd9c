"""The report's figures of sweep files: each outcome against each varied parameter, the cost of averting a
re-recruitment in a budget sweep, Sobol indices and Morris screening. Parts a sweep file does not have (kept
series, sensitivity indices) are skipped."""

from __future__ import annotations

import math
import textwrap
from pathlib import Path

import matplotlib
import matplotlib.pyplot as plt
import numpy as np
import pandas as pd

from . import style
from .reader import SweepResult
from .run_figures import key_height
from .style import EventMark, FigureFile, band, colour, date_axis, money_scale, thousands
from .sweep_labels import (_date_formatter, _is_date, _parameter_label, _scale_axis, _slug, _units, _value_formatter,
                           outcome_label, parameter_label)
from .summary import FEWEST_FOR_PERCENTILE_BAND, band_name, band_words, quantiles, spread

#: At most this many outcomes get a figure each (the rest are in the tables).
MOST_OUTCOME_FIGURES = 12
#: Marker shapes, combined with the palette's colours, so that up to 49 parameters stay distinct.
MARKERS = ("o", "s", "^", "D", "v", "P", "X")
#: Designs that draw each parameter's values from a continuum, so that nearly every run has a value of its own
#: (Latin hypercube, Saltelli's Sobol sequence). Their trend lines are medians over bins of runs; grid and Morris
#: designs step through levels that many runs share, and their trend lines are medians at each level (binning
#: levels, as the report once did past 12 of them, mixed neighbouring levels and made a 15-level grid zigzag).
CONTINUOUS_DESIGNS = ("lhs", "saltelli")
#: How many bins of equal count a continuous design's trend line has (at most; fewer for few runs).
TREND_BINS = 10


def _low(values: pd.Series) -> float:
    """The band's lower edge of a group (summary.spread(): 5th percentile, or lowest of fewer than 10)."""
    return spread(values.to_numpy())[0]


def _high(values: pd.Series) -> float:
    """The band's upper edge of a group (summary.spread(): 95th percentile, or highest of fewer than 10)."""
    return spread(values.to_numpy())[1]


def _point_summary(done: pd.DataFrame, parameter: str, outcome: str) -> pd.DataFrame:
    """Per design point: the parameter's value and the outcome's median, low and high across replicates."""
    grouped = done.groupby("point")
    return pd.DataFrame({
        "value": grouped[parameter].first(),
        "median": grouped[outcome].median(),
        "low": grouped[outcome].agg(_low),
        "high": grouped[outcome].agg(_high),
        "n": grouped[outcome].count(),
    }).dropna(subset=["median"]).sort_values("value")


def trend_grouping(design: str, values: pd.Series) -> str | None:
    """How a trend line groups the runs by one parameter's `values`: 'level' (a median at each distinct value: grid
    and Morris designs, however many levels, and a continuous design of under 30 runs whose points have
    replicates), 'bin' (a median per bin of runs of neighbouring values: a continuous design, CONTINUOUS_DESIGNS, of
    30 runs or more), or None (fewer runs of a continuous design, each at its own value: a line would only trace the
    noise)."""
    values = values.dropna()
    distinct = values.nunique()
    if distinct < 2:
        return None
    if design not in CONTINUOUS_DESIGNS:
        return "level"
    if len(values) >= 30:
        return "bin"  # even where values repeat by construction (Saltelli's A and B rows share theirs)
    return "level" if len(values) > distinct else None  # a few points, each with its replicates


def trend(done: pd.DataFrame, parameter: str, outcome: str, design: str) -> pd.DataFrame:
    """The outcome's median and band as the parameter changes, grouped as trend_grouping() says: one row per
    distinct level (value: the level), or per bin of equal count (value: the median value in the bin). Columns value,
    median, low, high, runs; attrs['grouping'] is 'level', 'bin' or None (no line: no rows)."""
    data = done[[parameter, outcome]].dropna()
    grouping = trend_grouping(design, data[parameter]) if len(data) else None
    if grouping is None:
        frame = pd.DataFrame(columns=["value", "median", "low", "high", "runs"])
        frame.attrs["grouping"] = None
        return frame
    if grouping == "level":
        keys = data[parameter]
    else:
        keys = pd.qcut(data[parameter].rank(method="first"), q=min(TREND_BINS, len(data) // 3), labels=False)
    grouped = data.groupby(keys)
    frame = pd.DataFrame({"value": grouped[parameter].median(), "median": grouped[outcome].median(),
                          "low": grouped[outcome].agg(_low), "high": grouped[outcome].agg(_high),
                          "runs": grouped[outcome].count()}).sort_values("value").reset_index(drop=True)
    frame.attrs["grouping"] = grouping
    return frame


def trend_words(grouping: str | None, runs_per_group: pd.Series) -> str:
    """The caption's words for a trend line: median per level or per bin, and what its band is."""
    if grouping is None:
        return ""
    fewest = int(runs_per_group.min()) if len(runs_per_group) else 0
    most = int(runs_per_group.max()) if len(runs_per_group) else 0
    if fewest >= FEWEST_FOR_PERCENTILE_BAND:
        band = "the 90% band (5th to 95th percentile)"
    elif most < FEWEST_FOR_PERCENTILE_BAND:
        band = "the range (lowest to highest)"
    else:
        band = f"the 90% band (5th to 95th percentile), or the range where fewer than {FEWEST_FOR_PERCENTILE_BAND} runs"
    if grouping == "level":
        return (f"the line is the median per level: the median of all runs at each distinct value the design used, "
                f"and the band {band} of those runs")
    return (f"the line is the median per bin: the design draws values from a continuum, so runs are grouped into "
            f"{len(runs_per_group)} bins of about {int(runs_per_group.median())} runs of neighbouring values, each "
            f"drawn at its bin's median value, and the band is {band} of the runs in a bin")


def outcome_figures(sweep: SweepResult, prefix: str, folder: Path, svg: bool) -> list[FigureFile]:
    """One figure per outcome: the outcome against each varied parameter."""
    done = sweep.done()
    figures = []
    varied = [p for p in sweep.parameters if p in done and done[p].nunique() > 1] or list(sweep.parameters)
    for outcome in sweep.outcome_names[:MOST_OUTCOME_FIGURES]:
        ncols = min(3, len(varied))
        nrows = math.ceil(len(varied) / ncols)
        fig = style.new_figure(1.5 + 3.0 * nrows)
        grid = fig.add_gridspec(nrows + 1, ncols, height_ratios=[0.3] + [3.0] * nrows)
        axes = [fig.add_subplot(grid[1 + i // ncols, i % ncols]) for i in range(len(varied))]
        units = _units(sweep, outcome)
        multiple = done.groupby("point")[outcome].count().max() > 1 if len(done) else False
        trends = {}
        replicates = int(done.groupby("point")[outcome].count().max()) if len(done) else 0
        for ax, parameter in zip(axes, varied):
            line = trends[parameter] = trend(done, parameter, outcome, sweep.design)
            points = _point_summary(done, parameter, outcome)
            if len(line) > 1:
                band(ax, line["value"], line["median"], line["low"], line["high"], style.PALETTE[0],
                     "median per " + ("level" if line.attrs["grouping"] == "level" else "bin") + ", and band")
            if multiple:
                ax.errorbar(points["value"], points["median"],
                            yerr=[points["median"] - points["low"], points["high"] - points["median"]],
                            fmt="o", color="#333333", markersize=3.5, elinewidth=0.8, capsize=2,
                            label=f"design point ({band_name(replicates)})", zorder=4)
            else:
                ax.plot(done[parameter], done[outcome], "o", color="#333333", markersize=3, alpha=0.7,
                        label="run", zorder=4)
            ax.set_xlabel(_parameter_label(sweep, parameter))
            if _is_date(sweep, parameter):
                ax.xaxis.set_major_formatter(_date_formatter(sweep, parameter))
                ax.xaxis.set_major_locator(matplotlib.ticker.MaxNLocator(5))
            else:
                _scale_axis(ax, done[parameter].to_numpy(dtype=float))
                ax.xaxis.set_major_formatter(_value_formatter(done[parameter].to_numpy(dtype=float),
                                                              _parameter_label(sweep, parameter)))
            ax.yaxis.set_major_formatter(_value_formatter(done[outcome].to_numpy(dtype=float), units))
            ax.set_title(parameter if len(parameter) <= 40 else "…" + parameter[-39:], fontsize=7.5,
                         fontweight="normal", family="DejaVu Sans Mono", pad=4)
        axes[0].set_ylabel(units or "value")
        # Outside the panels, under the title: a legend inside one would hide its points.
        handles, labels = axes[0].get_legend_handles_labels()
        style.legend_row(fig, grid[0, :], handles, labels, len(handles))
        title = f"{outcome_label(sweep, outcome)}, against each parameter"
        style.title(fig, title)
        definition = str(sweep.outcome_info.loc[outcome, "definition"]) if outcome in sweep.outcome_info.index else ""
        drawn = {p: t for p, t in trends.items() if len(t) > 1}
        groupings = {t.attrs["grouping"] for t in drawn.values()}
        line_words = "; ".join(
            trend_words(g, pd.concat([t["runs"] for t in drawn.values() if t.attrs["grouping"] == g]))
            for g in sorted(groupings))
        caption = (f"How the outcome '{outcome}' ({outcome_label(sweep, outcome)}) changes with each parameter the "
                   f"sweep varied ({len(done)} finished runs, design {sweep.design}). Dots are "
                   + (f"design points with the {band_name(replicates)}" if multiple else "runs")
                   + (f"; {line_words}" + (" (other parameters vary too, so the band includes their effect)"
                                          if len(varied) > 1 else "") if drawn else "")
                   + "." + (f" Computed as: {definition}." if definition else ""))
        figures.append(style.save(fig, folder, f"{prefix}_outcome_{_slug(outcome)}", title, caption, svg))
    return figures


def budget_parameter(sweep: SweepResult) -> str | None:
    """The budget the sweep varied (a parameter whose key mentions a budget), if any."""
    for parameter in sweep.parameters:
        if "budget" in parameter and sweep.values[parameter].nunique() > 1:
            return parameter
    return None


def rerecruitment_outcome(sweep: SweepResult) -> str | None:
    """The outcome that counts re-recruitments, if any."""
    for outcome in sweep.outcome_names:
        if "rerecruit" in outcome.replace("-", "").replace("_", "") or "re-recruit" in outcome_label(sweep, outcome).lower():
            return outcome
    return None


def spending_outcome(sweep: SweepResult) -> str | None:
    """An outcome that measures aftercare spending, if any."""
    for outcome in sweep.outcome_names:
        if "spend" in outcome and _units(sweep, outcome).startswith("USD"):
            return outcome
    return None


def budget_table(sweep: SweepResult) -> pd.DataFrame | None:
    """For a budget sweep, per budget: re-recruitments, re-recruitments averted against the smallest budget swept,
    extra spending (or extra budget, if the sweep has no spending outcome), and the cost per averted re-recruitment
    (extra spending over re-recruitments averted, on means across replicates, as `scamsim summary` computes it).
    Differences are taken replicate by replicate when every replicate of the smallest budget finished (with common
    random numbers, replicate r of each budget shares its random numbers), so the band of 'averted' (averted_low,
    averted_high: summary.spread(), the 90% band or the range of fewer than 10) is that of the paired differences.

    The cost's interval (cost_low, cost_high) is the extra spending divided by the two ends of that band: the cost
    if the averted count were at the top of its spread, and at the bottom. Where the band reaches zero or below
    (`averted_includes_zero`), some replicates averted nothing, the cost per averted is unbounded there and
    cost_high is +inf. None for a sweep that is not a budget sweep."""
    parameter, outcome = budget_parameter(sweep), rerecruitment_outcome(sweep)
    if parameter is None or outcome is None:
        return None
    done = sweep.done()
    if done.empty:
        return None
    spend = spending_outcome(sweep)
    smallest = done[parameter].min()
    reference = done[done[parameter] == smallest]
    by_replicate = reference.groupby("replicate")[[c for c in (outcome, spend) if c]].mean()
    rows = []
    for value, runs in done.groupby(parameter):
        matched = by_replicate.reindex(runs["replicate"].to_numpy())
        paired = not matched[outcome].isna().any()
        baseline = matched[outcome].to_numpy() if paired else float(reference[outcome].mean())
        averted = baseline - runs[outcome].to_numpy()
        low, high = spread(averted)
        row = {"budget": float(value), "rerecruited": float(runs[outcome].mean()), "averted": float(averted.mean()),
               "averted_low": low, "averted_high": high, "runs": int(len(runs)), "paired": paired}
        if spend:
            row["extra_spend"] = float(runs[spend].mean() - reference[spend].mean())
            row["cost_basis"] = "extra spending"
        else:
            row["extra_spend"] = float(value - smallest)
            row["cost_basis"] = "extra budget"
        baseline_level = value == smallest
        row["cost_per_averted"] = (row["extra_spend"] / row["averted"] if row["averted"] > 0 and not baseline_level
                                   else np.nan)
        row["averted_includes_zero"] = bool(not baseline_level and low <= 0)
        if baseline_level or not np.isfinite(low):
            row["cost_low"], row["cost_high"] = np.nan, np.nan
        else:
            row["cost_low"] = row["extra_spend"] / high if high > 0 else np.nan
            row["cost_high"] = row["extra_spend"] / low if low > 0 else np.inf
        rows.append(row)
    return pd.DataFrame(rows).sort_values("budget").reset_index(drop=True)


def budget_figure(sweep: SweepResult, prefix: str, folder: Path, svg: bool) -> FigureFile | None:
    """Re-recruitments averted, and the cost of each with its interval, against the budget (budget sweeps only)."""
    table = budget_table(sweep)
    if table is None:
        return None
    parameter, outcome = budget_parameter(sweep), rerecruitment_outcome(sweep)
    units = _units(sweep, outcome)
    replicates = int(table["runs"].min())
    fig = style.new_figure(5.2)
    grid = fig.add_gridspec(2, 2, height_ratios=[4.4, 0.35])
    ax_averted, ax_cost = fig.add_subplot(grid[0, 0]), fig.add_subplot(grid[0, 1])
    budgets = table["budget"].to_numpy()
    band(ax_averted, budgets, table["averted"], table["averted_low"], table["averted_high"], style.PALETTE[2],
         "mean averted, and " + band_name(replicates), alpha=0.18)
    ax_averted.plot(budgets, table["averted"], "o", color=style.PALETTE[2])
    ax_averted.axhline(0, color="#999999", linewidth=0.8)
    ax_averted.set_title("Re-recruitments averted")
    ax_averted.set_ylabel(f"Averted ({units})" if units else "Averted")
    thousands(ax_averted)
    cost = table["cost_per_averted"].to_numpy()
    finite = np.isfinite(cost)
    unbounded = table["averted_includes_zero"].to_numpy()
    if finite.any():
        divisor, word = money_scale(np.concatenate([cost[finite], table["cost_low"].to_numpy()[finite]]))
        low = np.where(np.isfinite(table["cost_low"]), table["cost_low"], cost)[finite]
        high = table["cost_high"].to_numpy()[finite]
        shown = finite & ~unbounded
        top = max(float(np.nanmax(np.where(np.isfinite(high), high, cost[finite]))), float(np.nanmax(cost[finite])))
        if shown.any():
            top = max(float(np.nanmax(table["cost_high"].to_numpy()[shown])), float(np.nanmax(cost[finite])))
        ax_cost.set_ylim(0, top * 1.15)
        capped = np.where(np.isfinite(high), high, top * 1.15)
        yerr = np.clip(np.vstack([cost[finite] - low, capped - cost[finite]]), 0, None)
        ax_cost.errorbar(budgets[finite], cost[finite], yerr=yerr, fmt="o-",
                         color=style.PALETTE[1], ecolor=style.PALETTE[1], elinewidth=1.0, capsize=3,
                         label=f"mean cost; whiskers: over the {band_name(replicates)} of averted")
        if (finite & unbounded).any():
            ax_cost.plot(budgets[finite & unbounded], np.full((finite & unbounded).sum(), top * 1.15), "^",
                         color=style.PALETTE[1], markersize=6, clip_on=False, linestyle="none",
                         label="unbounded: the averted range includes 0")
        ax_cost.yaxis.set_major_formatter(matplotlib.ticker.FuncFormatter(lambda v, _: f"{v / divisor:,.3g}"))
        ax_cost.set_ylabel(f"{word} per averted re-recruitment")
    else:
        ax_cost.text(0.5, 0.5, "No budget averted any re-recruitment on average", transform=ax_cost.transAxes,
                     ha="center", color=style.GREY)
    ax_cost.set_title("Cost per averted re-recruitment")
    for ax in (ax_averted, ax_cost):
        ax.set_xlabel(_parameter_label(sweep, parameter))
        _scale_axis(ax, budgets)
        ax.xaxis.set_major_formatter(_value_formatter(budgets, "USD"))
    handles = [h for ax in (ax_averted, ax_cost) for h in ax.get_legend_handles_labels()[0]]
    labels = [label for ax in (ax_averted, ax_cost) for label in ax.get_legend_handles_labels()[1]]
    style.legend_row(fig, grid[1, :], handles, labels, 2)
    title = "Aftercare budget: re-recruitments averted and what each costs"
    style.title(fig, title)
    basis = table["cost_basis"].iloc[0]
    paired = bool(table["paired"].all())
    zero = [b for b, z in zip(budgets, unbounded) if z]
    caption = (f"Left: how many fewer re-recruitments ('{outcome}') there are at each budget than at the smallest "
               f"budget swept ({budgets[0]:,.0f} USD): the mean, and the {band_name(replicates)} of the "
               + ("differences replicate by replicate (replicate r of every budget shares its random numbers)"
                  if paired else "replicates") +
               f". Right: the {basis} over the smallest budget divided by the re-recruitments averted (means): "
               "what one averted re-recruitment costs; its whiskers divide the same spending by the two ends of the "
               "averted band, so they show how uncertain the cost is from the spread of the replicates. "
               + (f"At {', '.join(_compact_value(float(b), parameter, 'USD') for b in zero)} USD the averted band "
                  "includes zero: some replicates averted nothing (or fewer were averted than at the smallest "
                  "budget), so the cost per averted re-recruitment is unbounded there (whisker to the top, marked "
                  "with a triangle) and the mean cost is no more than a rough guide. " if zero else "")
               + "Where the averted count levels off while the cost keeps climbing, more money buys little more.")
    return style.save(fig, folder, f"{prefix}_budget", title, caption, svg)


def sobol_figure(sweep: SweepResult, prefix: str, folder: Path, svg: bool) -> FigureFile | None:
    """First- and total-order Sobol indices per parameter, with confidence intervals, one panel per outcome."""
    s = sweep.sensitivity
    if s is None or s.attrs.get("method") != "sobol" or "first" not in s or "total" not in s:
        return None
    outcomes = [str(o) for o in s["outcome"].values][:MOST_OUTCOME_FIGURES]
    parameters = [str(p) for p in s["parameter"].values]
    ncols = 2 if len(outcomes) > 1 else 1
    nrows = math.ceil(len(outcomes) / ncols)
    fig = style.new_figure(1.6 + nrows * (0.9 + 0.42 * len(parameters)))
    axes: list[plt.Axes] = []
    for i in range(len(outcomes)):
        axes.append(fig.add_subplot(nrows, ncols, i + 1, sharey=axes[0] if axes else None))
    y = np.arange(len(parameters))
    for ax, outcome in zip(axes, outcomes):
        for offset, (key, name, c) in zip((-0.2, 0.2), (("first", "first order (alone)", style.PALETTE[0]),
                                                         ("total", "total (with interactions)", style.PALETTE[1]))):
            value = s[key].sel(outcome=outcome).values
            ax.barh(y + offset, value, height=0.38, color=c, label=name)
            if f"{key}_low" in s and f"{key}_high" in s:
                low = s[f"{key}_low"].sel(outcome=outcome).values
                high = s[f"{key}_high"].sel(outcome=outcome).values
                err = np.clip(np.vstack([value - low, high - value]), 0, None)
                ax.errorbar(value, y + offset, xerr=err, fmt="none", ecolor="#333333", elinewidth=0.8, capsize=2)
        if ax is axes[0]:
            ax.set_yticks(y, [_parameter_label(sweep, p) for p in parameters], fontsize=8.5)
            ax.invert_yaxis()
        elif axes.index(ax) % ncols:
            ax.tick_params(axis="y", labelleft=False)
        ax.set_xlim(min(-0.05, ax.get_xlim()[0]), max(1.0, ax.get_xlim()[1]))
        ax.axvline(0, color="#999999", linewidth=0.8)
        ax.set_xlabel("Share of the outcome's variance")
        ax.set_title(textwrap.fill(outcome_label(sweep, outcome), 48), fontsize=10)
        ax.grid(axis="y", visible=False)
    axes[-1].legend(loc="upper center", bbox_to_anchor=(0.5, -0.18), ncol=2, fontsize=8.5)
    confidence = s.attrs.get("confidence")
    title = "Which parameters drive the outcomes (Sobol indices)"
    style.title(fig, title)
    caption = ("For each outcome, the share of its variance across the sweep that each parameter explains on its "
               "own (first order) and together with its interactions with the others (total). Long bars mark the "
               "parameters worth measuring better; a parameter with a total index near zero hardly matters. "
               f"Whiskers: {float(confidence):.0%} bootstrap confidence intervals"
               f"{' (' + str(s.attrs.get('bootstrap')) + ' resamples)' if 'bootstrap' in s.attrs else ''}."
               if confidence is not None else "Whiskers: bootstrap confidence intervals.")
    first, total = s["first"].values, s["total"].values
    if np.nanmin(np.concatenate([first.ravel(), total.ravel(), [0.0]])) < -0.05 or \
            np.nanmax(np.concatenate([first.ravel(), total.ravel(), [1.0]])) > 1.05:
        used = (f" (it used {', '.join(str(int(u)) for u in np.unique(s['used'].values))} base rows)"
                if "used" in s else "")
        caption += (" Some estimates fall below 0 or above 1, which a share of variance cannot: the design is too "
                    f"small for precise indices{used}; read only the ranking, or run more base rows.")
    return style.save(fig, folder, f"{prefix}_sobol", title, caption, svg)


def morris_figure(sweep: SweepResult, prefix: str, folder: Path, svg: bool) -> FigureFile | None:
    """Morris screening: mu* (mean absolute effect) against sigma (spread of effects), one panel per outcome."""
    s = sweep.sensitivity
    if s is None or s.attrs.get("method") != "morris" or "mu_star" not in s or "sigma" not in s:
        return None
    outcomes = [str(o) for o in s["outcome"].values][:MOST_OUTCOME_FIGURES]
    parameters = [str(p) for p in s["parameter"].values]
    ncols = 2 if len(outcomes) > 1 else 1
    nrows = math.ceil(len(outcomes) / ncols)
    legend_rows = math.ceil(len(parameters) / 3)
    fig = style.new_figure(1.0 + 3.9 * nrows + 0.25 * legend_rows)
    grid = fig.add_gridspec(nrows + 1, ncols, height_ratios=[3.9] * nrows + [0.25 * legend_rows + 0.1])
    axes = [fig.add_subplot(grid[i // ncols, i % ncols]) for i in range(len(outcomes))]
    for ax, outcome in zip(axes, outcomes):
        mu_star = s["mu_star"].sel(outcome=outcome).values
        sigma = s["sigma"].sel(outcome=outcome).values
        if "mu_star_low" in s and "mu_star_high" in s:
            low = s["mu_star_low"].sel(outcome=outcome).values
            high = s["mu_star_high"].sel(outcome=outcome).values
            ax.errorbar(mu_star, sigma, xerr=np.clip(np.vstack([mu_star - low, high - mu_star]), 0, None),
                        fmt="none", ecolor="#999999", elinewidth=0.8, capsize=2, zorder=2)
        for index, parameter in enumerate(parameters):
            ax.plot(mu_star[index], sigma[index], MARKERS[(index // len(style.PALETTE)) % len(MARKERS)],
                    color=colour(index), markersize=7, zorder=3, label=_parameter_label(sweep, parameter),
                    markeredgecolor="white", markeredgewidth=0.5)
        top = float(np.nanmax(np.concatenate([mu_star, sigma, [1e-12]]))) * 1.1
        ax.plot([0, top], [0, top], linestyle="--", color="#999999", linewidth=0.9)
        ax.text(top * 0.98, top * 0.92, "σ = μ*", ha="right", fontsize=8, color="#777777")
        ax.set_xlim(0, top)
        ax.set_ylim(0, top)
        units = _units(sweep, outcome)
        ax.xaxis.set_major_formatter(_value_formatter(mu_star, units))
        ax.yaxis.set_major_formatter(_value_formatter(sigma, units))
        ax.set_xlabel("μ*: mean absolute effect" + (f" ({units})" if units and units not in ("1", "-") else ""))
        ax.set_ylabel("σ: spread of the effects")
        ax.set_title(textwrap.fill(outcome_label(sweep, outcome), 48), fontsize=10)
        ax.tick_params(axis="x", labelrotation=20)
    legend_ax = fig.add_subplot(grid[nrows, :])
    legend_ax.axis("off")
    handles, labels = axes[0].get_legend_handles_labels()
    legend_ax.legend(handles, labels, loc="center", ncol=3, fontsize=8, frameon=False)
    title = "Which parameters matter (Morris screening)"
    style.title(fig, title)
    caption = ("Each dot is a parameter. Further right (larger μ*): changing it moves the outcome more. Higher up "
               "(larger σ): its effect depends on the other parameters' values (interactions or a non-linear "
               "effect); above the dashed line the spread is larger than the effect itself. Effects are per full "
               "range of the parameter. Whiskers: bootstrap confidence intervals of μ*.")
    return style.save(fig, folder, f"{prefix}_morris", title, caption, svg)


def _sweep_event_marks(sweep: SweepResult) -> list[EventMark]:
    """The base scenario's events, numbered by date, in plain words (those whose date the sweep varies left out)."""
    return [EventMark(number=e.number, date=e.date, text=e.headline) for e in sweep.scenario_events]


def _compact_value(value: float, parameter: str, units: str) -> str:
    """A parameter's value for a legend: '0', '500k', '2M', '10M' for money, separators otherwise."""
    if "USD" in units or "usd" in parameter.lower():
        for divisor, suffix in ((1e9, " bn"), (1e6, "M"), (1e3, "k")):
            if abs(value) >= divisor:
                return f"{value / divisor:,.3g}{suffix}"
        return f"{value:,.0f}"
    return f"{value:,.0f}" if abs(value) >= 100 else f"{value:,.3g}"


def series_figure(sweep: SweepResult, prefix: str, folder: Path, svg: bool) -> FigureFile | None:
    """People held across the region over time, across the sweep's runs (only if the sweep kept that series),
    scaled to the full region, with the base scenario's events marked."""
    if not sweep.has_series("workers_held") or "time" not in sweep.coordinates:
        return None
    held = sweep.series_at_full_scale("workers_held").sum("country")
    done_runs = sweep.runs.index[sweep.runs["status"] == "done"]
    held = held.sel(run=[r for r in held["run"].values if r in set(done_runs)])
    events = _sweep_event_marks(sweep)
    # A sweep's page has no table of the base scenario's events: the figure lists them, however many.
    fig = style.new_figure(4.6 + key_height(events, listed_on_page=False))
    ax = fig.add_subplot()
    varied = [p for p in sweep.parameters if sweep.values[p].nunique() > 1]
    counts: list[int] = []  # runs behind each line, which say what its band is
    if len(varied) == 1 and sweep.values[varied[0]].nunique() <= len(style.PALETTE):
        parameter = varied[0]
        units = sweep.parameter_units(parameter)
        for index, value in enumerate(sorted(sweep.values[parameter].unique())):
            runs = sweep.values.index[sweep.values[parameter] == value]
            members = [r for r in held["run"].values if r in set(runs)]
            if not members:
                continue
            q = quantiles(held.sel(run=members), "run")
            counts.append(len(members))
            band(ax, q["time"].values, q["median"], q["low"], q["high"], colour(index),
                 _compact_value(float(value), parameter, units), alpha=0.12)
        # To the right of the axes, outside the data (constrained layout makes room).
        ax.legend(title=_parameter_label(sweep, parameter), fontsize=8, title_fontsize=8, loc="upper left",
                  bbox_to_anchor=(1.01, 1.0))
    else:
        counts.append(int(held.sizes["run"]))
        q = quantiles(held, "run")
        band(ax, q["time"].values, q["median"], q["low"], q["high"], style.PALETTE[0], "all finished runs")
    date_axis(ax)
    thousands(ax)
    ax.set_ylabel("People held")
    style.mark_events(ax, events)
    style.events_key(fig, events, listed_on_page=False)
    title = "People held across the region, across the sweep"
    style.title(fig, title)
    scales = sweep.run_scales()
    scale_words = (f" The runs simulated a world at {float(scales.iloc[0]):.3g} of the region's size "
                   "(run.scale); the numbers are scaled to the full region."
                   if len(scales) and scales.nunique() == 1 and float(scales.iloc[0]) != 1.0 else "")
    caption = ("People held in all host countries over time, the median across the sweep's finished runs"
               + (", one line per value of the parameter swept" if len(varied) == 1 else "") + "; "
               + band_words(counts, "runs") + "." + scale_words
               + ((" Short numbered ticks at the top mark the base scenario's events, listed under the figure."
                   if style.many_events(events) else " Numbered dotted lines mark the base scenario's events.")
                  if events else ""))
    return style.save(fig, folder, f"{prefix}_held", title, caption, svg)


def make_sweep_figures(sweep: SweepResult, prefix: str, folder: Path, svg: bool = True) -> list[FigureFile]:
    """Every figure the sweep's contents allow, in report order."""
    figures: list[FigureFile] = []
    with matplotlib.rc_context(style.RC):
        if sweep.done().empty:
            return figures
        for draw in (budget_figure, sobol_figure, morris_figure, series_figure):
            figure = draw(sweep, prefix, folder, svg)
            if figure is not None:
                figures.append(figure)
        figures.extend(outcome_figures(sweep, prefix, folder, svg))
    return figures


def sweep_design_table(sweep: SweepResult) -> pd.DataFrame:
    """Per parameter: the range of values the sweep used."""
    rows = []
    for parameter in sweep.parameters:
        values = sweep.values[parameter]
        rows.append({"Parameter": parameter, "In words": _parameter_label(sweep, parameter), "Smallest": values.min(),
                     "Largest": values.max(), "Distinct values": int(values.nunique())})
    return pd.DataFrame(rows)


def outcome_summary(sweep: SweepResult) -> pd.DataFrame:
    """Per outcome: units, description, and the median and band (summary.band_name()) across the finished runs."""
    done = sweep.done()
    rows = []
    for outcome in sweep.outcome_names:
        values = done[outcome].dropna() if outcome in done else pd.Series(dtype=float)
        rows.append({"Outcome": outcome, "Units": _units(sweep, outcome),
                     "Description": str(sweep.outcome_info.loc[outcome, "description"])
                     if outcome in sweep.outcome_info.index else "",
                     "Median": float(values.median()) if len(values) else np.nan,
                     "Low": spread(values.to_numpy())[0], "High": spread(values.to_numpy())[1],
                     "Band": band_name(len(values), "runs")})
    return pd.DataFrame(rows)


def status_counts(sweep: SweepResult) -> dict[str, int]:
    """How many runs are done, failed and pending."""
    counts = sweep.runs["status"].value_counts()
    return {state: int(counts.get(state, 0)) for state in ("done", "failed", "pending")}


def failed_runs(sweep: SweepResult, most: int = 20) -> pd.DataFrame:
    """The first failed runs and their messages."""
    failed = sweep.runs[sweep.runs["status"] == "failed"]
    return failed[["point", "replicate", "message"]].head(most)


__all__ = ["make_sweep_figures", "budget_table", "sweep_design_table", "outcome_summary", "status_counts",
           "failed_runs", "parameter_label", "outcome_label"]

