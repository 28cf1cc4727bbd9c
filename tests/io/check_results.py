#!/usr/bin/python3
"""Checks that a scamsim result file opens as docs/OUTPUT.md promises in the
readers analysts use: h5py, and xarray with the h5netcdf engine (and ncdump,
when it is installed). Run by ctest on a file the simulation wrote.

Usage: check_results.py RESULTS.h5

Exits 0 if every check passes; otherwise prints each failure and exits 1
(2 for a usage error or a missing Python package).
"""

import re
import shutil
import subprocess
import sys

try:
    import h5py
    import numpy as np
    import xarray as xr
except ImportError as error:  # the checks need all three; say which is missing
    print(f"check_results.py: {error} (Debian: python3-h5py python3-xarray python3-h5netcdf)", file=sys.stderr)
    sys.exit(2)

ROOT_ATTRIBUTES = ("scamsim_version", "git_commit", "schema_version", "created_utc", "seed", "replicates",
                   "replicates_written", "start_date", "dt_days", "steps", "scenario_name", "scenario_toml",
                   "command_line")
SERIES_DIMS = {"by_country": ("replicate", "time", "country"), "global": ("replicate", "time")}


SCENARIO_EVENT_FIELDS = ("date", "day", "kind", "target", "id", "fields", "headline")


def check_scenario_events(f, fail):
    """/scenario_event: a table of the scenario's events whose kinds are an enum, read without custom code."""
    table = f.get("scenario_event")
    if table is None:
        fail("/scenario_event is missing")
        return
    if table.dtype.names != SCENARIO_EVENT_FIELDS:
        fail(f"/scenario_event has fields {table.dtype.names}, expected {SCENARIO_EVENT_FIELDS}")
        return
    kinds = h5py.check_enum_dtype(table.dtype["kind"])
    if not kinds:
        fail("/scenario_event field 'kind' is not an enum")
        return
    names = {code: name for name, code in kinds.items()}
    start = np.datetime64(f.attrs["start_date"].decode(), "D")
    for number, row in enumerate(table[:]):
        date = row["date"].decode()
        if np.datetime64(date, "D") - start != np.timedelta64(int(row["day"]), "D"):
            fail(f"/scenario_event row {number}: day {row['day']} is not {date}")
        if int(row["kind"]) not in names:
            fail(f"/scenario_event row {number}: kind code {row['kind']} has no name")
        if not row["headline"] or not row["fields"]:
            fail(f"/scenario_event row {number}: no headline or no fields")
        pairs = [part.split("=") for part in row["fields"].decode().split("; ")]
        if any(len(pair) != 2 or not pair[0] for pair in pairs):
            fail(f"/scenario_event row {number}: fields {row['fields']!r} are not 'key=value; ...'")


