#!/usr/bin/python3
"""Opens a scamsim run, sweep or comparison file in the readers docs/OUTPUT.md
names, with no custom code. `python`: h5py, xarray with both of its netCDF
engines (h5netcdf and netcdf4, i.e. netCDF-C), pandas, and a full `ncdump`
(data, not only the header: netCDF-C 4.9.0 crashed on some data that
`ncdump -h` never reads). `r`: R's ncdf4 (netCDF-C) and hdf5r, through
check_readers.R. In each it reads values and compares them with what h5py
reads, so that a reader which opens the file but mislabels or misreads it
fails too.

Usage: check_readers.py FILE.h5 run|sweep|compare [python|r]

Exits 0 if every check passes, 1 on a failed check, 2 on a usage error or a
missing reader: CI installs every one of them (scripts/install-deps), so a
missing one is a failure, not a skip.
"""

import re
import shutil
from pathlib import Path
import subprocess
import sys

try:
    import h5py
    import netCDF4  # noqa: F401  (xarray's netcdf4 engine needs it; import it here to name it when missing)
    import numpy as np
    import pandas as pd
    import xarray as xr
except ImportError as error:
    print(f"check_readers.py: {error} (Debian: python3-h5py python3-netcdf4 python3-h5netcdf python3-pandas "
          "python3-xarray; scripts/install-deps installs them)", file=sys.stderr)
    sys.exit(2)

ENGINES = ("h5netcdf", "netcdf4")

# Per file kind: the groups a user opens (None is the root); the coordinates each data group must show by
# itself (schema 3: no assign_coords); and probes: (group, variable, index) whose value every reader must
# agree on with h5py.
LAYOUT = {
    "run": {
        "groups": (None, "by_country", "global", "operators"),
        "coordinates": {"by_country": ("replicate", "time", "country"), "global": ("replicate", "time")},
        "probes": (("global", "workers_held", (0, -1)), ("by_country", "workers_held", (1, -1, 0))),
        # Compound tables, for HDF5 readers only (netCDF readers skip them): (path, column) read by hdf5r.
        "tables": (("events", "count"), ("operators/final", "workers")),
    },
    "sweep": {
        "groups": (None, "design", "outcomes", "by_country"),
        "coordinates": {"design": ("run", "parameter"), "outcomes": ("run",), "by_country": ("run", "time", "country")},
        "probes": (("outcomes", "held_end_alpha", (1,)), ("by_country", "workers_held", (1, -1, 0))),
    },
    "compare": {
        "groups": (None, "outcomes", "difference", "summary"),
        "coordinates": {"outcomes": ("pair", "side"), "difference": ("pair",), "summary": ("outcome",)},
        "probes": (("difference", "held_end", (1,)), ("summary", "mean_a", (0,))),
    },
}


def h5py_value(path, group, name, index):
    with h5py.File(path, "r") as f:
        return f[f"{group}/{name}"][index].item()


def same(a, b):
    return float(a) == float(b) or (np.isnan(float(a)) and np.isnan(float(b)))


def check_coordinates(ds, expected, where, fail):
    """The group shows `expected` as coordinates, and every dimension of its data has one."""
    missing = [name for name in expected if name not in ds.coords]
    if missing:
        fail(f"{where}: no coordinate {', '.join(missing)} (has {sorted(ds.coords)})")
    for name, variable in ds.data_vars.items():
        unlabelled = [dim for dim in variable.dims if dim not in ds.coords and dim in expected]
        if unlabelled:
            fail(f"{where}: {name} has dimensions {unlabelled} without coordinates")
    if "time" in ds.coords and not np.issubdtype(ds["time"].dtype, np.datetime64):
        fail(f"{where}: time decodes to {ds['time'].dtype}, not dates")


def check_xarray(path, kind, fail):
    for engine in ENGINES:
        for group in LAYOUT[kind]["groups"]:
            where = f"xarray ({engine}) group {group or '/'}"
            try:
                with xr.open_dataset(path, engine=engine, group=group) as ds:
                    if not ds.variables:
                        fail(f"{where}: no variables")
                    check_coordinates(ds, LAYOUT[kind]["coordinates"].get(group, ()), where, fail)
            except Exception as error:  # any failure to open is what this check is for
                fail(f"{where}: {type(error).__name__}: {error}")
        for group, name, index in LAYOUT[kind]["probes"]:
            where = f"xarray ({engine}) {group}/{name}{list(index)}"
            try:
                with xr.open_dataset(path, engine=engine, group=group) as ds:
                    got = ds[name].values[index].item()
            except Exception as error:
                fail(f"{where}: {type(error).__name__}: {error}")
                continue
            expected = h5py_value(path, group, name, index)
            if not same(got, expected):
                fail(f"{where} is {got}, h5py reads {expected}")


