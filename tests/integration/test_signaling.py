"""Signaling: join, leave, participants, names, room names, request ids.

Contract: shared PROTOCOL.md sections 1, 1.1, 1.2; precisions:
docs/protocol.md.
"""

import pytest

import asyncio

from starling_helpers import (ABSENT, Client, async_test, participants_of,
                              unique_room)


# ------------------------------------------------------------ join basics --

@async_test
async def test_join_reply_shape(shared_server):
    room = unique_room()
    a = await Client.connect(shared_server, "A")
    j = await a.join(room, "Alice", id_="req-1")
    assert j["room"] == room
    assert j["participants"] == []
    assert j["resumed"] is False
    for s in j["ice_servers"]:
        assert isinstance(s, dict) and "urls" in s, "ice_servers entry is not an RTCIceServer: %r" % s
    await a.expect_silence(0.3)


@pytest.mark.parametrize("req_id", ["abc", "x" * 64, 0, 7, 123456789, -3, ""],
                         ids=["str", "str64", "int0", "int7", "bigint", "negint", "emptystr"])
@async_test
async def test_join_echoes_id(shared_server, req_id):
    a = await Client.connect(shared_server, "A")
    j = await a.join(unique_room(), "Alice", id_=req_id)
    assert j["id"] == req_id and type(j["id"]) is type(req_id)


@async_test
async def test_others_get_participant_joined(shared_server):
    room = unique_room()
    a = await Client.connect(shared_server, "A")
    ja = await a.join(room, "Alice", id_=1)
    b = await Client.connect(shared_server, "B")
    jb = await b.join(room, "Bob", id_=2)
    assert jb["you"] != ja["you"]
    assert jb["participants"] == [{"id": ja["you"], "name": "Alice", "tracks": []}]
    pj = await a.expect("participant_joined")
    assert pj["participant"] == {"id": jb["you"], "name": "Bob", "tracks": []}
    assert "id" not in pj, "an event that answers nobody's request carries an id: %r" % pj
    await a.expect_silence(0.2)
    await b.expect_silence(0.2)


@async_test
async def test_three_clients_join_leave_rejoin(shared_server):
    room = unique_room()
    a = await Client.connect(shared_server, "A")
    b = await Client.connect(shared_server, "B")
    c = await Client.connect(shared_server, "C")
    ja = await a.join(room, "Alice")
    jb = await b.join(room, "Bob")
    await a.expect("participant_joined", participant={"id": jb["you"], "name": "Bob", "tracks": []})
    jc = await c.join(room, "Carol")
    assert participants_of(jc) == {ja["you"]: "Alice", jb["you"]: "Bob"}
    assert len(jc["participants"]) == 2
    for cl in (a, b):
        await cl.expect("participant_joined",
                        participant={"id": jc["you"], "name": "Carol", "tracks": []})
    assert len({ja["you"], jb["you"], jc["you"]}) == 3

    # B leaves: left with the id, the others get participant_left.
    await b.leave(id_="bye")
    for cl in (a, c):
        await cl.expect("participant_left", participant=jb["you"])
    await b.expect_silence(0.2)

    # B joins again on the same socket: a new participant.
    jb2 = await b.join(room, "Bob2", id_=99)
    assert jb2["you"] not in (ja["you"], jb["you"], jc["you"])
    assert participants_of(jb2) == {ja["you"]: "Alice", jc["you"]: "Carol"}
    for cl in (a, c):
        await cl.expect("participant_joined",
                        participant={"id": jb2["you"], "name": "Bob2", "tracks": []})

    # A leaves, D joins: D sees exactly B2 and C.
    await a.leave(id_=5)
    for cl in (b, c):
        await cl.expect("participant_left", participant=ja["you"])
    d = await Client.connect(shared_server, "D")
    jd = await d.join(room, "Dave")
    assert participants_of(jd) == {jb2["you"]: "Bob2", jc["you"]: "Carol"}
    for cl in (b, c):
        await cl.expect("participant_joined",
                        participant={"id": jd["you"], "name": "Dave", "tracks": []})
    await a.expect_silence(0.2)  # A left: it hears nothing of the room any more

    # Everyone leaves; the last one out sees nobody left.
    await b.leave()
    await c.expect("participant_left", participant=jb2["you"])
    await c.leave()
    await d.expect("participant_left", participant=jb2["you"])
    await d.expect("participant_left", participant=jc["you"])
    await d.leave()
    e = await Client.connect(shared_server, "E")
    je = await e.join(room, "Eve")
    assert je["participants"] == []


