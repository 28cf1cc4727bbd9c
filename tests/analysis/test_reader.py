#!/usr/bin/python3
"""The reader (analysis/scamsim_analysis) returns what is in the files: the same numbers as h5py reading the
datasets directly, labelled by the dimension scales; xarray opens a run file with named dimensions; sweep files are
read by their scales, whatever the order of their dimensions.

Reads the files that make_run_files.py and make_sweep_fixture.py wrote into $ANALYSIS_TEST_OUT with the engine
(`scamsim run`, `scamsim sweep`); variants (a transposed dataset, missing optional parts) are edited copies.
"""

from __future__ import annotations

import os
import shutil
import sys
import tempfile
import unittest
from pathlib import Path

import h5py
import numpy as np
import pandas as pd
import xarray as xr

SOURCE = Path(__file__).resolve().parents[2]
sys.path.insert(0, str(SOURCE / "analysis"))

from scamsim_analysis import ResultFileError, RunResult, SweepResult, open_result, read_run  # noqa: E402

#: The coordinates each series group of a run file carries itself (schema 3 on).
SERIES_COORDINATES = {"by_country": ("time", "country", "replicate"), "global": ("time", "replicate")}


def test_folder() -> Path:
    """Where the fixtures wrote their files."""
    return Path(os.environ.get("ANALYSIS_TEST_OUT", "out"))


def strings(values: np.ndarray) -> list[str]:
    """HDF5 strings as Python strings."""
    return [v.decode() if isinstance(v, bytes) else str(v) for v in values]


