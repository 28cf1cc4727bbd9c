#!/usr/bin/python3
"""Damaged variable-length data is refused before h5py reads it (scamsim_analysis/heap_check.py, the twin of
sim/io/heap_check.cpp). HDF5 1.10.8 crashes the process, h5py's included, on a heap ID whose index names no object of
its collection, on one whose length differs from its object's size, and on a collection object that runs past its
collection; the reader refuses each with "damaged HDF5 file: ..." naming the file. Every good file still reads.

The damaged files are never read by h5py here before the check has refused them: that read is the crash.

Uses the run, sweep and compare files of $ANALYSIS_TEST_OUT (make_run_files.py, make_sweep_fixture.py).
"""

from __future__ import annotations

import os
import subprocess
import sys
import tempfile
import unittest
from pathlib import Path

import h5py

SOURCE = Path(__file__).resolve().parents[2]
REPORT = SOURCE / "analysis" / "report"
OUT = Path(os.environ.get("ANALYSIS_TEST_OUT", "out"))
sys.path.insert(0, str(SOURCE / "analysis"))

from scamsim_analysis import ResultFileError, open_result  # noqa: E402
from scamsim_analysis.heap_check import damaged_global_heap, damaged_heap_references, read_checked  # noqa: E402


def number(data: bytes | bytearray, at: int, count: int) -> int:
    return int.from_bytes(data[at:at + count], "little")


def put(data: bytearray, at: int, count: int, value: int) -> None:
    data[at:at + count] = value.to_bytes(count, "little")


def data_offset(path: Path, name: str) -> int:
    """Where a contiguous dataset's bytes start (reading no value of it)."""
    with h5py.File(path, "r") as f:
        at = f[name].id.get_offset()
    assert at is not None, name
    return at


def heap_ids(data: bytes, start: int, end: int) -> list[int]:
    """The offsets in [start, end) of the 16-byte heap IDs (length, address, index) whose address is that of a
    global heap collection, found by scanning, not by the layout the check derives."""
    found = []
    i = start
    while i + 16 <= end:
        at = number(data, i + 4, 8)
        if 0 < at < len(data) - 4 and data[at:at + 4] == b"GCOL":
            found.append(i)
            i += 16
        else:
            i += 1
    return found


def objects(data: bytes | bytearray, collection: int) -> dict[int, int]:
    """Where each object of the collection at `collection` starts (its 16-byte header), by index (0: the free
    space), walked by the specification, not by the check."""
    size = number(data, collection + 8, 8)
    found = {}
    at = collection + 16
    while at + 16 <= collection + size:
        index, object_size = number(data, at, 2), number(data, at + 8, 8)
        found[index] = at
        at += object_size if index == 0 else 16 + (object_size + 7) // 8 * 8
    return found


