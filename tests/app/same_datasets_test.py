"""Checks tests/app/same_datasets.py, which the sharding, MPI and Slurm tests trust to say two results hold
the same datasets: a table with variable-length string fields (scenario_event, event names) is compared by its
values, not by the addresses h5py's Python objects happen to have, so that equal files always compare equal and
a changed string is always found.
Usage: same_datasets_test.py FOLDER"""
import os
import subprocess
import sys

import h5py
import numpy as np

folder = sys.argv[1]
os.makedirs(folder, exist_ok=True)
tool = os.path.join(os.path.dirname(os.path.abspath(__file__)), "same_datasets.py")
text = h5py.string_dtype("utf-8")
row = np.dtype([("date", text), ("step", "<i8"), ("note", text)])


def write(name, notes, padding):
    # Python strings made at different times (and padding objects between them) so that the two files' rows
    # are read back as objects at different addresses.
    keep = ["x" * (k + 1) for k in range(padding)]
    path = os.path.join(folder, name)
    with h5py.File(path, "w") as f:
        f["table"] = np.array([("2026-01-08", k, n) for k, n in enumerate(notes)], dtype=row)
        f["names"] = np.array(notes, dtype=text)
    del keep
    return path


def same(a, b):
    return subprocess.run([sys.executable, tool, a, b], capture_output=True, text=True).returncode == 0


notes = ["Crackdown (more raids) in Cambodia", "Crackdown (more raids) in Myanmar", "Crackdown (more raids) in Laos"]
a = write("a.h5", notes, 0)
b = write("b.h5", notes, 1000)
c = write("c.h5", notes[:2] + ["Crackdown (more raids) in Laos!"], 10)
failures = []
if not same(a, b):
    failures.append("equal files with string fields compared as different")
if same(a, c):
    failures.append("a changed string field was not found")
if failures:
    sys.exit("; ".join(failures))
print("same_datasets.py: equal tables compare equal, a changed string is found")
