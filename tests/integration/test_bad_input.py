"""Bad input on /ws: every error gets the documented code (with the request
id echoed when it was valid), the socket stays usable (except too_large),
the server keeps running and other participants in the room see nothing
but the events that really happen.

Contract: PROTOCOL.md section 1; docs/protocol.md "Validation order".
"""

import asyncio
import json
import socket

import pytest
import websockets

from starling_helpers import ABSENT, Client, async_test, unique_room


async def witness_and_attacker(srv, room, attacker_joins):
    w = await Client.connect(srv, "witness")
    await w.join(room, "Witness")
    x = await Client.connect(srv, "attacker")
    jx = None
    if attacker_joins:
        jx = await x.join(room, "X")
        await w.expect("participant_joined", participant={"id": jx["you"], "name": "X", "tracks": []})
    return w, x, jx


async def prove_usable(srv, room, w, x, joined):
    """x's socket still works and w still hears what happens in the room."""
    if joined:
        await x.send({"type": "leave", "id": "after-1"})
        await x.expect("left", id="after-1")
        await w.expect("participant_left", participant=joined["you"])
    jx = await x.join(room, "X2", id_="after-2")
    await w.expect("participant_joined", participant={"id": jx["you"], "name": "X2", "tracks": []})
    await x.leave(id_="after-3")
    await w.expect("participant_left", participant=jx["you"])
    # A third client still gets normal service, the witness still hears it.
    y = await Client.connect(srv, "late")
    jy = await y.join(room, "Late")
    await w.expect("participant_joined", participant={"id": jy["you"], "name": "Late", "tracks": []})
    srv.assert_alive()


# (frame, expected code, expected id)
UNJOINED_CASES = {
    "not-json": ("hello there", "bad_request", ABSENT),
    "truncated-json": ('{"type":"join","room":"r"', "bad_request", ABSENT),
    "trailing-garbage": ('{"type":"leave","id":1} x', "bad_request", ABSENT),
    "empty-frame": ("", "bad_request", ABSENT),
    "json-array": ('[{"type":"join","room":"r","name":"n"}]', "bad_request", ABSENT),
    "json-string": ('"join"', "bad_request", ABSENT),
    "json-number": ("42", "bad_request", ABSENT),
    "json-null": ("null", "bad_request", ABSENT),
    "json-true": ("true", "bad_request", ABSENT),
    "empty-object": ("{}", "bad_request", ABSENT),
    "missing-type-with-id": ('{"id":"m1","room":"r","name":"n"}', "bad_request", "m1"),
    "type-number": ('{"type":5,"id":"m2"}', "bad_request", "m2"),
    "type-null": ('{"type":null,"id":3}', "bad_request", 3),
    "unknown-type": ('{"type":"dance","id":"u1"}', "bad_request", "u1"),
    "unknown-type-int-id": ('{"type":"Join","id":4}', "bad_request", 4),
    "server-only-type": ('{"type":"joined","id":"s1"}', "bad_request", "s1"),
    "join-room-number": ('{"type":"join","room":5,"name":"n","id":"j1"}', "bad_request", "j1"),
    "join-room-null": ('{"type":"join","room":null,"name":"n","id":"j2"}', "bad_request", "j2"),
    "join-room-missing": ('{"type":"join","name":"n","id":"j3"}', "bad_request", "j3"),
    "join-name-object": ('{"type":"join","room":"r","name":{"a":1},"id":"j4"}', "bad_request", "j4"),
    "join-name-number": ('{"type":"join","room":"r","name":7,"id":"j5"}', "bad_request", "j5"),
    "join-name-missing": ('{"type":"join","room":"r","id":"j6"}', "bad_request", "j6"),
    "join-resume-number": ('{"type":"join","room":"r","name":"n","resume":5,"id":"j7"}',
                           "bad_request", "j7"),
    "join-bad-room-and-bad-name": ('{"type":"join","room":"a/b","name":"","id":"j8"}',
                                   "bad_request", "j8"),
    "id-float": ('{"type":"leave","id":1.5}', "bad_request", ABSENT),
    "id-object": ('{"type":"leave","id":{"x":1}}', "bad_request", ABSENT),
    "id-65": ('{"type":"leave","id":"%s"}' % ("i" * 65), "bad_request", ABSENT),
    "mute-muted-string": ('{"type":"mute","track":"t1","muted":"yes","id":"mu1"}',
                          "bad_request", "mu1"),
    "mute-track-number": ('{"type":"mute","track":1,"muted":true,"id":"mu2"}', "bad_request", "mu2"),
    "mute-missing-muted": ('{"type":"mute","track":"t1","id":"mu3"}', "bad_request", "mu3"),
    "offer-sdp-number": ('{"type":"offer","sdp":5,"id":"o1"}', "bad_request", "o1"),
    "candidate-string": ('{"type":"candidate","candidate":"candidate:1 1 udp 1 1.2.3.4 5 typ host",'
                         '"id":"c1"}', "bad_request", "c1"),
    "leave-unjoined": ('{"type":"leave","id":"l1"}', "not_joined", "l1"),
    "mute-unjoined": ('{"type":"mute","track":"t1","muted":true,"id":"mu4"}', "not_joined", "mu4"),
    "offer-unjoined": ('{"type":"offer","sdp":"v=0\\r\\n","id":"o2"}', "not_joined", "o2"),
    "answer-unjoined": ('{"type":"answer","sdp":"v=0\\r\\n","id":"a1"}', "not_joined", "a1"),
    "candidate-unjoined": ('{"type":"candidate","candidate":null,"id":"c2"}', "not_joined", "c2"),
}


