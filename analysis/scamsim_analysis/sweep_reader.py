"""Reading scamsim sweep files (`scamsim sweep`) into SweepResult (docs/SWEEPS.md)."""

from __future__ import annotations

import tomllib
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import h5py
import numpy as np
import pandas as pd
import xarray as xr

from .countries import fallback_countries
from .errors import MissingSeriesError, ResultFileError
from .result_file import (FileMetadata, _attributes, _coordinate_values, _coordinates, _File, _is_scale, decode, opened,
                          read_labelled, file_scale, scales_with_run_scale)
from .run_reader import ScenarioEvent, _fallback_headline, _groups, _label

@dataclass
class SweepResult(FileMetadata):
    """A scamsim sweep file: the design (one row per run), the outcomes of every run, and, for Saltelli and Morris
    designs, the sensitivity indices. Optional parts (/by_country series, /sensitivity) are None or empty when the
    file does not have them.
    """

    path: Path
    attrs: dict[str, Any]
    coordinates: dict[str, np.ndarray]
    parameters: list[str]  #: scenario key paths, e.g. 'events.aftercare.budget_usd_per_year'
    outcome_names: list[str]
    runs: pd.DataFrame  #: index run; columns point, replicate, seed, status ('pending'|'done'|'failed'), message
    values: pd.DataFrame  #: index run, one column per parameter: the value each run used
    unit: pd.DataFrame  #: index run, one column per parameter: the unit-cube coordinate
    outcomes: pd.DataFrame  #: index run, one column per outcome (NaN where the run is not done)
    outcome_info: pd.DataFrame  #: index outcome; columns units, description, definition
    parameter_info: pd.DataFrame  #: index parameter; columns from root datasets along /parameter (units, ...)
    sensitivity: xr.Dataset | None  #: (outcome, parameter) indices; attrs method, confidence, bootstrap
    metrics: dict[str, list[str]]
    warnings: list[str] = field(default_factory=list)
    country_names: dict[str, str] = field(default_factory=dict)  #: country id -> name (/country_name, if kept)
    _cache: dict[tuple[str, str], xr.DataArray] = field(default_factory=dict, repr=False)

    kind = "sweep"

    def country_name(self, country: str) -> str:
        """A country's display name (from the file, else analysis/countries.csv, else its id)."""
        name = self.country_names.get(country)
        if not name:
            fallback = fallback_countries()
            name = fallback.at[country, "name"] if country in fallback.index else ""
        return str(name) if isinstance(name, str) and name else country.replace("_", " ").title()

    @property
    def scenario_events(self) -> list[ScenarioEvent]:
        """The base scenario's events (from base_scenario_toml), in date order, leaving out those whose date the
        sweep varies (a parameter `events.<id or position>.date`): they happen on another day in each run."""
        try:
            document = tomllib.loads(self.scenario_toml)
        except tomllib.TOMLDecodeError:
            return []
        varied = {p.split(".")[1] for p in self.parameters if p.startswith("events.") and p.endswith(".date")}
        found = []
        for position, event in enumerate(document.get("events", [])):
            if not isinstance(event, dict) or "date" not in event or str(event.get("id", "")) in varied \
                    or str(position) in varied:
                continue
            kind = str(event.get("kind", ""))
            if isinstance(event.get("countries"), list) and event["countries"]:  # several countries, e.g. sharing
                target = "+".join(str(c) for c in event["countries"])
            else:
                target = str(event.get("network") or event.get("country") or "")
            try:
                date = pd.Timestamp(str(event["date"]))
            except ValueError:
                continue
            found.append((date, kind, target))
        found.sort(key=lambda e: (e[0], e[1], e[2]))
        # Sweep files keep no table of the base scenario's events, so no headline: the kind and the target's names.
        networks = document.get("networks", {}) if isinstance(document.get("networks"), dict) else {}

        def target_names(target: str) -> list[str]:
            if target in networks and isinstance(networks[target], dict):
                return [str(networks[target].get("name", target))]
            return [self.country_name(c) for c in target.split("+")] if target else []

        return [ScenarioEvent(number=n, date=d, kind=k, target=g, label=_label(d, k, g),
                              headline=_fallback_headline(k, target_names(g)))
                for n, (d, k, g) in enumerate(found, start=1)]

    @property
    def name(self) -> str:
        """The sweep's name."""
        return str(self.attrs.get("sweep_name", self.path.stem))

    @property
    def design(self) -> str:
        """'grid', 'lhs', 'saltelli' or 'morris'."""
        return str(self.attrs.get("design", "unknown"))

    @property
    def scenario_toml(self) -> str:
        """The base scenario's text."""
        return str(self.attrs.get("base_scenario_toml", ""))

    def table(self) -> pd.DataFrame:
        """One row per run: its point, replicate, seed, status, parameter values and outcomes (a tidy table for
        plotting or a groupby)."""
        return self.runs.join(self.values).join(self.outcomes, rsuffix="_outcome")

    def done(self) -> pd.DataFrame:
        """table() limited to the runs that finished."""
        table = self.table()
        return table[table["status"] == "done"]

    def series(self, metric: str, group: str = "by_country") -> xr.DataArray:
        """An optional kept series (run, time, country), as RunResult.series; KeyError if the sweep kept none."""
        if metric not in self.metrics.get(group, []):
            raise MissingSeriesError(self.path, f"has no series '{metric}' in /{group} (the sweep kept: "
                                     f"{', '.join(self.metrics.get(group, [])) or 'none'})")
        key = (group, metric)
        if key not in self._cache:
            self._cache[key] = read_labelled(self.path, f"{group}/{metric}", self.coordinates)
        return self._cache[key]

    @property
    def scale(self) -> float:
        """The base scenario's run.scale (the runs' own, unless the sweep varies run.scale): the root attribute
        run_scale, or in files written before it existed, the base scenario's."""
        return file_scale(self.attrs, "run_scale", self.scenario_toml)

    def run_scales(self) -> pd.Series:
        """Each run's run.scale: the parameter's value where the sweep varies it, else the base scenario's."""
        if "run.scale" in self.values:
            return self.values["run.scale"].astype(float)
        return pd.Series(self.scale, index=self.runs.index, dtype=float)

    def series_at_full_scale(self, metric: str, group: str = "by_country") -> xr.DataArray:
        """series(), with series of people, operations, raids and money divided by each run's run.scale. Files of
        schema 3 on store them so (root attribute counts_at_scale = 1, as the outcomes); older files kept them at
        the runs' scale (docs/SWEEPS.md section 4)."""
        array = self.series(metric, group)
        if float(self.attrs.get("counts_at_scale", 0)) == 1 or not scales_with_run_scale(array.attrs.get("units", "")):
            return array
        scales = self.run_scales().reindex(array["run"].values).fillna(self.scale).to_numpy()
        return (array.astype(float) / xr.DataArray(scales, dims="run", coords={"run": array["run"]})).assign_attrs(
            array.attrs)

    def has_series(self, metric: str, group: str = "by_country") -> bool:
        """Whether the sweep kept that series."""
        return metric in self.metrics.get(group, [])

    def parameter_units(self, parameter: str) -> str:
        """A parameter's units as the file states them (/parameter_units), or '' if it does not."""
        if "units" in self.parameter_info and parameter in self.parameter_info.index:
            units = self.parameter_info.at[parameter, "units"]
            return str(units) if isinstance(units, str) else ""
        return ""


