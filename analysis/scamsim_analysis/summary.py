"""Summaries of run files across replicates: medians and bands (90%, or the range of a few replicates), country groups, monthly rates, events in plain
words, and the key figures of the report."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Sequence

import numpy as np
import pandas as pd
import xarray as xr

from .reader import RunResult
from .style import PALETTE, GREY, EventMark

#: The band shown around medians: the 5th to the 95th percentile across replicates (a 90% band).
LOW, HIGH = 0.05, 0.95
#: With fewer replicates than this, a 5th to 95th percentile is little more than an interpolation between the two
#: most extreme replicates and holds far fewer than "90%" of anything; the band is then the full range (lowest to
#: highest replicate), called that, and the report warns that the spread is poorly known (issue 14).
FEWEST_FOR_PERCENTILE_BAND = 10

#: Flows into and out of "released" (figure 4 and the key figures): label -> the by_country series summed.
RELEASE_FLOWS: dict[str, tuple[str, ...]] = {
    "Released": ("releases_by_operator", "released_by_raids", "escapes"),
    "Admitted to aftercare": ("aftercare_admissions",),
    "Repatriated": ("repatriations",),
    "Re-recruited": ("rerecruited",),
}


def band_is_range(count: int) -> bool:
    """Whether the band of `count` replicates (or runs) is their full range rather than a 90% band."""
    return count < FEWEST_FOR_PERCENTILE_BAND


def band_name(count: int, what: str = "replicates") -> str:
    """What the band of `count` replicates (or runs) is, in words: 'range of 4 replicates' or '90% band (5th to 95th
    percentile of 12 replicates)'."""
    if band_is_range(count):
        return f"range of {count} {what[:-1] if count == 1 else what}"
    return f"90% band (5th to 95th percentile of {count} {what})"


def band_words(counts: Sequence[int], what: str = "replicates") -> str:
    """The band of runs with these replicate counts, for a caption: 'shaded bands: the range of the 3 replicates
    (lowest to highest)', or one phrase per distinct count."""
    distinct = sorted(set(int(c) for c in counts))
    if len(distinct) == 1:
        count = distinct[0]
        if band_is_range(count):
            return f"shaded bands: the range of the {count} {what} (lowest to highest)"
        return f"shaded bands: the 90% band (5th to 95th percentile) of the {count} {what}"
    return "shaded bands: " + "; ".join(
        (f"the range (lowest to highest) where there are {c} {what}" if band_is_range(c)
         else f"the 90% band (5th to 95th percentile) where there are {c} {what}") for c in distinct)


def spread(values: np.ndarray) -> tuple[float, float]:
    """(low, high) of a set of values as the band draws them: the 5th and 95th percentiles, or, with fewer than
    FEWEST_FOR_PERCENTILE_BAND values, the lowest and highest; NaN for none."""
    values = np.asarray(values, dtype=float)
    values = values[np.isfinite(values)]
    if values.size == 0:
        return (np.nan, np.nan)
    if band_is_range(values.size):
        return (float(values.min()), float(values.max()))
    low, high = np.quantile(values, [LOW, HIGH])
    return (float(low), float(high))


def quantiles(array: xr.DataArray, dim: str = "replicate") -> xr.Dataset:
    """The median and the band of `array` across `dim` (band_name(): the 90% band, or the full range of fewer than
    FEWEST_FOR_PERCENTILE_BAND): a Dataset with median, low and high."""
    if dim not in array.dims:
        return xr.Dataset({"median": array, "low": array, "high": array})
    values = array.astype(float)
    median = values.median(dim=dim)
    if band_is_range(array.sizes[dim]):
        return xr.Dataset({"low": values.min(dim=dim), "median": median, "high": values.max(dim=dim)})
    q = values.quantile([LOW, HIGH], dim=dim)
    return xr.Dataset({"low": q.sel(quantile=LOW, drop=True), "median": median,
                       "high": q.sel(quantile=HIGH, drop=True)})


def scalar_quantiles(values: np.ndarray) -> tuple[float, float, float]:
    """(median, low, high) of a set of replicate values, the band as spread() gives it; NaN for none."""
    values = np.asarray(values, dtype=float)
    values = values[np.isfinite(values)]
    if values.size == 0:
        return (np.nan, np.nan, np.nan)
    low, high = spread(values)
    return (float(np.median(values)), low, high)


def flow_sum(run: RunResult, metrics: Sequence[str]) -> xr.DataArray:
    """The sum of several by_country series (replicate, time, country), skipping those the file lacks."""
    parts = [run.series(m) for m in metrics if run.has_series(m)]
    if not parts:
        return xr.zeros_like(run.series("workers_held"), dtype=float)
    total = parts[0].astype(float)
    for part in parts[1:]:
        total = total + part
    return total


