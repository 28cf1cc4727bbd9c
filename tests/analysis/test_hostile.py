#!/usr/bin/python3
"""Careless and hostile inputs of analysis/report (issue 12): doctored run files are refused as `scamsim summary`
refuses them (exit 1, one line naming the file, no traceback), an input that is not a regular file is refused without
waiting on it, and the report writes only into a new or empty folder or one holding an earlier report.

Uses $ANALYSIS_TEST_OUT/crackdown.h5 (from make_run_files.py) to make the doctored copies.
"""

from __future__ import annotations

import os
import shutil
import signal
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


def good_file() -> Path:
    return Path(os.environ.get("ANALYSIS_TEST_OUT", "out")) / "crackdown.h5"


def run_report(*args: str, timeout: float = 300) -> subprocess.CompletedProcess:
    """analysis/report as a user runs it; a hang fails the test through subprocess.TimeoutExpired."""
    return subprocess.run([str(REPORT), *args, "--no-svg"], capture_output=True, text=True, check=False,
                          timeout=timeout)


def doctor(source: Path, target: Path, change) -> Path:
    """A copy of `source` at `target` with `change(h5py.File)` applied."""
    shutil.copy(source, target)
    with h5py.File(target, "r+") as f:
        change(f)
    return target


def set_attribute(name: str, value):
    def change(f: h5py.File) -> None:
        f.attrs[name] = value
    return change


class DoctoredRunFiles(unittest.TestCase):
    """Each doctored file: refused by the library and by the report, exit 1, one line, no traceback. In v0.3 the
    first four ended in a traceback (exit 3) and the last four were drawn from (exit 0); summary refuses them all
    but the one without workers_held, which the report needs."""

    folder: Path

    @classmethod
    def setUpClass(cls) -> None:
        cls._temporary = tempfile.TemporaryDirectory()
        cls.folder = Path(cls._temporary.name)
        good = good_file()
        made = cls.folder
        doctor(good, made / "dt_days_0.h5", set_attribute("dt_days", np.int64(0)))
        doctor(good, made / "february_30.h5", set_attribute("start_date", np.bytes_(b"2025-02-30")))
        doctor(good, made / "no_workers_held.h5", lambda f: f.__delitem__("by_country/workers_held"))

        def scramble_time(f: h5py.File) -> None:
            f["time"][0:3] = [5, 1, 0]
        doctor(good, made / "garbled_time.h5", scramble_time)
        doctor(good, made / "garbled_steps.h5", set_attribute("steps", np.bytes_(b"\x1b[31mgarbled")))
        doctor(good, made / "schema_0.h5", set_attribute("schema_version", np.int64(0)))
        doctor(good, made / "written_huge.h5", set_attribute("replicates_written", np.int64(10**12)))
        # 40 flipped bytes in the header of a series the report does not draw: its checksum fails.
        shutil.copy(good, made / "flipped.h5")
        with h5py.File(good, "r") as f:
            address = h5py.h5o.get_info(f["by_country/workers_in_transit"].id).addr
        data = bytearray((made / "flipped.h5").read_bytes())
        data[address + 16:address + 56] = bytes(b ^ 0xFF for b in data[address + 16:address + 56])
        (made / "flipped.h5").write_bytes(bytes(data))

    @classmethod
    def tearDownClass(cls) -> None:
        cls._temporary.cleanup()

    def check_report(self, name: str, phrase: str) -> None:
        path = self.folder / name
        result = run_report(str(path), "-o", str(self.folder / f"report_{name}"))
        self.assertEqual(result.returncode, 1, result.stderr)
        self.assertIn(str(path), result.stderr)
        self.assertIn(phrase, result.stderr)
        self.assertNotIn("Traceback", result.stderr)
        self.assertNotIn("\x1b", result.stderr)  # text from the file is escaped
        self.assertEqual(len(result.stderr.strip().splitlines()), 1, result.stderr)

    def check(self, name: str, phrase: str) -> None:
        path = self.folder / name
        with self.assertRaises(ResultFileError) as caught:
            open_result(path)
        self.assertIn(str(path), str(caught.exception))
        self.assertIn(phrase, str(caught.exception))
        self.check_report(name, phrase)

    def test_a_step_of_zero_days(self) -> None:
        self.check("dt_days_0.h5", "odd run size: 3 replicates of 730 steps of 0 days")

    def test_a_start_date_that_is_no_date(self) -> None:
        self.check("february_30.h5", "start_date '2025-02-30' is not a YYYY-MM-DD date")

    def test_a_missing_series_the_report_needs(self) -> None:
        run = open_result(self.folder / "no_workers_held.h5")  # summary reads it too: only the report needs it
        with self.assertRaises(KeyError):
            run.series("workers_held")
        self.check_report("no_workers_held.h5", "has no series 'workers_held'")

    def test_a_garbled_time_coordinate(self) -> None:
        self.check("garbled_time.h5", "the time coordinate is not steps * dt_days")

    def test_a_garbled_run_size(self) -> None:
        self.check("garbled_steps.h5", "its 'steps' attribute is str")

    def test_flipped_bytes_in_a_series_the_report_does_not_draw(self) -> None:
        self.check("flipped.h5", "cannot open '/by_country/workers_in_transit'")

    def test_schema_version_0(self) -> None:
        self.check("schema_0.h5", "schema_version 0 is not a version")

    def test_more_replicates_written_than_the_run_has(self) -> None:
        self.check("written_huge.h5", "replicates_written is 1000000000000, but the run has 3 replicates")