@async_test
async def test_leave_then_join_other_room(shared_server):
    r1, r2 = unique_room(), unique_room()
    a = await Client.connect(shared_server, "A")
    w1 = await Client.connect(shared_server, "W1")
    w2 = await Client.connect(shared_server, "W2")
    await w1.join(r1, "w1")
    await w2.join(r2, "w2")
    ja = await a.join(r1, "A")
    await w1.expect("participant_joined")
    await a.leave()
    await w1.expect("participant_left", participant=ja["you"])
    ja2 = await a.join(r2, "A")
    assert ja2["room"] == r2
    assert [p["name"] for p in ja2["participants"]] == ["w2"]
    await w2.expect("participant_joined", participant={"id": ja2["you"], "name": "A", "tracks": []})
    await w1.expect_silence(0.2)


@async_test
async def test_rooms_are_isolated(shared_server):
    r1, r2 = unique_room(), unique_room()
    a = await Client.connect(shared_server, "A")
    b = await Client.connect(shared_server, "B")
    await a.join(r1, "A")
    jb = await b.join(r2, "B")
    assert jb["participants"] == []
    await b.leave()
    await a.expect_silence(0.3)


@async_test
async def test_many_participants_listed(shared_server):
    room = unique_room()
    clients, ids = [], {}
    for i in range(8):
        c = await Client.connect(shared_server, "c%d" % i)
        j = await c.join(room, "n%d" % i)
        assert participants_of(j) == ids, "joined.participants of client %d" % i
        for prev in clients:
            await prev.expect("participant_joined",
                              participant={"id": j["you"], "name": "n%d" % i, "tracks": []})
        ids[j["you"]] = "n%d" % i
        clients.append(c)
    # Every second one leaves.
    gone = clients[::2]
    stay = clients[1::2]
    for c in gone:
        await c.leave()
        for s in stay:
            await s.expect("participant_left", participant=c.you)
        for g in gone:
            if g is not c and g.you in ids:
                await g.expect("participant_left", participant=c.you)
        del ids[c.you]
    n = await Client.connect(shared_server, "new")
    j = await n.join(room, "new")
    assert participants_of(j) == ids


# ------------------------------------------------------------ names --------

@pytest.mark.parametrize("given,stored", [
    (" Bob ", "Bob"),
    ("\t Bob \n", "Bob"),
    ("Bob  Smith", "Bob  Smith"),
    ("x", "x"),
    ("a" * 64, "a" * 64),
    ("\U0001F600" * 64, "\U0001F600" * 64),
    ("  " + "\u00e9" * 64 + "  ", "\u00e9" * 64),
    ("\u4e2d\u6587\u540d", "\u4e2d\u6587\u540d"),
], ids=["spaces", "tab-newline", "inner-space", "one-char", "64-ascii", "64-emoji",
        "64-2byte-trimmed", "cjk"])
@async_test
async def test_valid_names(shared_server, given, stored):
    room = unique_room()
    w = await Client.connect(shared_server, "W")
    await w.join(room, "Witness")
    a = await Client.connect(shared_server, "A")
    ja = await a.join(room, given, id_="n")
    await w.expect("participant_joined", participant={"id": ja["you"], "name": stored, "tracks": []})
    b = await Client.connect(shared_server, "B")
    jb = await b.join(room, "Other")
    assert participants_of(jb)[ja["you"]] == stored


@pytest.mark.parametrize("name", [
    "", "   ", "\t\n", "a" * 65, "\U0001F600" * 65, "x" * 10240,
    "Bo\x01b", "Bo\nb", "Bo\x1bb", "Bo\x7fb", "Bo\u0085b", "\x00",
], ids=["empty", "spaces-only", "ws-only", "65-ascii", "65-emoji", "10KB",
        "ctrl-01", "inner-newline", "esc", "del", "c1-nel", "nul"])
