"""Reading scamsim result files (run and sweep) into labelled tables.

Everything here looks datasets up by name and labels their axes by the HDF5
dimension scales attached to them (docs/OUTPUT.md), never by position, so a
new series or a reordered dimension in a later file does not break it.

    >>> from scamsim_analysis import open_result
    >>> run = open_result("out.h5")                 # a RunResult (or a SweepResult)
    >>> held = run.series("workers_held")           # xarray.DataArray (replicate, time, country)
    >>> held.median("replicate").sel(country="cambodia").to_pandas()
    >>> run.events.head()                            # pandas.DataFrame, kinds and countries decoded

Errors in the input (a missing file, a file that is not HDF5 or not a
scamsim result, a truncated file, a newer schema) raise ResultFileError,
whose message names the file and what is wrong.
"""

from __future__ import annotations

import dataclasses
import re
import tomllib
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, Iterator, Sequence

import h5py
import numpy as np
import pandas as pd
import xarray as xr

from .countries import fallback_countries
from .errors import MissingSeriesError, ResultFileError
from .validate import check_run_file, open_regular_file

#: The newest result schema version this package reads (docs/OUTPUT.md, section 6).
SUPPORTED_SCHEMA_VERSION = 2

#: HDF5 bookkeeping attributes of dimension scales, not worth showing to a reader.
_BOOKKEEPING_ATTRIBUTES = {"DIMENSION_LIST", "DIMENSION_LABELS", "REFERENCE_LIST", "CLASS", "NAME", "_Netcdf4Dimid",
                           "_Netcdf4Coordinates", "_nc3_strict"}

#: Units of the series and outcomes that count people, operations, raids or money: they shrink with run.scale
#: (docs/MODEL.md section 5), so at_full_scale() divides them by it, as `scamsim sweep` does for its outcomes
#: (docs/SWEEPS.md section 4). Shares ('1') and per-operation sizes ('people/operation') do not shrink.
_EXTENSIVE_UNITS = re.compile(r"^(people|operations|raids|USD)(/(step|year|day|month))?$")

_TIME_UNITS = re.compile(r"^\s*(days|hours|minutes|seconds)\s+since\s+(\d{4}-\d{2}-\d{2})", re.IGNORECASE)


# ----------------------------------------------------------------------------------------------------------------
# Small decoding helpers
# ----------------------------------------------------------------------------------------------------------------


def decode(value: Any) -> Any:
    """An attribute or scalar as plain Python: bytes become str, numpy scalars Python numbers, arrays lists."""
    if isinstance(value, bytes):
        return value.decode("utf-8", errors="replace")
    if isinstance(value, np.ndarray):
        if value.shape == ():
            return decode(value[()])
        return [decode(item) for item in value.tolist()]
    if isinstance(value, np.generic):
        return value.item()
    return value


def _strings(values: np.ndarray) -> np.ndarray:
    """An array of HDF5 strings (bytes or str) as an array of Python str."""
    return np.array([v.decode("utf-8", errors="replace") if isinstance(v, bytes) else str(v) for v in values.ravel()],
                    dtype=object).reshape(values.shape)


def _attributes(obj: h5py.HLObject) -> dict[str, Any]:
    """The attributes of a dataset or group, decoded, without dimension-scale bookkeeping."""
    return {name: decode(value) for name, value in obj.attrs.items() if name not in _BOOKKEEPING_ATTRIBUTES}


def _decode_time(values: np.ndarray, units: str) -> np.ndarray | None:
    """CF-style "days since YYYY-MM-DD" offsets as datetime64[ns]; None if the units are not of that form."""
    match = _TIME_UNITS.match(units or "")
    if not match:
        return None
    unit = {"days": "D", "hours": "h", "minutes": "min", "seconds": "s"}[match.group(1).lower()]
    start = pd.Timestamp(match.group(2))
    return (start + pd.to_timedelta(np.asarray(values, dtype=np.int64), unit=unit)).to_numpy()


def scales_with_run_scale(units: str) -> bool:
    """Whether a series or outcome with these units counts people, operations, raids or money (and so shrinks with
    run.scale), rather than being a share, a rate per operation or a level."""
    return bool(_EXTENSIVE_UNITS.match(str(units or "").strip()))


