#!/usr/bin/python3
"""The explorer's JSON API against a running `scamsim serve` (started on a free port, stopped with SIGTERM; the
stop must leave no file behind). One case per run of this script, named on the command line, so that ctest shows
each: scenarios, levers, run, cancel, queue, eviction, limits, signal.

Usage: test_api.py SCAMSIM SOURCE_DIR OUT_DIR CASE
"""

from __future__ import annotations

import csv
import http.client
import io
import json
import math
import signal
import subprocess
import sys
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))
from serverlib import Server, dataset_differences, summary_rows  # noqa: E402

SMALL = {"scale": 0.02, "years": 1}  # a 2% world for one year: well under a second a replicate


def check(condition: bool, message: str) -> None:
    if not condition:
        raise AssertionError(message)


def case_scenarios(scamsim: str, source: Path, out: Path) -> None:
    """Every shipped scenario is listed by id; each scenario's levers are described by the very rows of the
    parameter table `scamsim params` prints; /api/params is that table."""
    table = {row["key"]: row for row in csv.DictReader(io.StringIO(subprocess.run(
        [scamsim, "params", "--format", "csv"], capture_output=True, text=True, check=True).stdout))}
    shipped = sorted(p.stem for p in (source / "scenarios").glob("*.toml"))
    with Server(scamsim) as server:
        check("listening on this machine only" in server.process.stdout.readline(), "no word that it binds localhost")
        status, body = server.json("GET", "/api/scenarios")
        check(status == 200 and sorted(s["id"] for s in body["scenarios"]) == shipped,
              f"listed {body} but shipped {shipped}")
        status, params = server.json("GET", "/api/params")
        check(status == 200 and [p["key"] for p in params["parameters"]] == list(table), "/api/params is not the table")
        for sid in shipped:
            status, detail = server.json("GET", f"/api/scenarios/{sid}")
            check(status == 200 and detail["id"] == sid, f"{sid}: {status}")
            for lever in detail["levers"]:
                row = table[lever["table_key"]]
                check(lever["unit"] == row["unit"] and lever["description"] == row["description"]
                      and lever["range"]["text"] == row["range"], f"{sid}: {lever['key']} differs from params: {row}")
        status, detail = server.json("GET", "/api/scenarios/aftercare_funding")
        keys = {lever["key"] for lever in detail["levers"]}
        for wanted in ("events.aftercare.budget_usd_per_year", "events.kh_crackdown.capacity_factor",
                       "events.kh_crackdown.duration_days", "countries.cambodia.host.aftercare_budget_usd_per_year",
                       "pressure.half_life_days", "ai.uplift", "money.frozen_share"):
            check(wanted in keys, f"lever {wanted} missing: {sorted(keys)}")
        status, detail = server.json("GET", "/api/scenarios/regional_cooperation")
        check(any(lever["table_key"] == "events.intelligence_sharing.level" for lever in detail["levers"]),
              "no intelligence sharing lever in regional_cooperation")
        status, detail = server.json("GET", "/api/scenarios/crypto_regulation")
        check(any(lever["table_key"] == "events.crypto_regulation.frozen_share" for lever in detail["levers"]),
              "no crypto freeze lever in crypto_regulation")
        status, resolved = server.json("POST", "/api/resolve", {"scenario": "aftercare_funding", "replicates": 2,
                                                                 "set": {"pressure.half_life_days": 365}})
        check(status == 200 and "half_life_days = 365" in resolved["resolved_toml"]
              and "--set pressure.half_life_days=365" in resolved["command"], f"resolve: {resolved}")
    print("ok: scenarios, levers and the parameter table")