def per_month(array: xr.DataArray, dt_days: int) -> xr.DataArray:
    """A flow (per step) as a rate per month: the mean per step within each calendar month, times the average
    month's length in steps, so a partial first or last month is not shown as a dip."""
    steps_per_month = 365.25 / 12.0 / max(dt_days, 1)
    return array.astype(float).resample(time="MS").mean() * steps_per_month


# ---------------------------------------------------------------------------------------------------------------
# Countries
# ---------------------------------------------------------------------------------------------------------------


@dataclass
class CountryGroup:
    """A line or bar of a figure: one host country, or several summed ('Other hosts')."""

    label: str
    countries: list[str]
    colour: str
    short: str = ""  #: a label for tight places (bar charts): the country's name, or 'Other hosts'

    def __post_init__(self) -> None:
        if not self.short:
            self.short = self.label


def host_countries(runs: Sequence[RunResult]) -> list[str]:
    """Countries where anyone is held at any time in any run, largest (peak median held) first."""
    peaks: dict[str, float] = {}
    for run in runs:
        held = run.series("workers_held")
        peak = held.median("replicate").max("time") if "replicate" in held.dims else held.max("time")
        ever = (held > 0).any([d for d in held.dims if d != "country"])
        for country, value, any_held in zip(held["country"].values, peak.values, ever.values):
            if any_held:
                peaks[str(country)] = max(peaks.get(str(country), 0.0), float(value))
    return sorted(peaks, key=lambda c: (-peaks[c], c))


def country_groups(runs: Sequence[RunResult], most: int = len(PALETTE)) -> list[CountryGroup]:
    """Host countries as figure groups: each of the largest on its own, the rest together as 'Other hosts' when
    there are more than `most`."""
    hosts = host_countries(runs)
    names = {c: runs[0].country_name(c) for c in hosts}
    if len(hosts) <= most:
        return [CountryGroup(names[c], [c], PALETTE[i]) for i, c in enumerate(hosts)]
    keep = hosts[:most - 1]
    rest = hosts[most - 1:]
    groups = [CountryGroup(names[c], [c], PALETTE[i]) for i, c in enumerate(keep)]
    groups.append(CountryGroup(f"Other hosts ({', '.join(names[c] for c in rest)})" if len(rest) <= 3
                               else f"{len(rest)} other hosts", rest, GREY, short="Other hosts"))
    return groups


def grouped(array: xr.DataArray, groups: Sequence[CountryGroup]) -> xr.DataArray:
    """A by_country series summed within each group: the country dimension becomes 'group' (labelled)."""
    present = set(str(c) for c in array["country"].values)
    parts = []
    for group in groups:
        members = [c for c in group.countries if c in present]
        part = array.sel(country=members).sum("country") if members else xr.zeros_like(array.isel(country=0),
                                                                                         dtype=float)
        parts.append(part.drop_vars("country", errors="ignore"))
    return xr.concat(parts, dim=pd.Index([g.label for g in groups], name="group"))


# ---------------------------------------------------------------------------------------------------------------
# Events
# ---------------------------------------------------------------------------------------------------------------

def event_marks(runs: Sequence[RunResult], labels: Sequence[str]) -> list[EventMark]:
    """The scenario events of every run, numbered by date; an event not in every run says which runs have it."""
    seen: dict[tuple[pd.Timestamp, str], list[str]] = {}
    texts: dict[tuple[pd.Timestamp, str], str] = {}
    for run, label in zip(runs, labels):
        for event in run.scenario_events:
            key = (event.date, f"{event.kind} {event.target}")
            seen.setdefault(key, []).append(label)
            texts.setdefault(key, event.headline)  # written by scamsim, per kind (docs/OUTPUT.md)
    marks = []
    for number, key in enumerate(sorted(seen, key=lambda k: (k[0], k[1])), start=1):
        text = texts[key]
        if len(runs) > 1 and len(seen[key]) < len(runs):
            text += f" [{', '.join(seen[key])} only]"
        marks.append(EventMark(number=number, date=key[0], text=text))
    return marks


def first_event_date(run: RunResult) -> pd.Timestamp | None:
    """The date of the run's first scenario event, if it has one inside the run."""
    dates = [e.date for e in run.scenario_events if run.time[0] <= e.date <= run.time[-1]]
    return min(dates) if dates else None


def step_before_first_event(run: RunResult) -> int:
    """The last step that ends before the first scenario event (step 0 if the first event is on day one or there is
    none)."""
    first = first_event_date(run)
    if first is None:
        return 0
    return max(run.step_of(first) - 1, 0)


# ---------------------------------------------------------------------------------------------------------------
# Key figures
# ---------------------------------------------------------------------------------------------------------------


@dataclass
class KeyFigure:
    """One row of the key figures table: a median and its 90% band across replicates."""

    label: str
    median: float
    low: float
    high: float
    units: str  #: 'people', 'operations', 'raids', 'USD', 'share', 'people/operation', 'per100' (a rate per 100)
    note: str = ""


