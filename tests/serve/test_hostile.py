#!/usr/bin/python3
"""Hostile requests against `scamsim serve`: path traversal in every parameter, malformed and deeply nested JSON,
huge bodies and headers, unknown levers and fields, out-of-range and mistyped values, a foreign Host, and clients
that send half a request and stall or trickle it. Each must get a 4xx or be cut off at the request time limit,
nothing must ever leak a file from outside the server's own, and the server must keep serving throughout (checked
after every request) and stop cleanly at the end.

Usage: test_hostile.py SCAMSIM SOURCE_DIR OUT_DIR
"""

from __future__ import annotations

import json
import socket
import sys
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))
from serverlib import Server  # noqa: E402

TIMEOUT_S = 2  # --request-timeout of the server under test
failures: list[str] = []


def raw(server: Server, data: bytes, read_timeout: float = 10) -> bytes:
    """Sends `data` on a new connection and returns all the server sends back before it closes or goes quiet."""
    with socket.create_connection(("127.0.0.1", server.port), timeout=read_timeout) as s:
        try:
            s.sendall(data)
            s.shutdown(socket.SHUT_WR)
        except OSError:
            pass  # the server may close on us mid-way (a huge body); what it answered is still there to read
        chunks = []
        try:
            while chunk := s.recv(65536):
                chunks.append(chunk)
        except (socket.timeout, ConnectionResetError):
            pass
        return b"".join(chunks)


def status_of(reply: bytes) -> int:
    try:
        return int(reply.split(b" ", 2)[1])
    except (IndexError, ValueError):
        return 0


def expect(name: str, server: Server, reply: bytes, allowed=range(400, 500)) -> None:
    code = status_of(reply)
    if code not in allowed:
        failures.append(f"{name}: status {code}: {reply[:200]!r}")
    if b"root:" in reply or b"/bin/bash" in reply:
        failures.append(f"{name}: leaked a system file")
    still = server.request("GET", "/api/scenarios", timeout=10)[0]
    if still != 200 or not server.alive():
        failures.append(f"{name}: the server stopped serving ({still})")


def get(path: str, host: str = "127.0.0.1") -> bytes:
    return f"GET {path} HTTP/1.1\r\nHost: {host}\r\nConnection: close\r\n\r\n".encode()


def post(path: str, body: bytes | str, content_type: str = "application/json", extra: str = "") -> bytes:
    body = body.encode() if isinstance(body, str) else body
    return (f"POST {path} HTTP/1.1\r\nHost: localhost\r\nContent-Type: {content_type}\r\n"
            f"Content-Length: {len(body)}\r\nConnection: close\r\n{extra}\r\n").encode() + body