@async_test
async def test_invalid_names(shared_server, name):
    room = unique_room()
    w = await Client.connect(shared_server, "W")
    await w.join(room, "Witness")
    a = await Client.connect(shared_server, "A")
    await a.send({"type": "join", "room": room, "name": name, "id": "bad-name"})
    await a.expect("error", code="bad_request", id="bad-name")
    ja = await a.join(room, "Fine", id_=2)
    await w.expect("participant_joined", participant={"id": ja["you"], "name": "Fine", "tracks": []})


# ------------------------------------------------------------ room names ---

VALID_ROOMS = ["a", "Z", "0", "room-1", "My_Room.v2", "a" * 64, "..", ".", "-", "_",
               "A-Za-z0-9_.-"]


@pytest.mark.parametrize("room", VALID_ROOMS)
@async_test
async def test_valid_room_names(shared_server, room):
    # These names are shared with nobody else on the shared server except
    # through this test, so the room may only contain ourselves.
    a = await Client.connect(shared_server, "A")
    j = await a.join(room, "A", id_="vr")
    assert j["room"] == room
    b = await Client.connect(shared_server, "B")
    jb = await b.join(room, "B")
    assert j["you"] in participants_of(jb)
    await a.expect("participant_joined")
    await b.leave()
    await a.expect("participant_left", participant=jb["you"])
    await a.leave()


INVALID_ROOMS = ["", "a" * 65, "a/b", "../x", "/", "a b", "room!", "caf\u00e9",
                 "a\\b", "%2e%2e", "r\x00", "\u0661", "a\nb", " a"]


@pytest.mark.parametrize("room", INVALID_ROOMS,
                         ids=["empty", "65", "slash", "dotdot-slash", "root", "space", "bang",
                              "non-ascii", "backslash", "percent", "nul", "arabic-digit",
                              "newline", "leading-space"])
@async_test
async def test_invalid_room_names(shared_server, room):
    a = await Client.connect(shared_server, "A")
    await a.send({"type": "join", "room": room, "name": "A", "id": 17})
    await a.expect("error", code="invalid_room", id=17)
    j = await a.join(unique_room(), "A", id_=18)
    assert j["participants"] == []


# ------------------------------------------------------------ request ids --

@pytest.mark.parametrize("bad_id", [1.5, {"x": 1}, [1], True, None, "x" * 65],
                         ids=["float", "object", "array", "bool", "null", "str65"])
@async_test
async def test_invalid_request_id(shared_server, bad_id):
    room = unique_room()
    w = await Client.connect(shared_server, "W")
    await w.join(room, "W")
    a = await Client.connect(shared_server, "A")
    await a.send({"type": "join", "room": room, "name": "A", "id": bad_id})
    await a.expect("error", code="bad_request", id=ABSENT)
    ja = await a.join(room, "A", id_="ok")
    await w.expect("participant_joined", participant={"id": ja["you"], "name": "A", "tracks": []})


@async_test
async def test_reply_without_request_id_has_no_id(shared_server):
    a = await Client.connect(shared_server, "A")
    await a.send({"type": "join", "room": unique_room(), "name": "A"})
    await a.expect("joined", id=ABSENT)
    await a.send({"type": "leave"})
    await a.expect("left", id=ABSENT)
    await a.send({"type": "leave"})
    await a.expect("error", code="not_joined", id=ABSENT)


@async_test
async def test_requests_after_leave_not_joined(shared_server):
    a = await Client.connect(shared_server, "A")
    await a.join(unique_room(), "A")
    await a.leave(id_=1)
    await a.send({"type": "leave", "id": 2})
    await a.expect("error", code="not_joined", id=2)
    await a.send({"type": "mute", "track": "t", "muted": False, "id": 3})
    await a.expect("error", code="not_joined", id=3)
    await a.send({"type": "candidate", "candidate": None, "id": 4})
    await a.expect("error", code="not_joined", id=4)


