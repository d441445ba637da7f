"""Churn soak: 1000 join/publish/leave cycles, 20 at a time, in one room.

Each cycle is a real participant (soak_client.py: aiortc, silent Opus
track + chat channel, offer/answer, ICE + DTLS connected, leave, close).
After a warm-up of WARMUP cycles and a settling pause, the server's RSS
(VmRSS), open file descriptors and threads are taken; again after the
1000 cycles (and at the half-way mark, for the trend).  RSS may grow by
less than 2 MB; descriptors and threads must be back to the same number;
the room must be gone (or empty) and the server must count no
participant.

Marked `soak`: select it with -m soak, or leave it out with -m "not soak".

    tests/integration/run -q -s tests/integration/test_soak.py
"""

import json
import os
import subprocess
import sys
import time

import pytest

from starling_helpers import HTML_DIR, http_raw, unique_room  # noqa: F401

HERE = os.path.dirname(os.path.abspath(__file__))
SECRET = "soak-admin-secret"
AUTH = {"Authorization": "Bearer " + SECRET}
CYCLES = 1000
CONCURRENCY = 20
WARMUP = 50
RSS_SLACK_KB = 2048


def proc_figures(pid):
    with open("/proc/%d/status" % pid) as f:
        st = dict(line.split(":", 1) for line in f if ":" in line)
    return {"rss_kb": int(st["VmRSS"].split()[0]), "threads": int(st["Threads"]),
            "fds": len(os.listdir("/proc/%d/fd" % pid))}


def admin(srv, path):
    status, _, body = http_raw(srv.admin_port, path, headers=AUTH, timeout=5)
    return status, (json.loads(body) if body else None)


def run_cycles(srv, room, n, budget):
    r = subprocess.run([sys.executable, os.path.join(HERE, "soak_client.py"), srv.ws_url, room,
                        str(n), str(CONCURRENCY)], capture_output=True, text=True, timeout=budget)
    lines = [l for l in r.stdout.splitlines() if l.startswith("{")]
    assert r.returncode == 0 and lines, "soak_client.py failed (exit %s): %s %s" % (
        r.returncode, r.stdout[-1000:], r.stderr[-3000:])
    res = json.loads(lines[-1])
    assert res["failed"] == 0 and res["ok"] == n, "cycles failed: %s" % res
    return res


def settle(srv, room, timeout=20.0):
    """Until the server counts no participant, the room is gone or empty
    and the figures have stopped moving (deferred frees done)."""
    deadline = time.monotonic() + timeout
    last = None
    stable = 0
    while True:
        status, info = admin(srv, "/admin/server")
        rs, r = admin(srv, "/admin/rooms/" + room)
        empty = status == 200 and info["participants"] == 0 and \
            (rs == 404 or (rs == 200 and not r["participants"]))
        fig = proc_figures(srv.proc.pid)
        key = (fig["fds"], fig["threads"])
        stable = stable + 1 if empty and key == last else 0
        last = key
        if stable >= 4:
            time.sleep(1.0)
            return proc_figures(srv.proc.pid), info, (rs, r)
        if time.monotonic() > deadline:
            return proc_figures(srv.proc.pid), info, (rs, r)
        time.sleep(0.5)


@pytest.mark.soak
def test_churn_soak(server):
    srv = server({"admin.secret": SECRET, "log.level": "info",
                  "media.port_range": "30000-39999"})
    room = unique_room("soak")
    t_start = time.monotonic()
    warm = run_cycles(srv, room, WARMUP, 120)
    before, _, _ = settle(srv, room)
    half = run_cycles(srv, room, CYCLES // 2, 600)
    mid, _, _ = settle(srv, room)
    rest = run_cycles(srv, room, CYCLES - CYCLES // 2, 600)
    after, info, (rs, r) = settle(srv, room)
    took = time.monotonic() - t_start
    status, metrics_srv = admin(srv, "/admin/server")
    text = "\n".join([
        "soak: %d cycles (+%d warm-up), %d at a time, %.0f s in all (cycles: %.1f s + %.1f s)"
        % (CYCLES, WARMUP, CONCURRENCY, took, half["seconds"], rest["seconds"]),
        "offer -> connected ms (median, p95, max): %s / %s" % (half.get("connect_ms"),
                                                               rest.get("connect_ms")),
        "after warm-up: %s" % before,
        "after %d:     %s" % (CYCLES // 2, mid),
        "after %d:    %s" % (CYCLES, after),
        "RSS growth: %+d kB (limit %d kB)" % (after["rss_kb"] - before["rss_kb"], RSS_SLACK_KB),
        "room: %s; server: %s" % (rs if rs == 404 else r, info),
    ])
    print("\n" + text)
    os.makedirs(os.path.join(HERE, "out"), exist_ok=True)
    with open(os.path.join(HERE, "out", "soak-figures.txt"), "w") as f:
        f.write(text + "\n")
    assert info["participants"] == 0, "server still counts participants: %s" % info
    assert rs == 404 or (rs == 200 and r["participants"] == []), \
        "room %s not gone/empty: %s %s" % (room, rs, r)
    assert after["fds"] == before["fds"], "file descriptors %d -> %d" % (before["fds"], after["fds"])
    assert after["threads"] == before["threads"], "threads %d -> %d" % (
        before["threads"], after["threads"])
    assert after["rss_kb"] - before["rss_kb"] < RSS_SLACK_KB, \
        "RSS grew by %d kB over %d cycles (%s -> %s)" % (
            after["rss_kb"] - before["rss_kb"], CYCLES, before, after)
    srv.assert_alive()
