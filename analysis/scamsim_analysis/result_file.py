"""What every scamsim HDF5 file shares: opening it (with an error that names the file and says why), the schema
and file-kind checks, dimension scales as coordinates, and attribute decoding. Used by the run, sweep and compare
readers (reader.py is the entry point)."""

from __future__ import annotations

import re
import tomllib
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path
from typing import Any, Iterator

import h5py
import numpy as np
import pandas as pd
import xarray as xr

from .errors import ResultFileError
from .heap_check import damaged_global_heap, read_checked
from .validate import open_regular_file

#: The newest result schema version this package reads (docs/OUTPUT.md, section 6).
SUPPORTED_SCHEMA_VERSION = 4

#: HDF5 bookkeeping attributes of dimension scales, not worth showing to a reader, and the CF fill value, which
#: the readers apply (_masked).
_BOOKKEEPING_ATTRIBUTES = {"DIMENSION_LIST", "DIMENSION_LABELS", "REFERENCE_LIST", "CLASS", "NAME", "_Netcdf4Dimid",
                           "_Netcdf4Coordinates", "_nc3_strict", "_FillValue"}

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
    """The attributes of a dataset or group, decoded, without dimension-scale bookkeeping. `units` are scamsim's
    words ('people', 'USD/step'): in files of schema 3 on the CF `units` are their UDUNITS form ('1') and the
    words are in `scamsim_units`, which this package reads as `units` (docs/OUTPUT.md section 3.7)."""
    attrs = {name: decode(value) for name, value in obj.attrs.items() if name not in _BOOKKEEPING_ATTRIBUTES}
    if "scamsim_units" in attrs:
        attrs["units"] = attrs.pop("scamsim_units")
    return attrs


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


def file_scale(attrs: dict[str, Any], attribute: str, toml_text: str) -> float:
    """run.scale as a file records it: its root attribute `attribute` (files since issue 13), else the scenario's."""
    if attribute in attrs:
        try:
            scale = float(attrs[attribute])
        except (TypeError, ValueError):
            scale = float("nan")
        if np.isfinite(scale) and scale > 0:
            return scale
    return scenario_scale(toml_text)


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


def _masked(values: np.ndarray, dataset: h5py.Dataset) -> np.ndarray:
    """Integer values with the dataset's CF _FillValue (never written: a sweep run not done, a replicate an
    interrupted run never stored) as NaN, in floats; anything else as it is."""
    fill = dataset.attrs.get("_FillValue")
    if fill is None or values.dtype.kind not in "iu":
        return values
    missing = values == fill
    return np.where(missing, np.nan, values.astype(float)) if missing.any() else values


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
    values = read_checked(scale)
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
        """All of a dataset's values, its heap IDs checked first; a read error becomes a ResultFileError naming the
        dataset."""
        try:
            return read_checked(dataset, self.path)
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
        values = _masked(values, dataset)
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
        handle = h5py.File(path, "r")
    except OSError as error:
        text = str(error)
        if "truncated" in text:
            raise ResultFileError(path, "is truncated: the file is shorter than its HDF5 header says (an interrupted "
                                  "run, copy or download?); run it again or copy it again")
        raise ResultFileError(path, f"cannot be opened as HDF5 (damaged?): {text}")
    # After the open, which finds a truncated file and says so; before any attribute or dataset is read, which is
    # where a damaged heap would crash HDF5 1.10.8 (and Python with it).
    damage = damaged_global_heap(path)
    if damage:
        handle.close()
        raise ResultFileError(path, f"is a damaged HDF5 file: {damage}")
    return handle


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
    """'run', 'sweep' or 'compare': what kind of scamsim result the file is (ResultFileError if none)."""
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
    if kind in ("run", "sweep", "compare"):
        return kind
    if kind is not None:
        raise ResultFileError(f.path, f"has file_kind '{kind}'; this analysis reads 'run', 'sweep' and 'compare' "
                              "files")
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


@contextmanager
def opened(path: Path, kind: str) -> Iterator[tuple[_File, dict[str, Any]]]:
    """Opens a scamsim file of one kind for a reader: yields the file and its decoded root attributes, refuses a file
    of another kind by name, turns a read error in the reader into a ResultFileError, and closes the file."""
    handle = _open(path)
    f = _File(path, handle)
    try:
        attrs = _attributes(handle)
        found = _kind(f, attrs)
        if found != kind:
            raise ResultFileError(path, f"is a scamsim {found} file, not a {kind} file")
        yield f, attrs
    except (OSError, RuntimeError, ValueError) as error:
        raise ResultFileError(path, f"cannot be read (damaged or truncated?): {error}")
    finally:
        handle.close()


def read_labelled(path: Path, name: str, coordinates: dict[str, np.ndarray]) -> xr.DataArray:
    """One dataset of a file, labelled by its scales (_File.labelled), read when asked for: a series of a run or
    sweep file."""
    handle = _open(path)
    try:
        return _File(path, handle).labelled(name, coordinates)
    except (OSError, RuntimeError, ValueError) as error:
        raise ResultFileError(path, f"cannot read '/{name}' (damaged?): {error}")
    finally:
        handle.close()


class FileMetadata:
    """What every result (run, sweep, compare) reads alike from its root attributes, `attrs`."""

    attrs: dict[str, Any]

    @property
    def seed(self) -> int:
        """The seed the file's runs derive from (the run's, the sweep's, or the pairs' shared run.seed)."""
        return int(self.attrs.get("seed", -1))

    @property
    def version(self) -> str:
        """'scamsim X.Y.Z (commit C)': what wrote the file."""
        return f"scamsim {self.attrs.get('scamsim_version', '?')} (commit {self.attrs.get('git_commit', '?')})"
