#!/usr/bin/python3
"""The CSV tables of `scamsim export` hold what the HDF5 file holds: read with pandas.read_csv as a user would
(with no options) and with round_trip floats, their shape, columns and chosen values are checked against h5py,
exactly (the tables print every double with the digits that read back to it). Without pandas (not part of a
minimal install) the csv module reads them instead, and the check says so.

Usage: check_csv_export.py run|sweep|compare FILE.h5 FOLDER
"""

import csv
import math
import sys
from pathlib import Path

import h5py
import numpy as np

try:
    import pandas as pd
except ImportError:
    pd = None


def fail(message):
    print(f"FAIL: {message}", file=sys.stderr)
    sys.exit(1)


def read(folder, name):
    """A table as {column: list of values}, numbers as floats where the column is numeric."""
    path = Path(folder) / name
    if pd is not None:
        # As a user reads it, with no options: the shape, the columns and every number to within pandas's default
        # parser, whose fast path is off by up to ~5e-15 relative (seen here); the exact check reads with round_trip.
        plain = pd.read_csv(path)
        table = pd.read_csv(path, float_precision="round_trip")
        if list(plain.columns) != list(table.columns) or plain.shape != table.shape:
            fail(f"{name}: pandas.read_csv with no options reads {plain.shape}, not {table.shape}")
        for column in table.select_dtypes("number").columns:
            if not np.allclose(plain[column], table[column], rtol=1e-13, atol=0, equal_nan=True):
                fail(f"{name}: pandas.read_csv with no options misreads column {column}")
        return {column: table[column].tolist() for column in table.columns}, len(table)
    with path.open(newline="") as handle:
        rows = list(csv.DictReader(handle))
    def value(text):
        try:
            return float(text) if text != "" else math.nan
        except ValueError:
            return text
    return {column: [value(row[column]) for row in rows] for column in (rows[0].keys() if rows else [])}, len(rows)


def series(group):
    """The data in a group, not the copies of coordinates it carries for xarray (schema 3)."""
    return [name for name, d in group.items()
            if isinstance(d, h5py.Dataset) and d.attrs.get("CLASS") not in (b"DIMENSION_SCALE", "DIMENSION_SCALE")]


def same(a, b):
    return (math.isnan(a) and math.isnan(b)) or a == b


