"""Join tokens (PROTOCOL.md 1.5): HS256 JWT with room, name, exp."""

import time

import pytest
import websockets

from starling_helpers import (Client, ServerPool, async_test, b64url, make_jwt, pooled_server,
                              unique_room)

SECRET = "s3cret-for-tests"


@pytest.fixture(scope="module")
def _auth_pool():
    pool = ServerPool({"auth.secret": SECRET})
    yield pool
    problems = pool.shutdown()
    assert not problems, "; ".join(problems)


@pytest.fixture
def auth_server(request, _auth_pool):
    """A server with auth.secret, shared by this module's tests."""
    yield from pooled_server(_auth_pool, request)


def token(room, exp_in=600, **claims):
    c = {"room": room, "exp": int(time.time()) + exp_in}
    c.update(claims)
    return make_jwt(c, SECRET)


async def witness(srv, room):
    w = await Client.connect(srv, "witness")
    await w.join(room, "W", token=token(room))
    return w


def bad_tokens(room):
    now = int(time.time())
    good = token(room)
    h, p, s = good.split(".")
    return {
        "bad-signature": make_jwt({"room": room, "exp": now + 600}, "wrong-secret"),
        "tampered-payload": h + "." + b64url('{"room":"*","exp":%d}' % (now + 600)) + "." + s,
        "truncated-signature": good[:-4],
        "no-signature": h + "." + p + ".",
        "expired": make_jwt({"room": room, "exp": now - 3600}, SECRET),
        "missing-exp": make_jwt({"room": room}, SECRET),
        "exp-string": make_jwt({"room": room, "exp": str(now + 600)}, SECRET),
        "alg-none": make_jwt({"room": room, "exp": now + 600}, SECRET, alg="none"),
        "alg-none-with-sig": make_jwt({"room": room, "exp": now + 600}, SECRET,
                                      header={"alg": "none", "typ": "JWT"}, signature=s),
        "alg-hs512": make_jwt({"room": room, "exp": now + 600}, SECRET, alg="HS512"),
        "wrong-room": make_jwt({"room": room + "x", "exp": now + 600}, SECRET),
        "room-prefix": make_jwt({"room": room[:-1], "exp": now + 600}, SECRET),
        "room-missing": make_jwt({"exp": now + 600}, SECRET),
        "room-glob": make_jwt({"room": room[:3] + "*", "exp": now + 600}, SECRET),
        "malformed-base64": "!!!." + "@@@." + "###",
        "two-parts": h + "." + p,
        "four-parts": good + ".x",
        "empty": "",
        "garbage": "hello",
        "payload-not-json": h + "." + b64url("not json") + "." + s,
        "60KB": "a" * 30000 + "." + "b" * 30000 + "." + "c" * 100,
    }


BAD = list(bad_tokens("room0").keys())


@pytest.mark.parametrize("case", BAD)
@async_test
async def test_bad_token_unauthorized(auth_server, case):
    room = unique_room()
    w = await witness(auth_server, room)
    x = await Client.connect(auth_server, "X")
    tok = bad_tokens(room)[case]
    await x.send({"type": "join", "room": room, "name": "X", "token": tok, "id": case})
    await x.expect("error", code="unauthorized", id=case)
    # Socket still usable: a good token joins.
    jx = await x.join(room, "X", id_=2, token=token(room))
    await w.expect("participant_joined", participant={"id": jx["you"], "name": "X", "tracks": []})
    auth_server.assert_alive()


@async_test
async def test_no_token_unauthorized(auth_server):
    room = unique_room()
    w = await witness(auth_server, room)
    x = await Client.connect(auth_server, "X")
    await x.send({"type": "join", "room": room, "name": "X", "id": "nt"})
    await x.expect("error", code="unauthorized", id="nt")
    await x.send({"type": "join", "room": room, "name": "X", "id": 5, "token": None})
    err = await x.recv()
    assert err["type"] == "error" and err["code"] in ("unauthorized", "bad_request") \
        and err.get("id") == 5, err
    jx = await x.join(room, "X", token=token(room))
    await w.expect("participant_joined", participant={"id": jx["you"], "name": "X", "tracks": []})


@async_test
async def test_token_wrong_type_bad_request(auth_server):
    x = await Client.connect(auth_server, "X")
    await x.send({"type": "join", "room": unique_room(), "name": "X", "id": 1, "token": 12345})
    await x.expect("error", code="bad_request", id=1)