def scenario_scale(toml_text: str) -> float:
    """run.scale of a resolved scenario's TOML text (1 if it does not say)."""
    try:
        value = tomllib.loads(toml_text or "").get("run", {}).get("scale", 1.0)
    except tomllib.TOMLDecodeError:
        match = re.search(r"^\[run\][^\[]*?^scale\s*=\s*([0-9.eE+-]+)", toml_text or "", re.MULTILINE | re.DOTALL)
        value = match.group(1) if match else 1.0
    try:
        scale = float(value)
    except (TypeError, ValueError):
        return 1.0
    return scale if np.isfinite(scale) and scale > 0 else 1.0


def _is_scale(dataset: h5py.Dataset) -> bool:
    """Whether a dataset is an HDF5 dimension scale (its CLASS attribute, as H5DS sets it)."""
    return decode(dataset.attrs.get("CLASS", b"")) == "DIMENSION_SCALE"


def _scale_name(scale: h5py.Dataset) -> str:
    """A dimension scale's name: its NAME attribute (set by H5DS), else the last part of its path."""
    name = decode(scale.attrs.get("NAME", b""))
    if isinstance(name, str) and name and not name.startswith("This is a netCDF dimension"):
        return name
    return scale.name.rsplit("/", 1)[-1]


def _coordinate_values(scale: h5py.Dataset) -> np.ndarray:
    """A dimension scale's values: decoded strings, dates for a CF time axis, numbers as stored."""
    values = scale[()]
    if values.dtype.kind in ("S", "O", "U"):
        return _strings(values)
    units = decode(scale.attrs.get("units", ""))
    if isinstance(units, str) and values.dtype.kind in "iuf":
        dates = _decode_time(values, units)
        if dates is not None:
            return dates
    return values


@dataclass
class _File:
    """An open HDF5 file and the path it came from, so that every error can name the file."""

    path: Path
    handle: h5py.File

    def get(self, name: str) -> h5py.Dataset | h5py.Group | None:
        """The object at `name`, or None."""
        try:
            return self.handle.get(name)
        except (OSError, RuntimeError, KeyError) as error:
            raise ResultFileError(self.path, f"cannot read '{name}' (the file may be damaged or truncated): {error}")

    def dataset(self, name: str) -> h5py.Dataset:
        """The dataset at `name`; ResultFileError naming it if it is missing or not a dataset."""
        obj = self.get(name)
        if not isinstance(obj, h5py.Dataset):
            raise ResultFileError(self.path, f"has no dataset '/{name.lstrip('/')}' (is it a complete scamsim result?)")
        return obj

    def read(self, dataset: h5py.Dataset) -> np.ndarray:
        """All of a dataset's values; a read error becomes a ResultFileError naming the dataset."""
        try:
            return dataset[()]
        except (OSError, RuntimeError, ValueError) as error:
            raise ResultFileError(self.path, f"cannot read '{dataset.name}' (the file may be damaged or truncated): "
                                  f"{error}")

    def dimension_names(self, dataset: h5py.Dataset) -> list[str]:
        """The name of each dimension of a dataset, from the scale attached to it (or, failing that, its label)."""
        names = []
        try:
            dims = list(dataset.dims)
        except (OSError, RuntimeError) as error:
            raise ResultFileError(self.path, f"cannot read the dimensions of '{dataset.name}': {error}")
        for index, dim in enumerate(dims):
            scales = list(dim.values())
            if scales:
                names.append(_scale_name(scales[0]))
            elif _is_scale(dataset):
                names.append(_scale_name(dataset))
            elif dim.label:
                names.append(dim.label)
            else:
                raise ResultFileError(self.path, f"dimension {index} of '{dataset.name}' has no dimension scale "
                                      "attached and no label, so it cannot be labelled")
        return names

    def labelled(self, name: str, coordinates: dict[str, np.ndarray]) -> xr.DataArray:
        """A dataset as an xarray.DataArray whose dimensions are named by their scales, with the coordinates'
        values, the dataset's attributes (units, description, ...) and its name."""
        dataset = self.dataset(name)
        dims = self.dimension_names(dataset)
        values = self.read(dataset)
        if values.dtype.kind == "S" or (values.dtype.kind == "O" and h5py.check_string_dtype(dataset.dtype)):
            values = _strings(values)
        coords = {dim: coordinates[dim] for dim in dims if dim in coordinates
                  and len(coordinates[dim]) == values.shape[dims.index(dim)]}
        return xr.DataArray(values, dims=dims, coords=coords, attrs=_attributes(dataset),
                            name=dataset.name.rsplit("/", 1)[-1])


