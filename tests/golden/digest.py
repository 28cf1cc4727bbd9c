#!/usr/bin/python3
"""The golden-file check (tests/golden/README.md).

  digest.py write RESULT.h5 GOLDEN.json   record RESULT.h5's digest as the golden file
  digest.py check RESULT.h5 GOLDEN.json   exit 0 when RESULT.h5's digest equals the golden file's, else
                                          print every difference and exit 1

A digest holds, for every object of a scamsim file (run, sweep or compare), a hash of its attributes and, for
a dataset, its type, shape and a hash of its exact content, with its sum for numbers (a readable hint of what
changed). Attributes that differ between two runs of the same input by design (when and by
which build the file was written, and the command line) are left out.
"""
import hashlib
import json
import sys

import h5py
import numpy as np

# Differ between two identical runs: the time, the build and the command line that wrote the file.
RUN_DEPENDENT = {"created_utc", "git_commit", "command_line", "history", "scamsim_version", "source"}
# HDF5's own bookkeeping of dimension scales: object references, whose bytes are file addresses.
REFERENCES = {"DIMENSION_LIST", "REFERENCE_LIST"}


def _canonical(value) -> bytes:
    """The exact content of a value as bytes: numbers as their little-endian bytes, text as UTF-8."""
    array = np.asarray(value)
    if array.dtype.kind == "O" or array.dtype.kind in "SU":
        items = [v.decode("utf-8", "replace") if isinstance(v, bytes) else str(v) for v in array.ravel()]
        return "\x1f".join(items).encode("utf-8")
    if array.dtype.names is not None:  # compound: field by field, so text fields are compared as text
        return b"\x1e".join(_canonical(array[name]) for name in array.dtype.names)
    return np.ascontiguousarray(array).astype(array.dtype.newbyteorder("<")).tobytes()


def _hash(data: bytes) -> str:
    """64 bits of SHA-256: plenty to see that something changed, short enough to keep golden files small."""
    return hashlib.sha256(data).hexdigest()[:16]


def _attributes(obj) -> str:
    """One hash of an object's attributes (names and exact values), leaving out the run-dependent ones."""
    parts = []
    for key in sorted(obj.attrs):
        if key in RUN_DEPENDENT or key in REFERENCES:
            continue
        value = obj.attrs[key]
        parts.append(key.encode("utf-8") + b"=" + str(np.asarray(value).dtype).encode() + b":" + _canonical(value))
    return _hash(b"\x1d".join(parts))


def digest(path: str) -> dict:
    """Per object of the file (the root, groups, datasets, committed types): its attributes' hash; per dataset
    also its type, shape, content hash and, for numbers, the sum (a readable hint of what changed)."""
    out = {}
    with h5py.File(path, "r") as f:
        out["/"] = {"attributes": _attributes(f)}

        def visit(name, obj):
            entry = {"attributes": _attributes(obj)} if hasattr(obj, "attrs") else {}
            if isinstance(obj, h5py.Dataset):
                value = obj[()]
                array = np.asarray(value)
                entry.update({"dtype": str(obj.dtype), "shape": list(array.shape), "data": _hash(_canonical(value))})
                if array.dtype.kind in "iuf" and array.size:
                    entry["sum"] = repr(float(array.astype(np.float64).sum()))
            out["/" + name] = entry

        f.visititems(visit)
    return dict(sorted(out.items()))


def main(argv: list[str]) -> int:
    if len(argv) != 4 or argv[1] not in ("write", "check"):
        print(__doc__, file=sys.stderr)
        return 2
    mode, result, golden = argv[1:]
    found = digest(result)
    if mode == "write":
        with open(golden, "w", encoding="utf-8") as f:
            # One object per line, so that a diff of two golden files reads object by object.
            f.write("{\n" + ",\n".join(f"{json.dumps(k)}: {json.dumps(v, sort_keys=True)}" for k, v in found.items())
                    + "\n}\n")
        print(f"digest.py: wrote {golden} ({len(found)} entries)")
        return 0
    with open(golden, encoding="utf-8") as f:
        expected = json.load(f)
    differences = []
    for name in sorted(set(found) | set(expected)):
        if name not in found:
            differences.append(f"{name}: in the golden file, missing from the result")
        elif name not in expected:
            differences.append(f"{name}: new in the result, not in the golden file")
        elif found[name] != expected[name]:
            differences.append(f"{name}: golden {json.dumps(expected[name], sort_keys=True)}\n    result {json.dumps(found[name], sort_keys=True)}")
    for d in differences:
        print(f"{result}: {d}")
    if differences:
        print(f"{result}: {len(differences)} of {len(found)} entries differ from {golden}; if the change is "
              "intended, see tests/golden/README.md")
        return 1
    print(f"{result}: all {len(found)} entries equal {golden}")
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv))
