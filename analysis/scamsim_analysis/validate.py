"""The checks a run file passes before anything of it is used: those `scamsim summary` makes (sim/io/results.cpp,
class Reader), so that a file summary refuses is refused here too, with a one-line reason that names the file,
rather than drawn from or failing with a traceback halfway through a report. Also the check that an input is a
regular file, made without waiting on it (a FIFO or a file of /proc would block a plain open or read forever).
"""

from __future__ import annotations

import datetime
import errno
import os
import re
import stat
from pathlib import Path
from typing import Any

import h5py
import numpy as np

from .errors import ResultFileError
from .heap_check import read_checked

_DATE = re.compile(r"^\d{4}-\d{2}-\d{2}$")

#: Root attributes of a run file and their kinds, as summary reads them (docs/OUTPUT.md section 2).
_STRING_ATTRIBUTES = ("git_commit", "created_utc", "scenario_name", "scenario_toml", "command_line", "start_date")
_INTEGER_ATTRIBUTES = ("seed", "replicates", "dt_days", "steps", "replicates_written")


def _what_it_is(mode: int) -> str:
    """What a file that is not a regular file is, for "is a ..., not a result file"."""
    if stat.S_ISDIR(mode):
        return "a folder"
    if stat.S_ISFIFO(mode):
        return "a FIFO (named pipe)"
    if stat.S_ISCHR(mode) or stat.S_ISBLK(mode):
        return "a device"
    if stat.S_ISSOCK(mode):
        return "a socket"
    return "not a regular file"


def open_regular_file(path: Path) -> bytes:
    """The first 8 bytes of `path` (its signature), after checking that it is a non-empty regular file. A FIFO, a
    device or a folder is refused by what it is without being opened for reading, so nothing waits on it; so is an
    empty file, which is also what files of /proc look like (size 0, and some block when read)."""
    try:
        before = os.stat(path)
    except FileNotFoundError:
        raise ResultFileError(path, "no such file")
    except OSError as error:
        raise ResultFileError(path, f"cannot be read: {error.strerror or error}")
    if stat.S_ISDIR(before.st_mode):
        raise ResultFileError(path, "is a folder, not a result file")
    if not stat.S_ISREG(before.st_mode):
        raise ResultFileError(path, f"is {_what_it_is(before.st_mode)}, not a result file")
    if before.st_size == 0:
        raise ResultFileError(path, "is empty (0 bytes), not a scamsim result file")
    try:
        # O_NONBLOCK: should the path become a FIFO after the look above, neither the open nor the read waits.
        descriptor = os.open(path, os.O_RDONLY | os.O_NONBLOCK | os.O_NOCTTY)
    except OSError as error:
        raise ResultFileError(path, f"cannot be read: {error.strerror or error}")
    try:
        opened = os.fstat(descriptor)
        if not stat.S_ISREG(opened.st_mode):
            raise ResultFileError(path, f"is {_what_it_is(opened.st_mode)}, not a result file")
        return os.read(descriptor, 8)
    except OSError as error:
        reason = "it would block" if error.errno == errno.EAGAIN else (error.strerror or str(error))
        raise ResultFileError(path, f"cannot be read: {reason}")
    finally:
        os.close(descriptor)


def _attribute(path: Path, attrs: dict[str, Any], name: str, kind: type) -> Any:
    """A root attribute of the expected kind (str or int); ResultFileError naming it if it is missing or odd."""
    if name not in attrs:
        raise ResultFileError(path, f"is not a complete scamsim run file: it has no '{name}' attribute")
    value = attrs[name]
    if kind is int and isinstance(value, (int, np.integer)) and not isinstance(value, bool):
        return int(value)
    if kind is str and isinstance(value, str):
        return value
    raise ResultFileError(path, f"its '{name}' attribute is {type(value).__name__} {value!r:.60}, not "
                          f"{'a whole number' if kind is int else 'text'} (a damaged or edited file?)")


def _read(path: Path, handle: h5py.File, name: str, kind: type = h5py.Dataset) -> Any:
    """The dataset or group at `name`, all of a dataset's values read (so a damaged one fails here), its heap IDs
    checked first."""
    try:
        item = handle.get(name)
        if not isinstance(item, kind):
            what = "group" if kind is h5py.Group else "dataset"
            raise ResultFileError(path, f"is not a complete scamsim run file: the {what} '/{name}' is missing")
        return read_checked(item, path) if kind is h5py.Dataset else item
    except (OSError, RuntimeError, ValueError, TypeError, KeyError) as error:
        raise ResultFileError(path, f"cannot read '/{name}' (the file is damaged or truncated): {error}")


def _check_length(path: Path, name: str, values: np.ndarray, expected: int) -> None:
    if values.ndim != 1 or len(values) != expected:
        raise ResultFileError(path, f"'/{name}' has {values.size} values where {expected} were expected")


