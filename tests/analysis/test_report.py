#!/usr/bin/python3
"""The report folders that analysis/report wrote (ctest fixtures) hold every figure, non-empty and of the expected
size, as PNG and SVG; index.html embeds every figure, references only files that exist, and shows the scenario's
name, seed and version and the scenario text folded away; a rerun writes the same bytes.

Reads $ANALYSIS_TEST_OUT/report_run (one run file), report_compare (two run files) and report_sweeps (five sweep
files written by `scamsim sweep`, one of them made unfinished, and a run file).
"""

from __future__ import annotations

import base64
import html
import html.parser
import json
import os
import struct
import subprocess
import sys
import tempfile
import unittest
import xml.etree.ElementTree as ElementTree
from pathlib import Path

import h5py
import numpy as np

SOURCE = Path(__file__).resolve().parents[2]
sys.path.insert(0, str(SOURCE / "analysis"))

import matplotlib  # noqa: E402

matplotlib.use("Agg")
import matplotlib.image  # noqa: E402

from scamsim_analysis.style import DPI, WIDTH_IN  # noqa: E402

RUN_FIGURES = {"held_by_country", "displacement", "decentralisation", "released_people", "money", "relocation_map"}


def out() -> Path:
    """Where the fixtures wrote."""
    return Path(os.environ.get("ANALYSIS_TEST_OUT", "out"))


def png_size(path: Path) -> tuple[int, int]:
    """Width and height from a PNG's IHDR chunk."""
    data = path.read_bytes()[:32]
    if data[:8] != b"\x89PNG\r\n\x1a\n":
        raise AssertionError(f"{path} is not a PNG")
    return struct.unpack(">II", data[16:24])


class References(html.parser.HTMLParser):
    """Collects every src and href of a page, and its <img> and <details> tags."""

    def __init__(self) -> None:
        super().__init__()
        self.references: list[str] = []
        self.images: list[dict[str, str]] = []
        self.details = 0

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        values = {k: v or "" for k, v in attrs}
        for key in ("src", "href"):
            if key in values:
                self.references.append(values[key])
        if tag == "img":
            self.images.append(values)
        if tag == "details":
            self.details += 1


class ReportFolder:
    """A report folder's manifest and page, parsed."""

    def __init__(self, name: str) -> None:
        self.folder = out() / name
        self.manifest = json.loads((self.folder / "manifest.json").read_text())
        self.page = (self.folder / "index.html").read_text(encoding="utf-8")
        self.parsed = References()
        self.parsed.feed(self.page)

    def ids(self) -> set[str]:
        return {f["id"] for f in self.manifest["figures"]}


class Checks(unittest.TestCase):
    """Shared checks of one report folder."""

    def check_figures(self, report: ReportFolder) -> None:
        self.assertTrue(report.manifest["figures"], "no figures")
        for figure in report.manifest["figures"]:
            with self.subTest(figure=figure["id"]):
                png = report.folder / figure["png"]
                svg = report.folder / figure["svg"]
                self.assertGreater(png.stat().st_size, 10_000, f"{png} is suspiciously small")
                self.assertGreater(svg.stat().st_size, 5_000, f"{svg} is suspiciously small")
                width, height = png_size(png)
                self.assertEqual((width, height), (figure["width_px"], figure["height_px"]))
                self.assertEqual(width, int(WIDTH_IN * DPI), "every figure is the report's width")
                self.assertTrue(300 <= height <= 3000, f"height {height} px")
                pixels = matplotlib.image.imread(png)[..., :3]
                self.assertGreater(float(pixels.std()), 0.05, f"{png} looks blank")
                self.assertGreater(float((pixels.mean(axis=2) < 0.5).mean()), 0.002, f"{png} has almost no ink")
                root = ElementTree.parse(svg).getroot()
                self.assertTrue(root.tag.endswith("svg"))
                svg_width = float(root.get("width", "0").removesuffix("pt"))
                self.assertAlmostEqual(svg_width / 72 * DPI, width, delta=1.0)

    def check_page(self, report: ReportFolder) -> None:
        for reference in report.parsed.references:
            if reference.startswith(("data:", "#")):
                continue
            self.assertFalse(reference.startswith(("http:", "https:", "//", "file:")),
                             f"index.html depends on {reference}")
            self.assertTrue((report.folder / reference).is_file(), f"index.html references missing {reference}")
        self.assertEqual(len(report.parsed.images), len(report.manifest["figures"]))
        by_id = {f["id"]: f for f in report.manifest["figures"]}
        for image in report.parsed.images:
            self.assertTrue(image["src"].startswith("data:image/png;base64,"), "figures are embedded")
            figure = by_id[image["data-figure"]]
            self.assertEqual(image["alt"], figure["title"])
            embedded = base64.b64decode(image["src"].split(",", 1)[1])
            self.assertEqual(embedded, (report.folder / figure["png"]).read_bytes())
        self.assertEqual(self.page_count(report, "What this shows."), len(report.manifest["figures"]))
        self.assertIn('data-render-check="pending"', report.page)

    @staticmethod
    def page_count(report: ReportFolder, text: str) -> int:
        return report.page.count(text)