def _open(path: str | Path) -> h5py.File:
    """Opens a file read-only, turning every way it can fail into a ResultFileError that says why."""
    path = Path(path)
    signature = open_regular_file(path)  # a FIFO or a file of /proc is refused here, not waited on
    if not h5py.is_hdf5(str(path)):
        what = "a text file" if signature[:1].isascii() and signature.isascii() else "some other kind of file"
        raise ResultFileError(path, f"is not an HDF5 file ({what}), so not a scamsim result file")
    try:
        return h5py.File(path, "r")
    except OSError as error:
        text = str(error)
        if "truncated" in text:
            raise ResultFileError(path, "is truncated: the file is shorter than its HDF5 header says (an interrupted "
                                  "run, copy or download?); run it again or copy it again")
        raise ResultFileError(path, f"cannot be opened as HDF5 (damaged?): {text}")


def _check_schema(f: _File, attrs: dict[str, Any]) -> None:
    """Refuses a file that is not a scamsim result or whose schema is newer than this package reads."""
    if "scamsim_version" not in attrs:
        raise ResultFileError(f.path, "is an HDF5 file but not a scamsim result (it has no 'scamsim_version' root "
                              "attribute)")
    version = attrs.get("schema_version")
    if not isinstance(version, int):
        raise ResultFileError(f.path, "is not a scamsim result file: its 'schema_version' root attribute is missing "
                              "or not a whole number")
    if version < 1:
        raise ResultFileError(f.path, f"is not a scamsim result file: schema_version {version} is not a version")
    if version > SUPPORTED_SCHEMA_VERSION:
        raise ResultFileError(f.path, f"was written with result schema version {version} by scamsim "
                              f"{attrs.get('scamsim_version')}; this analysis reads versions up to "
                              f"{SUPPORTED_SCHEMA_VERSION}: use the analysis/ of that scamsim")


def file_kind(path: str | Path) -> str:
    """'run' or 'sweep': what kind of scamsim result the file is (ResultFileError if neither)."""
    handle = _open(path)
    try:
        return _kind(_File(Path(path), handle), _attributes(handle))
    finally:
        handle.close()


def _kind(f: _File, attrs: dict[str, Any]) -> str:
    """The file's kind from its `file_kind` attribute, or, in a run file written before that attribute existed, from
    its /by_country group and /replicate scale."""
    _check_schema(f, attrs)
    kind = attrs.get("file_kind")
    if kind in ("run", "sweep"):
        return kind
    if kind is not None:
        raise ResultFileError(f.path, f"has file_kind '{kind}'; this analysis reads 'run' and 'sweep' files")
    if isinstance(f.get("by_country"), h5py.Group) and isinstance(f.get("replicate"), h5py.Dataset):
        return "run"
    raise ResultFileError(f.path, "is a scamsim file but neither a run result (no /by_country group and /replicate "
                          "scale) nor a sweep result (no file_kind = 'sweep')")


def _coordinates(f: _File) -> dict[str, np.ndarray]:
    """Every dimension scale at the root (time, country, replicate, run, parameter, ...), by name, decoded."""
    coordinates: dict[str, np.ndarray] = {}
    for name, obj in f.handle.items():
        if isinstance(obj, h5py.Dataset) and _is_scale(obj):
            coordinates[_scale_name(obj)] = _coordinate_values(obj) if obj.shape != () else np.array([])
    return coordinates


# ----------------------------------------------------------------------------------------------------------------
# Run files
# ----------------------------------------------------------------------------------------------------------------


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
class RunResult:
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
        """The run's run.scale (0.1: a 10% world), from its resolved scenario."""
        return scenario_scale(self.scenario_toml)

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
    def seed(self) -> int:
        """The run's seed."""
        return int(self.attrs.get("seed", -1))

    @property
    def version(self) -> str:
        """'scamsim X.Y.Z (commit C)': what wrote the file."""
        return f"scamsim {self.attrs.get('scamsim_version', '?')} (commit {self.attrs.get('git_commit', '?')})"

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
            handle = _open(self.path)
            try:
                array = _File(self.path, handle).labelled(f"{group}/{metric}", self.coordinates)
            except (OSError, RuntimeError, ValueError) as error:
                raise ResultFileError(self.path, f"cannot read '/{group}/{metric}' (damaged?): {error}")
            finally:
                handle.close()
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
    """The datasets in each of the named groups, in file order."""
    metrics = {}
    for group in names:
        obj = f.get(group)
        if isinstance(obj, h5py.Group):
            metrics[group] = [name for name, item in obj.items() if isinstance(item, h5py.Dataset)]
    return metrics