# The units CF-1.10 files may carry: what UDUNITS parses, of the kinds scamsim writes (docs/OUTPUT.md 3.7).
CF_UNITS = re.compile(r"^(1|year-1|degrees_north|degrees_east|days since \d{4}-\d{2}-\d{2})$")


def check_cf(path, kind, fail):
    """CF-1.10 as netCDF-C shows the file: Conventions, a long_name on every variable, UDUNITS units, time
    bounds, and a fill value on every series."""
    with netCDF4.Dataset(path) as root:
        if getattr(root, "Conventions", None) != "CF-1.10":
            fail(f"CF: Conventions is {getattr(root, 'Conventions', None)!r}, not 'CF-1.10'")
        # One scale per file for counts: a run file's series count the simulated world; sweep and compare files
        # hold each run's counts divided by its run.scale.
        expected_scale = getattr(root, "run_scale", None) if kind == "run" else 1.0
        if getattr(root, "counts_at_scale", None) != expected_scale:
            fail(f"counts_at_scale is {getattr(root, 'counts_at_scale', None)!r}, expected {expected_scale!r}")
        groups = [root]
        while groups:
            group = groups.pop()
            groups.extend(group.groups.values())
            for name, variable in group.variables.items():
                where = f"CF: {group.path.rstrip('/')}/{name}"
                attributes = variable.ncattrs()
                if "long_name" not in attributes:
                    fail(f"{where} has no long_name")
                if "units" in attributes and not CF_UNITS.match(variable.units):
                    fail(f"{where} has units {variable.units!r}, which UDUNITS cannot parse")
                if "time" in variable.dimensions and name not in ("time", "time_bnds"):
                    if "_FillValue" not in attributes:
                        fail(f"{where} is a series without a _FillValue")
                    if "scamsim_units" not in attributes:
                        fail(f"{where} is a series without scamsim_units")
            if "time" in group.variables:
                time = group.variables["time"]
                bounds = getattr(time, "bounds", None)
                if bounds != "time_bnds" or "time_bnds" not in root.variables:
                    fail(f"CF: {group.path} time has bounds {bounds!r}, and the root no time_bnds")
                else:
                    spans = root.variables["time_bnds"][:]
                    if not (spans[:, 0] == root.variables["time"][:]).all() or not (spans[:, 1] > spans[:, 0]).all():
                        fail("CF: time_bnds do not run from each step's first day to after its last")


def check_pandas(path, kind, fail):
    group, name, index = LAYOUT[kind]["probes"][0]
    try:
        with xr.open_dataset(path, engine="h5netcdf", group=group) as ds:
            frame = ds[name].to_dataframe()
    except Exception as error:
        fail(f"pandas: {group}/{name}: {type(error).__name__}: {error}")
        return
    if not isinstance(frame, pd.DataFrame) or len(frame) != ds[name].size:
        fail(f"pandas: {group}/{name} did not become a table of one row per value")
        return
    # The frame is in row-major order of the variable, so the probe's flat position finds its row.
    flat = int(np.ravel_multi_index(tuple(i % n for i, n in zip(index, ds[name].shape)), ds[name].shape))
    got = frame[name].iloc[flat]
    expected = h5py_value(path, group, name, index)
    if not same(got, expected):
        fail(f"pandas: {group}/{name}{list(index)} is {got}, h5py reads {expected}")


def cdl_values(cdl, group, name):
    """The data of `name` in `group` of a CDL text, as the list of its value tokens."""
    start = cdl.find(f"group: {group} {{")
    if start < 0:
        return None
    section = cdl[start:]
    data = section.find("data:")
    match = re.search(rf"\n\s*{re.escape(name)} =\s*(.*?);", section[data:], re.DOTALL) if data >= 0 else None
    if match is None:
        return None
    return [token.strip() for token in match.group(1).replace("\n", " ").split(",")]