def check_run(h5, folder):
    by_country, rows = read(folder, "series_by_country.csv")
    metrics = series(h5["by_country"])
    replicates, steps, countries = h5["by_country/" + metrics[0]].shape
    if rows != replicates * steps * countries * len(metrics):
        fail(f"series_by_country.csv has {rows} rows, expected {replicates}x{steps}x{countries}x{len(metrics)}")
    if list(by_country) != ["replicate", "date", "step", "country", "metric", "value"]:
        fail(f"series_by_country.csv columns: {list(by_country)}")
    # The last replicate's last day in the last country, for every metric: the far corner of the array.
    dates = [str(np.datetime64(d, "D")) for d in h5["time"][:].astype("datetime64[D]")] \
        if h5["time"].dtype.kind in "iu" else None
    country_ids = [c.decode() if isinstance(c, bytes) else c for c in h5["country"][:]]
    r, t, c = replicates - 1, steps - 1, countries - 1
    found = 0
    for i in range(rows - len(metrics) * 1, rows):
        metric = by_country["metric"][i]
        expected = float(h5["by_country/" + metric][r, t, c])
        if (by_country["replicate"][i], by_country["step"][i], by_country["country"][i]) != (r, t, country_ids[c]):
            fail(f"row {i} is not replicate {r}, step {t}, {country_ids[c]}")
        if not same(float(by_country["value"][i]), expected):
            fail(f"{metric} at replicate {r}, step {t}, {country_ids[c]}: CSV {by_country['value'][i]}, file {expected}")
        found += 1
    # And one value in the middle, found by its labels.
    metric, r, t, c = metrics[len(metrics) // 2], 0, steps // 2, countries // 2
    match = [i for i in range(rows) if by_country["replicate"][i] == r and by_country["step"][i] == t
             and by_country["country"][i] == country_ids[c] and by_country["metric"][i] == metric]
    if len(match) != 1:
        fail(f"{len(match)} rows for {metric}, replicate {r}, step {t}, {country_ids[c]}")
    if not same(float(by_country["value"][match[0]]), float(h5["by_country/" + metric][r, t, c])):
        fail(f"{metric} at replicate {r}, step {t}: CSV {by_country['value'][match[0]]}")
    start = h5.attrs["start_date"]
    start = start.decode() if isinstance(start, bytes) else str(start)
    if by_country["date"][0] != start:
        fail(f"the first date is {by_country['date'][0]}, the file starts on {start}")
    global_table, global_rows = read(folder, "series_global.csv")
    if global_rows != replicates * steps * len(series(h5["global"])):
        fail(f"series_global.csv has {global_rows} rows")
    metrics_table, _ = read(folder, "metrics.csv")
    if sorted(metrics_table["metric"]) != sorted(metrics + series(h5["global"])):
        fail("metrics.csv does not list every series")
    for metric, units in zip(metrics_table["metric"], metrics_table["units"]):
        where = "by_country/" if metric in h5["by_country"] else "global/"
        # metrics.csv gives the units in words, which schema 3 keeps beside the CF (UDUNITS) units.
        stored = h5[where + metric].attrs["scamsim_units"]
        stored = stored.decode() if isinstance(stored, bytes) else str(stored)
        if units != stored:
            fail(f"metrics.csv gives {metric} units {units!r}, the file {stored!r}")
    return rows + global_rows


def check_sweep(h5, folder):
    runs, rows = read(folder, "runs.csv")
    if rows != h5.attrs["runs"]:
        fail(f"runs.csv has {rows} rows, the sweep {h5.attrs['runs']} runs")
    parameters = [p.decode() if isinstance(p, bytes) else p for p in h5["parameter"][:]]
    outcomes = series(h5["outcomes"])
    for p, name in enumerate(parameters):
        if name not in runs:
            fail(f"runs.csv has no column {name}")
        if not all(same(float(a), float(b)) for a, b in zip(runs[name], h5["design/values"][:, p])):
            fail(f"runs.csv's {name} differs from /design/values")
    for name in outcomes:
        if name not in runs:
            fail(f"runs.csv has no column {name}")
        if not all(same(float(a), float(b)) for a, b in zip(runs[name], h5["outcomes/" + name][:])):
            fail(f"runs.csv's {name} differs from /outcomes/{name}")
    statuses = {0: "pending", 1: "done", 2: "failed"}
    if list(runs["status"]) != [statuses[int(s)] for s in h5["design/status"][:]]:
        fail("runs.csv's status differs from /design/status")
    return rows


def check_compare(h5, folder):
    pairs, rows = read(folder, "pairs.csv")
    outcome_table, outcome_rows = read(folder, "outcomes.csv")
    names = [o.decode() if isinstance(o, bytes) else o for o in h5["outcome"][:]]
    if list(outcome_table["outcome"]) != names:
        fail(f"outcomes.csv lists {outcome_table['outcome']}, the file {names}")
    if rows != h5["pair"].shape[0] * len(names):
        fail(f"pairs.csv has {rows} rows, expected {h5['pair'].shape[0]} pairs x {len(names)} outcomes")
    for i in range(rows):
        p, name = int(pairs["pair"][i]), pairs["outcome"][i]
        a, b = h5["outcomes/" + name][p]
        if not (same(float(pairs["a"][i]), float(a)) and same(float(pairs["b"][i]), float(b))
                and same(float(pairs["difference"][i]), float(h5["difference/" + name][p]))):
            fail(f"pairs.csv row {i} ({name}, pair {p}) differs from /outcomes and /difference")
    for o, name in enumerate(names):
        for statistic in ("mean_difference", "ci_low", "ci_high"):
            if not same(float(outcome_table[statistic][o]), float(h5["summary/" + statistic][o])):
                fail(f"outcomes.csv's {statistic} of {name} differs from /summary/{statistic}")
    return rows + outcome_rows


def main(kind, path, folder):
    with h5py.File(path, "r") as h5:
        rows = {"run": check_run, "sweep": check_sweep, "compare": check_compare}[kind](h5, folder)
    reader = "pandas.read_csv" if pd is not None else "the csv module (pandas is not installed)"
    print(f"ok: {kind} tables of {path} ({rows} rows) read by {reader} match h5py")


if __name__ == "__main__":
    if len(sys.argv) != 4:
        fail("usage: check_csv_export.py run|sweep|compare FILE.h5 FOLDER")
    main(*sys.argv[1:])