@pytest.mark.parametrize("case", list(UNJOINED_CASES))
@async_test
async def test_error_before_join(shared_server, case):
    frame, code, id_ = UNJOINED_CASES[case]
    room = unique_room()
    w, x, _ = await witness_and_attacker(shared_server, room, attacker_joins=False)
    await x.send_raw(frame)
    await x.expect("error", code=code, id=id_)
    await prove_usable(shared_server, room, w, x, None)


JOINED_CASES = {
    "join-twice": ('{"type":"join","room":"%(room)s","name":"X","id":"jj"}', "already_joined", "jj"),
    "join-twice-other-room": ('{"type":"join","room":"other-%(room)s","name":"X","id":7}',
                              "already_joined", 7),
    "mute-unknown-track": ('{"type":"mute","track":"no-such-track","muted":true,"id":"mt"}',
                           "bad_request", "mt"),
    "mute-unknown-track-unmute": ('{"type":"mute","track":"","muted":false,"id":8}',
                                  "bad_request", 8),
    "not-json-while-joined": ("{{{", "bad_request", ABSENT),
    "unknown-type-while-joined": ('{"type":"subscribe","id":"st"}', "bad_request", "st"),
    "candidate-bad-object": ('{"type":"candidate","candidate":{"candidate":5},"id":"cb"}',
                             "bad_request", "cb"),
}


@pytest.mark.parametrize("case", list(JOINED_CASES))
@async_test
async def test_error_while_joined(shared_server, case):
    frame, code, id_ = JOINED_CASES[case]
    room = unique_room()
    w, x, jx = await witness_and_attacker(shared_server, room, attacker_joins=True)
    await x.send_raw(frame % {"room": room})
    await x.expect("error", code=code, id=id_)
    await prove_usable(shared_server, room, w, x, jx)


@async_test
async def test_many_errors_in_a_row_keep_socket_usable(shared_server):
    room = unique_room()
    w, x, jx = await witness_and_attacker(shared_server, room, attacker_joins=True)
    frames = [v[0] for k, v in UNJOINED_CASES.items() if v[1] == "bad_request"][:20]
    for i, f in enumerate(frames):
        await x.send_raw(f)
        await x.expect("error", code="bad_request")
    await prove_usable(shared_server, room, w, x, jx)