def _status_names(status: h5py.Dataset) -> dict[str, int]:
    """The code of each run status: CF flag_meanings and flag_values (schema 3 on), else the HDF5 enum of older
    files."""
    if "flag_meanings" in status.attrs and "flag_values" in status.attrs:
        meanings = str(decode(status.attrs["flag_meanings"])).split()
        return {name: int(code) for name, code in zip(meanings, status.attrs["flag_values"])}
    return h5py.check_enum_dtype(status.dtype) or {"pending": 0, "done": 1, "failed": 2}


def _run_by_parameter(f: _File, name: str, coordinates: dict[str, np.ndarray]) -> pd.DataFrame:
    """A [run, parameter] dataset as a DataFrame (index run, columns parameters), whatever its dimension order."""
    array = f.labelled(name, coordinates)
    if set(array.dims) != {"run", "parameter"}:
        raise ResultFileError(f.path, f"'/{name}' has dimensions {array.dims}, expected run and parameter")
    frame = array.transpose("run", "parameter").to_pandas()
    frame.columns = [str(c) for c in frame.columns]
    frame.columns.name = "parameter"
    return frame


def _run_vector(f: _File, name: str, coordinates: dict[str, np.ndarray]) -> pd.Series:
    """A [run] dataset as a Series indexed by run."""
    array = f.labelled(name, coordinates)
    if array.dims != ("run",):
        raise ResultFileError(f.path, f"'/{name}' has dimensions {array.dims}, expected (run,)")
    return array.to_pandas()