def check_ncdump(path, kind, fail):
    ncdump = shutil.which("ncdump")
    if ncdump is None:
        fail("ncdump is not installed (Debian: netcdf-bin; scripts/install-deps installs it)")
        return
    result = subprocess.run([ncdump, path], capture_output=True, text=True)
    if result.returncode != 0:
        fail(f"ncdump exits {result.returncode}: {result.stderr.strip()[-500:]}")
        return
    for group, name, index in LAYOUT[kind]["probes"]:
        tokens = cdl_values(result.stdout, group, name)
        if tokens is None:
            fail(f"ncdump shows no data for {group}/{name}")
            continue
        with h5py.File(path, "r") as f:
            shape = f[f"{group}/{name}"].shape
        flat = int(np.ravel_multi_index(tuple(i % n for i, n in zip(index, shape)), shape))
        expected = h5py_value(path, group, name, index)
        got = tokens[flat] if flat < len(tokens) else None
        if got is None or not same(float("nan") if got in ("_", "NaN", "NaNf") else got, expected):
            fail(f"ncdump shows {got} for {group}/{name}{list(index)}, h5py reads {expected}")


def check_r(path, kind, fail):
    rscript = shutil.which("Rscript")
    if rscript is None:
        fail("Rscript is not installed (Debian: r-base-core r-cran-ncdf4 r-cran-hdf5r; scripts/install-deps)")
        return
    script = str(Path(__file__).with_name("check_readers.R"))
    for group, name, index in LAYOUT[kind]["probes"]:
        result = subprocess.run([rscript, script, path, group, name], capture_output=True, text=True)
        if result.returncode != 0:
            fail(f"R cannot read {group}/{name}: {result.stderr.strip()[-500:]}")
            continue
        lines = dict(line.split(": ", 1) for line in result.stdout.splitlines() if ": " in line)
        with h5py.File(path, "r") as f:
            dataset = f[f"{group}/{name}"]
            expected_values = dataset[()].ravel()
            shape = dataset.shape
            expected_dims = [dim.label or (dim[0].name.rsplit("/", 1)[-1] if len(dim) else "") for dim in dataset.dims]
        if lines.get("ncdf4 dims", "").split() != expected_dims:
            fail(f"ncdf4: {group}/{name} has dimensions {lines.get('ncdf4 dims')}, h5py {expected_dims}")
        for reader in ("ncdf4", "hdf5r"):
            got = lines.get(f"{reader} values", "").split()
            if len(got) != len(expected_values):
                fail(f"{reader}: {group}/{name} has {len(got)} values, h5py reads {len(expected_values)}")
                continue
            flat = int(np.ravel_multi_index(tuple(i % n for i, n in zip(index, shape)), shape))
            value = float("nan") if got[flat] in ("NA", "NaN") else got[flat]
            if not same(value, expected_values[flat]):
                fail(f"{reader}: {group}/{name}{list(index)} is {got[flat]}, h5py reads {expected_values[flat]}")
    check_r_tables(path, kind, fail, rscript, script)


def check_r_tables(path, kind, fail, rscript, script):
    """hdf5r reads each compound table as a data frame whose column matches h5py's, and ncdf4 does not see it."""
    for table, column in LAYOUT[kind].get("tables", ()):
        result = subprocess.run([rscript, script, path, "--table", table, column], capture_output=True, text=True)
        if result.returncode != 0:
            fail(f"R cannot read the table {table}: {result.stderr.strip()[-500:]}")
            continue
        lines = dict(line.split(": ", 1) for line in result.stdout.splitlines() if ": " in line)
        with h5py.File(path, "r") as f:
            expected = f[table][column]
        got = lines.get("hdf5r column", "").split()
        if len(got) != len(expected) or not all(same(g, e) for g, e in zip(got, expected)):
            fail(f"hdf5r: {table} column {column} reads {got[:5]}..., h5py {list(expected[:5])}...")
        if table in lines.get("ncdf4 variables", "").split():
            fail(f"ncdf4 sees the table {table}, whose compound type it cannot map")


def main(argv):
    if len(argv) not in (3, 4) or argv[2] not in LAYOUT or (len(argv) == 4 and argv[3] not in ("python", "r")):
        print(__doc__, file=sys.stderr)
        return 2
    path, kind = argv[1], argv[2]
    readers = argv[3] if len(argv) == 4 else "python"
    failures = []
    if readers == "python":
        check_xarray(path, kind, failures.append)
        check_pandas(path, kind, failures.append)
        check_ncdump(path, kind, failures.append)
        check_cf(path, kind, failures.append)
        names = f"h5py, xarray ({' and '.join(ENGINES)}), pandas and ncdump"
    else:
        check_r(path, kind, failures.append)
        names = "h5py, R's ncdf4 and hdf5r"
    for message in failures:
        print(f"{path}: {message}", file=sys.stderr)
    if not failures:
        print(f"{path}: {names} agree")
    return 1 if failures else 0


if __name__ == "__main__":
    sys.exit(main(sys.argv))