def case_run(scamsim: str, source: Path, out: Path) -> None:
    """A run with a changed lever: server-sent progress to the end; results with paired differences; the HDF5 file
    is bit for bit the one `scamsim run` writes with the command the server shows; the page's table is `scamsim
    summary`'s; every CSV table downloads."""
    out.mkdir(parents=True, exist_ok=True)
    request = {"scenario": "aftercare_funding", "replicates": 2, **SMALL, "years": 2,  # past the crackdown of 2026
               "set": {"events.aftercare.budget_usd_per_year": 100_000_000}}
    with Server(scamsim) as server:
        status, body = server.json("POST", "/api/runs", request)
        check(status == 202, f"submit: {status} {body}")
        run_id = body["id"]
        connection = http.client.HTTPConnection("127.0.0.1", server.port, timeout=120)
        connection.request("GET", f"/api/runs/{run_id}/events")
        response = connection.getresponse()
        check(response.getheader("Content-Type") == "text/event-stream", "events are not an event stream")
        events = [json.loads(line[6:]) for line in response.read().decode().splitlines() if line.startswith("data: ")]
        check(events and events[-1]["state"] == "done", f"stream ended with {events[-1:]}")
        check(all(a["steps_done"] <= b["steps_done"] for a, b in zip(events, events[1:])), "progress went back")
        status, results = server.json("GET", f"/api/runs/{run_id}/results")
        check(status == 200 and results["unchanged"] is not None and results["outcomes"], "no comparison")
        names = {o["name"] for o in results["outcomes"]}
        check({"held_end", "rerecruited"} <= names, f"outcomes: {names}")
        check(all(o["pairs"] == 2 for o in results["outcomes"]), "not 2 pairs")
        status, headers, data = server.request("GET", f"/api/runs/{run_id}/file.h5")
        check(status == 200 and "attachment" in headers.get("Content-Disposition", ""), f"file.h5: {status}")
        served = out / "served.h5"
        served.write_bytes(data)
        cli = out / "cli.h5"
        words = body["command"].split()
        words[0] = scamsim
        words[words.index("-o") + 1] = str(cli)
        subprocess.run([*words, "--force", "-q"], cwd=source, check=True)
        differences = dataset_differences(served, cli)
        check(not differences, f"the served file is not scamsim run's: {differences}")
        rows = summary_rows(scamsim, cli)
        columns = results["changed"]["table"]["columns"]
        for c, country in enumerate(results["countries"]):
            if country["id"] in rows:
                held_end = results["changed"]["table"]["rows"][c][columns.index("held_end")]
                check(f"{math.floor(held_end + 0.5):,}" == rows[country["id"]][1],
                      f"{country['id']}: held end {held_end} vs summary {rows[country['id']][1]}")
        for table in results["csv"]:
            # The export is made when first asked for: 202 until it is there.
            status, headers, _ = server.request("HEAD", f"/api/runs/{run_id}/csv/{table}")
            for _ in range(120):
                if status != 202:
                    break
                time.sleep(0.5)
                status, headers, _ = server.request("HEAD", f"/api/runs/{run_id}/csv/{table}")
            check(status == 200 and int(headers["Content-Length"]) > 0, f"HEAD csv {table}: {status}")
            status, headers, data = server.request("GET", f"/api/runs/{run_id}/csv/{table}")
            check(status == 200 and b"," in data.split(b"\n", 1)[0] and len(data) == int(headers["Content-Length"]),
                  f"csv {table}: {status}")
        served_csv = out / "served_csv"
        served_csv.mkdir(exist_ok=True)
        for table in results["csv"]:
            (served_csv / table).write_bytes(server.request("GET", f"/api/runs/{run_id}/csv/{table}")[2])
        cli_csv = out / "cli_csv"
        subprocess.run([scamsim, "export", str(cli), "--csv", str(cli_csv), "--force", "-q"], check=True)
        for table in results["csv"]:
            a = (served_csv / table).read_text().splitlines()
            b = (cli_csv / table).read_text().splitlines()
            if table == "about.csv":  # names the source file and when it was made, which differ
                a, b = ([x for x in rows if not x.startswith(("source,", "created_utc,"))] for rows in (a, b))
                check(f"source,{run_id}" not in "".join(a), "about.csv names the server's folder")
            check(a == b, f"{table} is not scamsim export's")
        status, _, toml = server.request("GET", f"/api/runs/{run_id}/scenario.toml")
        check(status == 200 and b"budget_usd_per_year = 100000000" in toml, "resolved TOML lacks the change")
        status, body = server.json("GET", f"/api/runs/{run_id}")
        check(body["state"] == "done" and body["steps_done"] == body["steps_total"], f"status: {body}")
    print("ok: run, stream, results, downloads")