def read_sweep(path: str | Path) -> SweepResult:
    """Reads a sweep file: design, run status, outcomes, and the sensitivity indices and series if it has them.
    ResultFileError if it is not a readable scamsim sweep file."""
    path = Path(path)
    with opened(path, "sweep") as (f, attrs):
        coordinates = _coordinates(f)
        for name in ("run", "parameter", "outcome"):
            if name not in coordinates:
                dataset = f.get(name)
                if not isinstance(dataset, h5py.Dataset):
                    raise ResultFileError(path, f"is not a complete sweep file: it has no /{name} dimension scale")
                coordinates[name] = _coordinate_values(dataset)
        if "time" in coordinates and coordinates["time"].dtype.kind != "M" and "start_date" in attrs:
            start = pd.Timestamp(attrs["start_date"])
            coordinates["time"] = (start + pd.to_timedelta(coordinates["time"].astype(np.int64), unit="D")).to_numpy()
        parameters = [str(p) for p in coordinates["parameter"]]
        values = _run_by_parameter(f, "design/values", coordinates)
        unit = (_run_by_parameter(f, "design/unit", coordinates) if f.get("design/unit") is not None
                else pd.DataFrame(index=values.index))
        runs = pd.DataFrame(index=values.index)
        for column in ("point", "replicate", "seed"):
            if f.get(f"design/{column}") is not None:
                runs[column] = _run_vector(f, f"design/{column}", coordinates).astype(np.int64)
        if "point" not in runs:
            runs["point"] = np.arange(len(runs))
        if "replicate" not in runs:
            runs["replicate"] = 0
        status_set = f.get("design/status")
        if isinstance(status_set, h5py.Dataset):
            codes = _run_vector(f, "design/status", coordinates)
            names = _status_names(status_set)
            runs["status"] = codes.map({v: k for k, v in names.items()}).fillna("unknown").astype(str)
        else:
            runs["status"] = "done"
        if f.get("design/message") is not None:
            runs["message"] = _run_vector(f, "design/message", coordinates).astype(str)
        else:
            runs["message"] = ""
        outcome_names = [str(o) for o in coordinates["outcome"]]
        group = f.get("outcomes")
        if isinstance(group, h5py.Group):
            outcome_names += [name for name, item in group.items()
                              if name not in outcome_names and not (isinstance(item, h5py.Dataset) and _is_scale(item))]
        outcomes = pd.DataFrame(index=values.index)
        info = []
        for name in outcome_names:
            if f.get(f"outcomes/{name}") is None:
                continue
            series = _run_vector(f, f"outcomes/{name}", coordinates).astype(float)
            outcomes[name] = series.reindex(values.index)
            dataset_attrs = _attributes(f.dataset(f"outcomes/{name}"))
            info.append({"outcome": name, "units": str(dataset_attrs.get("units", "")),
                         "description": str(dataset_attrs.get("description", "")),
                         "definition": str(dataset_attrs.get("definition", ""))})
        outcome_info = pd.DataFrame(info, columns=["outcome", "units", "description", "definition"]).set_index(
            "outcome")
        outcomes.columns.name = "outcome"
        # Root datasets along /parameter (parameter_units, parameter_distribution, ...): "units", "distribution".
        parameter_info = pd.DataFrame(index=pd.Index(parameters, name="parameter"))
        for name, item in f.handle.items():
            if (isinstance(item, h5py.Dataset) and not _is_scale(item) and item.ndim == 1
                    and f.dimension_names(item) == ["parameter"]):
                values_along = f.labelled(name, coordinates).to_pandas()
                parameter_info[name.removeprefix("parameter_")] = values_along.reindex(parameters).to_numpy()
        sensitivity = None
        group = f.get("sensitivity")
        if isinstance(group, h5py.Group):
            arrays = {}
            for name, item in group.items():
                if isinstance(item, h5py.Dataset) and not _is_scale(item):
                    array = f.labelled(f"sensitivity/{name}", coordinates)
                    if set(array.dims) == {"outcome", "parameter"}:
                        arrays[name] = array.transpose("outcome", "parameter")
                    elif array.dims == ("outcome",):
                        arrays[name] = array
            sensitivity = xr.Dataset(arrays, attrs=_attributes(group))
        warnings = []
        failed = runs[runs["status"] == "failed"]
        if len(failed):
            warnings.append(f"{path}: {len(failed)} of {len(runs)} runs failed")
        if attrs.get("complete") == 0:
            done = int((runs["status"] == "done").sum())
            warnings.append(f"{path}: an unfinished sweep (in-progress file): {done} of {len(runs)} runs done")
        country_names = {}
        if "country" in coordinates and isinstance(f.get("country_name"), h5py.Dataset):
            names = f.labelled("country_name", coordinates)
            if names.dims == ("country",):
                country_names = {str(c): str(n) for c, n in zip(coordinates["country"], names.values)}
        return SweepResult(path=path, attrs=attrs, coordinates=coordinates, parameters=parameters,
                           outcome_names=list(outcomes.columns), runs=runs, values=values, unit=unit,
                           outcomes=outcomes, outcome_info=outcome_info, parameter_info=parameter_info,
                           sensitivity=sensitivity,
                           metrics=_groups(f, ("by_country", "global")), warnings=warnings,
                           country_names=country_names)