@async_test
async def test_binary_frame_does_not_break_server(shared_server):
    """The contract has text frames only; a binary frame must at least not
    hurt the server or other participants (no code is prescribed, but if the
    socket stays open it must still work)."""
    room = unique_room()
    w = await Client.connect(shared_server, "W")
    await w.join(room, "W")
    x = await Client.connect(shared_server, "X")
    await x.send_raw(b'{"type":"join","room":"r","name":"n"}')
    await asyncio.sleep(0.3)
    await w.expect_silence(0.1)
    shared_server.assert_alive()
    y = await Client.connect(shared_server, "Y")
    jy = await y.join(room, "Y")
    await w.expect("participant_joined", participant={"id": jy["you"], "name": "Y", "tracks": []})


# ----------------------------------------------------------- room rules ----

@async_test
async def test_room_full(server):
    srv = server({"rooms.max_participants": 2})
    room = unique_room()
    a = await Client.connect(srv, "A")
    b = await Client.connect(srv, "B")
    c = await Client.connect(srv, "C")
    ja = await a.join(room, "A")
    jb = await b.join(room, "B")
    await a.expect("participant_joined", participant={"id": jb["you"], "name": "B", "tracks": []})
    await c.send({"type": "join", "room": room, "name": "C", "id": "full"})
    await c.expect("error", code="room_full", id="full")
    await a.expect_silence(0.2)
    await b.expect_silence(0.05)
    # C's socket still works: another room is fine.
    other = unique_room()
    await c.join(other, "C", id_="other")
    await c.leave()
    # When A leaves there is room for C again.
    await a.leave()
    await b.expect("participant_left", participant=ja["you"])
    jc = await c.join(room, "C", id_="now")
    assert [p["id"] for p in jc["participants"]] == [jb["you"]]
    await b.expect("participant_joined", participant={"id": jc["you"], "name": "C", "tracks": []})
    # Full again: A cannot come back.
    await a.send({"type": "join", "room": room, "name": "A", "id": 3})
    await a.expect("error", code="room_full", id=3)
    await b.expect_silence(0.2)
    srv.assert_alive()


@async_test
async def test_max_rooms(server):
    srv = server({"rooms.max_rooms": 2})
    a = await Client.connect(srv, "A")
    b = await Client.connect(srv, "B")
    c = await Client.connect(srv, "C")
    r1, r2, r3 = unique_room(), unique_room(), unique_room()
    await a.join(r1, "A")
    await b.join(r2, "B")
    await c.send({"type": "join", "room": r3, "name": "C", "id": "r3"})
    await c.expect("error", code="room_full", id="r3")
    # Joining an existing room is still fine.
    jc = await c.join(r1, "C")
    assert len(jc["participants"]) == 1
    srv.assert_alive()


@async_test
async def test_auto_create_false(server):
    srv = server({"rooms.auto_create": False})
    a = await Client.connect(srv, "A")
    for i, room in enumerate([unique_room(), "lobby", "a"]):
        await a.send({"type": "join", "room": room, "name": "A", "id": i})
        await a.expect("error", code="invalid_room", id=i)
    # Still usable: a request that does not need a room.
    await a.send({"type": "leave", "id": "l"})
    await a.expect("error", code="not_joined", id="l")
    # Validation order: a bad field still wins over the room rule.
    await a.send({"type": "join", "room": "lobby", "name": "", "id": "n"})
    await a.expect("error", code="bad_request", id="n")
    srv.assert_alive()


# ----------------------------------------------------------- frame size ----

@async_test
async def test_one_mib_frame_too_large(shared_server):
    room = unique_room()
    w, x, _ = await witness_and_attacker(shared_server, room, attacker_joins=False)
    big = json.dumps({"type": "join", "room": room, "name": "X", "id": "big",
                      "pad": "p" * (1024 * 1024)})
    try:
        await x.send_raw(big)
    except websockets.ConnectionClosed:
        pass
    await x.expect("error", code="too_large")
    await x.expect_closed(1009)
    await w.expect_silence(0.3)
    shared_server.assert_alive()
    y = await Client.connect(shared_server, "Y")
    jy = await y.join(room, "Y")
    await w.expect("participant_joined", participant={"id": jy["you"], "name": "Y", "tracks": []})


