"""Run figure 6: the map of operations and their relocations."""

from __future__ import annotations

import math
from dataclasses import dataclass
from typing import Sequence

import matplotlib
import numpy as np
import pandas as pd
from matplotlib.lines import Line2D
from matplotlib.patches import FancyArrowPatch, Rectangle

from . import style
from .reader import RunResult
from .run_context import RunFigureContext
from .style import FigureFile
from .summary import first_event_date, step_before_first_event


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
                label = f"{run.country_name(country)} {value:,.0f}"
                size = 7 if context.single else 6
                # The label's width in degrees of longitude on this panel (0.6 em a character, plus its offset and
                # box): in the small panels of several runs a fixed share of the map was too little, and labels
                # near an edge were cut off.
                degrees_per_pt = (lon_max - lon_min) / (panel_width * 72)
                room = (len(label) * 0.6 * size + abs(dx) + 4) * degrees_per_pt
                if ha == "right" and x - lon_min < room:
                    dx, ha = abs(dx) if dx else 4.0, "left"
                elif ha == "left" and lon_max - x < room:
                    dx, ha = -abs(dx) if dx else -4.0, "right"
                if ha == "center" and min(x - lon_min, lon_max - x) < room / 2:
                    ha = "left" if x - lon_min < lon_max - x else "right"
                if country in layout.off_map:
                    dx, dy, ha, va = 0, 6, "left", "bottom"
                ax.annotate(label, (x, y), xytext=(dx, dy),
                            textcoords="offset points", fontsize=size, ha=ha, va=va,
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
    style.title(fig, title)
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