@async_test
async def test_100kb_token_is_too_large(auth_server):
    """A 100 KB token makes the frame exceed the default 64 KiB limit: the
    size check comes first (docs/protocol.md, validation order)."""
    room = unique_room()
    w = await witness(auth_server, room)
    x = await Client.connect(auth_server, "X")
    try:
        await x.send({"type": "join", "room": room, "name": "X", "id": 1,
                      "token": "a" * 50000 + "." + "b" * 50000 + ".c"})
    except websockets.ConnectionClosed:
        pass
    await x.expect("error", code="too_large")
    await x.expect_closed(1009)
    await w.expect_silence(0.2)
    auth_server.assert_alive()


@async_test
async def test_100kb_token_unauthorized_with_bigger_limit(server):
    srv = server({"auth.secret": SECRET, "signaling.max_message": 262144})
    room = unique_room()
    x = await Client.connect(srv, "X")
    await x.send({"type": "join", "room": room, "name": "X", "id": "big",
                  "token": "a" * 50000 + "." + "b" * 50000 + ".c"})
    await x.expect("error", code="unauthorized", id="big")
    jx = await x.join(room, "X", token=token(room))
    assert jx["participants"] == []


@async_test
async def test_good_token_exact_room(auth_server):
    room = unique_room()
    a = await Client.connect(auth_server, "A")
    j = await a.join(room, "Alice", id_="t", token=token(room))
    assert j["participants"] == [] and j["resumed"] is False


@async_test
async def test_wildcard_room_token(auth_server):
    tok = token("*")
    for room in (unique_room(), unique_room(), "x"):
        a = await Client.connect(auth_server, "A")
        j = await a.join(room, "Alice", token=tok)
        assert j["room"] == room
        await a.leave()


@async_test
async def test_token_name_claim_overrides(auth_server):
    room = unique_room()
    w = await witness(auth_server, room)
    a = await Client.connect(auth_server, "A")
    ja = await a.join(room, "ClientName", token=token(room, name="Claimed Name"))
    await w.expect("participant_joined",
                   participant={"id": ja["you"], "name": "Claimed Name", "tracks": []})
    b = await Client.connect(auth_server, "B")
    jb = await b.join(room, "B", token=token(room))
    names = {p["id"]: p["name"] for p in jb["participants"]}
    assert names == {w.you: "W", ja["you"]: "Claimed Name"}


@async_test
async def test_token_without_name_uses_client_name(auth_server):
    room = unique_room()
    w = await witness(auth_server, room)
    a = await Client.connect(auth_server, "A")
    ja = await a.join(room, " Client ", token=token(room))
    await w.expect("participant_joined", participant={"id": ja["you"], "name": "Client", "tracks": []})


@async_test
async def test_token_can_publish_false_still_joins(auth_server):
    room = unique_room()
    a = await Client.connect(auth_server, "A")
    j = await a.join(room, "Viewer", token=token(room, can_publish=False))
    assert j["room"] == room


@async_test
async def test_invalid_room_checked_with_auth(auth_server):
    """invalid_room and unauthorized are both state/room rules; a room name
    that cannot exist is refused either way."""
    x = await Client.connect(auth_server, "X")
    await x.send({"type": "join", "room": "a/b", "name": "X", "id": 1, "token": token("*")})
    err = await x.expect("error", id=1)
    assert err["code"] in ("invalid_room", "unauthorized"), err


@async_test
async def test_open_rooms_without_secret_ignore_token(shared_server):
    """Without auth.secret, rooms are open: a token (even a bogus one) is
    not required and not an obstacle."""
    a = await Client.connect(shared_server, "A")
    await a.join(unique_room(), "A")
    b = await Client.connect(shared_server, "B")
    await b.join(unique_room(), "B", token="whatever")


@async_test
async def test_resume_still_needs_token(server):
    """With auth on every join needs a token, a resuming one too."""
    srv = server({"auth.secret": SECRET, "rooms.resume_grace_s": 5})
    room = unique_room()
    w = await witness(srv, room)
    a = await Client.connect(srv, "A")
    ja = await a.join(room, "A", token=token(room))
    await w.expect("participant_joined", participant={"id": ja["you"], "name": "A", "tracks": []})
    a.abort()
    a2 = await Client.connect(srv, "A2")
    await a2.send({"type": "join", "room": room, "name": "A", "resume": ja["resume"], "id": 1})
    await a2.expect("error", code="unauthorized", id=1)
    j = await a2.join(room, "A", id_=2, resume=ja["resume"], token=token(room))
    assert j["resumed"] is True and j["you"] == ja["you"]
    await w.expect_silence(0.3)
