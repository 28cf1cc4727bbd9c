#!/usr/bin/python3
"""STAND-IN sweep files for the analysis tests, written with h5py, until `scamsim sweep` writes real ones.

They follow the sweep-file schema agreed for issue #6 (root attributes as in run files plus file_kind = "sweep",
sweep_name, sweep_toml, base_scenario_toml, design, replicates, points, runs, start_date, dt_days; dimension scales
/run, /parameter, /outcome and, when series are kept, /time and /country, with /coords/* hard links; /design/values,
/design/unit [run, parameter]; /design/point, /design/replicate, /design/seed [run] int64; /design/status [run] int8
enum {pending=0, done=1, failed=2}; /design/message [run]; /outcomes/<name> [run] with units, description,
definition; optional /by_country/<metric> [run, time, country]; /sensitivity with method, confidence, bootstrap and
Sobol first/total (+ _low/_high) or Morris mu, mu_star, sigma, mu_star_low, mu_star_high [outcome, parameter]).

docs/SWEEPS.md section 7 documents the layout as `scamsim sweep` writes it; the budget grid here also carries its
optional extras (/parameter_units and /parameter_distribution along /parameter, /sensitivity/used, the root
attributes complete and common_random_numbers), the other files leave them out, so the reader is tested with and
without them.

The numbers are made up by a formula with seeded noise: the files exist to exercise the reader and the report's
sweep figures, not to say anything about the model. To make the reader prove that it labels axes by their
dimension scales, /design/unit is stored transposed ([parameter, run]) in the Saltelli file.

Usage: make_sweep_fixture.py OUTPUT_FOLDER    (writes sweep_budget_grid.h5, sweep_saltelli.h5, sweep_morris.h5,
                                              sweep_lhs_minimal.h5)
"""

from __future__ import annotations

import sys
from pathlib import Path

import h5py
import numpy as np

STATUS = h5py.enum_dtype({"pending": 0, "done": 1, "failed": 2}, basetype="i1")
START_DATE = "2025-01-01"


def _root_attributes(f: h5py.File, name: str, design: str, replicates: int, points: int, runs: int) -> None:
    """The root attributes of a sweep file, stored as fixed-length strings as scamsim stores them."""
    text = {
        "scamsim_version": "0.2.0",
        "git_commit": "fixture",
        "created_utc": "2026-01-01T00:00:00Z",
        "title": f"scamsim sweep: {name}",
        "source": "tests/analysis/make_sweep_fixture.py (a stand-in for scamsim sweep)",
        "history": "2026-01-01T00:00:00Z make_sweep_fixture.py",
        "command_line": f"scamsim sweep {name}.toml -o {name}.h5",
        "file_kind": "sweep",
        "sweep_name": name,
        "sweep_toml": f'name = "{name}"\nbase = "scenarios/cambodia_crackdown_2025.toml"\ndesign = "{design}"\n',
        "base_scenario_toml": 'name = "cambodia_crackdown_2025"\n[run]\nyears = 2\n',
        "design": design,
        "start_date": START_DATE,
    }
    for key, value in text.items():
        f.attrs.create(key, np.bytes_(value.encode()))
    for key, value in {"schema_version": 1, "seed": 7, "replicates": replicates, "points": points, "runs": runs,
                       "dt_days": 1}.items():
        f.attrs.create(key, np.int64(value))


def _scale(f: h5py.File, name: str, values: np.ndarray) -> h5py.Dataset:
    """A root dimension scale and its /coords hard link."""
    if values.dtype.kind in "UO":
        dataset = f.create_dataset(name, data=np.array([str(v) for v in values], dtype=object),
                                   dtype=h5py.string_dtype())
    else:
        dataset = f.create_dataset(name, data=values)
    dataset.make_scale(name)
    f.require_group("coords")[name] = dataset
    return dataset


def _attach(dataset: h5py.Dataset, *scales: h5py.Dataset) -> None:
    """Attaches one scale per dimension and labels the dimension by it."""
    for index, scale in enumerate(scales):
        dataset.dims[index].attach_scale(scale)
        dataset.dims[index].label = scale.name.rsplit("/", 1)[-1]