def _check_series(path: Path, handle: h5py.File, group_name: str, shape: tuple[int, ...]) -> None:
    """Every dataset of a series group has the run's shape, holds numbers and reads back whole."""
    group = _read(path, handle, group_name, h5py.Group)
    try:
        names = list(group)
    except (OSError, RuntimeError, ValueError) as error:
        raise ResultFileError(path, f"cannot list '/{group_name}' (the file is damaged): {error}")
    for name in names:
        full = f"{group_name}/{name}"
        try:
            dataset = group.get(name)  # None for a member whose header does not read back (h5py hides why)
            if not isinstance(dataset, h5py.Dataset):
                raise ResultFileError(path, f"cannot open '/{full}' as a series (the file is damaged or edited)")
            if h5py.h5ds.is_scale(dataset.id):
                continue  # the group's own coordinates (schema 3 on), checked at the root
            if dataset.shape != shape:
                raise ResultFileError(path, f"'/{full}' does not have the shape of a series ({dataset.shape}, "
                                      f"expected {shape})")
            if dataset.dtype.kind not in "iuf":
                raise ResultFileError(path, f"'/{full}' holds neither integers nor reals")
            read_checked(dataset, path)
            list(dataset.dims)  # the dimension scales the figures label axes by
        except (OSError, RuntimeError, ValueError, TypeError) as error:
            raise ResultFileError(path, f"cannot read '/{full}' (the file is damaged or truncated): {error}")


def _check_rows(path: Path, handle: h5py.File, name: str, replicates: int) -> None:
    """A table of rows (/events, /operators/final): every row of a replicate of the run."""
    rows = _read(path, handle, name)
    if rows.dtype.names is None or "replicate" not in rows.dtype.names:
        raise ResultFileError(path, f"'/{name}' is not a table with a 'replicate' column")
    replicate = rows["replicate"]
    outside = replicate[(replicate < 0) | (replicate >= replicates)]
    if outside.size:
        raise ResultFileError(path, f"'/{name}' has a row of replicate {int(outside[0])}, outside 0..{replicates - 1}")


def check_run_file(path: Path, handle: h5py.File, attrs: dict[str, Any]) -> int:
    """Checks a run file as `scamsim summary` does and returns its complete replicates (replicates_written).

    One difference, documented in docs/OUTPUT.md section 3.6: a file of an interrupted run (0 < replicates_written <
    replicates) is accepted here, its complete replicates read; summary refuses it as incomplete."""
    for name in _STRING_ATTRIBUTES:
        _attribute(path, attrs, name, str)
    seed, replicates, dt_days, steps, written = (_attribute(path, attrs, name, int) for name in _INTEGER_ATTRIBUTES)
    del seed  # any whole number is a seed
    start = attrs["start_date"]
    try:
        if not _DATE.match(start):
            raise ValueError
        datetime.date.fromisoformat(start)
    except ValueError:
        raise ResultFileError(path, f"start_date '{start:.40}' is not a YYYY-MM-DD date")
    if replicates < 1 or steps < 1 or dt_days < 1:
        raise ResultFileError(path, f"odd run size: {replicates} replicates of {steps} steps of {dt_days} days")
    # A run over a posterior (schema 4, `scamsim run --posterior`) has draws x replicates runs, its series a draw
    # dimension first, and its tables' replicate column numbers runs (draw x replicates + replicate).
    draws = attrs.get("draws", 0)
    if not isinstance(draws, (int, np.integer)) or draws < 0:
        raise ResultFileError(path, f"the 'draws' attribute is {draws!r}, not a number of draws")
    draws = int(draws)
    runs = replicates * max(draws, 1)
    if written < 0 or written > runs:
        raise ResultFileError(path, f"replicates_written is {written}, but the run has {runs} replicates "
                              "(a damaged or edited file?)")
    if written == 0:
        raise ResultFileError(path, "holds no complete replicate (replicates_written = 0): the run was "
                              "interrupted before its first replicate was written")
    _read(path, handle, "scenario_event")
    countries = _read(path, handle, "country")
    if countries.ndim != 1 or len(countries) == 0:
        raise ResultFileError(path, "the file has no countries")
    for name in ("country_name", "latitude_deg", "longitude_deg"):
        _check_length(path, name, _read(path, handle, name), len(countries))
    _read(path, handle, "network")
    _read(path, handle, "site")
    days = _read(path, handle, "time")
    _check_length(path, "time", days, steps)
    if days.dtype.kind not in "iu" or not np.array_equal(days, np.arange(steps, dtype=np.int64) * dt_days):
        raise ResultFileError(path, "the time coordinate is not steps * dt_days")
    _check_length(path, "replicate", _read(path, handle, "replicate"), replicates)
    runs_shape = (draws, replicates) if draws else (replicates,)
    if draws:
        _check_length(path, "draw", _read(path, handle, "draw"), draws)
    _check_series(path, handle, "by_country", runs_shape + (steps, len(countries)))
    _check_series(path, handle, "global", runs_shape + (steps,))
    _check_rows(path, handle, "events", runs)
    _check_rows(path, handle, "operators/final", runs)
    return written

