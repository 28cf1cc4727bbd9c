"""Starts `scamsim serve` for a test on a free port, in a results folder of the test's own, and stops it with
SIGTERM, checking that it exits 0 and leaves no file behind (the server's results folder is removed)."""

from __future__ import annotations

import http.client
import json
import os
import re
import signal
import subprocess
import tempfile
import time
from pathlib import Path


class Server:
    """A running `scamsim serve`; use as a context manager."""

    def __init__(self, scamsim: str, *args: str, work_dir: Path | None = None):
        self.scamsim = scamsim
        self.args = list(args)
        self._tmp = None
        if work_dir is None:
            self._tmp = tempfile.TemporaryDirectory(prefix="scamsim-serve-test-")
            work_dir = Path(self._tmp.name)
        self.work_dir = Path(work_dir)
        self.work_dir.mkdir(parents=True, exist_ok=True)
        self.process: subprocess.Popen | None = None
        self.port = 0
        self.stdout = ""
        self.stderr = ""

    def __enter__(self) -> "Server":
        self.process = subprocess.Popen(
            [self.scamsim, "serve", "--port", "0", "--work-dir", str(self.work_dir), *self.args],
            stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)
        line = self.process.stdout.readline()
        match = re.search(r"http://127\.0\.0\.1:(\d+)/", line)
        if not match:
            self.process.kill()
            raise RuntimeError(f"scamsim serve did not say where it listens: {line!r} {self.process.stderr.read()}")
        self.port = int(match.group(1))
        self.stdout = line
        return self

    def __exit__(self, *exc) -> None:
        self.stop()
        if self._tmp is not None:
            self._tmp.cleanup()

    @property
    def url(self) -> str:
        return f"http://127.0.0.1:{self.port}/"

    def alive(self) -> bool:
        return self.process is not None and self.process.poll() is None

    def stop(self, sig: int = signal.SIGTERM) -> int:
        """Stops the server; returns its exit code. Raises if it leaves files in its work folder."""
        if self.process is None or self.process.poll() is not None:
            return self.process.returncode if self.process else 0
        self.process.send_signal(sig)
        try:
            out, err = self.process.communicate(timeout=60)
        except subprocess.TimeoutExpired:
            self.process.kill()
            raise RuntimeError("scamsim serve did not stop within 60 s of the signal")
        self.stdout += out
        self.stderr = err
        left = [p for p in self.work_dir.rglob("*") if p.name.startswith("scamsim-serve-")]
        if left:
            raise RuntimeError(f"scamsim serve left files behind: {left}")
        if self.process.returncode != 0:
            raise RuntimeError(f"scamsim serve exited {self.process.returncode}: {err}")
        return self.process.returncode

    def request(self, method: str, path: str, body: bytes | str | dict | None = None, headers: dict | None = None,
                timeout: float = 30) -> tuple[int, dict, bytes]:
        """One request on a new connection: (status, headers, body)."""
        connection = http.client.HTTPConnection("127.0.0.1", self.port, timeout=timeout)
        headers = dict(headers or {})
        if isinstance(body, dict):
            body = json.dumps(body)
            headers.setdefault("Content-Type", "application/json")
        connection.request(method, path, body=body, headers=headers)
        response = connection.getresponse()
        data = response.read()
        connection.close()
        return response.status, dict(response.getheaders()), data

    def json(self, method: str, path: str, body: dict | None = None) -> tuple[int, dict]:
        status, _, data = self.request(method, path, body)
        return status, json.loads(data)

    def wait(self, run_id: str, timeout: float = 600) -> dict:
        """Polls a run until it ends; returns its last status."""
        deadline = time.monotonic() + timeout
        while time.monotonic() < deadline:
            status, body = self.json("GET", f"/api/runs/{run_id}")
            if body.get("state") not in ("queued", "running"):
                return body
            time.sleep(0.2)
        raise RuntimeError(f"run {run_id} did not end within {timeout} s")


def summary_rows(scamsim: str, h5: Path) -> dict[str, list[str]]:
    """The 'People by host country' table of `scamsim summary FILE`: country -> its cells as printed."""
    text = subprocess.run([scamsim, "summary", str(h5)], capture_output=True, text=True, check=True).stdout
    block = text.split("People by host country", 1)[1].split("\n\n", 1)[0]
    rows = {}
    for line in block.splitlines():
        cells = line.split()
        if len(cells) >= 7 and not line.lstrip().startswith(("country", "-")):
            rows[" ".join(cells[:-6])] = cells[-6:]
    return rows


def dataset_differences(a: Path, b: Path) -> list[str]:
    """The datasets two HDF5 files do not share bit for bit (attributes, which record when and how a file was made,
    are not compared). Tables with string columns are compared by value: their raw bytes hold pointers."""
    import h5py
    import numpy as np

    def datasets(path: Path) -> dict:
        found = {}
        with h5py.File(path, "r") as f:
            def visit(name, obj):
                if isinstance(obj, h5py.Dataset):
                    data = np.asarray(obj[()])
                    plain = obj.dtype.kind != "O" and not (obj.dtype.names and any(
                        obj.dtype.fields[n][0].kind == "O" for n in obj.dtype.names))
                    found[name] = (obj.dtype.str, obj.shape,
                                   data.tobytes() if plain else repr(data.tolist()).encode())
            f.visititems(visit)
        return found

    x, y = datasets(a), datasets(b)
    problems = [f"only in {a}: {n}" for n in sorted(x.keys() - y.keys())]
    problems += [f"only in {b}: {n}" for n in sorted(y.keys() - x.keys())]
    problems += [f"{n} differs" for n in sorted(x.keys() & y.keys()) if x[n] != y[n]]
    if not x:
        problems.append(f"{a} holds no dataset")
    return problems