class RunFileReading(unittest.TestCase):
    """A run file read by the library matches h5py's view of it."""

    path: Path
    result: RunResult

    @classmethod
    def setUpClass(cls) -> None:
        cls.path = test_folder() / "crackdown.h5"
        cls.result = read_run(cls.path)

    def test_every_series_has_the_numbers_h5py_reads(self) -> None:
        with h5py.File(self.path, "r") as f:
            for group in ("by_country", "global"):
                # Every dataset of the group but its own coordinates (dimension scales, schema 3 on).
                data = [name for name, d in f[group].items() if not h5py.h5ds.is_scale(d.id)]
                self.assertEqual(sorted(f[group].keys()), sorted(data + list(SERIES_COORDINATES[group])))
                self.assertEqual(sorted(self.result.metrics[group]), sorted(data))
                for metric in data:
                    with self.subTest(series=f"{group}/{metric}"):
                        array = self.result.series(metric, group)
                        np.testing.assert_array_equal(array.values, f[f"{group}/{metric}"][:])
                        # scamsim's words; the CF units beside them are their UDUNITS form (schema 3)
                        self.assertEqual(array.attrs["units"], f[f"{group}/{metric}"].attrs["scamsim_units"].decode())

    def test_dimensions_are_named_and_labelled_by_the_scales(self) -> None:
        with h5py.File(self.path, "r") as f:
            held = self.result.series("workers_held")
            self.assertEqual(held.dims, ("replicate", "time", "country"))
            self.assertEqual(list(held["country"].values), strings(f["country"][:]))
            self.assertEqual(list(held["replicate"].values), list(f["replicate"][:]))
            start = pd.Timestamp(f.attrs["start_date"].decode())
            expected = start + pd.to_timedelta(f["time"][:], unit="D")
            np.testing.assert_array_equal(held["time"].values, expected.to_numpy())
            self.assertEqual(self.result.series("workers_held", "global").dims, ("replicate", "time"))
            # A value picked by label is the value at that position in the file.
            country = strings(f["country"][:]).index("cambodia")
            self.assertEqual(int(held.sel(country="cambodia").isel(replicate=1, time=100)),
                             int(f["by_country/workers_held"][1, 100, country]))

    def test_metadata_matches_the_root_attributes(self) -> None:
        with h5py.File(self.path, "r") as f:
            self.assertEqual(self.result.seed, int(f.attrs["seed"]))
            self.assertEqual(self.result.name, f.attrs["scenario_name"].decode())
            self.assertEqual(self.result.scenario_toml, f.attrs["scenario_toml"].decode())
            self.assertIn(f.attrs["scamsim_version"].decode(), self.result.version)
            self.assertEqual(list(self.result.countries["name"]), strings(f["country_name"][:]))
            np.testing.assert_array_equal(self.result.countries["latitude_deg"].to_numpy(), f["latitude_deg"][:])
            table = f["scenario_event"]
            kinds = {v: k for k, v in h5py.check_enum_dtype(table.dtype["kind"]).items()}
            rows = table[:]
            events = self.result.scenario_events
            self.assertGreater(len(rows), 0)
            self.assertEqual([e.kind for e in events], [kinds[k] for k in rows["kind"]])
            self.assertEqual([e.target for e in events], strings(rows["target"]))
            self.assertEqual([e.headline for e in events], strings(rows["headline"]))
            self.assertEqual([f"{e.date:%Y-%m-%d}" for e in events], strings(rows["date"]))
            self.assertEqual([(e.date - self.result.start_date).days for e in events], list(rows["day"]))
            self.assertEqual([e.label for e in events],
                             [f"{d} {k} {t}".strip() for d, k, t in zip(strings(rows["date"]),
                                                                       [kinds[k] for k in rows["kind"]],
                                                                       strings(rows["target"]))])
            self.assertTrue(all(e.headline and e.fields for e in events))
            self.assertTrue(all(e.date >= self.result.time[0] for e in events))

    def test_events_are_decoded_row_for_row(self) -> None:
        with h5py.File(self.path, "r") as f:
            rows = f["events"][:]
            kinds = {v: k for k, v in h5py.check_enum_dtype(f["events"].dtype["kind"]).items()}
            countries = strings(f["country"][:])
        events = self.result.events
        self.assertEqual(len(events), len(rows))
        self.assertEqual(list(events["kind"]), [kinds[k] for k in rows["kind"]])
        self.assertEqual(list(events["country"]), [countries[c] if c >= 0 else None for c in rows["country"]])
        np.testing.assert_array_equal(events["count"].to_numpy(), rows["count"])
        np.testing.assert_array_equal(events["amount_usd"].to_numpy(), rows["amount_usd"])
        np.testing.assert_array_equal((events["date"] - self.result.start_date).dt.days.to_numpy(), rows["step"])

    def test_operators_are_decoded_row_for_row(self) -> None:
        with h5py.File(self.path, "r") as f:
            rows = f["operators/final"][:]
        operators = self.result.operators
        self.assertEqual(len(operators), len(rows))
        np.testing.assert_array_equal(operators["workers"].to_numpy(), rows["workers"])
        self.assertTrue(set(operators["state"]) <= {"active", "relocating", "dismantled"})

    def test_relocations_pair_each_arrival_with_its_start(self) -> None:
        moves = self.result.relocations()
        arrivals = (self.result.events["kind"] == "relocation_arrival").sum()
        self.assertLessEqual(len(moves), arrivals)
        if len(moves):
            self.assertTrue((moves["start_step"] <= moves["arrival_step"]).all())
            self.assertTrue(moves["from_country"].notna().all() and moves["to_country"].notna().all())

    def test_xarray_opens_a_run_file_with_named_dimensions(self) -> None:
        root = xr.open_dataset(self.path, engine="h5netcdf")
        group = xr.open_dataset(self.path, engine="h5netcdf", group="by_country")
        try:
            self.assertEqual(group["workers_held"].dims, ("replicate", "time", "country"))
            # The group labels itself (schema 3): no assign_coords from the root.
            for name in ("time", "country", "replicate"):
                np.testing.assert_array_equal(group[name].values, root[name].values)
            np.testing.assert_array_equal(group["workers_held"].values, self.result.series("workers_held").values)
            self.assertEqual(group["time"].dtype.kind, "M")
        finally:
            group.close()
            root.close()
        dataset = self.result.dataset("global")
        self.assertIn("workers_held", dataset)
        self.assertEqual(dict(dataset.sizes)["replicate"], len(self.result.replicates))

    def test_at_full_scale_divides_counts_and_money_by_run_scale(self) -> None:
        self.assertEqual(self.result.scale, 0.02)  # make_run_files.py runs at 2% scale
        full = self.result.at_full_scale()
        with h5py.File(self.path, "r") as f:
            np.testing.assert_allclose(full.series("workers_held").values, f["by_country/workers_held"][:] / 0.02)
            np.testing.assert_allclose(full.series("revenue_usd", "global").values, f["global/revenue_usd"][:] / 0.02)
            np.testing.assert_array_equal(full.series("pressure").values, f["by_country/pressure"][:])
            np.testing.assert_array_equal(full.series("mean_operation_size", "global").values,
                                          f["global/mean_operation_size"][:])
        np.testing.assert_allclose(full.events["count"].to_numpy(), self.result.events["count"].to_numpy() / 0.02)
        np.testing.assert_array_equal(self.result.series("workers_held").values,
                                      read_run(self.path).series("workers_held").values)  # the original is as stored

    def test_scale_is_the_run_scale_attribute_or_in_older_files_the_scenarios(self) -> None:
        with h5py.File(self.path, "r") as f:
            self.assertEqual(float(f.attrs["run_scale"]), 0.02)
        with tempfile.TemporaryDirectory() as folder:
            copy = Path(folder) / "copy.h5"
            shutil.copyfile(self.path, copy)
            with h5py.File(copy, "r+") as f:
                f.attrs["run_scale"] = 0.5  # the attribute wins over the scenario text (which says 0.02)
            self.assertEqual(read_run(copy).scale, 0.5)
            with h5py.File(copy, "r+") as f:
                del f.attrs["run_scale"]  # as written before the attribute existed
            self.assertEqual(read_run(copy).scale, 0.02)

    def test_an_interrupted_file_gives_only_its_complete_replicates(self) -> None:
        with tempfile.TemporaryDirectory() as folder:
            copy = Path(folder) / "interrupted.h5"
            shutil.copy(self.path, copy)
            with h5py.File(copy, "r+") as f:
                f.attrs["replicates_written"] = np.int64(1)
            run = read_run(copy)
            held = run.series("workers_held")
            self.assertEqual(held.sizes["replicate"], 1)
            self.assertEqual(list(held["replicate"].values), [0])
            with h5py.File(copy, "r") as f:
                np.testing.assert_array_equal(held.values, f["by_country/workers_held"][:1])
            self.assertTrue(run.warnings and "1 of 3 replicates" in run.warnings[0])
            self.assertTrue((run.events["replicate"] == 0).all())

    def test_a_schema_1_file_reads_its_event_labels(self) -> None:
        with tempfile.TemporaryDirectory() as folder:
            copy = Path(folder) / "schema1.h5"
            shutil.copy(self.path, copy)
            with h5py.File(copy, "r+") as f:
                labels = [e.label for e in self.result.scenario_events]
                del f["scenario_event"]
                f.create_dataset("scenario_event", data=np.array(labels, dtype=h5py.string_dtype()))
                f.attrs["schema_version"] = np.int64(1)
            events = read_run(copy).scenario_events
        self.assertEqual([e.label for e in events], labels)
        self.assertEqual([e.kind for e in events], [e.kind for e in self.result.scenario_events])
        self.assertEqual([e.target for e in events], [e.target for e in self.result.scenario_events])
        # No headline in the file: the kind and the target's names stand in.
        self.assertTrue(all(e.headline.startswith(e.kind.replace("_", " ").capitalize()) for e in events))