class OneRun(Checks):
    """analysis/report crackdown.h5."""

    def test_every_figure_is_written_and_sized(self) -> None:
        report = ReportFolder("report_run")
        self.assertEqual(report.ids(), RUN_FIGURES)
        self.check_figures(report)

    def test_the_page_is_self_contained_and_says_what_ran(self) -> None:
        report = ReportFolder("report_run")
        self.check_page(report)
        with h5py.File(out() / "crackdown.h5", "r") as f:
            name = f.attrs["scenario_name"].decode()
            seed = str(int(f.attrs["seed"]))
            version = f.attrs["scamsim_version"].decode()
            first_line = f.attrs["scenario_toml"].decode().splitlines()[0]
            events = len(f["scenario_event"])
        for text in (name, f"seed {seed}", f"scamsim {version}", "Key figures", "90% of replicates",
                     html.escape(first_line), "run.scale = 0.02: a preview at reduced scale; findings come from 1:1 runs"):
            self.assertTrue(text in report.page, f"index.html does not say '{text}'")
        self.assertGreaterEqual(report.parsed.details, 1, "the scenario text is folded away in <details>")
        self.assertEqual(report.page.count("<tr><td class=num>"), events, "one row per scenario event")


class SeveralRuns(Checks):
    """analysis/report crackdown.h5 aftercare.h5."""

    def test_every_figure_and_a_side_by_side_table(self) -> None:
        report = ReportFolder("report_compare")
        self.assertEqual(report.ids(), RUN_FIGURES)
        self.check_figures(report)
        self.check_page(report)
        for text in ("cambodia_crackdown_2025", "aftercare_funding", "[aftercare_funding only]"):
            self.assertTrue(text in report.page, f"index.html does not say '{text}'")


class Sweeps(Checks):
    """analysis/report on sweep files written by `scamsim sweep` (budget grid, Saltelli, Morris, an unfinished Latin
    hypercube, a grid with a failed run) and a run file."""

    def test_every_sweep_figure_the_files_allow(self) -> None:
        report = ReportFolder("report_sweeps")
        ids = report.ids()
        self.assertTrue(RUN_FIGURES <= ids)
        expected = {"sweep1_budget", "sweep1_held", "sweep1_outcome_rerecruited_cambodia",
                    "sweep1_outcome_aftercare_spend_cambodia", "sweep1_outcome_held_region_end",
                    "sweep2_sobol", "sweep2_outcome_held_region_end", "sweep2_outcome_share_in_cells_end",
                    "sweep3_morris", "sweep3_outcome_held_region_end", "sweep3_outcome_revenue_region_per_year",
                    "sweep4_outcome_held_region_end", "sweep5_outcome_held_end"}
        self.assertEqual(ids - RUN_FIGURES, expected)
        self.check_figures(report)
        self.check_page(report)
        for text in ("Cost per averted", "Failed runs (1)", "initial_workforce_share", "3 not run",
                     "Design <strong>lhs", "Design <strong>saltelli", "Design <strong>morris",
                     "scaled to the full region"):
            self.assertTrue(text in report.page, f"index.html does not say '{text}'")


class Reruns(unittest.TestCase):
    """The same inputs give the same files, byte for byte."""

    def test_two_reports_of_the_same_file_are_identical(self) -> None:
        report = SOURCE / "analysis" / "report"
        sweep = out() / "sweep_morris.h5"
        with tempfile.TemporaryDirectory() as folder:
            first, second = Path(folder) / "a", Path(folder) / "b"
            for target in (first, second):
                result = subprocess.run([str(report), str(sweep), "-o", str(target), "--quiet"], capture_output=True,
                                        text=True, check=False)
                self.assertEqual(result.returncode, 0, result.stderr)
            files = sorted(p.relative_to(first) for p in first.rglob("*") if p.is_file())
            self.assertTrue(files)
            for name in files:
                with self.subTest(file=str(name)):
                    self.assertEqual((first / name).read_bytes(), (second / name).read_bytes())


if __name__ == "__main__":
    np.seterr(all="ignore")
    unittest.main(verbosity=2)
