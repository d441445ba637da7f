"""The admin API (PROTOCOL 2, docs/admin-api.md): auth, errors, rooms,
kicks and closes reaching the clients, and a strict parse of /metrics.
Media figures are checked against real clients in test_admin_media.py."""

import json
import urllib.error
import urllib.request

import pytest

from prometheus_strict import FormatError, histogram, parse, value
from starling_helpers import Client, async_test, unique_room

SECRET = "adm1n-s3cret"


def admin(srv, method, path, body=None, token=SECRET, raw=None):
    """(status, parsed JSON or text) of one admin request."""
    data = raw if raw is not None else (json.dumps(body).encode() if body is not None else None)
    req = urllib.request.Request("http://127.0.0.1:%d%s" % (srv.admin_port, path),
                                 data=data, method=method)
    if token is not None:
        req.add_header("Authorization", "Bearer " + token)
    try:
        with urllib.request.urlopen(req, timeout=5) as r:
            status, ctype, text = r.status, r.headers.get("Content-Type"), r.read().decode()
    except urllib.error.HTTPError as e:
        status, ctype, text = e.code, e.headers.get("Content-Type"), e.read().decode()
    if ctype and ctype.startswith("application/json"):
        return status, json.loads(text)
    return status, text


@pytest.fixture
def srv(server):
    return server({"admin.secret": SECRET})


def test_admin_off_without_secret(server):
    s = server()
    assert "admin API off" in s.log_text()
    with pytest.raises(OSError):
        urllib.request.urlopen("http://127.0.0.1:%d/admin/server" % s.admin_port, timeout=2)


@pytest.mark.parametrize("token", [None, "", "wrong", SECRET + "x", SECRET[:-1]])
def test_unauthorized(srv, token):
    status, body = admin(srv, "GET", "/admin/server", token=token)
    assert status == 401
    assert body["error"]["code"] == "unauthorized"
    assert SECRET not in json.dumps(body)


def test_metrics_need_auth(srv):
    assert admin(srv, "GET", "/metrics", token=None)[0] == 401


def test_server_fields(srv):
    status, body = admin(srv, "GET", "/admin/server")
    assert status == 200
    for k in ("version", "uptime_s", "rooms", "participants", "tracks", "packets_in",
              "packets_out", "bytes_in", "bytes_out", "worker_threads",
              "forward_delay_us"):
        assert k in body, k
    assert body["worker_threads"] >= 1
    d = body["forward_delay_us"]
    for k in ("count", "sum", "max", "p50", "p90", "p99"):
        assert isinstance(d[k], int) and d[k] >= 0, k
    assert d["buckets"][-1] == {"le": None, "count": d["count"]}
    les = [b["le"] for b in d["buckets"][:-1]]
    assert les == sorted(les) and les[0] == 10 and 1000 in les
    counts = [b["count"] for b in d["buckets"]]
    assert counts == sorted(counts)
    assert [w["index"] for w in body["workers"]] == list(range(body["worker_threads"]))
    for w in body["workers"]:
        for k in ("wakeups", "glib_runs", "receive_calls", "datagrams_in",
                  "held_datagrams", "held_sends", "gso_sends"):
            assert isinstance(w[k], int) and w[k] >= 0, k
        assert w["glib_runs"] <= w["wakeups"] and w["gso_sends"] <= w["held_sends"]


def test_strict_parser_reads_a_histogram():
    fams = parse("# HELP h h\n# TYPE h histogram\nh_bucket{le=\"0.1\"} 1\n"
                 "h_bucket{le=\"+Inf\"} 3\nh_sum 2.5\nh_count 3\n")
    assert histogram(fams, "h") == ([(0.1, 1), (float("inf"), 3)], 3)


