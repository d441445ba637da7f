"""Reconnection (PROTOCOL.md 1.4, docs/protocol.md "join" and "Dropped
sockets"), with rooms.resume_grace_s = 2."""

import asyncio
import time

import pytest

from starling_helpers import Client, async_test, participants_of, unique_room

GRACE = 2


@pytest.fixture
def srv(server):
    return server({"rooms.resume_grace_s": GRACE})


async def pair(srv, room):
    a = await Client.connect(srv, "A")
    b = await Client.connect(srv, "B")
    ja = await a.join(room, "Alice")
    jb = await b.join(room, "Bob")
    await a.expect("participant_joined", participant={"id": jb["you"], "name": "Bob", "tracks": []})
    return a, b, ja, jb


@async_test
async def test_resume_after_drop(srv):
    room = unique_room()
    a, b, ja, jb = await pair(srv, room)
    a.abort()
    # During the grace period the others see no change.
    await b.expect_silence(1.0)
    a2 = await Client.connect(srv, "A2")
    await a2.send({"type": "join", "room": room, "name": "Alice", "resume": ja["resume"], "id": "r"})
    j = await a2.expect("joined", id="r", room=room)
    assert j["you"] == ja["you"], "resume gave a new participant: %r" % j
    assert j["resumed"] is True
    assert participants_of(j) == {jb["you"]: "Bob"}
    await b.expect_silence(0.5)
    # The resumed participant is fully alive: B's leave reaches it.
    await b.leave()
    await a2.expect("participant_left", participant=jb["you"])
    jb2 = await b.join(room, "Bob")
    assert participants_of(jb2) == {ja["you"]: "Alice"}
    await a2.expect("participant_joined", participant={"id": jb2["you"], "name": "Bob", "tracks": []})
    # Drop again and stay away: B gets participant_left after the grace.
    t0 = time.monotonic()
    a2.abort()
    await b.expect_silence(1.0)
    await b.expect("participant_left", timeout=GRACE + 2, participant=ja["you"])
    took = time.monotonic() - t0
    assert took >= GRACE - 0.5, "participant_left after %.2f s, grace is %d s" % (took, GRACE)
    srv.assert_alive()


@async_test
async def test_resume_token_from_resumed_join(srv):
    """The resume token of the second joined works for a second resume."""
    room = unique_room()
    a, b, ja, jb = await pair(srv, room)
    a.abort()
    a2 = await Client.connect(srv, "A2")
    j2 = await a2.join(room, "Alice", resume=ja["resume"])
    assert j2["resumed"] is True and j2["you"] == ja["you"]
    a2.abort()
    a3 = await Client.connect(srv, "A3")
    j3 = await a3.join(room, "Alice", resume=j2["resume"])
    assert j3["resumed"] is True and j3["you"] == ja["you"]
    await b.expect_silence(0.3)


@async_test
async def test_clean_close_without_leave_is_a_drop(srv):
    """A WebSocket close frame without leave is a dropped socket too: the
    participant stays for the grace period."""
    room = unique_room()
    a, b, ja, jb = await pair(srv, room)
    await a.close()
    await b.expect_silence(1.0)
    a2 = await Client.connect(srv, "A2")
    j = await a2.join(room, "Alice", resume=ja["resume"])
    assert j["resumed"] is True and j["you"] == ja["you"]


@async_test
async def test_drop_without_return_leaves_after_grace(srv):
    room = unique_room()
    a, b, ja, jb = await pair(srv, room)
    t0 = time.monotonic()
    a.abort()
    await b.expect("participant_left", timeout=GRACE + 2, participant=ja["you"])
    took = time.monotonic() - t0
    assert took >= GRACE - 0.5, "participant_left after %.2f s, grace is %d s" % (took, GRACE)
    # The room now holds B only.
    c = await Client.connect(srv, "C")
    jc = await c.join(room, "Carol")
    assert participants_of(jc) == {jb["you"]: "Bob"}


@async_test
async def test_dropped_participant_still_listed_during_grace(srv):
    """'The others see no change': a newcomer during the grace period still
    sees the dropped participant in joined.participants."""
    room = unique_room()
    a, b, ja, jb = await pair(srv, room)
    a.abort()
    await asyncio.sleep(0.3)
    c = await Client.connect(srv, "C")
    jc = await c.join(room, "Carol")
    assert participants_of(jc) == {ja["you"]: "Alice", jb["you"]: "Bob"}
    await b.expect("participant_joined", participant={"id": jc["you"], "name": "Carol", "tracks": []})
    await b.expect("participant_left", timeout=GRACE + 2, participant=ja["you"])
    await c.expect("participant_left", timeout=1, participant=ja["you"])