@async_test
async def test_frame_size_boundary(shared_server):
    """A 65536-byte frame is allowed (JSON padded with white space); 65537
    bytes is too large."""
    x = await Client.connect(shared_server, "X")
    base = '{"type":"leave","id":"edge"}'
    await x.send_raw(base + " " * (65536 - len(base)))
    await x.expect("error", code="not_joined", id="edge")
    await x.send_raw(base + " " * (65537 - len(base)))
    await x.expect("error", code="too_large")
    await x.expect_closed(1009)
    shared_server.assert_alive()


@async_test
async def test_too_large_while_joined_others_unaffected(server):
    srv = server({"rooms.resume_grace_s": 1})
    room = unique_room()
    w, x, jx = await witness_and_attacker(srv, room, attacker_joins=True)
    try:
        await x.send_raw("[" + "1," * 100000 + "1]")
    except websockets.ConnectionClosed:
        pass
    await x.expect("error", code="too_large")
    await x.expect_closed(1009)
    # The dropped participant goes away at the latest after the grace period.
    await w.expect("participant_left", timeout=4, participant=jx["you"])
    y = await Client.connect(srv, "Y")
    jy = await y.join(room, "Y")
    assert [p["id"] for p in jy["participants"]] == [w.you]
    await w.expect("participant_joined", participant={"id": jy["you"], "name": "Y", "tracks": []})
    srv.assert_alive()


@async_test
async def test_custom_max_message(server):
    srv = server({"signaling.max_message": 1024})
    x = await Client.connect(srv, "X")
    await x.send({"type": "join", "room": unique_room(), "name": "n" * 60, "id": 1})
    await x.expect("joined", id=1)
    await x.send({"type": "leave", "id": 2, "pad": " " * 1100})
    await x.expect("error", code="too_large")
    await x.expect_closed(1009)
    srv.assert_alive()


# ----------------------------------------------------------- rate limit ----

@async_test
async def test_join_flood_rate_limited(shared_server):
    room = unique_room()
    w = await Client.connect(shared_server, "W")
    await w.join(room, "W")
    x = await Client.connect(shared_server, "X")
    n = 1000
    for i in range(n):
        await x.send({"type": "join", "room": room, "name": "X", "id": i})
    replies = []
    while len(replies) < n:
        replies.append(await x.recv(timeout=10))
    joined = [m for m in replies if m["type"] == "joined"]
    assert len(joined) == 1, "%d joined replies" % len(joined)
    assert joined[0].get("id") == 0, "the first join is the one that succeeds: %r" % joined[0]
    codes = {}
    for m in replies:
        if m["type"] == "joined":
            continue
        assert m["type"] == "error", "unexpected reply %r" % m
        assert m["code"] in ("already_joined", "rate_limited"), "unexpected error %r" % m
        codes[m["code"]] = codes.get(m["code"], 0) + 1
    assert codes.get("rate_limited", 0) > 0, "1000 joins at once were not rate limited: %r" % codes
    already = [m for m in replies if m.get("code") == "already_joined"]
    assert all(isinstance(m.get("id"), int) for m in already)
    await x.expect_silence(0.3)
    # The witness saw exactly one participant_joined.
    await w.expect("participant_joined", participant={"id": joined[0]["you"], "name": "X", "tracks": []})
    await w.expect_silence(0.2)
    shared_server.assert_alive()
    # The bucket refills: after ~2 s the socket gets normal service.
    await asyncio.sleep(2.2)
    for i in range(5):
        await x.send({"type": "mute", "track": "nope", "muted": True, "id": "m%d" % i})
        await x.expect("error", code="bad_request", id="m%d" % i)
    await x.leave(id_="after")
    await w.expect("participant_left", participant=joined[0]["you"])