@pytest.mark.parametrize("method,path,status", [
    ("GET", "/admin/nothing", 404),
    ("GET", "/admin/rooms/no-such-room", 404),
    ("GET", "/admin/rooms/no-such-room/participants/p1", 404),
    ("DELETE", "/admin/rooms/no-such-room", 404),
    ("DELETE", "/admin/rooms/no-such-room/participants/p1", 404),
    ("PUT", "/admin/rooms", 405),
    ("DELETE", "/admin/server", 405),
    ("POST", "/metrics", 405),
    ("GET", "/", 404),
])
def test_error_statuses(srv, method, path, status):
    got, body = admin(srv, method, path, body={} if method in ("POST", "PUT") else None)
    assert got == status
    assert set(body["error"]) == {"code", "message"}


@pytest.mark.parametrize("raw", [b"not json", b"[]", b'{"name": 5}', b'{"name": "a/b"}',
                                 b'{"name": "ok", "max_participants": 0}',
                                 b'{"name": "ok", "max_participants": "3"}', b""])
def test_create_room_bad_body(srv, raw):
    status, body = admin(srv, "POST", "/admin/rooms", raw=raw)
    assert status == 400, raw
    assert body["error"]["code"] == "bad_request"


def test_body_too_large(srv):
    status, body = admin(srv, "POST", "/admin/rooms", raw=b"x" * (64 * 1024 + 1))
    assert status == 413
    assert body["error"]["code"] == "too_large"


@async_test
async def test_created_room_rules(server):
    srv = server({"admin.secret": SECRET, "rooms.auto_create": "false"})
    room = unique_room()
    status, body = admin(srv, "POST", "/admin/rooms", {"name": room, "max_participants": 2})
    assert status == 201 and body == {"name": room, "max_participants": 2}
    assert admin(srv, "POST", "/admin/rooms", {"name": room})[0] == 409
    listed = admin(srv, "GET", "/admin/rooms")[1]
    entry = [r for r in listed if r["name"] == room][0]
    assert entry["participants"] == 0 and entry["max_participants"] == 2
    for k in ("tracks", "created_at", "bitrate_in_bps", "bitrate_out_bps"):
        assert k in entry
    a, b, c = [await Client.connect(srv, label=n) for n in "abc"]
    await a.join(room, "A")
    await b.join(room, "B")
    await c.send({"type": "join", "id": 3, "room": room, "name": "C"})
    await c.expect("error", id=3, code="room_full")
    # The room was made by the admin API, so it outlives its participants.
    for x in (a, b):
        await x.send({"type": "leave"})
        await x.wait_for("left")
    assert admin(srv, "GET", "/admin/rooms/" + room)[1]["participants"] == []
    await c.send({"type": "join", "id": 4, "room": unique_room(), "name": "C"})
    await c.expect("error", id=4, code="invalid_room")


@async_test
async def test_room_and_participant_lists(srv):
    room = unique_room()
    a, b = await Client.connect(srv, label="a"), await Client.connect(srv, label="b")
    ja = await a.join(room, "Alice")
    jb = await b.join(room, "Bob")
    status, body = admin(srv, "GET", "/admin/rooms/" + room)
    assert status == 200 and body["name"] == room
    people = {p["id"]: p for p in body["participants"]}
    assert set(people) == {ja["you"], jb["you"]}
    assert people[ja["you"]]["name"] == "Alice"
    for k in ("joined_at", "ice_state", "dtls_state", "selected_pair", "tracks",
              "subscriptions", "srtp_profile"):
        assert k in people[ja["you"]], k
    status, one = admin(srv, "GET", "/admin/rooms/%s/participants/%s" % (room, jb["you"]))
    assert status == 200 and one["id"] == jb["you"] and one["name"] == "Bob"
    server_info = admin(srv, "GET", "/admin/server")[1]
    assert server_info["rooms"] >= 1 and server_info["participants"] >= 2