def _write(path: Path, name: str, design: str, parameters: list[str], unit: np.ndarray, values: np.ndarray,
           point: np.ndarray, replicate: np.ndarray, replicates: int, outcomes: dict[str, tuple[np.ndarray, str, str]],
           status: np.ndarray, messages: list[str], sensitivity: dict[str, np.ndarray] | None = None,
           sensitivity_attrs: dict[str, object] | None = None, series: dict[str, np.ndarray] | None = None,
           transpose_unit: bool = False, parameter_info: dict[str, list[str]] | None = None) -> None:
    """Writes one sweep file in the agreed schema (parameter_info: optional root datasets along /parameter)."""
    runs = values.shape[0]
    with h5py.File(path, "w", track_order=True) as f:
        _root_attributes(f, name, design, replicates, int(point.max()) + 1, runs)
        run = _scale(f, "run", np.arange(runs, dtype=np.int64))
        parameter = _scale(f, "parameter", np.array(parameters, dtype=object))
        outcome = _scale(f, "outcome", np.array(list(outcomes), dtype=object))
        for info_name, texts in (parameter_info or {}).items():
            dataset = f.create_dataset(info_name, data=np.array(texts, dtype=object), dtype=h5py.string_dtype())
            _attach(dataset, parameter)
        if parameter_info:
            f.attrs.create("complete", np.int64(1))
            f.attrs.create("common_random_numbers", np.int64(1))
        design_group = f.create_group("design")
        dataset = design_group.create_dataset("values", data=values.astype(np.float64))
        _attach(dataset, run, parameter)
        if transpose_unit:
            dataset = design_group.create_dataset("unit", data=unit.T.astype(np.float64))
            _attach(dataset, parameter, run)
        else:
            dataset = design_group.create_dataset("unit", data=unit.astype(np.float64))
            _attach(dataset, run, parameter)
        for column, data in (("point", point), ("replicate", replicate),
                             ("seed", 1000 + np.arange(runs, dtype=np.int64))):
            dataset = design_group.create_dataset(column, data=data.astype(np.int64))
            _attach(dataset, run)
        dataset = design_group.create_dataset("status", data=status.astype(np.int8), dtype=STATUS)
        _attach(dataset, run)
        dataset = design_group.create_dataset("message", data=np.array(messages, dtype=object),
                                              dtype=h5py.string_dtype())
        _attach(dataset, run)
        group = f.create_group("outcomes")
        for outcome_name, (data, units, description) in outcomes.items():
            dataset = group.create_dataset(outcome_name, data=np.where(status == 1, data, np.nan))
            _attach(dataset, run)
            dataset.attrs.create("units", np.bytes_(units.encode()))
            dataset.attrs.create("description", np.bytes_(description.encode()))
            dataset.attrs.create("definition", np.bytes_(f"{outcome_name}: made-up formula (fixture)".encode()))
        if series:
            steps = next(iter(series.values())).shape[1]
            time = _scale(f, "time", np.arange(steps, dtype=np.int64))
            time.attrs.create("units", np.bytes_(f"days since {START_DATE}".encode()))
            time.attrs.create("calendar", np.bytes_(b"proleptic_gregorian"))
            country = _scale(f, "country", np.array(["cambodia", "myanmar", "laos"], dtype=object))
            group = f.create_group("by_country")
            for metric, data in series.items():
                dataset = group.create_dataset(metric, data=data)
                _attach(dataset, run, time, country)
                dataset.attrs.create("units", np.bytes_(b"people" if metric == "workers_held" else b"people/step"))
                dataset.attrs.create("description", np.bytes_(f"{metric} (fixture)".encode()))
        if sensitivity is not None:
            group = f.create_group("sensitivity")
            for key, value in (sensitivity_attrs or {}).items():
                group.attrs.create(key, np.bytes_(value.encode()) if isinstance(value, str) else value)
            for key, data in sensitivity.items():
                dataset = group.create_dataset(key, data=data)
                _attach(dataset, *((outcome, parameter) if data.ndim == 2 else (outcome,)))


