"""A room bigger than one connection's m-sections: 33 participants that
each publish audio and video need 64 receiving sections apiece, more than
a connection has room for.  The tracks that do not fit are not sent, and
that is visible: one warning per participant in the log, and
subscriptions_missing in the admin API (participant and server) and in
/metrics.  When two participants leave, sections come free and the
missing tracks are sent after all.  The crowd is bench/starling-bench
(real ICE, DTLS-SRTP and RTP); it gives up waiting for the missing
subscriptions, which is expected here."""

import json
import re
import subprocess
import time

import pytest

from starling_helpers import REPO, http_raw, unique_room

SECRET = "sections"
PARTICIPANTS = 33
# Each participant wants every other one's audio and video.
WANTED = 2 * (PARTICIPANTS - 1)


def admin(srv, path, method="GET"):
    status, _, body = http_raw(srv.admin_port, path, method=method,
                               headers={"Authorization": "Bearer " + SECRET})
    assert status == 200, (path, status, body)
    return body if path == "/metrics" else json.loads(body)


def settled(srv, room, n):
    """n participants, each with its two tracks, and each one's view of
    the others' tracks either subscribed or missing: the room's state
    once negotiation is over."""
    status, _, body = http_raw(srv.admin_port, "/admin/rooms/" + room,
                               headers={"Authorization": "Bearer " + SECRET})
    if status != 200:
        return None
    info = json.loads(body)
    ps = info["participants"]
    if len(ps) != n:
        return None
    for p in ps:
        if len(p["tracks"]) != 2:
            return None
        if len(p["subscriptions"]) + p["subscriptions_missing"] != 2 * (n - 1):
            return None
    return info


def wait_settled(srv, room, n, check, timeout=30):
    deadline = time.time() + timeout
    while time.time() < deadline:
        info = settled(srv, room, n)
        if info is not None and check(info):
            return info
        time.sleep(0.5)
    raise AssertionError("room %s never settled at %d: %s" % (
        room, n, [(len(p["subscriptions"]), p["subscriptions_missing"])
                  for p in admin(srv, "/admin/rooms/" + room)
                  ["participants"]]))


def missing(info):
    return [p["subscriptions_missing"] for p in info["participants"]]


def start_bench(srv, n, prefix):
    return subprocess.Popen(
        [str(REPO / "bench" / "starling-bench"), "--url", srv.ws_url,
         "--rooms", "1", "--participants", str(n), "--room-prefix", prefix,
         "--seconds", "1", "--join-interval", "20", "--setup-timeout", "60",
         "--floor-seconds", "0", "--video-kbps", "100", "--fps", "10"],
        stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)


def test_missing_subscriptions_are_counted_logged_and_retried(server):
    if not (REPO / "bench" / "starling-bench").exists():
        pytest.skip("bench/starling-bench is not built")
    srv = server({"admin.secret": SECRET, "rooms.resume_grace_s": 0})
    prefix = unique_room("sec")
    room = prefix + "-0"
    # 31 first: everyone gets everyone (60 tracks in 61 sections).
    crowd = start_bench(srv, PARTICIPANTS - 2, prefix)
    late = None
    try:
        info = wait_settled(srv, room, PARTICIPANTS - 2,
                            lambda i: not any(missing(i)))
        late = start_bench(srv, 2, prefix)
        info = wait_settled(srv, room, PARTICIPANTS,
                            lambda i: all(m > 0 for m in missing(i)))
        # Everyone ran out: 64 sections less its own three (audio, video,
        # data channel) leaves 61 for the 64 tracks it wants.
        assert missing(info) == [WANTED - 61] * PARTICIPANTS, missing(info)
        for p in info["participants"]:
            assert len(p["subscriptions"]) == 61, len(p["subscriptions"])
        server_info = admin(srv, "/admin/server")
        assert server_info["subscriptions_missing"] == sum(missing(info))
        metrics = admin(srv, "/metrics").decode()
        m = re.search(r"^starling_subscriptions_missing (\d+)$", metrics,
                      re.M)
        assert m and int(m.group(1)) == sum(missing(info)), m
        # One warning per participant, naming it, not one per track.
        warned = re.findall(r"room %s: (\S+) cannot receive \S+'s track "
                            r"\S+: all 64 m-sections" % re.escape(room),
                            srv.log_text())
        assert sorted(warned) == sorted(p["id"] for p in info["participants"]), warned

        # The two late ones leave: the 31 get every track again.
        late.terminate()
        late.wait(timeout=20)
        info = wait_settled(srv, room, PARTICIPANTS - 2,
                            lambda i: not any(missing(i)))
        for p in info["participants"]:
            assert len(p["subscriptions"]) == 2 * (PARTICIPANTS - 3), (
                len(p["subscriptions"]))
        assert admin(srv, "/admin/server")["subscriptions_missing"] == 0
    finally:
        for b in (crowd, late):
            if b and b.poll() is None:
                b.kill()
                b.wait(timeout=10)