class InputsThatAreNotFiles(unittest.TestCase):
    """A FIFO blocked v0.3's report forever; devices and files of /proc are refused by what they are too."""

    def library_refuses_at_once(self, path: Path, phrase: str) -> None:
        def hung(signum, frame):  # noqa: ARG001
            raise AssertionError(f"open_result({path}) did not return within 10 s")
        previous = signal.signal(signal.SIGALRM, hung)
        signal.alarm(10)
        try:
            with self.assertRaises(ResultFileError) as caught:
                open_result(path)
        finally:
            signal.alarm(0)
            signal.signal(signal.SIGALRM, previous)
        self.assertIn(phrase, str(caught.exception))

    def test_a_fifo(self) -> None:
        with tempfile.TemporaryDirectory() as folder:
            fifo = Path(folder) / "results.h5"
            os.mkfifo(fifo)
            self.library_refuses_at_once(fifo, "is a FIFO (named pipe), not a result file")
            result = run_report(str(fifo), "-o", str(Path(folder) / "report"), timeout=60)
            self.assertEqual(result.returncode, 1, result.stderr)
            self.assertIn("FIFO", result.stderr)
            self.assertFalse((Path(folder) / "report").exists())

    def test_a_device_and_a_file_of_proc(self) -> None:
        self.library_refuses_at_once(Path("/dev/zero"), "is a device")
        self.library_refuses_at_once(Path("/proc/self/status"), "is empty")


class OutputFolder(unittest.TestCase):
    """-o writes only into a new or empty folder or an earlier report's; other folders need --force. v0.3 wrote
    index.html into any folder."""

    def test_a_folder_of_other_files_is_refused_and_left_alone(self) -> None:
        with tempfile.TemporaryDirectory() as folder:
            target = Path(folder)
            (target / "index.html").write_text("my own page\n")
            (target / "notes.txt").write_text("keep me\n")
            result = run_report(str(good_file()), "-o", str(target))
            self.assertEqual(result.returncode, 1, result.stderr)
            self.assertIn("holds files and no earlier report", result.stderr)
            self.assertIn("--force", result.stderr)
            self.assertNotIn("Traceback", result.stderr)
            self.assertEqual((target / "index.html").read_text(), "my own page\n")
            self.assertEqual(sorted(p.name for p in target.iterdir()), ["index.html", "notes.txt"])

            forced = run_report(str(good_file()), "-o", str(target), "--force", "--quiet")
            self.assertEqual(forced.returncode, 0, forced.stderr)
            self.assertIn("<!DOCTYPE html>", (target / "index.html").read_text())
            self.assertEqual((target / "notes.txt").read_text(), "keep me\n")

    def test_a_new_folder_then_the_same_folder_again(self) -> None:
        with tempfile.TemporaryDirectory() as folder:
            target = Path(folder) / "report"
            first = run_report(str(good_file()), "-o", str(target), "--quiet")
            self.assertEqual(first.returncode, 0, first.stderr)
            self.assertTrue((target / ".scamsim-report").is_file())
            again = run_report(str(good_file()), "-o", str(target), "--quiet")
            self.assertEqual(again.returncode, 0, again.stderr)

    def test_an_empty_folder_and_a_report_made_before_the_marker(self) -> None:
        with tempfile.TemporaryDirectory() as folder:
            target = Path(folder)
            result = run_report(str(good_file()), "-o", str(target), "--quiet")
            self.assertEqual(result.returncode, 0, result.stderr)
            (target / ".scamsim-report").unlink()  # as v0.3 left its folders: index.html and manifest.json
            again = run_report(str(good_file()), "-o", str(target), "--quiet")
            self.assertEqual(again.returncode, 0, again.stderr)


if __name__ == "__main__":
    unittest.main(verbosity=2)