def case_cancel(scamsim: str, source: Path, out: Path) -> None:
    """A running run and a queued one are cancelled; both end 'cancelled' and the server runs the next."""
    with Server(scamsim, "--workers", "1") as server:
        big = {"scenario": "baseline", "replicates": 4}
        _, first = server.json("POST", "/api/runs", big)
        _, second = server.json("POST", "/api/runs", big)
        time.sleep(0.5)
        status, body = server.json("DELETE", f"/api/runs/{second['id']}")
        check(status == 200 and body["state"] == "cancelled", f"queued cancel: {body}")
        status, body = server.json("POST", f"/api/runs/{first['id']}/cancel", {})
        check(status == 200, f"cancel: {status}")
        check(server.wait(first["id"], 60)["state"] == "cancelled", "the running run did not stop")
        status, body = server.json("GET", f"/api/runs/{first['id']}/results")
        check(status == 409, f"results of a cancelled run: {status}")
        _, third = server.json("POST", "/api/runs", {"scenario": "baseline", **SMALL})
        check(server.wait(third["id"])["state"] == "done", "the next run did not run")
    print("ok: cancel")


def case_queue(scamsim: str, source: Path, out: Path) -> None:
    """With one worker, later runs wait and know their place in the queue; all finish."""
    with Server(scamsim, "--workers", "1") as server:
        ids = []
        for _ in range(3):
            status, body = server.json("POST", "/api/runs", {"scenario": "baseline", "replicates": 2, **SMALL,
                                                              "years": 3})
            check(status == 202, f"submit: {body}")
            ids.append(body["id"])
        positions = [server.json("GET", f"/api/runs/{i}")[1] for i in ids]
        check(positions[2]["state"] == "queued" and positions[2]["position"] >= 1, f"queue: {positions}")
        check(positions[1]["position"] < positions[2]["position"] or positions[1]["state"] == "running",
              f"order: {positions}")
        for i in ids:
            check(server.wait(i)["state"] == "done", f"{i} did not finish")
    print("ok: queue")


def case_eviction(scamsim: str, source: Path, out: Path) -> None:
    """Finished runs are kept within --max-kept and --disk-cap: the least recently used goes first (410 after),
    and the disk in use never passes the cap."""
    with Server(scamsim, "--max-kept", "2", "--workers", "1") as server:
        def run(seed: int) -> str:
            status, body = server.json("POST", "/api/runs", {"scenario": "baseline", "seed": seed, **SMALL})
            check(status == 202 and server.wait(body["id"])["state"] == "done", f"run failed: {body}")
            return body["id"]
        a, b = run(1), run(2)
        check(server.json("GET", f"/api/runs/{a}/results")[0] == 200, "a's results")  # a is now used after b
        c = run(3)
        states = {name: server.json("GET", f"/api/runs/{i}")[1]["state"] for name, i in (("a", a), ("b", b), ("c", c))}
        check(states == {"a": "done", "b": "evicted", "c": "done"}, f"least recently used not evicted: {states}")
        check(server.json("GET", f"/api/runs/{b}/results")[0] == 410, "evicted results are not 410")
        check(server.request("GET", f"/api/runs/{b}/file.h5")[0] == 410, "evicted file is not 410")
    with Server(scamsim, "--disk-cap", "16", "--workers", "1") as server:
        ids, evicted = [], False
        for seed in range(40):
            status, body = server.json("POST", "/api/runs", {"scenario": "baseline", "seed": seed, "replicates": 2,
                                                              "scale": 0.02, "years": 2})
            check(status == 202 and server.wait(body["id"])["state"] == "done", f"run failed: {body}")
            ids.append(body["id"])
            _, usage = server.json("GET", "/api/status")
            check(usage["disk_kept_bytes"] <= usage["disk_cap_bytes"], f"over the disk cap: {usage}")
            if server.json("GET", f"/api/runs/{ids[0]}")[1]["state"] == "evicted":
                evicted = True
                break
        check(evicted, "the disk cap never evicted anything")
    print(f"ok: eviction (least recently used; disk cap reached after {len(ids)} runs)")


