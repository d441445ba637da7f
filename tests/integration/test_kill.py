"""kill -9 of a client: its participant is gone within the consent timeout
(here the WebSocket drop plus rooms.resume_grace_s), the admin API no
longer lists it, and the UDP port it used is released by the server.

The victim is media_client.py client-child (a whole publishing MediaClient
in a subprocess: VP8 video + Opus); the observer is a MediaClient in the
test.  The victim's server-side port comes from the admin API's
selected_pair before the kill; "released" means no socket of the server
process is bound to it any more (/proc/net/udp inodes against
/proc/PID/fd) and we can bind it ourselves.
"""

import asyncio
import os
import socket
import sys
import time

from starling_helpers import async_test, http_raw, unique_room  # noqa: F401
from media_client import HERE, MediaClient, close_all_media_clients

SECRET = "kill-admin-secret"
AUTH = {"Authorization": "Bearer " + SECRET}
GRACE = 3
LEFT_WITHIN = 45.0       # consent timeout (~30 s) + grace + slack
PORT_FREE_WITHIN = 5.0   # after the participant is removed


def admin(srv, path):
    import json
    status, _, body = http_raw(srv.admin_port, path, headers=AUTH, timeout=5)
    return status, (json.loads(body) if body else None)


def server_udp_ports(pid):
    """Local UDP ports of the sockets that process pid holds."""
    inodes = set()
    for fd in os.listdir("/proc/%d/fd" % pid):
        try:
            link = os.readlink("/proc/%d/fd/%s" % (pid, fd))
        except OSError:
            continue
        if link.startswith("socket:["):
            inodes.add(link[8:-1])
    ports = set()
    for name in ("/proc/net/udp", "/proc/net/udp6"):
        try:
            lines = open(name).read().splitlines()[1:]
        except OSError:
            continue
        for line in lines:
            f = line.split()
            if f[9] in inodes:
                ports.add(int(f[1].rsplit(":", 1)[1], 16))
    return ports


def can_bind(port):
    s = socket.socket(socket.AF_INET, socket.SOCK_DGRAM)
    try:
        s.bind(("127.0.0.1", port))
        return True
    except OSError:
        return False
    finally:
        s.close()


@async_test(timeout=120)
async def test_kill_9_client(server):
    srv = server({"admin.secret": SECRET, "rooms.resume_grace_s": GRACE,
                  "media.port_range": "43000-43100"})
    room = unique_room("kill")
    obs = MediaClient(srv, "O", video=False, audio=False)
    proc = None
    try:
        await obs.start(room, "Olga")
        proc = await asyncio.create_subprocess_exec(
            sys.executable, str(HERE / "media_client.py"), "client-child",
            srv.ws_url, room, "Kim", stdout=asyncio.subprocess.PIPE)
        line = (await asyncio.wait_for(proc.stdout.readline(), 20)).decode()
        assert line.startswith("JOINED "), line
        kid = line.split()[1]
        line = (await asyncio.wait_for(proc.stdout.readline(), 35)).decode()
        assert line.strip() == "CONNECTED connected", line
        # Its media flows to the observer.
        deadline = time.monotonic() + 25
        while not any(k[0] == kid and obs.frame_count(k) >= 10 for k in obs.video_keys()):
            assert time.monotonic() < deadline, "no video from the victim: %s" % obs.summary(0, 20)
            await asyncio.sleep(0.2)
        status, p = admin(srv, "/admin/rooms/%s/participants/%s" % (room, kid))
        assert status == 200 and p["ice_state"] == "connected", (status, p)
        port = int(p["selected_pair"].split(" <-> ")[0].rsplit(":", 1)[1])
        assert port in server_udp_ports(srv.proc.pid), \
            "port %d of %s is not a socket of the server" % (port, p["selected_pair"])

        mark = obs.mark()
        t_kill = time.monotonic()
        proc.kill()
        await asyncio.wait_for(proc.wait(), 5)
        i, _ = await obs.wait_msg("participant_left", after=mark, timeout=LEFT_WITHIN,
                                  participant=kid)
        t_left = obs.msgs[i][0] - t_kill
        status, r = admin(srv, "/admin/rooms/" + room)
        assert status == 200, (status, r)
        assert kid not in [x["id"] for x in r["participants"]], r["participants"]
        status, _ = admin(srv, "/admin/rooms/%s/participants/%s" % (room, kid))
        assert status == 404, "admin still finds the killed participant (%s)" % status

        t0 = time.monotonic()
        while True:
            held = port in server_udp_ports(srv.proc.pid)
            if not held:
                break
            if time.monotonic() - t0 > PORT_FREE_WITHIN:
                break
            await asyncio.sleep(0.2)
        t_port = time.monotonic() - t0
        print("\nkill -9: participant_left after %.1f s (grace %d s); port %d %s %.1f s "
              "after removal; server UDP ports now %s"
              % (t_left, GRACE, port, "still bound" if held else "released", t_port,
                 sorted(server_udp_ports(srv.proc.pid))))
        assert not held, "the server still holds UDP port %d %.1f s after the participant " \
            "was removed (its sockets: %s)" % (port, t_port, sorted(server_udp_ports(srv.proc.pid)))
        assert can_bind(port), "port %d cannot be bound after its release" % port
        obs.check_ok()
    finally:
        if proc is not None and proc.returncode is None:
            proc.kill()
            await proc.wait()
        await close_all_media_clients()
    srv.assert_alive()
