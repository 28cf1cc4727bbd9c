#!/usr/bin/python3
"""The reader opens compare files (`scamsim compare`): the outcomes of both sides of every pair, the differences and
the paired statistics are the numbers h5py reads from the file, labelled by its scales; the wrong kind of file is
refused by name. The report of a compare file has a page of the paired differences, with both intervals the file
holds, in a table and a forest plot whose points are the file's numbers.

Reads $ANALYSIS_TEST_OUT/compare.h5, which the fixture analysis.fixture.compare_file writes with the engine
(`scamsim compare tests/golden/run.toml tests/golden/policy.toml --replicates 2`), and the report of it that
analysis.report.compare writes, $ANALYSIS_TEST_OUT/report_paired.
"""

from __future__ import annotations

import html
import json
import os
import shutil
import subprocess
import sys
import tempfile
import unittest
from pathlib import Path

import h5py
import numpy as np

SOURCE = Path(__file__).resolve().parents[2]
sys.path.insert(0, str(SOURCE / "analysis"))

from scamsim_analysis import (CompareResult, ResultFileError, file_kind, open_result, read_compare,  # noqa: E402
                              read_run, read_sweep)
from scamsim_analysis.compare_figures import relative_differences  # noqa: E402
from scamsim_analysis.style import format_number  # noqa: E402


def test_folder() -> Path:
    """Where the fixtures wrote their files."""
    return Path(os.environ.get("ANALYSIS_TEST_OUT", "out"))


def text(value: object) -> str:
    """An HDF5 string attribute or element as str."""
    return value.decode() if isinstance(value, bytes) else str(value)


class CompareFileReading(unittest.TestCase):
    """A compare file read by the library matches h5py's view of it."""

    path: Path
    result: CompareResult

    @classmethod
    def setUpClass(cls) -> None:
        cls.path = test_folder() / "compare.h5"
        cls.result = open_result(cls.path)

    def test_open_result_dispatches_on_file_kind(self) -> None:
        self.assertIsInstance(self.result, CompareResult)
        self.assertEqual(file_kind(self.path), "compare")
        with h5py.File(self.path, "r") as f:
            self.assertEqual(text(f.attrs["file_kind"]), "compare")

    def test_names_and_settings_are_the_root_attributes(self) -> None:
        with h5py.File(self.path, "r") as f:
            self.assertEqual(self.result.name_a, text(f.attrs["scenario_a_name"]))
            self.assertEqual(self.result.name_b, text(f.attrs["scenario_b_name"]))
            self.assertEqual(self.result.pairs, int(f.attrs["replicates"]))
            self.assertEqual(self.result.seed, int(f.attrs["seed"]))
            self.assertEqual(self.result.confidence, float(f.attrs["confidence"]))
            self.assertEqual(f"{self.result.start_date:%Y-%m-%d}", text(f.attrs["start_date"]))
            self.assertEqual(self.result.outcome_names, [text(o) for o in f["outcome"][:]])
        self.assertEqual((self.result.name_a, self.result.name_b), ("golden", "golden_policy"))
        self.assertEqual(self.result.pairs, 2)

    def test_outcomes_per_side_and_pair_are_the_numbers_h5py_reads(self) -> None:
        self.assertEqual(self.result.values.dims, ("outcome", "pair", "side"))
        self.assertEqual(list(self.result.values["side"].values), ["a", "b"])
        with h5py.File(self.path, "r") as f:
            np.testing.assert_array_equal(self.result.values["pair"].values, f["pair"][:])
            for name in self.result.outcome_names:
                with self.subTest(outcome=name):
                    on_disk = f[f"outcomes/{name}"][:]  # (pair, side)
                    np.testing.assert_array_equal(self.result.values.sel(outcome=name, side="a").values, on_disk[:, 0])
                    np.testing.assert_array_equal(self.result.values.sel(outcome=name, side="b").values, on_disk[:, 1])
                    np.testing.assert_array_equal(self.result.differences.sel(outcome=name).values,
                                                  f[f"difference/{name}"][:])
                    frame = self.result.outcome(name)
                    np.testing.assert_array_equal(frame["a"].to_numpy(), on_disk[:, 0])
                    np.testing.assert_array_equal(frame["difference"].to_numpy(), f[f"difference/{name}"][:])
                    # scamsim's words; the CF units beside them are their UDUNITS form (schema 3)
                    self.assertEqual(self.result.units(name), text(f[f"outcomes/{name}"].attrs["scamsim_units"]))
                    self.assertEqual(self.result.outcome_info.loc[name, "description"],
                                     text(f[f"outcomes/{name}"].attrs["description"]))
        # The policy changes something: a reader that returned one side twice would fail here.
        self.assertTrue((self.result.differences != 0).any())

    def test_intervals_and_statistics_are_the_summary_on_disk(self) -> None:
        with h5py.File(self.path, "r") as f:
            for statistic in ("mean_a", "mean_b", "sd_a", "sd_b", "mean_difference", "sd_difference", "ci_low",
                              "ci_high", "unpaired_low", "unpaired_high", "correlation", "pairs"):
                with self.subTest(statistic=statistic):
                    np.testing.assert_array_equal(self.result.summary[statistic].to_numpy(),
                                                  f[f"summary/{statistic}"][:])
            self.assertEqual(list(self.result.summary["units"]), [text(u) for u in f["summary/units"][:]])
        self.assertEqual(list(self.result.summary.index), self.result.outcome_names)
        finite = self.result.summary["ci_low"].notna()
        self.assertTrue((self.result.summary.loc[finite, "ci_low"]
                         <= self.result.summary.loc[finite, "ci_high"]).all())

    def test_a_transposed_outcome_is_labelled_by_its_scales(self) -> None:
        name = self.result.outcome_names[0]
        with tempfile.TemporaryDirectory() as folder:
            copy = Path(folder) / "transposed.h5"
            shutil.copy(self.path, copy)
            with h5py.File(copy, "r+") as f:
                values = f[f"outcomes/{name}"][:]
                del f[f"outcomes/{name}"]
                d = f.create_dataset(f"outcomes/{name}", data=values.T)  # (side, pair)
                d.dims[0].attach_scale(f["side"])
                d.dims[1].attach_scale(f["pair"])
            transposed = read_compare(copy)
        np.testing.assert_array_equal(transposed.values.sel(outcome=name).values,
                                      self.result.values.sel(outcome=name).values)

    def test_the_wrong_kind_of_file_is_refused_by_name(self) -> None:
        for read, kind in ((read_run, "run"), (read_sweep, "sweep")):
            with self.subTest(reader=kind), self.assertRaises(ResultFileError) as caught:
                read(self.path)
            self.assertIn(f"is a scamsim compare file, not a {kind} file", str(caught.exception))
        with self.assertRaises(ResultFileError) as caught:
            read_compare(test_folder() / "crackdown.h5")
        self.assertIn("not a compare file", str(caught.exception))