@async_test
async def test_kick_reaches_the_client(srv):
    room = unique_room()
    a, b = await Client.connect(srv, label="a"), await Client.connect(srv, label="b")
    ja = await a.join(room, "A")
    await b.join(room, "B")
    await a.wait_for("participant_joined")
    status, body = admin(srv, "DELETE", "/admin/rooms/%s/participants/%s" % (room, ja["you"]))
    assert status == 200
    kicked = await a.wait_for("kicked")
    assert kicked["reason"]
    await a.expect_closed(allow_messages=True)
    left = await b.wait_for("participant_left")
    assert left["participant"] == ja["you"]
    assert admin(srv, "GET", "/admin/rooms/%s/participants/%s" % (room, ja["you"]))[0] == 404


@async_test
async def test_room_close_reaches_everyone(srv):
    room = unique_room()
    clients = [await Client.connect(srv, label="c%d" % i) for i in range(3)]
    for i, c in enumerate(clients):
        await c.join(room, "P%d" % i)
    assert admin(srv, "DELETE", "/admin/rooms/" + room)[0] == 200
    for c in clients:
        msg = await c.wait_for("room_closed")
        assert msg["reason"]
        await c.expect_closed(allow_messages=True)
    assert admin(srv, "GET", "/admin/rooms/" + room)[0] == 404


@async_test
async def test_metrics_strict(srv):
    room = unique_room()
    a = await Client.connect(srv, label="a")
    await a.join(room, "A")
    status, text = admin(srv, "GET", "/metrics")
    assert status == 200
    fams = parse(text)
    for name in ("starling_rooms", "starling_participants", "starling_tracks"):
        assert fams[name]["type"] == "gauge"
    for name in ("starling_packets_in_total", "starling_packets_out_total",
                 "starling_bytes_in_total", "starling_bytes_out_total",
                 "starling_nacks_received_total", "starling_plis_received_total",
                 "starling_retransmitted_packets_total"):
        assert fams[name]["type"] == "counter", name
    assert value(fams, "starling_room_participants", room=room) == 1
    assert value(fams, "starling_participants") >= 1
    assert fams["starling_forward_delay_seconds"]["type"] == "histogram"
    buckets, count = histogram(fams, "starling_forward_delay_seconds")
    assert buckets[-1] == (float("inf"), count)
    assert [le for le, _ in buckets][:2] == [0.00001, 0.000025]
    for name in ("starling_worker_wakeups_total", "starling_worker_datagrams_received_total",
                 "starling_worker_gso_sends_total"):
        assert fams[name]["type"] == "counter", name
        assert value(fams, name, worker="0") >= 0


@pytest.mark.parametrize("bad", [
    "# TYPE x gauge\nx 1",                          # no newline at the end
    "x 1\n",                                        # no TYPE
    "# HELP x h\n# TYPE x counter\nx 1\n",          # counter without _total
    "# HELP x h\n# TYPE x gauge\nx{a=\"1\"} 1\nx{a=\"1\"} 2\n",  # duplicate series
    "# HELP x h\n# TYPE x gauge\nx one\n",          # not a number
    "# HELP x h\n# TYPE x gauge\n# TYPE x gauge\nx 1\n",
    "# HELP 1x h\n# TYPE 1x gauge\n1x 1\n",
    "# HELP x h\n# TYPE x gauge\nx{a=1} 1\n",
    "# HELP x h\n# TYPE x gauge\nx_bucket{le=\"1\"} 1\n",   # suffix on a gauge
    # histograms: no +Inf; counts falling; +Inf unlike _count; no le
    "# HELP h h\n# TYPE h histogram\nh_bucket{le=\"1\"} 1\nh_count 1\n",
    "# HELP h h\n# TYPE h histogram\nh_bucket{le=\"1\"} 2\nh_bucket{le=\"+Inf\"} 1\nh_count 1\n",
    "# HELP h h\n# TYPE h histogram\nh_bucket{le=\"+Inf\"} 2\nh_sum 1\nh_count 1\n",
    "# HELP h h\n# TYPE h histogram\nh_bucket 1\nh_bucket{le=\"+Inf\"} 1\nh_count 1\n",
])
def test_strict_parser_refuses(bad):
    with pytest.raises(FormatError):
        parse(bad)