def read_run(path: str | Path) -> RunResult:
    """Reads a run file's metadata and tables (series are read when asked for). ResultFileError if it is not a
    complete, readable scamsim run file."""
    path = Path(path)
    handle = _open(path)
    f = _File(path, handle)
    try:
        attrs = _attributes(handle)
        kind = _kind(f, attrs)
        if kind != "run":
            raise ResultFileError(path, f"is a scamsim {kind} file, not a run file")
        # Everything `scamsim summary` checks, before anything is used: a file it refuses is refused here too.
        written = check_run_file(path, handle, attrs)
        replicates = int(attrs["replicates"])
        coordinates = _coordinates(f)
        for name in ("time", "country", "replicate"):
            if name not in coordinates:
                coordinates[name] = _coordinate_values(f.dataset(name))
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
    except (OSError, RuntimeError, ValueError) as error:
        raise ResultFileError(path, f"cannot be read (damaged or truncated?): {error}")
    finally:
        handle.close()


# ----------------------------------------------------------------------------------------------------------------
# Sweep files
# ----------------------------------------------------------------------------------------------------------------


@dataclass
class SweepResult:
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
    def seed(self) -> int:
        """The sweep's seed."""
        return int(self.attrs.get("seed", -1))

    @property
    def version(self) -> str:
        """'scamsim X.Y.Z (commit C)': what wrote the file."""
        return f"scamsim {self.attrs.get('scamsim_version', '?')} (commit {self.attrs.get('git_commit', '?')})"

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
            handle = _open(self.path)
            try:
                self._cache[key] = _File(self.path, handle).labelled(f"{group}/{metric}", self.coordinates)
            finally:
                handle.close()
        return self._cache[key]

    @property
    def scale(self) -> float:
        """The base scenario's run.scale (the runs' own, unless the sweep varies run.scale)."""
        return scenario_scale(self.scenario_toml)

    def run_scales(self) -> pd.Series:
        """Each run's run.scale: the parameter's value where the sweep varies it, else the base scenario's."""
        if "run.scale" in self.values:
            return self.values["run.scale"].astype(float)
        return pd.Series(self.scale, index=self.runs.index, dtype=float)

    def series_at_full_scale(self, metric: str, group: str = "by_country") -> xr.DataArray:
        """series(), with series of people, operations, raids and money divided by each run's run.scale (kept
        series are stored at the runs' scale, outcomes at scale 1: docs/SWEEPS.md section 4)."""
        array = self.series(metric, group)
        if not scales_with_run_scale(array.attrs.get("units", "")):
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
    handle = _open(path)
    f = _File(path, handle)
    try:
        attrs = _attributes(handle)
        kind = _kind(f, attrs)
        if kind != "sweep":
            raise ResultFileError(path, f"is a scamsim {kind} file, not a sweep file")
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
            names = h5py.check_enum_dtype(status_set.dtype) or {"pending": 0, "done": 1, "failed": 2}
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
            outcome_names += [name for name in group if name not in outcome_names]
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
        for name, item in handle.items():
            if (isinstance(item, h5py.Dataset) and not _is_scale(item) and item.ndim == 1
                    and f.dimension_names(item) == ["parameter"]):
                values_along = f.labelled(name, coordinates).to_pandas()
                parameter_info[name.removeprefix("parameter_")] = values_along.reindex(parameters).to_numpy()
        sensitivity = None
        group = f.get("sensitivity")
        if isinstance(group, h5py.Group):
            arrays = {}
            for name, item in group.items():
                if isinstance(item, h5py.Dataset):
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
    except (OSError, RuntimeError, ValueError) as error:
        raise ResultFileError(path, f"cannot be read (damaged or truncated?): {error}")
    finally:
        handle.close()


def open_result(path: str | Path) -> RunResult | SweepResult:
    """Reads a run or sweep file, whichever it is."""
    return read_run(path) if file_kind(path) == "run" else read_sweep(path)


def iter_results(paths: list[str | Path]) -> Iterator[RunResult | SweepResult]:
    """open_result() for each path, in order."""
    for path in paths:
        yield open_result(path)
