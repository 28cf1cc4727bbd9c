#!/usr/bin/python3
"""A file that is not a scamsim result, or is truncated, gets a clear error: analysis/report exits 1 with a message
that names the file and what is wrong, and no traceback; the library raises ResultFileError with the same message.
The command line itself: --help works, a bad command line exits 2.

Uses $ANALYSIS_TEST_OUT/crackdown.h5 (from make_run_files.py) to make a truncated copy.
"""

from __future__ import annotations

import os
import subprocess
import sys
import tempfile
import unittest
from pathlib import Path

import h5py
import numpy as np

SOURCE = Path(__file__).resolve().parents[2]
REPORT = SOURCE / "analysis" / "report"
sys.path.insert(0, str(SOURCE / "analysis"))

from scamsim_analysis import ResultFileError, open_result  # noqa: E402


def run_report(*args: str) -> subprocess.CompletedProcess:
    """analysis/report run as a user runs it (through its #! line)."""
    return subprocess.run([str(REPORT), *args], capture_output=True, text=True, check=False, timeout=300)


class BadInputs(unittest.TestCase):
    """Each bad input: the message, the exit code, no traceback."""

    folder: Path

    @classmethod
    def setUpClass(cls) -> None:
        cls._temporary = tempfile.TemporaryDirectory()
        cls.folder = Path(cls._temporary.name)
        good = Path(os.environ.get("ANALYSIS_TEST_OUT", "out")) / "crackdown.h5"
        data = good.read_bytes()
        (cls.folder / "truncated.h5").write_bytes(data[: len(data) // 2])
        (cls.folder / "notes.h5").write_text("these are not results\n")
        (cls.folder / "empty.h5").write_bytes(b"")
        # A global heap object whose size runs past its collection: HDF5 1.10.8 crashes (segfault) reading it.
        heap = data.find(b"GCOL")
        damaged = bytearray(data)
        damaged[heap + 24:heap + 32] = (1701669236).to_bytes(8, "little")
        (cls.folder / "damaged_heap.h5").write_bytes(bytes(damaged))
        with h5py.File(cls.folder / "other.h5", "w") as f:
            f["temperature"] = np.arange(3.0)
        with h5py.File(cls.folder / "unknown_kind.h5", "w") as f:
            f.attrs["scamsim_version"] = np.bytes_(b"0.2.0")
            f.attrs["schema_version"] = np.int64(1)

    @classmethod
    def tearDownClass(cls) -> None:
        cls._temporary.cleanup()

    def check(self, name: str, phrase: str) -> None:
        path = self.folder / name
        with self.assertRaises(ResultFileError) as caught:
            open_result(path)
        self.assertIn(str(path), str(caught.exception))
        self.assertIn(phrase, str(caught.exception))
        result = run_report(str(path), "-o", str(self.folder / f"report_{name}"))
        self.assertEqual(result.returncode, 1, result.stderr)
        self.assertIn(str(path), result.stderr)
        self.assertIn(phrase, result.stderr)
        self.assertNotIn("Traceback", result.stderr)
        self.assertEqual(len(result.stderr.strip().splitlines()), 1, result.stderr)

    def test_a_truncated_file(self) -> None:
        self.check("truncated.h5", "truncated")

    def test_a_damaged_global_heap(self) -> None:
        self.check("damaged_heap.h5", "damaged HDF5 file: its global heap collection")

    def test_a_text_file(self) -> None:
        self.check("notes.h5", "not an HDF5 file")

    def test_an_empty_file(self) -> None:
        self.check("empty.h5", "empty")

    def test_an_hdf5_file_that_is_not_a_scamsim_result(self) -> None:
        self.check("other.h5", "not a scamsim result")

    def test_a_scamsim_file_of_no_known_kind(self) -> None:
        self.check("unknown_kind.h5", "neither a run")

    def test_a_missing_file(self) -> None:
        self.check("no_such_file.h5", "no such file")

    def test_an_output_folder_that_is_a_file(self) -> None:
        good = Path(os.environ.get("ANALYSIS_TEST_OUT", "out")) / "crackdown.h5"
        blocker = self.folder / "blocker"
        blocker.write_text("x")
        result = run_report(str(good), "-o", str(blocker))
        self.assertEqual(result.returncode, 1)
        self.assertIn("not a folder", result.stderr)
        self.assertNotIn("Traceback", result.stderr)


class CommandLine(unittest.TestCase):
    """--help and a bad command line."""

    def test_help_says_how_to_run_it(self) -> None:
        result = run_report("--help")
        self.assertEqual(result.returncode, 0)
        self.assertIn("usage: report", result.stdout)
        self.assertIn("index.html", result.stdout)

    def test_a_missing_output_folder_exits_2(self) -> None:
        result = run_report("x.h5")
        self.assertEqual(result.returncode, 2)
        self.assertIn("-o", result.stderr)

    def test_it_runs_with_the_system_python_whatever_is_first_on_path(self) -> None:
        self.assertTrue(REPORT.read_text().startswith("#!/usr/bin/python3\n"))
        with tempfile.TemporaryDirectory() as folder:
            fake = Path(folder) / "python3"
            fake.write_text("#!/bin/sh\necho 'wrong python' >&2\nexit 99\n")
            fake.chmod(0o755)
            env = dict(os.environ, PATH=f"{folder}:{os.environ.get('PATH', '')}")
            result = subprocess.run([str(REPORT), "--help"], capture_output=True, text=True, env=env, check=False)
        self.assertEqual(result.returncode, 0, result.stderr)


if __name__ == "__main__":
    unittest.main(verbosity=2)