class DamagedRunFile(unittest.TestCase):
    """Heap IDs of /site (a vector of strings) and of /scenario_event (a compound table), damaged in a copy of a run
    file."""

    folder: Path
    good: Path
    original: bytes

    @classmethod
    def setUpClass(cls) -> None:
        cls._temporary = tempfile.TemporaryDirectory()
        cls.folder = Path(cls._temporary.name)
        cls.good = OUT / "crackdown.h5"
        cls.original = cls.good.read_bytes()

    @classmethod
    def tearDownClass(cls) -> None:
        cls._temporary.cleanup()

    def damaged(self, name: str, data: bytearray) -> Path:
        path = self.folder / name
        path.write_bytes(bytes(data))
        self.assertIsNone(damaged_global_heap(path))  # the collections themselves are intact, except where said
        return path

    def refused(self, path: Path, *phrases: str) -> str:
        with self.assertRaises(ResultFileError) as caught:
            open_result(path)
        message = str(caught.exception)
        self.assertIn(str(path), message)
        self.assertIn("damaged HDF5 file: ", message)
        for phrase in phrases:
            self.assertIn(phrase, message)
        return message

    def site_id(self) -> tuple[int, bytearray]:
        site = data_offset(self.good, "site")
        self.assertEqual(heap_ids(self.original, site, site + 16), [site])  # its first element's ID opens its data
        return site, bytearray(self.original)

    def test_the_good_file_reads(self) -> None:
        self.assertIsNone(damaged_global_heap(self.good))
        run = open_result(self.good)
        self.assertGreater(len(run.scenario_events), 2)
        with h5py.File(self.good, "r") as f:
            self.assertEqual(len(read_checked(f["site"])), f["site"].shape[0])

    def test_a_site_heap_id_naming_no_object(self) -> None:
        site, data = self.site_id()
        put(data, site + 12, 4, 999)
        path = self.damaged("site_index.h5", data)
        self.refused(path, "'/site'", "names object 999", "no such object")
        # analysis/report says the same in one line and exits 1 (without the check, HDF5 ends the process).
        result = subprocess.run([str(REPORT), str(path), "-o", str(self.folder / "report")], capture_output=True,
                                text=True, check=False, timeout=300)
        self.assertEqual(result.returncode, 1, result.stderr)
        self.assertIn(str(path), result.stderr)
        self.assertIn("no such object", result.stderr)
        self.assertNotIn("Traceback", result.stderr)

    def test_a_site_heap_id_shorter_than_its_object(self) -> None:
        site, data = self.site_id()
        length = number(data, site, 4)
        self.assertGreater(length, 1)
        put(data, site, 4, length - 1)
        self.refused(self.damaged("site_short.h5", data), "'/site'", f"length of {length - 1} bytes",
                     f"which holds {length}")

    def test_a_site_object_whose_size_differs_from_its_heap_id(self) -> None:
        site, data = self.site_id()
        length = number(data, site, 4)
        header = objects(data, number(data, site + 4, 8))[number(data, site + 12, 4)]
        self.assertEqual(number(data, header + 8, 8), length)
        changed = length - 1 if length % 8 == 0 else length + 1  # within the object's padding: the walk still fits
        put(data, header + 8, 8, changed)
        self.refused(self.damaged("site_changed.h5", data), "'/site'", f"which holds {changed}")

    def scenario_event_ids(self) -> tuple[list[int], bytearray]:
        table = data_offset(self.good, "scenario_event")
        with h5py.File(self.good, "r") as f:
            rows = f["scenario_event"].shape[0]
        # 5 strings a row (date, target, id, fields, headline), 4 bytes + 8 + 4 on disk each, with an 8-byte day and
        # a 1-byte kind: 89 bytes a row.
        ids = heap_ids(self.original, table, table + rows * 89)
        self.assertEqual(len(ids), rows * 5)
        self.assertEqual(ids[0], table)
        self.assertEqual(ids[1], table + 25)  # the target's, after the date, the day and the kind
        return ids, bytearray(self.original)

    def test_a_scenario_event_member_naming_no_object(self) -> None:
        ids, data = self.scenario_event_ids()
        put(data, ids[1] + 12, 4, 999)  # the first row's target, inside the row
        self.refused(self.damaged("event_index.h5", data), "'/scenario_event'", "heap ID 0 names object 999",
                     "no such object")

    def test_a_scenario_event_member_of_a_later_row_with_a_wrong_length(self) -> None:
        ids, data = self.scenario_event_ids()
        last = ids[-1]  # the last row's headline: found only by the stored row size
        length = number(data, last, 4)
        put(data, last, 4, length + 3)
        rows = len(ids) // 5
        self.refused(self.damaged("event_length.h5", data), "'/scenario_event'", f"heap ID {rows - 1} gives",
                     f"length of {length + 3} bytes", f"which holds {length}")


