"""Reading scamsim run files (`scamsim run`) into RunResult (docs/OUTPUT.md)."""

from __future__ import annotations

import dataclasses
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, Sequence

import h5py
import numpy as np
import pandas as pd
import xarray as xr

from .countries import fallback_countries
from .errors import MissingSeriesError
from .result_file import (FileMetadata, _coordinate_values, _coordinates, _File, _is_scale, _strings, opened, read_labelled,
                          file_scale, scales_with_run_scale)
from .validate import check_run_file

@dataclass
class ScenarioEvent:
    """One of the scenario's events, as listed in the table /scenario_event (docs/OUTPUT.md)."""

    number: int  #: 1-based position in date order (what figures print next to the event's line)
    date: pd.Timestamp
    kind: str  #: e.g. 'sanctions_network': a name of the file's scenario_event_kind enum
    target: str  #: the network or country id, 'a+b' for intelligence sharing, '' for none
    label: str  #: 'YYYY-MM-DD kind target', e.g. '2025-10-14 sanctions_network prince_group'
    id: str = ""  #: the event's id in the scenario ('' if none)
    fields: dict[str, str] = field(default_factory=dict)  #: its numbers as written, e.g. {'capacity_factor': '3'}
    #: a phrase for plots written by scamsim, e.g. 'Crackdown (more raids) in Cambodia'; for files without one
    #: (schema 1, sweeps), the kind and the target's names
    headline: str = ""


def _label(date: pd.Timestamp, kind: str, target: str) -> str:
    """'2025-10-14 sanctions_network prince_group' (no target: no trailing space)."""
    return f"{date:%Y-%m-%d} {kind} {target}".strip()


def _fallback_headline(kind: str, names: Sequence[str]) -> str:
    """The kind in words and what it targets, for events the file gives no headline: 'Crackdown: Cambodia'."""
    words = kind.replace("_", " ").capitalize()
    return f"{words}: {' and '.join(names)}" if names else words


def _parse_fields(text: str) -> dict[str, str]:
    """'capacity_factor=3; duration_days=30' -> {'capacity_factor': '3', 'duration_days': '30'}."""
    pairs = [part.split("=", 1) for part in text.split("; ") if "=" in part]
    return {key: value for key, value in pairs}


