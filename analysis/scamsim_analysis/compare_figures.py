"""The report's figure of a compare file (`scamsim compare`): a forest plot of what policy B changes against
baseline A, one row per outcome, with both intervals the file holds (the paired one, and Welch's unpaired one for
contrast) and each pair's own difference. Outcomes have different units, so the rows share one scale: the
difference as a percentage of A's mean; the numbers in their own units are in the report's table."""

from __future__ import annotations

from pathlib import Path

import matplotlib
import matplotlib.ticker as mticker
import numpy as np
import pandas as pd
from matplotlib.lines import Line2D

from . import style
from .reader import CompareResult
from .style import FigureFile


def relative_differences(compare: CompareResult) -> pd.DataFrame:
    """Per outcome, the mean difference B - A, the paired and unpaired intervals and each pair's difference, as
    percentages of A's mean: columns mean, paired_low, paired_high, unpaired_low, unpaired_high, pairs (a list).
    Outcomes whose A mean is zero or not finite (no percentage) or whose difference is not finite are left out."""
    summary = compare.summary
    rows = {}
    for name in compare.outcome_names:
        base = float(summary.loc[name, "mean_a"])
        mean = float(summary.loc[name, "mean_difference"])
        if not np.isfinite(base) or base == 0 or not np.isfinite(mean):
            continue
        scale = 100.0 / abs(base)
        differences = compare.differences.sel(outcome=name).values.astype(float)
        rows[name] = {"mean": mean * scale,
                      "paired_low": float(summary.loc[name, "ci_low"]) * scale,
                      "paired_high": float(summary.loc[name, "ci_high"]) * scale,
                      "unpaired_low": float(summary.loc[name, "unpaired_low"]) * scale,
                      "unpaired_high": float(summary.loc[name, "unpaired_high"]) * scale,
                      "pairs": list(differences[np.isfinite(differences)] * scale)}
    return pd.DataFrame.from_dict(rows, orient="index",
                                  columns=["mean", "paired_low", "paired_high", "unpaired_low", "unpaired_high",
                                           "pairs"])


def _percent_axis(ax: object, table: pd.DataFrame) -> str:
    """A symmetric log scale when a few wide intervals (few pairs, a rare outcome) would squash every other row
    against zero; linear otherwise. Returns words for the caption ('' for linear)."""
    ends = table[["paired_low", "paired_high", "unpaired_low", "unpaired_high", "mean"]].abs().to_numpy(dtype=float)
    ends = ends[np.isfinite(ends)]
    means = table["mean"].abs().to_numpy(dtype=float)
    typical = float(np.median(means[means > 0])) if (means > 0).any() else 0.0
    if ends.size == 0 or typical == 0 or ends.max() <= 20 * typical:
        return ""
    linear = max(typical, 0.01)
    ax.set_xscale("symlog", linthresh=linear, linscale=1.0)
    # Zero and the powers of ten from 1.5 times the linear range out: ticks at ±linthresh crowd the zero label.
    powers = 10.0 ** np.arange(np.ceil(np.log10(linear * 1.5)), np.floor(np.log10(ends.max())) + 1)
    ax.xaxis.set_major_locator(mticker.FixedLocator(np.concatenate([-powers[::-1], [0.0], powers])))
    ax.xaxis.set_minor_locator(mticker.NullLocator())
    return (f" The axis is logarithmic beyond ±{linear:.3g}% (linear within), so that wide intervals do not squash "
            "the other rows.")


def forest_figure(compare: CompareResult, prefix: str, folder: Path, svg: bool = True) -> FigureFile | None:
    """The forest plot of the paired differences; None if no outcome has a percentage to draw."""
    table = relative_differences(compare)
    if table.empty:
        return None
    confidence = compare.confidence
    names = list(table.index)
    left_out = [n for n in compare.outcome_names if n not in table.index]
    caption = (f"Each row is an outcome: the mean difference B - A over {compare.pairs} pairs run on common random "
               f"numbers ({compare.name_b} minus {compare.name_a}), as a percentage of A's mean, with its "
               f"{confidence:.0%} paired confidence interval (thick bar) and, for contrast, the unpaired (Welch) "
               "interval the same runs would give were the sides independent (thin grey bar, above); the ticks "
               "below are each pair's own difference. A paired bar that does not cross zero is a change the "
               "pairs resolve. The differences in their own units are in the table."
               + (f" Left out (A's mean is zero, so there is no percentage): {', '.join(left_out)}."
                  if left_out else ""))
    with matplotlib.rc_context(style.RC):
        height = 1.9 + 0.42 * len(names)
        fig = style.new_figure(height + 0.4)
        grid = fig.add_gridspec(2, 1, height_ratios=[height, 0.4])
        ax = fig.add_subplot(grid[0])
        y = np.arange(len(names))
        ax.axvline(0, color="#777777", linewidth=0.9, zorder=1)
        for row, name in zip(y, names):
            r = table.loc[name]
            ax.plot([r["unpaired_low"], r["unpaired_high"]], [row - 0.18] * 2, color=style.GREY, linewidth=1.6,
                    solid_capstyle="butt", zorder=2)
            ax.plot(r["pairs"], [row + 0.2] * len(r["pairs"]), "|", color="#555555", markersize=6, alpha=0.7,
                    zorder=2)
            ax.plot([r["paired_low"], r["paired_high"]], [row] * 2, color=style.PALETTE[0], linewidth=4.0,
                    solid_capstyle="butt", zorder=3)
            ax.plot(r["mean"], row, "D", color=style.PALETTE[1], markersize=6, markeredgecolor="white", zorder=4)
        ax.set_yticks(y, [n if len(n) <= 38 else n[:36] + "…" for n in names], family="DejaVu Sans Mono",
                      fontsize=8.5)
        ax.set_ylim(len(names) - 0.5, -0.6)
        ax.grid(axis="y", visible=False)
        scale_words = _percent_axis(ax, table)
        ax.xaxis.set_major_formatter(mticker.FuncFormatter(lambda v, _: f"{v:+,.3g}%" if v else "0"))
        ax.set_xlabel(f"B - A, as a percentage of A's mean ({compare.name_b} against {compare.name_a})")
        handles = [Line2D([], [], marker="D", linestyle="none", color=style.PALETTE[1], markeredgecolor="white",
                          label="mean difference"),
                   Line2D([], [], color=style.PALETTE[0], linewidth=4.0,
                          label=f"{confidence:.0%} paired interval"),
                   Line2D([], [], color=style.GREY, linewidth=1.6,
                          label=f"{confidence:.0%} unpaired (Welch) interval"),
                   Line2D([], [], marker="|", linestyle="none", color="#555555", markersize=8,
                          label=f"each pair's difference ({compare.pairs} pairs)")]
        style.legend_row(fig, grid[1], handles, [h.get_label() for h in handles], 2)
        title = f"What {compare.name_b} changes against {compare.name_a}"
        style.title(fig, title)
        return style.save(fig, folder, f"{prefix}_forest", title, caption + scale_words, svg)


def make_compare_figures(compare: CompareResult, prefix: str, folder: Path, svg: bool = True) -> list[FigureFile]:
    """Every figure of a compare file, in report order (the file holds outcomes only: no series over time)."""
    figure = forest_figure(compare, prefix, folder, svg)
    return [figure] if figure is not None else []


__all__ = ["make_compare_figures", "forest_figure", "relative_differences"]