class CollectionWalk(unittest.TestCase):
    """The collections are walked as HDF5 walks them: past the free space, by its size."""

    @staticmethod
    def free_space(data: bytearray, room: int) -> tuple[int, int]:
        """The first collection whose free space has `room` bytes or more, and where that free space starts."""
        at = data.find(b"GCOL")
        while at >= 0:
            free = objects(data, at).get(0)
            if data[at + 4] == 1 and free is not None and number(data, free + 8, 8) >= room:
                return at, free
            at = data.find(b"GCOL", at + 1)
        raise AssertionError(f"no collection has {room} bytes of free space")

    def test_an_object_after_the_free_space_is_checked(self) -> None:
        data = bytearray((OUT / "crackdown.h5").read_bytes())
        at, free = self.free_space(data, 64)  # room for a short free space and an object after it
        put(data, free + 8, 8, 32)  # free space of 32 bytes (its header included), then an object
        put(data, free + 32, 2, 77)
        put(data, free + 32 + 8, 8, 1 << 40)
        with tempfile.TemporaryDirectory() as folder:
            path = Path(folder) / "after_free.h5"
            path.write_bytes(bytes(data))
            problem = damaged_global_heap(path)
            self.assertIsNotNone(problem)
            self.assertIn(f"collection at byte {at} holds an object of {1 << 40} bytes", problem)
            with self.assertRaises(ResultFileError) as caught:
                open_result(path)
            self.assertIn(f"{path}: is a damaged HDF5 file: its global heap collection", str(caught.exception))

    def test_free_space_of_no_bytes_is_refused(self) -> None:
        data = bytearray((OUT / "crackdown.h5").read_bytes())
        at, free = self.free_space(data, 16)
        put(data, free + 8, 8, 0)  # HDF5 would loop on it forever
        with tempfile.TemporaryDirectory() as folder:
            path = Path(folder) / "no_free.h5"
            path.write_bytes(bytes(data))
            self.assertEqual(damaged_global_heap(path),
                             f"its global heap collection at byte {at} has free space of 0 bytes")


class ChunkedStrings(unittest.TestCase):
    """Heap IDs in deflated, shuffled chunks are inflated and checked (HDF5 refuses Fletcher-32 on
    variable-length data)."""

    WORDS = [b"raid", b"release", b"relocate", b"split", b"", b"merge"]

    def make(self, folder: Path) -> Path:
        path = folder / "chunked.h5"
        with h5py.File(path, "w") as f:
            words = f.create_dataset("words", (0,), maxshape=(None,), chunks=(4,), compression="gzip",
                                     compression_opts=6, shuffle=True,
                                     dtype=h5py.string_dtype("utf-8"))
            words.resize((len(self.WORDS),))
            words[:] = self.WORDS
        return path

    def test_a_good_chunked_dataset_reads(self) -> None:
        with tempfile.TemporaryDirectory() as folder:
            path = self.make(Path(folder))
            with h5py.File(path, "r") as f:
                self.assertEqual(f["words"].id.get_num_chunks(), 2)
                self.assertEqual(list(read_checked(f["words"])), self.WORDS)

    def test_a_damaged_object_size_is_found_through_the_chunks(self) -> None:
        with tempfile.TemporaryDirectory() as folder:
            path = self.make(Path(folder))
            data = bytearray(path.read_bytes())
            self.assertEqual(data.count(b"relocate"), 1)  # only in the heap: the chunks are deflated
            header = data.find(b"relocate") - 16
            self.assertEqual(number(data, header + 8, 8), 8)
            put(data, header + 8, 8, 7)
            path.write_bytes(bytes(data))
            self.assertIsNone(damaged_global_heap(path))  # 7 bytes fit: only the heap IDs can tell
            with h5py.File(path, "r") as f:
                problem = damaged_heap_references(path, f["words"])
                self.assertIsNotNone(problem)
                self.assertIn("heap ID 2 gives a length of 8 bytes", problem)
                self.assertIn("which holds 7", problem)
                with self.assertRaises(ResultFileError) as caught:
                    read_checked(f["words"])
            message = str(caught.exception)
            self.assertIn(f"{path}: is a damaged HDF5 file: ", message)
            self.assertIn("'/words'", message)


class GoodFiles(unittest.TestCase):
    """Every dataset of every run, sweep and compare file the engine made checks, and every file reads."""

    def test_every_dataset_of_every_file_checks(self) -> None:
        files = sorted(OUT.glob("*.h5"))
        self.assertLessEqual({"crackdown.h5", "aftercare.h5", "compare.h5", "sweep_saltelli.h5", "sweep_unfinished.h5"},
                             {path.name for path in files})
        checked_strings = 0
        for path in files:
            with self.subTest(file=path.name):
                self.assertIsNone(damaged_global_heap(path))
                with h5py.File(path, "r") as f:
                    datasets: list[h5py.Dataset] = []
                    f.visititems(lambda _, item: datasets.append(item) if isinstance(item, h5py.Dataset) else None)
                    for dataset in datasets:
                        self.assertIsNone(damaged_heap_references(path, dataset), dataset.name)
                        checked_strings += dataset.dtype.kind == "O" or bool(dataset.dtype.names)
                open_result(path)
        self.assertGreater(checked_strings, 0)


if __name__ == "__main__":
    unittest.main()