def case_limits(scamsim: str, source: Path, out: Path) -> None:
    """Replicates, years and scale beyond the server's limits are refused beside their field; a server started
    with larger limits accepts them."""
    with Server(scamsim) as server:
        for field, value in (("replicates", 21), ("years", 11), ("scale", 2), ("replicates", 0)):
            status, body = server.json("POST", "/api/runs", {"scenario": "baseline", field: value})
            check(status == 400 and body["errors"][0]["key"] == field, f"{field}={value}: {status} {body}")
    with Server(scamsim, "--max-replicates", "50", "--max-years", "20") as server:
        status, body = server.json("POST", "/api/resolve", {"scenario": "baseline", "replicates": 30, "years": 15})
        check(status == 200, f"larger limits: {body}")
    print("ok: limits")


def case_scenarios_dir(scamsim: str, source: Path, out: Path) -> None:
    """--scenarios DIR offers a folder's scenarios beside the shipped ones, by file name: a good one is listed and
    runs (its command names the folder), one whose id the shipped set has and one that does not load are skipped
    with a note on stderr; a folder that does not exist is refused at start."""
    folder = out / "mine"
    folder.mkdir(parents=True, exist_ok=True)
    (folder / "my_policy.toml").write_text(
        f'base = "{source / "scenarios/baseline.toml"}"\nname = "my_policy"\n[pressure]\nhalf_life_days = 400\n')
    (folder / "baseline.toml").write_text(f'base = "{source / "scenarios/baseline.toml"}"\nname = "impostor"\n')
    (folder / "broken.toml").write_text("this is not TOML =\n")
    with Server(scamsim, "--scenarios", str(folder)) as server:
        _, body = server.json("GET", "/api/scenarios")
        ids = [s["id"] for s in body["scenarios"]]
        check("my_policy" in ids and "broken" not in ids, f"listed: {ids}")
        check([s["name"] for s in body["scenarios"] if s["id"] == "baseline"] == ["baseline"], "the shipped baseline "
              "was replaced")
        status, detail = server.json("GET", "/api/scenarios/my_policy")
        check(any(lv["key"] == "pressure.half_life_days" and lv["value"] == 400 for lv in detail["levers"]),
              "the folder's scenario's own value is not the lever's")
        status, run = server.json("POST", "/api/runs", {"scenario": "my_policy", **SMALL})
        check(status == 202 and str(folder / "my_policy.toml") in run["command"], f"run: {run}")
        check(server.wait(run["id"])["state"] == "done", "the folder's scenario did not run")
        server.stop()
        err = server.stderr
        check("id 'baseline' is taken" in err and "broken.toml" in err, f"no notes on stderr: {err}")
    refused = subprocess.run([scamsim, "serve", "--port", "0", "--scenarios", str(out / "no_such_folder")],
                             capture_output=True, text=True, timeout=30)
    check(refused.returncode == 1 and "is not a folder" in refused.stderr, f"a missing folder: {refused.stderr}")
    print("ok: --scenarios")


def case_signal(scamsim: str, source: Path, out: Path) -> None:
    """SIGINT while runs are in flight and queued: the server stops within seconds, exits 0 and removes its
    results folder (Server.stop checks)."""
    server = Server(scamsim, "--workers", "1")
    with server:
        for _ in range(3):
            server.json("POST", "/api/runs", {"scenario": "baseline", "replicates": 3})
        time.sleep(1)
        start = time.monotonic()
        server.stop(signal.SIGINT)
        took = time.monotonic() - start
        check(took < 20, f"took {took:.1f} s to stop")
        check("stopped by signal 2" in server.stdout, f"said: {server.stdout}")
    print(f"ok: stopped in {took:.1f} s, nothing left")


def main() -> int:
    scamsim, source, out, case = sys.argv[1], Path(sys.argv[2]), Path(sys.argv[3]), sys.argv[4]
    globals()[f"case_{case}"](scamsim, source, out)
    return 0


if __name__ == "__main__":
    sys.exit(main())