def budget_grid(folder: Path) -> None:
    """A grid over the aftercare budget (5 levels x 3 replicates), with series kept."""
    rng = np.random.default_rng(1)
    levels = np.array([0.0, 500_000.0, 2_000_000.0, 10_000_000.0, 50_000_000.0])
    replicates = 3
    point = np.repeat(np.arange(levels.size), replicates)
    replicate = np.tile(np.arange(replicates), levels.size)
    values = levels[point][:, None]
    unit = (point / (levels.size - 1))[:, None].astype(float)
    budget = values[:, 0]
    covered = 1 - np.exp(-budget / 8e6)
    rerecruited = 2000 * (1 - 0.7 * covered) + rng.normal(0, 60, budget.size)
    spend = np.minimum(budget, 6e6 * covered + 2e5) + rng.normal(0, 1e4, budget.size).clip(0)
    held = 250_000 - 20_000 * covered + rng.normal(0, 3000, budget.size)
    steps = 730
    days = np.arange(steps)
    held_series = np.empty((budget.size, steps, 3), dtype=np.int64)
    rerecruited_series = np.empty((budget.size, steps, 3), dtype=np.int64)
    for r in range(budget.size):
        drop = (days > 287) * (1 - np.exp(-(days - 287).clip(0) / 90))
        held_series[r, :, 0] = (100_000 * (1 - 0.4 * drop) + rng.normal(0, 500, steps)).astype(np.int64)
        held_series[r, :, 1] = (120_000 + 10_000 * drop + rng.normal(0, 500, steps)).astype(np.int64)
        held_series[r, :, 2] = (85_000 + 15_000 * drop + rng.normal(0, 500, steps)).astype(np.int64)
        rerecruited_series[r] = rng.poisson(3 * (1 - 0.7 * covered[r]), (steps, 3))
    _write(folder / "sweep_budget_grid.h5", "aftercare_budget", "grid", ["events.aftercare.budget_usd_per_year"], unit,
           values, point, replicate, replicates,
           {"rerecruited_cambodia": (rerecruited, "people/year", "People re-recruited in Cambodia, per year"),
            "aftercare_spend_cambodia": (spend, "USD/year", "Aftercare spending in Cambodia, per year"),
            "held_region_end": (held, "people", "People held across the region at the end")},
           np.ones(budget.size, dtype=np.int8), [""] * budget.size,
           series={"workers_held": held_series, "rerecruited": rerecruited_series},
           parameter_info={"parameter_units": ["USD/year"], "parameter_distribution": ["levels"]})


def saltelli(folder: Path) -> None:
    """A Saltelli design (base 8, 3 parameters) with Sobol indices; one run failed."""
    rng = np.random.default_rng(2)
    parameters = ["pressure.half_life_days", "economics.small_operation_workers",
                  "events.prince_sanctions.pressure_shock"]
    base, k = 8, len(parameters)
    unit = rng.random((base * (k + 2), k))
    low = np.array([30.0, 10.0, 0.0])
    high = np.array([365.0, 100.0, 0.6])
    values = low + unit * (high - low)
    values[:, 1] = np.floor(values[:, 1])
    runs = values.shape[0]
    held = 300_000 - 150_000 * unit[:, 2] - 40_000 * unit[:, 0] + rng.normal(0, 5000, runs)
    cells = 0.05 + 0.3 * unit[:, 1] * unit[:, 2] + rng.normal(0, 0.01, runs)
    status = np.ones(runs, dtype=np.int8)
    messages = [""] * runs
    status[5] = 2
    messages[5] = "run 5: the scenario failed to load: events.prince_sanctions.pressure_shock out of range"
    outcomes = {"held_region_end": (held, "people", "People held across the region at the end"),
                "share_in_cells_end": (cells, "1", "Share of people held in small operations at the end")}
    first = np.array([[0.10, 0.00, 0.80], [0.00, 0.35, 0.45]])
    total = np.array([[0.15, 0.02, 0.85], [0.02, 0.50, 0.62]])
    sensitivity = {"first": first, "first_low": first - 0.08, "first_high": first + 0.08,
                   "total": total, "total_low": total - 0.1, "total_high": total + 0.1,
                   "used": np.array([7, 7], dtype=np.int64)}
    _write(folder / "sweep_saltelli.h5", "global_sensitivity", "saltelli", parameters, unit, values,
           np.arange(runs), np.zeros(runs, dtype=np.int64), 1, outcomes, status, messages, sensitivity,
           {"method": "sobol", "confidence": 0.95, "bootstrap": np.int64(200)}, transpose_unit=True)


