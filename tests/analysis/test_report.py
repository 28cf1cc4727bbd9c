#!/usr/bin/python3
"""The report folders that analysis/report wrote (ctest fixtures) hold every figure, non-empty and of the expected
size, as PNG and SVG; index.html embeds every figure, references only files that exist, and shows the scenario's
name, seed and version and the scenario text folded away; a rerun writes the same bytes.

Reads $ANALYSIS_TEST_OUT/report_run (one run file), report_compare (two run files), report_sweeps (five sweep
files written by `scamsim sweep`, one of them made unfinished, and a run file), report_budget_levels (a 15-level
aftercare budget grid) and report_paired (a compare file).

Also: nothing drawn reaches past a figure's edge (clipped titles, labels, legends); a grid's trend line has a point
at each level, the median of its runs, while a continuous design's is binned, and the captions say which; the band
is named for what it is given the number of replicates (the full range of fewer than 10, with a warning); the cost
per averted re-recruitment has its interval, unbounded where the averted band reaches zero, in a key table whose
cost column comes right after the budget.
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
import matplotlib.figure  # noqa: E402
import matplotlib.image  # noqa: E402
import matplotlib.pyplot  # noqa: E402

from scamsim_analysis import read_run, read_sweep  # noqa: E402
import pandas as pd  # noqa: E402

from scamsim_analysis import style  # noqa: E402
from scamsim_analysis.style import DPI, WIDTH_IN, EventMark, events_key, mark_events, new_figure, overflow_px  # noqa: E402
from scamsim_analysis.summary import band_name, quantiles, scalar_quantiles  # noqa: E402
from scamsim_analysis.sweep_figures import budget_parameter, budget_table, rerecruitment_outcome, trend  # noqa: E402

#: Every report folder the fixtures write.
REPORT_FOLDERS = ("report_run", "report_compare", "report_sweeps", "report_budget_levels", "report_paired")

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
        for text in (name, f"seed {seed}", f"scamsim {version}", "Key figures", "Range of 3 replicates",
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


class NothingClipped(unittest.TestCase):
    """No figure of any report draws past its image's edge, as the manifest records it when drawn; and the measure
    catches a figure that does."""

    def test_every_figure_of_every_report_fits_its_image(self) -> None:
        checked = 0
        for name in REPORT_FOLDERS:
            for figure in ReportFolder(name).manifest["figures"]:
                with self.subTest(report=name, figure=figure["id"]):
                    self.assertIn("overflow_px", figure)
                    self.assertLessEqual(figure["overflow_px"], 1.0, "something is drawn past the image's edge")
                    checked += 1
        self.assertGreater(checked, 20)

    def test_a_title_past_the_edge_is_measured(self) -> None:
        long_title = "A title far too long for one line of the figure, " * 3
        with matplotlib.rc_context({"figure.dpi": DPI, "figure.titlesize": 14}):
            fig = new_figure(3.0)
            fig.add_subplot().plot([0, 1], [0, 1])
            fig.suptitle(long_title)  # as the sweep figures once did: cut off at both edges
            self.assertGreater(overflow_px(fig), 50)
            fig.clear()
            fig.add_subplot().plot([0, 1], [0, 1])
            style.title(fig, long_title)  # wrapped to the width
            self.assertEqual(overflow_px(fig), 0.0)
            matplotlib.pyplot.close(fig)


class MapLabels(unittest.TestCase):
    """Every label of the map's panels lies inside its panel, also in the small panels of the several-runs report
    (a label near an edge was cut off there: the room it needs was a fixed share of the map, not its width)."""

    def test_no_map_label_is_cut_off_at_its_panels_edge(self) -> None:
        from unittest import mock

        from scamsim_analysis import map_figure
        from scamsim_analysis.run_context import RunFigureContext
        from scamsim_analysis.summary import country_groups, event_marks

        runs = [read_run(out() / name).at_full_scale() for name in ("crackdown.h5", "aftercare.h5")]
        outside: list[str] = []
        checked = [0]

        def check_labels(fig: matplotlib.figure.Figure, *args: object, **kwargs: object) -> None:
            fig.canvas.draw()
            renderer = fig.canvas.get_renderer()
            for ax in fig.axes:
                if not ax.axison:
                    continue  # the legend row
                box = ax.get_window_extent(renderer)
                for text in ax.texts:
                    if not text.get_visible() or not text.get_text():
                        continue
                    checked[0] += 1
                    extent = text.get_window_extent(renderer)
                    if (extent.x0 < box.x0 - 1 or extent.x1 > box.x1 + 1 or extent.y0 < box.y0 - 1
                            or extent.y1 > box.y1 + 1):
                        outside.append(text.get_text())
            matplotlib.pyplot.close(fig)

        with tempfile.TemporaryDirectory() as folder, matplotlib.rc_context(style.RC), \
                mock.patch.object(map_figure.style, "save", check_labels):
            for chosen in (runs, runs[:1]):
                labels = [run.name for run in chosen]
                context = RunFigureContext(runs=chosen, labels=labels, groups=country_groups(chosen),
                                           events=event_marks(chosen, labels), folder=Path(folder), svg=False)
                map_figure.relocation_map(context)
        self.assertGreater(checked[0], 40)
        self.assertEqual(outside, [], "map labels cut off at their panel's edge")


class ManyEvents(unittest.TestCase):
    """Many scenario events (several runs' together reach 26) are short ticks at each panel's top edge, not lines
    across the data, and the figure points to the page's table instead of listing them; a few stay dotted lines."""

    @staticmethod
    def event_lines(count: int) -> list:
        events = [EventMark(i + 1, pd.Timestamp("2025-01-01") + pd.Timedelta(days=20 * i), f"event {i + 1}")
                  for i in range(count)]
        with matplotlib.rc_context({"figure.dpi": DPI}):
            fig = new_figure(3.0)
            ax = fig.add_subplot()
            dates = pd.date_range("2025-01-01", periods=600)
            ax.plot(dates, np.arange(600))
            before = len(ax.lines)
            mark_events(ax, events)
            events_key(fig, events)
            lines = [tuple(line.get_ydata()) for line in ax.lines[before:]]
            key = fig._supxlabel.get_text() if getattr(fig, "_supxlabel", None) is not None else ""
            matplotlib.pyplot.close(fig)
        return lines, key

    def test_many_events_are_ticks_at_the_top(self) -> None:
        lines, key = self.event_lines(26)
        self.assertEqual(len(lines), 26)
        self.assertTrue(all(low >= 0.9 for low, _ in lines), lines[:3])
        self.assertIn("26 scenario events", key)
        self.assertNotIn("event 26", key)

    def test_a_few_events_are_lines_with_a_key(self) -> None:
        lines, key = self.event_lines(5)
        self.assertEqual(lines, [(0, 1)] * 5)
        self.assertIn("event 5", key)


class BandNames(unittest.TestCase):
    """The band is called what it is: the range of fewer than 10 replicates, a 90% band of 10 or more."""

    def test_names_by_count(self) -> None:
        self.assertEqual(band_name(4), "range of 4 replicates")
        self.assertEqual(band_name(9), "range of 9 replicates")
        self.assertEqual(band_name(10), "90% band (5th to 95th percentile of 10 replicates)")
        self.assertEqual(band_name(3, "runs"), "range of 3 runs")

    def test_the_band_of_a_few_replicates_is_their_range(self) -> None:
        run = read_run(out() / "crackdown.h5")
        held = run.series("workers_held").sum("country")
        self.assertLess(len(run.replicates), 10)
        q = quantiles(held)
        np.testing.assert_array_equal(q["low"].values, held.min("replicate").values)
        np.testing.assert_array_equal(q["high"].values, held.max("replicate").values)
        values = np.arange(20.0)
        self.assertEqual(scalar_quantiles(values[:4])[1:], (0.0, 3.0))
        self.assertEqual(scalar_quantiles(values)[1:], tuple(np.quantile(values, [0.05, 0.95])))

    def test_a_report_of_a_few_replicates_names_the_band_and_warns(self) -> None:
        page = ReportFolder("report_run").page
        self.assertIn("Few replicates:", page)
        self.assertIn("the range of the 3 replicates (lowest to highest)", page)
        for wrong in ("90% of replicates", "hold 90%", "90% band across replicates"):
            self.assertNotIn(wrong, page)
        captions = " ".join(f["caption"] for f in ReportFolder("report_run").manifest["figures"])
        self.assertNotIn("90%", captions)


class TrendPerLevel(unittest.TestCase):
    """A grid's trend line has a point at each distinct level, the median of the runs there (15 levels: the report
    once binned them into 10, and the line zigzagged); a Latin hypercube's is binned; the captions say which."""

    def test_fifteen_levels_give_fifteen_medians(self) -> None:
        sweep = read_sweep(out() / "sweep_budget_levels.h5")
        done = sweep.done()
        parameter = "countries.alpha.host.aftercare_budget_usd_per_year"
        self.assertEqual(done[parameter].nunique(), 15)
        for outcome in sweep.outcome_names:
            with self.subTest(outcome=outcome):
                line = trend(done, parameter, outcome, sweep.design)
                self.assertEqual(line.attrs["grouping"], "level")
                expected = done.groupby(parameter)[outcome].median()
                np.testing.assert_array_equal(line["value"].to_numpy(), expected.index.to_numpy(dtype=float))
                np.testing.assert_allclose(line["median"].to_numpy(), expected.to_numpy())
                np.testing.assert_array_equal(line["runs"].to_numpy(), done.groupby(parameter)[outcome].count())

    def test_a_continuous_design_is_binned(self) -> None:
        sweep = read_sweep(out() / "sweep_saltelli.h5")
        done = sweep.done()
        parameter = sweep.parameters[0]
        self.assertGreaterEqual(len(done), 30)
        line = trend(done, parameter, sweep.outcome_names[0], sweep.design)
        self.assertEqual(line.attrs["grouping"], "bin")
        self.assertLess(len(line), done[parameter].nunique())

    def test_captions_say_median_per_level_or_per_bin(self) -> None:
        levels = ReportFolder("report_budget_levels").manifest["figures"]
        outcome_captions = [f["caption"] for f in levels if "_outcome_" in f["id"]]
        self.assertTrue(outcome_captions)
        for caption in outcome_captions:
            self.assertIn("median per level", caption)
            self.assertNotIn("median per bin", caption)
        sweeps = {f["id"]: f["caption"] for f in ReportFolder("report_sweeps").manifest["figures"]}
        self.assertIn("median per bin", sweeps["sweep2_outcome_held_region_end"])  # Saltelli
        self.assertIn("median per level", sweeps["sweep1_outcome_held_region_end"])  # budget grid


class CostPerAverted(unittest.TestCase):
    """The cost per averted re-recruitment has an interval from the spread of the replicates' averted counts,
    unbounded where that spread reaches zero; the key table shows it, cost first after the budget."""

    def test_the_interval_divides_the_extra_spending_by_the_averted_band(self) -> None:
        sweep = read_sweep(out() / "sweep_budget_levels.h5")
        table = budget_table(sweep)
        self.assertEqual(len(table), 15)
        done = sweep.done()
        parameter, outcome = budget_parameter(sweep), rerecruitment_outcome(sweep)
        reference = done[done[parameter] == done[parameter].min()].set_index("replicate")[outcome]
        for _, row in table.iloc[1:].iterrows():
            with self.subTest(budget=row["budget"]):
                runs = done[done[parameter] == row["budget"]]
                averted = reference.loc[runs["replicate"]].to_numpy() - runs[outcome].to_numpy()
                self.assertEqual(row["averted_low"], averted.min())  # 2 replicates: the range
                self.assertEqual(row["averted_high"], averted.max())
                if averted.min() <= 0:
                    self.assertTrue(row["averted_includes_zero"])
                    self.assertEqual(row["cost_high"], np.inf)
                else:
                    self.assertFalse(row["averted_includes_zero"])
                    self.assertAlmostEqual(row["cost_high"], row["extra_spend"] / averted.min())
                    self.assertAlmostEqual(row["cost_low"], row["extra_spend"] / averted.max())
                    self.assertLessEqual(row["cost_low"], row["cost_per_averted"])
                    self.assertLessEqual(row["cost_per_averted"], row["cost_high"])

    def test_the_key_table_puts_the_cost_first_and_says_when_it_is_unbounded(self) -> None:
        for name in ("report_budget_levels", "report_sweeps"):
            with self.subTest(report=name):
                page = ReportFolder(name).page
                start = page.index("what each averted re-recruitment costs")
                table = page[page.index("<table", start):page.index("</table>", start)]
                self.assertTrue(table.startswith('<table class="key">'))
                headers = [h.split(">", 1)[1] for h in table.split("</th>")[:3]]
                self.assertTrue(headers[0].endswith("Budget (USD/year)"), headers)
                self.assertTrue(headers[1].endswith("Cost per averted (USD)"), headers)
                self.assertIn("Cost interval", headers[2])
        levels = budget_table(read_sweep(out() / "sweep_budget_levels.h5"))
        page = ReportFolder("report_budget_levels").page
        if levels["averted_includes_zero"].any():
            self.assertIn("averted band includes 0", page)
            self.assertIn("unbounded", page)
        else:
            self.assertNotIn("averted band includes 0", page)


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