def _region(run: RunResult, metric: str) -> xr.DataArray:
    """A by_country series summed over countries: (replicate, time)."""
    return run.series(metric).sum("country")


def key_figures(run: RunResult) -> list[KeyFigure]:
    """The headline outcomes of a run across the region, each a median with its 90% band across replicates."""
    figures: list[KeyFigure] = []

    def add(label: str, values: xr.DataArray | np.ndarray, units: str, note: str = "") -> None:
        median, low, high = scalar_quantiles(np.asarray(values))
        figures.append(KeyFigure(label, median, low, high, units, note))

    years = len(run.time) * run.dt_days / 365.25
    held = _region(run, "workers_held")
    add("People held at the start (end of day one)", held.isel(time=0), "people")
    add(f"People held at the end ({run.time[-1]:%d %b %Y})", held.isel(time=-1), "people")
    add("Change in people held, start to end", (held.isel(time=-1) - held.isel(time=0)) /
        held.isel(time=0).where(held.isel(time=0) > 0), "share")
    add("Fewest people held at any time", held.min("time"), "people")
    released = flow_sum(run, RELEASE_FLOWS["Released"]).sum(["time", "country"])
    add("People released (by operators, by raids, escapes)", released, "people", "over the whole run")
    for label in ("Admitted to aftercare", "Repatriated", "Re-recruited"):
        add(f"People {label.lower()}", flow_sum(run, RELEASE_FLOWS[label]).sum(["time", "country"]), "people",
            "over the whole run")
    rerecruited = flow_sum(run, RELEASE_FLOWS["Re-recruited"]).sum(["time", "country"])
    add("Re-recruited per 100 released", 100 * rerecruited / released.where(released > 0), "per100",
        "over the whole run")
    if run.has_series("operations_active"):
        operations = _region(run, "operations_active")
        add("Operations at the start", operations.isel(time=0), "operations")
        add("Operations at the end", operations.isel(time=-1), "operations")
    if run.has_series("mean_operation_size", "global"):
        size = run.series("mean_operation_size", "global")
        add("Mean operation size at the start", size.isel(time=0), "people/operation")
        add("Mean operation size at the end", size.isel(time=-1), "people/operation")
    if run.has_series("share_held_in_small_operations", "global"):
        add("Share held in small operations at the end",
            run.series("share_held_in_small_operations", "global").isel(time=-1), "share")
    if run.has_series("relocations_in"):
        add("Operations that moved to another country", run.series("relocations_in").sum(["time", "country"]),
            "operations", "over the whole run")
    if run.has_series("raids_successful"):
        add("Successful raids", run.series("raids_successful").sum(["time", "country"]), "raids",
            "over the whole run")
    if run.has_series("revenue_usd"):
        add("Scam revenue per year", _region(run, "revenue_usd").sum("time") / years, "USD",
            "average over the run")
    for metric, label in (("laundered_usd", "Money laundered"), ("frozen_usd", "Money frozen"),
                          ("seized_usd", "Money seized in raids"), ("aftercare_spend_usd", "Aftercare spending")):
        if run.has_series(metric):
            add(label, _region(run, metric).sum("time"), "USD", "over the whole run")
    return figures


def country_table(run: RunResult, groups: Sequence[CountryGroup]) -> pd.DataFrame:
    """Per host country (medians across replicates): held at start and end, released, re-recruited, aftercare
    admissions, repatriations, revenue over the run."""
    rows = []
    columns = {
        "Held at start": lambda g: g("workers_held").isel(time=0),
        "Held at end": lambda g: g("workers_held").isel(time=-1),
        "Released": lambda g: sum_flows(g, RELEASE_FLOWS["Released"]),
        "Admitted to aftercare": lambda g: sum_flows(g, RELEASE_FLOWS["Admitted to aftercare"]),
        "Repatriated": lambda g: sum_flows(g, RELEASE_FLOWS["Repatriated"]),
        "Re-recruited": lambda g: sum_flows(g, RELEASE_FLOWS["Re-recruited"]),
        "Revenue (USD)": lambda g: g("revenue_usd").sum("time"),
    }

    def sum_flows(g, metrics: Sequence[str]) -> xr.DataArray:
        total = None
        for metric in metrics:
            if run.has_series(metric):
                part = g(metric).sum("time")
                total = part if total is None else total + part
        return total if total is not None else xr.DataArray(np.nan)

    for group in groups:
        def get(metric: str, group: CountryGroup = group) -> xr.DataArray:
            if not run.has_series(metric):
                return xr.DataArray(np.full((len(run.replicates), len(run.time)), np.nan),
                                    dims=("replicate", "time"))
            series = run.series(metric)
            members = [c for c in group.countries if c in set(series["country"].values)]
            return series.sel(country=members).sum("country")

        row = {"Country": group.label}
        for name, compute in columns.items():
            row[name] = scalar_quantiles(np.asarray(compute(get)))[0]
        rows.append(row)
    return pd.DataFrame(rows).set_index("Country")