@async_test
async def test_resume_after_expiry_is_new_participant(srv):
    room = unique_room()
    a, b, ja, jb = await pair(srv, room)
    a.abort()
    await b.expect("participant_left", timeout=GRACE + 2, participant=ja["you"])
    a2 = await Client.connect(srv, "A2")
    await a2.send({"type": "join", "room": room, "name": "Alice", "resume": ja["resume"], "id": 9})
    j = await a2.expect("joined", id=9)
    assert j["resumed"] is False
    assert j["you"] != ja["you"]
    assert participants_of(j) == {jb["you"]: "Bob"}
    await b.expect("participant_joined", participant={"id": j["you"], "name": "Alice", "tracks": []})


@async_test
async def test_resume_unknown_token_is_new_participant(srv):
    room = unique_room()
    a, b, ja, jb = await pair(srv, room)
    for i, tok in enumerate(["", "garbage", "x" * 200, ja["resume"] + "x"]):
        c = await Client.connect(srv, "C%d" % i)
        j = await c.join(room, "Carol", resume=tok)
        assert j["resumed"] is False
        assert j["you"] not in (ja["you"], jb["you"])
        for cl in (a, b):
            await cl.expect("participant_joined",
                            participant={"id": j["you"], "name": "Carol", "tracks": []})
        await c.leave()
        for cl in (a, b):
            await cl.expect("participant_left", participant=j["you"])


@async_test
async def test_resume_token_of_other_room(srv):
    room, other = unique_room(), unique_room()
    a, b, ja, jb = await pair(srv, room)
    a.abort()
    a2 = await Client.connect(srv, "A2")
    j = await a2.join(other, "Alice", resume=ja["resume"])
    assert j["resumed"] is False and j["you"] != ja["you"] and j["participants"] == []
    # The old participant is still in its own room until the grace ends.
    await b.expect_silence(0.5)
    await b.expect("participant_left", timeout=GRACE + 2, participant=ja["you"])


@async_test
async def test_resume_after_leave_is_new_participant(srv):
    room = unique_room()
    a, b, ja, jb = await pair(srv, room)
    await a.leave()
    await b.expect("participant_left", participant=ja["you"])
    a2 = await Client.connect(srv, "A2")
    j = await a2.join(room, "Alice", resume=ja["resume"])
    assert j["resumed"] is False and j["you"] != ja["you"]
    await b.expect("participant_joined", participant={"id": j["you"], "name": "Alice", "tracks": []})


@async_test
async def test_resume_while_old_socket_open_kicks_it(srv):
    room = unique_room()
    a, b, ja, jb = await pair(srv, room)
    a2 = await Client.connect(srv, "A2")
    await a2.send({"type": "join", "room": room, "name": "Alice", "resume": ja["resume"], "id": "take"})
    j = await a2.expect("joined", id="take")
    assert j["you"] == ja["you"] and j["resumed"] is True
    assert participants_of(j) == {jb["you"]: "Bob"}
    await a.expect("kicked", reason="resumed")
    await a.expect_closed()
    await b.expect_silence(0.5)
    # The participant lives on in the new socket.
    await b.leave()
    await a2.expect("participant_left", participant=jb["you"])
    await a2.leave(id_="bye")
    await b.expect_silence(0.2)
    srv.assert_alive()


@async_test
async def test_grace_restarts_on_each_drop(srv):
    """Two drops in a row, each shorter than the grace period, keep the
    participant; the timer restarts on every drop."""
    room = unique_room()
    a, b, ja, jb = await pair(srv, room)
    tok = ja["resume"]
    for i in range(2):
        a.abort()
        await asyncio.sleep(GRACE * 0.6)
        a = await Client.connect(srv, "A%d" % i)
        j = await a.join(room, "Alice", resume=tok)
        assert j["resumed"] is True and j["you"] == ja["you"], "round %d: %r" % (i, j)
        tok = j["resume"]
    await b.expect_silence(0.3)
