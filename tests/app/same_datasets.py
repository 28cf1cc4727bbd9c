"""Exits 1 unless two HDF5 files hold the same datasets, bit for bit: the same names, types, shapes and bytes
(NaN equals NaN of the same bits). Attributes are not compared: the root's record when and how a file was made.
Usage: same_datasets.py A.h5 B.h5"""
import sys

import h5py
import numpy as np


def datasets(path):
    found = {}
    with h5py.File(path, "r") as f:
        def visit(name, obj):
            if isinstance(obj, h5py.Dataset):
                data = obj[()]
                # Variable-length strings, alone or as fields of a table, are read as Python objects, whose
                # bytes are pointers: compare their values instead.
                found[name] = (obj.dtype.str, obj.shape, np.asarray(data).tobytes() if not obj.dtype.hasobject
                               else repr(np.asarray(data).tolist()).encode())
        f.visititems(visit)
    return found


a, b = datasets(sys.argv[1]), datasets(sys.argv[2])
problems = [f"only in {sys.argv[1]}: {n}" for n in sorted(a.keys() - b.keys())]
problems += [f"only in {sys.argv[2]}: {n}" for n in sorted(b.keys() - a.keys())]
problems += [f"{n} differs" for n in sorted(a.keys() & b.keys()) if a[n] != b[n]]
if not a:
    problems.append(f"{sys.argv[1]} holds no dataset")
if problems:
    sys.exit(f"{sys.argv[1]} and {sys.argv[2]} differ: " + "; ".join(problems))
print(f"{len(a)} datasets, bit for bit the same")