@async_test
async def test_rate_limit_configured(server):
    srv = server({"signaling.rate": 5, "signaling.burst": 5})
    x = await Client.connect(srv, "X")
    for i in range(20):
        await x.send({"type": "leave", "id": i})
    replies = [await x.recv() for _ in range(20)]
    codes = [m.get("code") for m in replies]
    assert all(m["type"] == "error" for m in replies)
    assert codes[:5] == ["not_joined"] * 5, codes
    assert codes.count("rate_limited") >= 13, codes
    assert set(codes) <= {"not_joined", "rate_limited"}, codes
    # Rate-limited replies echo the id too (the message was JSON with an id,
    # but it is dropped before parsing, so an id is not required): only
    # check that every not_joined reply has its id.
    for i, m in enumerate(replies):
        if m["code"] == "not_joined":
            assert m.get("id") == i, m
    await asyncio.sleep(1.2)
    # About 5 tokens are back.
    for i in range(4):
        await x.send({"type": "leave", "id": 100 + i})
        await x.expect("error", code="not_joined", id=100 + i)
    srv.assert_alive()


# ----------------------------------------------------------- idle sockets --

@async_test
async def test_idle_socket_closed(server):
    srv = server({"signaling.idle_timeout_s": 1})
    idle = await Client.connect(srv, "idle")
    active = await Client.connect(srv, "active")
    await active.join(unique_room(), "A")
    # Errors do not count as joining.
    await idle.send({"type": "leave", "id": 1})
    await idle.expect("error", code="not_joined", id=1)
    await idle.expect_closed(1008, timeout=4)
    await active.expect_silence(1.0)
    await active.leave(id_="still-here")
    srv.assert_alive()


@async_test
async def test_fragmented_oversize_message_too_large(shared_server):
    """A message over the limit sent as many small fragments is just as
    large: error/too_large, then close 1009 (docs/protocol.md speaks of
    frames; every fragment here is under the limit, the message is not)."""
    room = unique_room()
    w = await Client.connect(shared_server, "W")
    await w.join(room, "W")
    x = await Client.connect(shared_server, "X")
    try:
        await x.ws.send(iter(["[" + "1," * 8000 for _ in range(70)] + ["1]"]))
    except websockets.ConnectionClosed:
        pass
    await x.expect("error", code="too_large")
    await x.expect_closed(1009)
    shared_server.assert_alive()
    y = await Client.connect(shared_server, "Y")
    jy = await y.join(room, "Y")
    await w.expect("participant_joined", participant={"id": jy["you"], "name": "Y", "tracks": []})


@async_test
async def test_slow_reader_closed_1008(server):
    """A client that sends but never reads is closed with 1008 once its
    unsent replies exceed 1 MiB; the rest of the server is unaffected."""
    srv = server({"signaling.rate": 10000, "signaling.burst": 100000})
    room = unique_room()
    w = await Client.connect(srv, "W")
    await w.join(room, "W")
    s = socket.socket(socket.AF_INET, socket.SOCK_STREAM)
    s.setsockopt(socket.SOL_SOCKET, socket.SO_RCVBUF, 4096)
    s.connect(("127.0.0.1", srv.port))
    s.setblocking(False)
    slow = await Client.connect(srv, "slow", sock=s, max_queue=1, read_limit=4096)
    msg = '{"type":"mute","track":"x","muted":true,"id":"%064d"}'
    try:
        for i in range(100000):
            await slow.send_raw(msg % i)
    except websockets.ConnectionClosed:
        pass
    # Drain what was sent before the close.
    got = 0
    while True:
        try:
            await asyncio.wait_for(slow.ws.recv(), 10)
            got += 1
        except websockets.ConnectionClosed:
            break
    # The server closes with 1008. A client that does not read may not
    # get to see the close frame: when the server finally drops the TCP
    # connection with the client's unread flood in its buffers, the kernel
    # resets it and the client sees 1006. So the server's own record of
    # why it closed is the evidence in that case.
    closed_for_queue = "closing a socket whose client does not read" in srv.log_text()
    assert closed_for_queue, "the server did not close the slow reader for its send queue"
    assert slow.ws.close_code in (1008, 1006), \
        "closed with %s after %d replies" % (slow.ws.close_code, got)
    srv.assert_alive()
    y = await Client.connect(srv, "Y")
    jy = await y.join(room, "Y")
    await w.expect("participant_joined", participant={"id": jy["you"], "name": "Y", "tracks": []})