@dataclass
class RunResult(FileMetadata):
    """A scamsim run file: its metadata, coordinates and tables, with series read on demand.

    Series come back as xarray.DataArray with named dimensions (replicate, time, country) and coordinates (dates,
    country ids, replicate numbers); tables (events, operators) as pandas.DataFrame with enums and indices decoded.
    Only complete replicates are returned (see docs/OUTPUT.md 3.6); `warnings` says if any were left out.
    """

    path: Path
    attrs: dict[str, Any]  #: root attributes, decoded (seed, scenario_name, scenario_toml, ...)
    coordinates: dict[str, np.ndarray]  #: root dimension scales by name (time as dates)
    countries: pd.DataFrame  #: index country id; columns name, latitude_deg, longitude_deg
    scenario_events: list[ScenarioEvent]
    events: pd.DataFrame  #: the event log: replicate, step, date, kind, country, network, operator, count, amount_usd
    operators: pd.DataFrame  #: operators at the end of each replicate, state and ids decoded
    metrics: dict[str, list[str]]  #: group ('by_country', 'global') -> the series it holds, in file order
    warnings: list[str] = field(default_factory=list)
    #: True in the copy at_full_scale() returns: counts and money divided by run.scale
    full_scale: bool = False
    _cache: dict[tuple[str, str], xr.DataArray] = field(default_factory=dict, repr=False)

    kind = "run"

    @property
    def scale(self) -> float:
        """The run's run.scale (0.1: a 10% world): the root attribute run_scale, or in files written before it
        existed, the resolved scenario's."""
        return file_scale(self.attrs, "run_scale", self.scenario_toml)

    def at_full_scale(self) -> "RunResult":
        """A copy whose series of people, operations, raids and money, and the event log's counts and amounts, are
        divided by run.scale: the numbers of the full region, as `scamsim sweep` reports its outcomes. Shares,
        levels, per-operation sizes and the final operator table (each operation's size) are as stored. The same
        result if run.scale is 1."""
        if self.full_scale or self.scale == 1.0:
            return self
        events = self.events.copy()
        for column in ("count", "amount_usd"):
            if column in events:
                events[column] = events[column].astype(float) / self.scale
        return dataclasses.replace(self, events=events, full_scale=True, _cache={})

    # -- metadata ---------------------------------------------------------------------------------------------
    @property
    def name(self) -> str:
        """The scenario's name."""
        return str(self.attrs.get("scenario_name", self.path.stem))

    @property
    def scenario_toml(self) -> str:
        """The resolved scenario text: save it and run it to repeat the run."""
        return str(self.attrs.get("scenario_toml", ""))

    @property
    def start_date(self) -> pd.Timestamp:
        """The first day of step 0."""
        return pd.Timestamp(self.attrs["start_date"])

    @property
    def dt_days(self) -> int:
        """Days per step."""
        return int(self.attrs.get("dt_days", 1))

    @property
    def time(self) -> pd.DatetimeIndex:
        """The first day of each step."""
        return pd.DatetimeIndex(self.coordinates["time"])

    @property
    def replicates(self) -> np.ndarray:
        """The replicate numbers of the complete replicates."""
        return np.asarray(self.coordinates["replicate"])

    @property
    def draws(self) -> int:
        """The draws from a posterior of a run over one (`scamsim run --posterior`); 0 for an ordinary run."""
        return int(self.attrs.get("draws", 0))

    @property
    def replicates_per_draw(self) -> int:
        """The replicates of each draw (of the run, when it is not over a posterior)."""
        return int(self.attrs.get("replicates", len(self.replicates)))

    def draw_values(self) -> pd.DataFrame:
        """A run over a posterior: each draw's parameter values (index draw, one column per parameter)."""
        if not self.draws:
            return pd.DataFrame()
        with h5py.File(self.path, "r") as f:
            values = np.asarray(f["draw_values"][()])
            names = [n.decode() if isinstance(n, bytes) else str(n) for n in f["parameter"][()]]
        return pd.DataFrame(values, columns=names, index=pd.Index(range(self.draws), name="draw"))

    @property
    def country_ids(self) -> list[str]:
        """Country ids in file order."""
        return list(self.countries.index)

    def country_name(self, country: str) -> str:
        """A country's display name (its id if the file has none)."""
        if country in self.countries.index:
            name = self.countries.at[country, "name"]
            if isinstance(name, str) and name:
                return name
        return country

    # -- series -----------------------------------------------------------------------------------------------
    def series(self, metric: str, group: str = "by_country") -> xr.DataArray:
        """One series, e.g. series('workers_held') or series('revenue_usd', 'global'): a DataArray with named
        dimensions and coordinates, units in .attrs['units']. KeyError naming the choices if there is none."""
        if group not in self.metrics or metric not in self.metrics[group]:
            known = ", ".join(self.metrics.get(group, [])) or "none"
            raise MissingSeriesError(self.path, f"has no series '{metric}' in /{group} (it has: {known})")
        key = (group, metric)
        if key not in self._cache:
            array = read_labelled(self.path, f"{group}/{metric}", self.coordinates)
            if "draw" in array.dims:
                # A run over a posterior: its (draw, replicate) runs as one replicate dimension numbered as the
                # tables number them (draw x replicates + replicate), each labelled with its draw, so that every
                # band across replicates covers the parameters' uncertainty and chance together.
                draws, per_draw = array.sizes["draw"], array.sizes["replicate"]
                rest = [d for d in array.dims if d not in ("draw", "replicate")]
                array = array.transpose("draw", "replicate", *rest)
                array = xr.DataArray(array.values.reshape((draws * per_draw,) + array.shape[2:]),
                                     dims=("replicate", *rest),
                                     coords={**{d: array.coords[d] for d in rest if d in array.coords},
                                             "replicate": np.arange(draws * per_draw),
                                             "draw": ("replicate", np.repeat(np.arange(draws), per_draw))},
                                     attrs=array.attrs, name=array.name)
            if "replicate" in array.dims and "replicate" in self.coordinates:
                # Only the complete replicates of an interrupted file (the rest are zeros), with their numbers.
                complete = self.coordinates["replicate"]
                array = array.isel(replicate=slice(0, len(complete))).assign_coords(replicate=complete)
            if self.full_scale and scales_with_run_scale(array.attrs.get("units", "")):
                array = (array.astype(float) / self.scale).assign_attrs(array.attrs)
            self._cache[key] = array
        return self._cache[key]

    def has_series(self, metric: str, group: str = "by_country") -> bool:
        """Whether the file holds that series."""
        return metric in self.metrics.get(group, [])

    def dataset(self, group: str = "by_country") -> xr.Dataset:
        """Every series of a group as one xarray.Dataset with named dimensions."""
        return xr.Dataset({metric: self.series(metric, group) for metric in self.metrics.get(group, [])},
                          attrs={"source_file": str(self.path), "scenario_name": self.name})

    # -- derived tables ---------------------------------------------------------------------------------------
    def step_of(self, date: pd.Timestamp) -> int:
        """The step whose days include `date`, clamped to the run."""
        steps = len(self.coordinates["time"])
        step = int((pd.Timestamp(date) - self.start_date).days // self.dt_days)
        return min(max(step, 0), steps - 1)

    def relocations(self) -> pd.DataFrame:
        """Operations that moved between countries: each arrival paired with the start of its move (same replicate and
        operator, the latest start at or before the arrival). Columns: replicate, operator, network, from_country,
        to_country, start_step, arrival_step, start_date, arrival_date, people_leaving, people_arriving, cost_usd.
        Moves still under way at the end of the run have no arrival and are left out."""
        columns = ["replicate", "operator", "network", "from_country", "to_country", "start_step", "arrival_step",
                   "start_date", "arrival_date", "people_leaving", "people_arriving", "cost_usd"]
        events = self.events
        starts = events[events["kind"] == "relocation_start"]
        arrivals = events[events["kind"] == "relocation_arrival"]
        if starts.empty or arrivals.empty:
            return pd.DataFrame(columns=columns)
        left = arrivals[["replicate", "operator", "network", "step", "date", "country", "count"]].rename(
            columns={"step": "arrival_step", "date": "arrival_date", "country": "to_country",
                     "count": "people_arriving"}).sort_values("arrival_step", kind="stable")
        right = starts[["replicate", "operator", "step", "date", "country", "count", "amount_usd"]].rename(
            columns={"step": "start_step", "date": "start_date", "country": "from_country", "count": "people_leaving",
                     "amount_usd": "cost_usd"}).sort_values("start_step", kind="stable")
        left["arrival_step"] = left["arrival_step"].astype(np.int64)
        right["start_step"] = right["start_step"].astype(np.int64)
        paired = pd.merge_asof(left, right, left_on="arrival_step", right_on="start_step",
                               by=["replicate", "operator"], direction="backward")
        paired = paired.dropna(subset=["start_step"])
        paired["start_step"] = paired["start_step"].astype(np.int64)
        return paired[columns].sort_values(["replicate", "arrival_step", "operator"], kind="stable").reset_index(
            drop=True)


def _read_events(f: _File, countries: list[str], networks: list[str], start: pd.Timestamp, dt_days: int,
                 replicates: int) -> pd.DataFrame:
    """The /events table as a DataFrame, enum kinds as names, indices as ids (None for -1), dates added."""
    columns = ["replicate", "step", "date", "kind", "country", "network", "operator", "count", "amount_usd"]
    dataset = f.get("events")
    if not isinstance(dataset, h5py.Dataset):
        return pd.DataFrame(columns=columns)
    rows = f.read(dataset)
    frame = pd.DataFrame({name: rows[name] for name in rows.dtype.names})
    kinds = h5py.check_enum_dtype(dataset.dtype["kind"]) if "kind" in rows.dtype.names else None
    if kinds:
        names = {value: name for name, value in kinds.items()}
        frame["kind"] = frame["kind"].map(names).fillna("unknown")
    frame["kind"] = frame["kind"].astype(str)

    def ids(column: str, table: list[str]) -> None:
        if column in frame:
            lookup = dict(enumerate(table))
            frame[column] = frame[column].map(lambda index: lookup.get(int(index)))

    ids("country", countries)
    ids("network", networks)
    frame["date"] = start + pd.to_timedelta(frame["step"].astype(np.int64) * dt_days, unit="D")
    if "replicate" in frame:
        frame = frame[frame["replicate"] < replicates]
    return frame[[c for c in columns if c in frame]].reset_index(drop=True)


def _read_operators(f: _File, coordinates: dict[str, np.ndarray], replicates: int) -> pd.DataFrame:
    """/operators/final as a DataFrame with the state enum, country, network and site decoded."""
    dataset = f.get("operators/final")
    if not isinstance(dataset, h5py.Dataset):
        return pd.DataFrame()
    rows = f.read(dataset)
    frame = pd.DataFrame({name: rows[name] for name in rows.dtype.names})
    if "state" in frame:
        states = h5py.check_enum_dtype(dataset.dtype["state"])
        if states:
            frame["state"] = frame["state"].map({v: k for k, v in states.items()}).fillna("unknown")
    for column in ("country", "network", "site"):
        table = coordinates.get(column)
        if column in frame and table is not None:
            lookup = dict(enumerate(table))
            frame[column] = frame[column].map(lambda index, lookup=lookup: lookup.get(int(index)))
    if "replicate" in frame:
        frame = frame[frame["replicate"] < replicates]
    return frame.reset_index(drop=True)


def _read_scenario_events(f: _File, country_names: dict[str, str]) -> list[ScenarioEvent]:
    """The scenario's events from /scenario_event, in date order: a table of rows (schema 2, kinds named by its
    enum) or 'YYYY-MM-DD kind target' strings (schema 1)."""
    dataset = f.get("scenario_event")
    if not isinstance(dataset, h5py.Dataset) or dataset.shape in ((), (0,)):
        return []
    values = f.read(dataset)
    events = []
    if dataset.dtype.names is None:  # schema 1
        for number, label in enumerate(_strings(values), start=1):
            parts = str(label).split(" ", 2)
            try:
                date = pd.Timestamp(parts[0])
            except ValueError:
                continue
            kind, target = (parts[1] if len(parts) > 1 else ""), (parts[2] if len(parts) > 2 else "")
            names = [country_names.get(c, c) for c in target.split("+")] if target else []
            events.append(ScenarioEvent(number=number, date=date, kind=kind, target=target, label=str(label),
                                        headline=_fallback_headline(kind, names)))
        return events
    kinds = {code: name for name, code in (h5py.check_enum_dtype(dataset.dtype["kind"]) or {}).items()}
    for number, row in enumerate(values, start=1):
        text = {name: _strings(np.array([row[name]]))[0] for name in ("date", "target", "id", "fields", "headline")}
        try:
            date = pd.Timestamp(text["date"])
        except ValueError:
            continue
        kind = kinds.get(int(row["kind"]), f"kind {int(row['kind'])}")
        events.append(ScenarioEvent(number=number, date=date, kind=kind, target=text["target"],
                                    label=_label(date, kind, text["target"]), id=text["id"],
                                    fields=_parse_fields(text["fields"]), headline=text["headline"]))
    return events


def _read_countries(f: _File, ids: list[str]) -> pd.DataFrame:
    """Country names and positions from the file, filled in from analysis/countries.csv where the file lacks them."""
    table = pd.DataFrame(index=pd.Index(ids, name="country"))
    for column, name in (("name", "country_name"), ("latitude_deg", "latitude_deg"),
                         ("longitude_deg", "longitude_deg")):
        dataset = f.get(name)
        if isinstance(dataset, h5py.Dataset) and dataset.shape == (len(ids),):
            values = f.read(dataset)
            table[column] = _strings(values) if values.dtype.kind in "SOU" else values.astype(float)
    fallback = fallback_countries()
    for column in ("name", "latitude_deg", "longitude_deg"):
        if column not in table:
            table[column] = None if column == "name" else np.nan
        known = table.index.intersection(fallback.index)
        missing = table.loc[known, column].isna()
        table.loc[known[missing.to_numpy()], column] = fallback.loc[known[missing.to_numpy()], column]
    table["name"] = [name if isinstance(name, str) and name else cid.replace("_", " ").title()
                     for cid, name in zip(table.index, table["name"])]
    return table


def _groups(f: _File, names: tuple[str, ...]) -> dict[str, list[str]]:
    """The data in each of the named groups, in file order: the datasets but the group's own coordinates."""
    metrics = {}
    for group in names:
        obj = f.get(group)
        if isinstance(obj, h5py.Group):
            metrics[group] = [name for name, item in obj.items()
                              if isinstance(item, h5py.Dataset) and not _is_scale(item)]
    return metrics


def read_run(path: str | Path) -> RunResult:
    """Reads a run file's metadata and tables (series are read when asked for). ResultFileError if it is not a
    complete, readable scamsim run file."""
    path = Path(path)
    with opened(path, "run") as (f, attrs):
        # Everything `scamsim summary` checks, before anything is used: a file it refuses is refused here too.
        written = check_run_file(path, f.handle, attrs)
        # A run over a posterior holds draws x replicates runs (series() joins its two dimensions).
        replicates = int(attrs["replicates"]) * max(int(attrs.get("draws", 0)), 1)
        coordinates = _coordinates(f)
        for name in ("time", "country", "replicate"):
            if name not in coordinates:
                coordinates[name] = _coordinate_values(f.dataset(name))
        if int(attrs.get("draws", 0)):
            coordinates["replicate"] = np.arange(replicates)
        warnings = []
        if written < replicates:
            warnings.append(f"{path}: only {written} of {replicates} replicates were written (an interrupted run); "
                            f"using those {written}")
            coordinates["replicate"] = coordinates["replicate"][:written]
        start = pd.Timestamp(attrs["start_date"])
        if coordinates["time"].dtype.kind != "M":
            coordinates["time"] = (start + pd.to_timedelta(coordinates["time"].astype(np.int64), unit="D")).to_numpy()
        countries = [str(c) for c in coordinates["country"]]
        networks = [str(n) for n in coordinates.get("network", [])]
        country_table = _read_countries(f, countries)
        return RunResult(
            path=path,
            attrs=attrs,
            coordinates=coordinates,
            countries=country_table,
            scenario_events=_read_scenario_events(f, dict(country_table["name"])),
            events=_read_events(f, countries, networks, start, int(attrs.get("dt_days", 1)), written),
            operators=_read_operators(f, coordinates, written),
            metrics=_groups(f, ("by_country", "global")),
            warnings=warnings,
        )