# ------------------------------------------------------------ concurrency --

@async_test
async def test_concurrent_joins_consistent(shared_server):
    """30 clients join one room at once.  For every pair, the later one is
    either in the earlier one's joined.participants or announced to it by
    participant_joined - exactly one of the two, never both or neither."""
    room = unique_room()
    n = 30
    clients = [await Client.connect(shared_server, "c%d" % i) for i in range(n)]
    for i, c in enumerate(clients):
        await c.send({"type": "join", "room": room, "name": "n%d" % i, "id": i})
    joined = []
    for i, c in enumerate(clients):
        j = await c.wait_for("joined", timeout=10, id=i)
        joined.append(j)
    ids = [j["you"] for j in joined]
    assert len(set(ids)) == n
    names = {j["you"]: "n%d" % i for i, j in enumerate(joined)}
    # Collect the participant_joined each client gets (some may have come
    # before joined? No: nothing of the room may precede joined).
    for i, c in enumerate(clients):
        pre = [m for m in c.log if m["type"] != "joined"]
        assert not pre, "client %d got room events before joined: %r" % (i, pre)
    for i, c in enumerate(clients):
        known = participants_of(joined[i])
        expected_events = n - 1 - len(known)
        announced = {}
        for _ in range(expected_events):
            m = await c.expect("participant_joined", timeout=5)
            p = m["participant"]
            announced[p["id"]] = p["name"]
        both = set(known) & set(announced)
        assert not both, "client %d both listed and was told about %r" % (i, both)
        assert {**known, **announced} == {k: v for k, v in names.items() if k != ids[i]}
    await asyncio.sleep(0.2)
    for c in clients:
        await c.expect_silence(0.01)
    # Everyone leaves at once; the last one standing saw all the others go.
    for c in clients[:-1]:
        await c.send({"type": "leave"})
    gone = set()
    while len(gone) < n - 1:
        m = await clients[-1].expect("participant_left", timeout=5)
        gone.add(m["participant"])
    assert gone == set(ids[:-1])


@async_test
async def test_pipelined_requests_answered_in_order(shared_server):
    """Requests sent back to back on one socket, without waiting for the
    replies, are handled and answered in order: join, leave, join gives
    joined, left, joined - never already_joined or not_joined."""
    room = unique_room()
    w = await Client.connect(shared_server, "W")
    await w.join(room, "W")
    a = await Client.connect(shared_server, "A")
    for rnd in range(10):
        base = rnd * 10
        await a.send({"type": "join", "room": room, "name": "A", "id": base + 1})
        await a.send({"type": "leave", "id": base + 2})
        await a.send({"type": "join", "room": room, "name": "A", "id": base + 3})
        await a.send({"type": "mute", "track": "none", "muted": True, "id": base + 4})
        j1 = await a.expect("joined", id=base + 1)
        await a.expect("left", id=base + 2)
        j3 = await a.expect("joined", id=base + 3)
        await a.expect("error", code="bad_request", id=base + 4)
        assert j1["you"] != j3["you"]
        await w.expect("participant_joined", participant={"id": j1["you"], "name": "A", "tracks": []})
        await w.expect("participant_left", participant=j1["you"])
        await w.expect("participant_joined", participant={"id": j3["you"], "name": "A", "tracks": []})
        await a.leave(id_=base + 5)
        await w.expect("participant_left", participant=j3["you"])
        await asyncio.sleep(0.3)  # stay under the rate limit (20/s, burst 40)


@async_test
async def test_fragmented_message(shared_server):
    """A message sent in several WebSocket fragments is one message."""
    a = await Client.connect(shared_server, "A")
    room = unique_room()
    await a.ws.send(iter(['{"type":"join",', '"room":"%s",' % room, '"name":"A","id":"f"}']))
    j = await a.expect("joined", id="f", room=room)
    assert j["participants"] == []


@async_test
async def test_ping_answered(shared_server):
    a = await Client.connect(shared_server, "A")
    await a.join(unique_room(), "A")
    pong = await a.ws.ping(b"hello")
    await asyncio.wait_for(pong, 3)
    await a.leave(id_=1)