def main() -> int:
    scamsim = sys.argv[1]
    with Server(scamsim, "--request-timeout", str(TIMEOUT_S)) as server:
        # A finished run, so that its routes take parameters to attack.
        status, body = server.json("POST", "/api/runs", {"scenario": "baseline", "scale": 0.02, "years": 1})
        run_id = body["id"]
        server.wait(run_id)

        traversals = ["../../../../etc/passwd", "..%2f..%2f..%2fetc%2fpasswd", "%2e%2e/%2e%2e/etc/passwd",
                      "....//....//etc/passwd", "/etc/passwd", "..\\..\\etc\\passwd", "%00", "baseline/../baseline",
                      "baseline.toml", "./baseline"]
        for t in traversals:
            for path in (f"/{t}", f"/vendor/{t}", f"/api/scenarios/{t}", f"/api/runs/{t}",
                         f"/api/runs/{t}/file.h5", f"/api/runs/{run_id}/csv/{t}", f"/api/runs/{run_id}/{t}"):
                expect(f"GET {path}", server, raw(server, get(path)))
            for request in ({"scenario": t}, {"scenario": "baseline", "set": {t: 1}},
                            {"scenario": "baseline", "set": {f"events.{t}.budget_usd_per_year": 1}},
                            {"scenario": "baseline", t: 1}):
                for route in ("/api/runs", "/api/resolve"):
                    expect(f"POST {route} {request}", server, raw(server, post(route, json.dumps(request))))

        malformed = ["{", '{"scenario":', "[1,2", "nul", '{"scenario":"baseline"}}', "{'scenario':'baseline'}",
                     '{"scenario":"baseline","replicates":NaN}', '{"scenario":"baseline","replicates":1e999}',
                     '{"scenario":"baseline","replicates":01}', '"just a string"', "[]", "null", "",
                     '{"scenario":"\\ud800"}', '{"scenario":"base\x01line"}']
        for body in malformed:
            expect(f"malformed {body!r}", server, raw(server, post("/api/runs", body)))
        expect("invalid UTF-8", server, raw(server, post("/api/runs", b'{"scenario":"\xff\xfe"}')))
        for depth in (17, 1000, 30000):
            nested = "[" * depth + "]" * depth
            expect(f"nested {depth} deep", server, raw(server, post("/api/runs", nested)))
            nested = '{"a":' * depth + "1" + "}" * depth
            expect(f"nested objects {depth} deep", server, raw(server, post("/api/resolve", nested)))

        huge = b'{"scenario":"baseline","pad":"' + b"x" * (8 << 20) + b'"}'
        reply = raw(server, post("/api/runs", huge))
        expect("8 MiB body", server, reply, allowed=(413,))
        reply = raw(server, b"POST /api/runs HTTP/1.1\r\nHost: localhost\r\nContent-Type: application/json\r\n"
                            b"Content-Length: 100000000000\r\n\r\n{")
        expect("a 100 GB Content-Length", server, reply, allowed=(413,))
        reply = raw(server, b"POST /api/runs HTTP/1.1\r\nHost: localhost\r\nContent-Type: application/json\r\n"
                            b"Transfer-Encoding: chunked\r\n\r\n" + b"ffff\r\n" + b"y" * 65535 + b"\r\n" * 2)
        expect("chunked body over the limit", server, reply, allowed=(413, 400))
        expect("32 KiB header", server, raw(server, get("/api/scenarios").replace(
            b"\r\n\r\n", b"\r\nX-Pad: " + b"z" * 32768 + b"\r\n\r\n")), allowed=(431, 400))
        expect("garbage", server, raw(server, b"\x00\x01\x02GARBAGE\r\n\r\n"))
        expect("no HTTP version", server, raw(server, b"GET /\r\n\r\n"))

        bad_values = [
            ({"scenario": "baseline", "set": {"no.such.lever": 1}}, "no.such.lever"),
            ({"scenario": "baseline", "set": {"run.seed": 1}}, "run.seed"),
            ({"scenario": "baseline", "set": {"pressure.half_life_days": -5}}, "pressure.half_life_days"),
            ({"scenario": "baseline", "set": {"pressure.half_life_days": "long"}}, "pressure.half_life_days"),
            ({"scenario": "aftercare_funding", "set": {"events.aftercare.budget_usd_per_year": -1}},
             "events.aftercare.budget_usd_per_year"),
            ({"scenario": "aftercare_funding", "set": {"events.kh_crackdown.capacity_factor": 1e6}},
             "events.kh_crackdown.capacity_factor"),
            ({"scenario": "aftercare_funding", "set": {"countries.cambodia.host.aftercare_budget_usd_per_year": 1e30}},
             "countries.cambodia.host.aftercare_budget_usd_per_year"),
            ({"scenario": "baseline", "replicates": 1.5}, "replicates"),
            ({"scenario": "baseline", "replicates": "3"}, "replicates"),
            ({"scenario": "baseline", "replicates": -1}, "replicates"),
            ({"scenario": "baseline", "years": 1e9}, "years"),
            ({"scenario": "baseline", "scale": 0}, "scale"),
            ({"scenario": "baseline", "seed": -1}, "seed"),
            ({"scenario": "baseline", "unknown_field": 1}, "unknown_field"),
            ({"scenario": 7}, "scenario"),
            ({"set": {}}, "scenario"),
        ]
        for request, key in bad_values:
            reply = raw(server, post("/api/runs", json.dumps(request)))
            expect(f"bad value {request}", server, reply, allowed=(400,))
            body = json.loads(reply.split(b"\r\n\r\n", 1)[1] or b"{}")
            if not any(e["key"] == key for e in body.get("errors", [])):
                failures.append(f"bad value {request}: no error beside '{key}': {body}")

        expect("text/plain POST", server, raw(server, post("/api/runs", '{"scenario":"baseline"}', "text/plain")),
               allowed=(415,))
        expect("form POST", server, raw(server, post("/api/runs", "scenario=baseline",
                                                     "application/x-www-form-urlencoded")), allowed=(415,))
        expect("PUT", server, raw(server, b"PUT /api/runs HTTP/1.1\r\nHost: localhost\r\nContent-Length: 0\r\n\r\n"),
               allowed=(405,))
        expect("DELETE a page", server, raw(server, b"DELETE / HTTP/1.1\r\nHost: localhost\r\n\r\n"), allowed=(405,))
        expect("foreign Host (DNS rebinding)", server, raw(server, get("/api/scenarios", "evil.example")),
               allowed=(403,))
        expect("foreign Host with a port", server, raw(server, get("/api/scenarios", "evil.example:8080")),
               allowed=(403,))

        # Half a request, then nothing: cut off at the time limit.
        for name, part in (("half the headers", b"GET /api/scenarios HTTP/1.1\r\nHost: loc"),
                           ("half the body", b"POST /api/runs HTTP/1.1\r\nHost: localhost\r\nContent-Type: "
                                             b"application/json\r\nContent-Length: 100\r\n\r\n{\"scen")):
            start = time.monotonic()
            with socket.create_connection(("127.0.0.1", server.port), timeout=TIMEOUT_S * 5) as s:
                s.sendall(part)
                try:
                    got = s.recv(1024)
                except socket.timeout:
                    got = None
            took = time.monotonic() - start
            if got is None or got != b"" or not TIMEOUT_S * 0.8 <= took <= TIMEOUT_S * 4 + 2:  # slack for a loaded CI machine
                failures.append(f"{name}: not cut off at {TIMEOUT_S} s (took {took:.1f} s, got {got!r})")
            expect(f"after {name}", server, raw(server, get("/nothing")))
        # A request trickled a byte every half second never finishes within the limit.
        start = time.monotonic()
        with socket.create_connection(("127.0.0.1", server.port), timeout=TIMEOUT_S * 5) as s:
            closed = False
            for byte in get("/api/scenarios"):
                try:
                    s.sendall(bytes([byte]))
                except OSError:
                    closed = True
                    break
                time.sleep(0.5)
                if time.monotonic() - start > TIMEOUT_S * 3:
                    break
            if not closed:
                try:
                    closed = s.recv(1024) == b""
                except (socket.timeout, ConnectionResetError):
                    closed = True
        if not closed:
            failures.append("a trickled request was not cut off")
        # Many idle connections: the server answers again once they time out.
        idle = [socket.create_connection(("127.0.0.1", server.port)) for _ in range(300)]
        time.sleep(TIMEOUT_S + 1.5)
        expect("after 300 idle connections", server, raw(server, get("/nothing")))
        for s in idle:
            s.close()

        status, _ = server.json("GET", f"/api/runs/{run_id}/results")
        if status != 200:
            failures.append(f"the first run's results are gone ({status})")
    for f in failures:
        print(f"FAIL: {f}")
    if not failures:
        print("ok: every hostile request got a 4xx or was cut off, and the server kept serving")
    return 1 if failures else 0


if __name__ == "__main__":
    sys.exit(main())