class CompareReport(unittest.TestCase):
    """analysis/report compare.h5: a page of the paired differences with both intervals, and a forest plot."""

    def setUp(self) -> None:
        self.result = read_compare(test_folder() / "compare.h5")
        self.folder = test_folder() / "report_paired"
        self.manifest = json.loads((self.folder / "manifest.json").read_text())
        self.page = (self.folder / "index.html").read_text(encoding="utf-8")

    def test_the_page_has_a_forest_plot_and_every_outcome_with_both_intervals(self) -> None:
        self.assertEqual([f["id"] for f in self.manifest["figures"]], ["compare1_forest"])
        self.assertEqual(self.manifest["inputs"][0]["kind"], "compare")
        forest = self.folder / self.manifest["figures"][0]["png"]
        self.assertGreater(forest.stat().st_size, 10_000)
        self.assertIn('data-figure="compare1_forest"', self.page)
        self.assertIn("Paired comparison: golden vs golden_policy", self.page)
        self.assertIn("95% paired interval", self.page)
        self.assertIn("95% unpaired interval (Welch)", self.page)
        self.assertIn('<table class="key">', self.page)
        summary = self.result.summary
        for name in self.result.outcome_names:
            with self.subTest(outcome=name):
                units = str(summary.loc[name, "units"])
                row_start = self.page.index(f"<td><code>{name}</code></td>")
                row = self.page[row_start:self.page.index("</tr>", row_start)]
                for low, high in (("ci_low", "ci_high"), ("unpaired_low", "unpaired_high")):
                    cell = html.escape(f"[{format_number(summary.loc[name, low], units)}, "
                                       f"{format_number(summary.loc[name, high], units)}]")
                    self.assertIn(cell, row, f"{low}..{high} of {name} is not in its row")
                self.assertIn(html.escape(format_number(summary.loc[name, "mean_difference"], units)), row)
        # Few pairs: said so.
        self.assertIn("Few pairs:</strong> 2", self.page)

    def test_the_forest_plot_draws_the_files_numbers(self) -> None:
        table = relative_differences(self.result)
        self.assertFalse(table.empty)
        summary = self.result.summary
        for name, row in table.iterrows():
            with self.subTest(outcome=name):
                base = abs(float(summary.loc[name, "mean_a"]))
                self.assertAlmostEqual(row["mean"], 100 * float(summary.loc[name, "mean_difference"]) / base)
                self.assertAlmostEqual(row["paired_low"], 100 * float(summary.loc[name, "ci_low"]) / base)
                self.assertAlmostEqual(row["unpaired_high"], 100 * float(summary.loc[name, "unpaired_high"]) / base)
                self.assertLessEqual(row["paired_low"], row["mean"] + 1e-9)
                self.assertLessEqual(row["mean"], row["paired_high"] + 1e-9)
                np.testing.assert_allclose(row["pairs"], 100 * self.result.differences.sel(outcome=name).values / base)
        left_out = [n for n in self.result.outcome_names if n not in table.index]
        for name in left_out:  # only outcomes with no percentage (A's mean zero) or no difference
            mean_a = float(summary.loc[name, "mean_a"])
            self.assertTrue(mean_a == 0 or not np.isfinite(mean_a)
                            or not np.isfinite(float(summary.loc[name, "mean_difference"])), name)

    def test_the_command_line_reports_a_compare_file(self) -> None:
        with tempfile.TemporaryDirectory() as folder:
            target = Path(folder) / "report"
            done = subprocess.run([str(SOURCE / "analysis" / "report"), str(test_folder() / "compare.h5"), "-o",
                                   str(target), "--no-svg"], capture_output=True, text=True, timeout=300)
            self.assertEqual(done.returncode, 0, done.stderr)
            self.assertIn("with 1 figures", done.stdout)
            self.assertTrue((target / "figures" / "compare1_forest.png").is_file())
            self.assertFalse((target / "figures" / "compare1_forest.svg").exists())


if __name__ == "__main__":
    unittest.main(verbosity=2)
