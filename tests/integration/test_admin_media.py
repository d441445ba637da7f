"""The admin API's figures against what real clients sent and received
(within 2%), and a token's can_publish=false with real media."""

import asyncio
import json
import time

import pytest

from media_client import MediaClient, close_all_media_clients
from starling_helpers import async_test, http_raw, make_jwt, unique_room

SECRET = "admin-media"


def admin_get(srv, path):
    status, _, body = http_raw(srv.admin_port, path,
                               headers={"Authorization": "Bearer " + SECRET})
    assert status == 200, (path, status, body)
    return json.loads(body)


def close_enough(a, b, tolerance=0.02):
    return abs(a - b) <= tolerance * max(a, b, 1)


async def _call(srv, room):
    """Alice and Bob in the room, each having decoded 30 frames of the
    other's tracks."""
    a = MediaClient(srv, "A")
    await a.start(room, "Alice")
    b = MediaClient(srv, "B")
    await b.start(room, "Bob")
    for x, y in ((a, b), (b, a)):
        keys = [(y.you, t) for t in (await _tracks_of(x, y.you))]
        await x.wait_frames(keys, n=30, timeout=30)
    return a, b


@async_test(timeout=90)
async def test_admin_figures_match_clients(server):
    srv = server({"admin.secret": SECRET})
    room = unique_room()
    try:
        a, b = await _call(srv, room)
        await asyncio.sleep(3)

        info = admin_get(srv, "/admin/rooms/" + room)
        assert {p["id"] for p in info["participants"]} == {a.you, b.you}
        assert {p["name"] for p in info["participants"]} == {"Alice", "Bob"}
        rooms = admin_get(srv, "/admin/rooms")
        assert [r for r in rooms if r["name"] == room][0]["participants"] == 2

        # Same moment, near enough: read the clients, then the server.
        sent = {c.you: await c.outbound_packets() for c in (a, b)}
        got = {c.you: await c.inbound_packets() for c in (a, b)}
        info = admin_get(srv, "/admin/rooms/" + room)
        for p in info["participants"]:
            published = sum(t["packets"] for t in p["tracks"])
            forwarded = sum(s["packets"] for s in p["subscriptions"])
            print("%s: client sent %d, server received %d; server forwarded %d, client got %d"
                  % (p["name"], sent[p["id"]], published, forwarded, got[p["id"]]))
            assert published > 300
            assert close_enough(sent[p["id"]], published), (p["name"], sent, published)
            assert close_enough(forwarded, got[p["id"]]), (p["name"], forwarded, got)
            for t in p["tracks"]:
                for k in ("codec", "ssrc", "bytes", "bitrate_bps", "packets_lost",
                          "jitter_ms", "nacks_sent", "plis_sent"):
                    assert k in t, k
                assert t["bitrate_bps"] > 0
            for s in p["subscriptions"]:
                for k in ("track", "bytes", "bitrate_bps", "nacks_received",
                          "retransmitted", "plis_received", "rtt_ms"):
                    assert k in s, k
            assert p["ice_state"] == "connected" and p["dtls_state"] == "connected"
            assert "<->" in p["selected_pair"]
            assert p["socket_owner"] == "starling", p["socket_owner"]
            assert p["srtp_profile"].startswith("SRTP_")
        server_info = admin_get(srv, "/admin/server")
        assert server_info["packets_in"] >= sum(sent.values()) * 0.98
        # every datagram read on the server's own sockets has a delay
        delay = server_info["forward_delay_us"]
        print("forward delay:", {k: delay[k] for k in ("count", "p50", "p99", "max")})
        assert delay["count"] >= published
        assert 0 < delay["p50"] <= delay["p99"] <= delay["max"]
        assert delay["buckets"][-1]["count"] == delay["count"]
        # the workers read those datagrams themselves, several per wakeup at most
        io = server_info["workers"]
        assert sum(w["datagrams_in"] for w in io) == delay["count"]
        assert sum(w["receive_calls"] for w in io) <= delay["count"]
        assert sum(w["held_datagrams"] for w in io) > 0
    finally:
        await close_all_media_clients()


async def _still_flowing(clients, seconds=3):
    before = [await c.inbound_packets() for c in clients]
    await asyncio.sleep(seconds)
    after = [await c.inbound_packets() for c in clients]
    return all(y > x + 50 for x, y in zip(before, after)), before, after


@async_test(timeout=120)
async def test_own_socket_keeps_consent_past_30_s(server):
    """Once ICE is done the server reads the socket itself and does STUN
    consent (RFC 7675) there: both ends must keep granting it. 40 s is
    past both sides' 30 s consent timeout; aioice sends its own checks
    every 5 s and drops the connection when they go unanswered."""
    srv = server({"admin.secret": SECRET})
    room = unique_room("consent")
    try:
        a, b = await _call(srv, room)
        info = admin_get(srv, "/admin/rooms/" + room)
        assert [p["socket_owner"] for p in info["participants"]] == ["starling"] * 2
        await asyncio.sleep(40)
        info = admin_get(srv, "/admin/rooms/" + room)
        assert len(info["participants"]) == 2, info["participants"]
        for p in info["participants"]:
            assert p["ice_state"] == "connected" and p["socket_owner"] == "starling", p
        ok, before, after = await _still_flowing([a, b])
        assert ok, (before, after)
        for gone in ("no consent from the peer", "ICE consent lost"):
            assert gone not in srv.log_text(), srv.log_text()[-2000:]
    finally:
        await close_all_media_clients()


@async_test(timeout=90)
async def test_own_socket_off_leaves_libnice_reading(server):
    srv = server({"admin.secret": SECRET, "media.own_socket": "false"})
    room = unique_room("nice")
    try:
        a, b = await _call(srv, room)
        info = admin_get(srv, "/admin/rooms/" + room)
        assert [p["socket_owner"] for p in info["participants"]] == ["libnice"] * 2
        ok, before, after = await _still_flowing([a, b])
        assert ok, (before, after)
    finally:
        await close_all_media_clients()


async def _tracks_of(x, pid, timeout=15):
    end = time.monotonic() + timeout
    while time.monotonic() < end:
        offer = x.server_offers[-1] if x.server_offers else None
        if offer:
            tracks = [t["track"] for t in offer["tracks"].values() if t["participant"] == pid]
            if len(tracks) >= 2:
                return tracks
        await asyncio.sleep(0.1)
    raise AssertionError("%s was not offered %s's tracks" % (x.label, pid))


@async_test(timeout=60)
async def test_can_publish_false_refuses_send_sections(server):
    srv = server({"admin.secret": SECRET, "auth.secret": "tok"})
    room = unique_room()
    exp = int(time.time()) + 600
    try:
        watcher = MediaClient(srv, "W", video=False, audio=False)
        await watcher.start(room, "Watcher",
                            token=make_jwt({"room": room, "exp": exp}, "tok"))
        viewer = MediaClient(srv, "V")
        await viewer.start(room, "Viewer",
                           token=make_jwt({"room": room, "exp": exp, "can_publish": False}, "tok"))
        answer = [m for m in viewer.messages("answer")][0]
        assert answer["tracks"] == {}, answer["tracks"]
        for line in answer["sdp"].splitlines():
            assert line not in ("a=recvonly", "a=sendrecv"), \
                "a section the viewer sends on was accepted: " + line
        await asyncio.sleep(1)
        assert not [m for m in watcher.messages("track_added")], "a track was published"
        info = admin_get(srv, "/admin/rooms/" + room)
        assert all(p["tracks"] == [] for p in info["participants"])
    finally:
        await close_all_media_clients()
