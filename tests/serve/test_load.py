#!/usr/bin/python3
"""Load on `scamsim serve`: 20 clients at once each submit a small run (a 2% world, two replicates, a changed lever,
so each is a paired comparison of two scenarios), follow it by server-sent events and download its results file,
which must be bit for bit the one `scamsim run` writes with the command the server shows, and its table must be
`scamsim summary`'s. Meanwhile another client times the API's other requests. The server's peak memory (VmHWM)
must stay under its --memory-cap. The latencies are printed as a benchmark, not asserted: this may run on a
shared two-core machine.

Usage: test_load.py SCAMSIM SOURCE_DIR OUT_DIR
"""

from __future__ import annotations

import http.client
import json
import math
import statistics
import subprocess
import sys
import threading
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))
from serverlib import Server, dataset_differences, summary_rows  # noqa: E402

CLIENTS = 20
MEMORY_CAP_MIB = 1024
SCENARIOS = [
    ("baseline", {"pressure.half_life_days": 365}),
    ("cambodia_crackdown_2025", {"events.kh_crackdown.capacity_factor": 6}),
    ("aftercare_funding", {"events.aftercare.budget_usd_per_year": 150_000_000}),
    ("regional_cooperation", {"ai.uplift": 0.5}),
    ("unilateral_crackdown", {"money.frozen_share": 0.1}),
]


def peak_rss_mib(pid: int) -> float:
    for line in Path(f"/proc/{pid}/status").read_text().splitlines():
        if line.startswith("VmHWM:"):
            return int(line.split()[1]) / 1024
    return math.nan


def main() -> int:
    scamsim, source, out = sys.argv[1], Path(sys.argv[2]), Path(sys.argv[3])
    out.mkdir(parents=True, exist_ok=True)
    failures: list[str] = []
    results: dict[int, dict] = {}
    latencies: list[float] = []
    in_flight = threading.Event()
    done = threading.Event()

    with Server(scamsim, "--workers", "2", "--memory-cap", str(MEMORY_CAP_MIB)) as server:
        def client(i: int) -> None:
            scenario, change = SCENARIOS[i % len(SCENARIOS)]
            try:
                status, body = server.json("POST", "/api/runs", {"scenario": scenario, "replicates": 2, "seed": 100 + i,
                                                                  "scale": 0.02, "set": change})
                if status != 202:
                    raise RuntimeError(f"submit {status}: {body}")
                in_flight.set()
                connection = http.client.HTTPConnection("127.0.0.1", server.port, timeout=600)
                connection.request("GET", f"/api/runs/{body['id']}/events")
                events = connection.getresponse().read().decode().splitlines()
                last = json.loads([e for e in events if e.startswith("data: ")][-1][6:])
                if last["state"] != "done":
                    raise RuntimeError(f"ended {last}")
                status, page = server.json("GET", f"/api/runs/{body['id']}/results")
                status, _, data = server.request("GET", f"/api/runs/{body['id']}/file.h5")
                (out / f"served_{i}.h5").write_bytes(data)
                results[i] = {"command": body["command"], "page": page}
            except Exception as e:  # noqa: BLE001 - every client's failure is reported
                failures.append(f"client {i}: {e}")

        def prober() -> None:
            in_flight.wait(60)
            paths = ["/api/status", "/api/scenarios", "/api/scenarios/aftercare_funding", "/", "/app.js"]
            k = 0
            while not done.is_set():
                start = time.perf_counter()
                status, _, _ = server.request("GET", paths[k % len(paths)], timeout=60)
                latencies.append(time.perf_counter() - start)
                if status != 200:
                    failures.append(f"{paths[k % len(paths)]}: {status}")
                k += 1
                time.sleep(0.02)

        start = time.monotonic()
        probe = threading.Thread(target=prober)
        probe.start()
        threads = [threading.Thread(target=client, args=(i,)) for i in range(CLIENTS)]
        for t in threads:
            t.start()
        for t in threads:
            t.join()
        wall = time.monotonic() - start
        done.set()
        probe.join()
        peak = peak_rss_mib(server.process.pid)
        _, usage = server.json("GET", "/api/status")

    # Each client's file against `scamsim run` of the command the server showed, and the page against summary.
    for i, r in sorted(results.items()):
        words = r["command"].split()
        words[0] = scamsim
        cli = out / f"cli_{i}.h5"
        words[words.index("-o") + 1] = str(cli)
        subprocess.run([*words, "--force", "-q"], cwd=source, check=True)
        differences = dataset_differences(out / f"served_{i}.h5", cli)
        if differences:
            failures.append(f"client {i}: the served file is not scamsim run's: {differences[:3]}")
        rows = summary_rows(scamsim, cli)
        table = r["page"]["changed"]["table"]
        for c, country in enumerate(r["page"]["countries"]):
            if country["id"] in rows:
                page = f"{math.floor(table['rows'][c][table['columns'].index('held_end')] + 0.5):,}"
                if page != rows[country["id"]][1]:
                    failures.append(f"client {i}: {country['id']} held at the end {page}, summary "
                                    f"{rows[country['id']][1]}")

    ms = sorted(1000 * x for x in latencies)
    p = lambda q: ms[min(len(ms) - 1, int(q * len(ms)))] if ms else math.nan  # noqa: E731
    print(f"load: {CLIENTS} clients, each a paired run of 2 replicates at scale 0.02 over 5 years, on 2 workers: "
          f"all done in {wall:.1f} s; {len(results)} correct results")
    print(f"load: other API requests while runs were in flight: {len(ms)} requests, p50 {p(0.5):.1f} ms, "
          f"p95 {p(0.95):.1f} ms, max {max(ms, default=math.nan):.1f} ms"
          f" (mean {statistics.fmean(ms) if ms else math.nan:.1f} ms)")
    print(f"load: server peak memory (VmHWM) {peak:.0f} MiB, cap {MEMORY_CAP_MIB} MiB; kept at the end "
          f"{usage['kept']} runs, {usage['disk_kept_bytes'] / 2**20:.1f} MiB on disk")
    if len(results) != CLIENTS:
        failures.append(f"only {len(results)} of {CLIENTS} clients finished")
    if not peak < MEMORY_CAP_MIB:
        failures.append(f"peak memory {peak:.0f} MiB is over the cap of {MEMORY_CAP_MIB} MiB")
    for f in failures:
        print(f"FAIL: {f}")
    if not failures:
        print("ok: every client finished with scamsim run's results, under the memory cap")
    return 1 if failures else 0


if __name__ == "__main__":
    sys.exit(main())