SWEEP_FILES = ("sweep_budget_grid.h5", "sweep_saltelli.h5", "sweep_morris.h5", "sweep_lhs_minimal.h5",
               "sweep_failing.h5", "sweep_unfinished.h5")


def attach(dataset: h5py.Dataset, f: h5py.File, *names: str) -> None:
    """Attaches the root scales `names` to the dimensions of a dataset, in order, and labels them."""
    for index, name in enumerate(names):
        dataset.dims[index].attach_scale(f[name])
        dataset.dims[index].label = name


class SweepFileReading(unittest.TestCase):
    """Sweep files written by `scamsim sweep` (make_sweep_fixture.py) read by their scales."""

    def read(self, name: str | Path) -> SweepResult:
        result = open_result(test_folder() / name)
        self.assertIsInstance(result, SweepResult)
        return result

    def test_design_and_outcomes_match_h5py(self) -> None:
        for name in SWEEP_FILES:
            with self.subTest(file=name):
                sweep = self.read(name)
                with h5py.File(test_folder() / name, "r") as f:
                    self.assertEqual(f.attrs["file_kind"].decode(), "sweep")
                    self.assertEqual(sweep.parameters, strings(f["parameter"][:]))
                    self.assertEqual(sweep.outcome_names, strings(f["outcome"][:]))
                    self.assertEqual(sweep.design, f.attrs["design"].decode())
                    self.assertEqual(sweep.name, f.attrs["sweep_name"].decode())
                    self.assertEqual(len(sweep.runs), int(f.attrs["runs"]))
                    self.assertEqual(list(sweep.runs.index), list(f["run"][:]))
                    np.testing.assert_array_equal(sweep.values.to_numpy(), f["design/values"][:])
                    np.testing.assert_array_equal(sweep.unit.to_numpy(), f["design/unit"][:])
                    for outcome in (name for name, d in f["outcomes"].items() if not h5py.h5ds.is_scale(d.id)):
                        np.testing.assert_array_equal(sweep.outcomes[outcome].to_numpy(), f[f"outcomes/{outcome}"][:])
                        # units: scamsim's words, beside the CF units (schema 3)
                        for attribute, stored in (("units", "scamsim_units"), ("description", "description"),
                                                  ("definition", "definition")):
                            self.assertEqual(sweep.outcome_info.loc[outcome, attribute],
                                             f[f"outcomes/{outcome}"].attrs[stored].decode())
                    status = f["design/status"]  # integer codes with CF flags (schema 3)
                    meanings = status.attrs["flag_meanings"].decode().split()
                    self.assertEqual(meanings, ["pending", "done", "failed"])
                    codes = dict(zip(status.attrs["flag_values"], meanings))
                    self.assertEqual(list(sweep.runs["status"]), [codes[c] for c in f["design/status"][:]])
                    for column in ("point", "replicate", "seed"):
                        np.testing.assert_array_equal(sweep.runs[column].to_numpy(), f[f"design/{column}"][:])
                    self.assertEqual(list(sweep.runs["message"]), strings(f["design/message"][:]))
                    self.assertEqual(list(sweep.parameter_info["units"]), strings(f["parameter_units"][:]))
                    self.assertEqual(list(sweep.parameter_info["distribution"]),
                                     strings(f["parameter_distribution"][:]))

    def test_xarray_opens_a_sweep_file_with_named_dimensions(self) -> None:
        path = test_folder() / "sweep_budget_grid.h5"
        sweep = self.read("sweep_budget_grid.h5")
        root = xr.open_dataset(path, engine="h5netcdf")
        outcomes = xr.open_dataset(path, engine="h5netcdf", group="outcomes")
        design = xr.open_dataset(path, engine="h5netcdf", group="design")
        try:
            self.assertEqual(outcomes["rerecruited_cambodia"].dims, ("run",))
            self.assertEqual(design["values"].dims, ("run", "parameter"))
            for name in ("run", "parameter"):  # the groups label themselves (schema 3)
                np.testing.assert_array_equal(design[name].values, root[name].values)
            np.testing.assert_array_equal(outcomes["run"].values, root["run"].values)
            np.testing.assert_array_equal(design["values"].transpose("run", "parameter").values,
                                          sweep.values.to_numpy())
            np.testing.assert_array_equal(outcomes["rerecruited_cambodia"].values,
                                          sweep.outcomes["rerecruited_cambodia"].to_numpy())
        finally:
            for dataset in (design, outcomes, root):
                dataset.close()

    def test_a_transposed_dataset_is_labelled_by_its_scales(self) -> None:
        with tempfile.TemporaryDirectory() as folder:
            copy = Path(folder) / "transposed.h5"
            shutil.copy(test_folder() / "sweep_saltelli.h5", copy)
            with h5py.File(copy, "r+") as f:   # /design/unit stored [parameter, run] instead of [run, parameter]
                stored = f["design/unit"][:].T
                del f["design/unit"]
                attach(f["design"].create_dataset("unit", data=stored), f, "parameter", "run")
            sweep = self.read(copy)
            self.assertEqual(stored.shape, (len(sweep.parameters), len(sweep.runs)))
            self.assertEqual(list(sweep.unit.columns), sweep.parameters)
            np.testing.assert_array_equal(sweep.unit.to_numpy(), stored.T)

    def test_sensitivity_and_series_are_read_when_present(self) -> None:
        saltelli = self.read("sweep_saltelli.h5")
        self.assertEqual(saltelli.sensitivity.attrs["method"], "sobol")
        self.assertEqual(saltelli.sensitivity["first"].dims, ("outcome", "parameter"))
        self.assertEqual(list(saltelli.sensitivity["parameter"].values), saltelli.parameters)
        with h5py.File(test_folder() / "sweep_saltelli.h5", "r") as f:
            for key in ("first", "first_low", "first_high", "total", "total_low", "total_high"):
                np.testing.assert_array_equal(saltelli.sensitivity[key].values, f[f"sensitivity/{key}"][:])
            np.testing.assert_array_equal(saltelli.sensitivity["used"].values, f["sensitivity/used"][:])
            self.assertTrue((f["sensitivity/used"][:] <= f.attrs["base_points"]).all())
        morris = self.read("sweep_morris.h5")
        self.assertEqual(morris.sensitivity.attrs["method"], "morris")
        with h5py.File(test_folder() / "sweep_morris.h5", "r") as f:
            for key in ("mu", "mu_star", "sigma", "mu_star_low", "mu_star_high"):
                np.testing.assert_array_equal(morris.sensitivity[key].values, f[f"sensitivity/{key}"][:])
        grid = self.read("sweep_budget_grid.h5")
        self.assertEqual(grid.parameter_units("events.aftercare.budget_usd_per_year"), "USD/year")
        self.assertEqual(grid.parameter_info.loc["events.aftercare.budget_usd_per_year", "distribution"], "levels")
        held = grid.series("workers_held")
        self.assertEqual(held.dims, ("run", "time", "country"))
        self.assertEqual(held["time"].dtype.kind, "M")
        with h5py.File(test_folder() / "sweep_budget_grid.h5", "r") as f:
            np.testing.assert_array_equal(held.values, f["by_country/workers_held"][:])
            self.assertEqual(list(held["country"].values), strings(f["country"][:]))
            start = pd.Timestamp(f.attrs["start_date"].decode())
            np.testing.assert_array_equal(held["time"].values,
                                          (start + pd.to_timedelta(f["time"][:], unit="D")).to_numpy())
            self.assertEqual(held.attrs["units"], f["by_country/workers_held"].attrs["scamsim_units"].decode())
            # One scale per file (schema 3): the kept series are at scale 1, as the outcomes, so the people held
            # are the simulated world's whole numbers divided by run.scale (0.02 here), and not divided again.
            self.assertEqual(f.attrs["counts_at_scale"], 1.0)
            self.assertEqual(f.attrs["run_scale"], 0.02)
            simulated = f["by_country/workers_held"][:] * 0.02
            self.assertGreater(np.nanmax(simulated), 0)
            np.testing.assert_allclose(simulated, np.round(simulated), atol=1e-6)
        np.testing.assert_array_equal(grid.series_at_full_scale("workers_held").values, held.values)
        self.assertIsNone(grid.sensitivity)

    def test_optional_parts_may_be_missing(self) -> None:
        sweep = self.read("sweep_lhs_minimal.h5")
        self.assertIsNone(sweep.sensitivity)
        self.assertFalse(sweep.has_series("workers_held"))
        self.assertEqual(sweep.parameter_units("events.prince_sanctions.date"), "days since 2025-01-01")
        with tempfile.TemporaryDirectory() as folder:
            copy = Path(folder) / "bare.h5"
            shutil.copy(test_folder() / "sweep_lhs_minimal.h5", copy)
            with h5py.File(copy, "r+") as f:   # only what a sweep file must hold
                for name in ("parameter_units", "parameter_distribution", "design/unit", "design/seed",
                             "design/set"):
                    del f[name]
            bare = self.read(copy)
            self.assertEqual(bare.parameter_units(bare.parameters[0]), "")
            self.assertTrue(bare.unit.empty)
            np.testing.assert_array_equal(bare.values.to_numpy(), sweep.values.to_numpy())

    def test_an_unfinished_sweep_says_so_and_leaves_pending_runs_out(self) -> None:
        sweep = self.read("sweep_unfinished.h5")
        self.assertEqual(sorted(set(sweep.runs["status"])), ["done", "pending"])
        self.assertTrue(sweep.outcomes.iloc[-1].isna().all())
        self.assertEqual(len(sweep.done()), int((sweep.runs["status"] == "done").sum()))
        self.assertTrue(any("unfinished" in w for w in sweep.warnings), sweep.warnings)

    def test_failed_runs_keep_their_message(self) -> None:
        sweep = self.read("sweep_failing.h5")
        with h5py.File(test_folder() / "sweep_failing.h5", "r") as f:
            failed_on_disk = int((f["design/status"][:] == 2).sum())
        failed = sweep.runs[sweep.runs["status"] == "failed"]
        self.assertEqual(len(failed), failed_on_disk)
        self.assertEqual(len(failed), 1)
        self.assertIn("initial_workforce_share", failed["message"].iloc[0])
        self.assertTrue(sweep.outcomes.loc[failed.index].isna().all().all())
        self.assertTrue(any("1 of 4 runs failed" in w for w in sweep.warnings), sweep.warnings)
        self.assertEqual(len(sweep.done()), 3)


class FileKinds(unittest.TestCase):
    """What decides whether a file is a run or a sweep."""

    def test_a_run_file_without_file_kind_is_a_run(self) -> None:
        with h5py.File(test_folder() / "crackdown.h5", "r") as f:
            kind = f.attrs.get("file_kind")
        self.assertIsInstance(open_result(test_folder() / "crackdown.h5"), RunResult)
        self.assertIn(kind, (None, b"run"))

    def test_a_newer_schema_is_refused_with_both_versions(self) -> None:
        with tempfile.TemporaryDirectory() as folder:
            copy = Path(folder) / "newer.h5"
            shutil.copy(test_folder() / "crackdown.h5", copy)
            with h5py.File(copy, "r+") as f:
                f.attrs["schema_version"] = np.int64(99)
            with self.assertRaises(ResultFileError) as caught:
                open_result(copy)
            self.assertIn("schema version 99", str(caught.exception))
            self.assertIn(str(copy), str(caught.exception))


if __name__ == "__main__":
    unittest.main(verbosity=2)