def main(argv):
    if len(argv) != 2:
        print(__doc__.strip(), file=sys.stderr)
        return 2
    path = argv[1]
    failures = []

    def fail(message):
        failures.append(message)

    # h5py: the HDF5 view.
    try:
        with h5py.File(path, "r") as f:
            for name in ROOT_ATTRIBUTES:
                if name not in f.attrs:
                    fail(f"root attribute '{name}' is missing")
            if f.attrs.get("replicates_written") != f.attrs.get("replicates"):
                fail("the file is incomplete: replicates_written != replicates")
            steps, replicates = int(f.attrs.get("steps", -1)), int(f.attrs.get("replicates", -1))
            countries = f["country"].shape[0] if "country" in f else -1
            for coordinate in ("time", "country", "replicate"):
                if coordinate not in f:
                    fail(f"coordinate /{coordinate} is missing")
                elif f.get(f"coords/{coordinate}") != f[coordinate]:
                    fail(f"/coords/{coordinate} is not the same dataset as /{coordinate}")
            shapes = {"by_country": (replicates, steps, countries), "global": (replicates, steps)}
            for group, dims in SERIES_DIMS.items():
                if group not in f or len(f[group]) == 0:
                    fail(f"group /{group} is missing or empty")
                    continue
                for dim in dims:  # schema 3: each group has its own copy of its coordinates
                    copy = f[group].get(dim)
                    if copy is None or not h5py.h5ds.is_scale(copy.id) or list(copy[:]) != list(f[dim][:]):
                        fail(f"/{group}/{dim} is not a dimension scale holding the values of /{dim}")
                for name, dataset in f[group].items():
                    where = f"/{group}/{name}"
                    if name in dims:
                        continue
                    if dataset.shape != shapes[group]:
                        fail(f"{where} has shape {dataset.shape}, expected {shapes[group]}")
                    if dataset.dtype not in (np.dtype("int64"), np.dtype("float64")):
                        fail(f"{where} holds {dataset.dtype}, not int64 or float64")
                    for attribute in ("units", "description", "long_name"):
                        if attribute not in dataset.attrs:
                            fail(f"{where} has no '{attribute}' attribute")
                    labels = tuple(dim.label for dim in dataset.dims)
                    if labels != dims:
                        fail(f"{where} has dimension labels {labels}, expected {dims}")
                    for index, dim in enumerate(dims):
                        scales = [scale.name for scale in dataset.dims[index].values()]
                        if f"/{group}/{dim}" not in scales:
                            fail(f"{where} dimension {index} has no /{group}/{dim} scale attached (has {scales})")
            if "events" in f and h5py.check_enum_dtype(f["events"].dtype["kind"]) is None:
                fail("/events field 'kind' is not an enum")
            check_scenario_events(f, fail)
    except (OSError, KeyError, ValueError) as error:
        fail(f"h5py could not read the file: {error}")

    # xarray: every group opens with named dimensions.
    try:
        root = xr.open_dataset(path, engine="h5netcdf")
        for coordinate in ("time", "country", "replicate", "event"):
            if coordinate not in root.coords:
                fail(f"xarray: the root has no '{coordinate}' coordinate")
        if "time" in root.coords and not np.issubdtype(root["time"].dtype, np.datetime64):
            fail(f"xarray: time decodes to {root['time'].dtype}, not dates (check time@units)")
        for group, dims in SERIES_DIMS.items():
            ds = xr.open_dataset(path, engine="h5netcdf", group=group)
            if not ds.data_vars:
                fail(f"xarray: group '{group}' has no variables")
            for dim in dims:
                if dim not in ds.coords:
                    fail(f"xarray: group '{group}' has no '{dim}' coordinate of its own")
            for name, variable in ds.data_vars.items():
                if variable.dims != dims:
                    fail(f"xarray: {group}/{name} has dims {variable.dims}, expected {dims}")
                if "units" not in variable.attrs:
                    fail(f"xarray: {group}/{name} has no units")
            ds.close()
        operators = xr.open_dataset(path, engine="h5netcdf", group="operators")
        if operators["final"].dims != ("final_operator",):
            fail(f"xarray: operators/final has dims {operators['final'].dims}")
        operators.close()
        root.close()
    except Exception as error:  # any failure to open is what this check is for
        fail(f"xarray (h5netcdf) could not open the file: {type(error).__name__}: {error}")

    # ncdump: the netCDF-C view, where it is installed.
    ncdump = shutil.which("ncdump")
    if ncdump:
        result = subprocess.run([ncdump, "-h", path], capture_output=True, text=True)
        if result.returncode != 0:
            fail(f"ncdump -h failed: {result.stderr.strip()}")
        else:
            for variable in ("workers_held(replicate, time, country)", "workers_held(replicate, time)",
                             "event(event)", "final_operator(final_operator)"):
                if variable not in result.stdout:
                    fail(f"ncdump -h does not show {variable}")
            # The compound tables are for HDF5 readers: netCDF-C must skip them (their types are not named),
            # or R's ncdf4 refuses the whole file (docs/OUTPUT.md section 4).
            declared = re.findall(r"^\s*(?:compound|\w+ enum) (\w+) \{", result.stdout, re.MULTILINE)
            if declared:
                fail(f"ncdump -h shows user-defined types {declared}, which netCDF readers cannot all map")
            for hidden in ("events(event)", "final(final_operator)"):
                if hidden in result.stdout:
                    fail(f"ncdump -h shows the table {hidden}, whose user-defined type netCDF readers cannot all map")

    for message in failures:
        print(f"{path}: {message}", file=sys.stderr)
    if not failures:
        print(f"{path}: readable by h5py, xarray{' and ncdump' if ncdump else ''}")
    return 1 if failures else 0


if __name__ == "__main__":
    sys.exit(main(sys.argv))