def morris(folder: Path) -> None:
    """A Morris design (5 trajectories, 4 parameters, 2 replicates per point) with mu, mu*, sigma."""
    rng = np.random.default_rng(3)
    parameters = ["pressure.half_life_days", "economics.small_operation_workers",
                  "countries.cambodia.enforcement_capacity_raids_per_year", "aftercare.cost_usd_per_person_day"]
    k, trajectories, replicates = len(parameters), 5, 2
    points = trajectories * (k + 1)
    unit_points = rng.integers(0, 4, (points, k)) / 3.0
    point = np.repeat(np.arange(points), replicates)
    replicate = np.tile(np.arange(replicates), points)
    unit = unit_points[point]
    low = np.array([30.0, 10.0, 50.0, 5.0])
    high = np.array([365.0, 100.0, 1000.0, 50.0])
    values = low + unit * (high - low)
    runs = values.shape[0]
    held = 300_000 - 100_000 * unit[:, 2] + rng.normal(0, 3000, runs)
    revenue = 4e10 * (1 - 0.3 * unit[:, 2]) * (1 + 0.1 * unit[:, 0]) + rng.normal(0, 5e8, runs)
    outcomes = {"held_region_end": (held, "people", "People held across the region at the end"),
                "revenue_region_per_year": (revenue, "USD/year", "Scam revenue across the region, per year")}
    mu_star = np.array([[5000.0, 800.0, 100000.0, 300.0], [4e9, 1e8, 1.2e10, 5e7]])
    sigma = mu_star * np.array([0.4, 1.2, 0.1, 0.9])
    sensitivity = {"mu": -mu_star * 0.9, "mu_star": mu_star, "sigma": sigma, "mu_star_low": mu_star * 0.7,
                   "mu_star_high": mu_star * 1.3}
    _write(folder / "sweep_morris.h5", "screening", "morris", parameters, unit, values, point, replicate,
           replicates, outcomes, np.ones(runs, dtype=np.int8), [""] * runs, sensitivity,
           {"method": "morris", "confidence": 0.95, "bootstrap": np.int64(100)})


def lhs_minimal(folder: Path) -> None:
    """A Latin hypercube with only what is required: no series, no sensitivity; one run still pending."""
    rng = np.random.default_rng(4)
    parameters = ["pressure.half_life_days", "events.prince_sanctions.capital_frozen_share"]
    runs = 20
    unit = (rng.permuted(np.tile(np.arange(runs), (2, 1)), axis=1).T + rng.random((runs, 2))) / runs
    values = np.column_stack([30 + unit[:, 0] * 335, unit[:, 1]])
    held = 280_000 - 50_000 * unit[:, 1] + rng.normal(0, 4000, runs)
    status = np.ones(runs, dtype=np.int8)
    status[-1] = 0
    _write(folder / "sweep_lhs_minimal.h5", "lhs_minimal", "lhs", parameters, unit, values, np.arange(runs),
           np.zeros(runs, dtype=np.int64), 1,
           {"held_region_end": (held, "people", "People held across the region at the end")}, status, [""] * runs)


def main(argv: list[str]) -> int:
    """Writes the four stand-in sweep files into the folder given."""
    if len(argv) != 2:
        print(__doc__.strip(), file=sys.stderr)
        return 2
    folder = Path(argv[1])
    folder.mkdir(parents=True, exist_ok=True)
    for make in (budget_grid, saltelli, morris, lhs_minimal):
        make(folder)
    print(f"make_sweep_fixture: wrote 4 stand-in sweep files to {folder}")
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv))
