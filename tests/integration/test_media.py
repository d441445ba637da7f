"""Media: real WebRTC peers (aiortc) through Starling.

Contract: shared PROTOCOL.md 1.1-1.3 (one peer connection per participant,
server offers with a tracks map and a=msid "<participant> <track>",
recycled inactive sections, codec filtering), docs/protocol.md (mute,
leave).  Clients: media_client.MediaClient.

Every video is SyntheticVideo (320x240, 30 fps, VP8 unless a test asks for
H.264); a receiver must decode at least MIN_FPS of each video it is sent,
measured over a window that starts once the media flows.

test_three_publishers also measures the server's CPU time and the packets
it forwards; the figures are printed (pytest -s) and written to
tests/integration/out/media-figures.txt.

Clients start one right after the other, as people do.  With
MEDIA_TEST_JOIN_GAP=<seconds> they start that far apart instead, which
tells a keyframe-request problem (test_back_to_back_subscribers) from
anything else; the default, 0, is the real test.

Run: tests/integration/run -x -q tests/integration/test_media.py -s
"""

import asyncio
import functools
import json
import os
import re
import sys
import time

import pytest

from starling_helpers import (Client, ServerPool, async_test, http_raw, pooled_server,
                              unique_room)
from media_client import (HERE, MediaClient, PeerChild, close_all_media_clients,
                          codec_names, proc_cpu_seconds, sdp_sections)

MIN_FPS = 10.0
WINDOW = 8.0          # seconds of the main measurement (requirement 1)
SHORT_WINDOW = 5.0    # the other fps checks
CONNECT = 25.0        # time allowed for media to start flowing
ADMIN_SECRET = "media-test-admin"
# Seconds between the starts of clients that join together.  0 (the
# default) is the real test; a positive value only helps to tell whether a
# failure comes from keyframe requests of near-simultaneous subscribers.
JOIN_GAP = float(os.environ.get("MEDIA_TEST_JOIN_GAP", "0"))
OUT = HERE / "out"


@pytest.fixture(scope="module")
def _media_pool():
    pool = ServerPool({"admin.secret": ADMIN_SECRET})
    yield pool
    problems = pool.shutdown()
    assert not problems, "; ".join(problems)


@pytest.fixture
def media_server(request, _media_pool):
    """A server shared by this module's tests (each uses its own rooms),
    with the admin API on, so that failures can show the server's view."""
    yield from pooled_server(_media_pool, request)


def media_test(timeout):
    """async_test with this time budget; every MediaClient is closed at the
    end, whatever happened."""
    def deco(f):
        @functools.wraps(f)
        async def body(*args, **kwargs):
            try:
                return await f(*args, **kwargs)
            finally:
                await close_all_media_clients()
        return async_test(body, timeout=timeout)
    return deco


# ------------------------------------------------------------------ helpers --

async def start_clients(srv, room, specs):
    """specs: [(label, name, MediaClient kwargs)] started one after the
    other (each first offer answered before the next joins)."""
    clients = []
    for label, name, kw in specs:
        if clients and JOIN_GAP > 0:
            await asyncio.sleep(JOIN_GAP)
        c = MediaClient(srv, label, **kw)
        await c.start(room, name)
        clients.append(c)
    return clients


def known_tracks(c):
    """{(participant, track id): track object} that c has been told about:
    joined.participants, then track_added / track_removed /
    participant_left in order."""
    known = {}
    for p in c.joined["participants"]:
        for t in p["tracks"]:
            known[(p["id"], t["id"])] = t
    for m in c.messages():
        if m["type"] == "track_added":
            known[(m["participant"], m["track"]["id"])] = m["track"]
        elif m["type"] == "track_removed":
            known.pop((m["participant"], m["track"]), None)
        elif m["type"] == "participant_left":
            for k in [k for k in known if k[0] == m["participant"]]:
                del known[k]
    return known


def tracks_of(c, participant, kind=None):
    """Track ids of participant as c knows them."""
    return sorted(t for (p, t), obj in known_tracks(c).items()
                  if p == participant and (kind is None or obj["kind"] == kind))


def offered(c):
    """{(participant, track): mid} of c's last server offer."""
    if not c.server_offers:
        return {}
    return {(ref["participant"], ref["track"]): mid
            for mid, ref in c.server_offers[-1]["tracks"].items()}


async def wait_offered(c, keys, timeout=10.0):
    """Until c's last server offer carries every key, and was answered."""
    deadline = time.monotonic() + timeout
    while True:
        if set(keys) <= set(offered(c)):
            return
        if time.monotonic() > deadline:
            raise AssertionError("%s: the server never offered %s; last tracks map: %s; "
                                 "messages: %s" % (c.label, sorted(set(keys) - set(offered(c))),
                                                   offered(c), c.summary(0, 20)))
        await asyncio.sleep(0.1)


async def wait_known(c, participant, kinds, timeout=10.0):
    """Until c knows participant's tracks of these kinds (track_added or
    joined); returns {kind: track id}."""
    deadline = time.monotonic() + timeout
    while True:
        got = {}
        for (p, t), obj in known_tracks(c).items():
            if p == participant:
                got.setdefault(obj["kind"], t)
        if all(k in got for k in kinds):
            return got
        if time.monotonic() > deadline:
            raise AssertionError("%s: no track_added for %s's %s within %.0f s; messages: %s"
                                 % (c.label, participant, kinds, timeout, c.summary(0, 20)))
        await asyncio.sleep(0.1)


def check_fps(results, label=""):
    """results: {(client label, (participant, track)): fps}."""
    low = {"%s<-%s/%s" % (cl, k[0], k[1]): round(v, 1) for (cl, k), v in results.items()
           if v < MIN_FPS}
    assert not low, "%sdecoded video below %.0f fps: %s (all: %s)" % (
        label, MIN_FPS, low,
        {"%s<-%s" % (cl, k[1]): round(v, 1) for (cl, k), v in results.items()})


async def measure(pairs, seconds):
    """pairs: [(client, key)].  Sleeps for the window and returns
    {(label, key): fps}."""
    t0 = time.monotonic()
    await asyncio.sleep(seconds)
    t1 = time.monotonic()
    return {(c.label, k): c.fps(k, t0, t1) for c, k in pairs}


def admin_totals(srv):
    """GET /admin/server totals (None without the admin API)."""
    if "admin.secret" not in srv.settings:
        return None
    try:
        status, _, body = http_raw(srv.admin_port, "/admin/server",
                                   headers={"Authorization": "Bearer " + srv.settings["admin.secret"]})
    except OSError:
        return None
    if status != 200:
        return None
    try:
        return json.loads(body)
    except ValueError:
        return None


def room_dump(srv, room):
    """The server's view of a room's video (/admin/rooms/<room>), compact:
    per participant its video tracks (packets, plis_sent, keyframes) and
    its video subscriptions (packets, plis_received)."""
    if "admin.secret" not in srv.settings:
        return "(no admin API)"
    try:
        status, _, body = http_raw(srv.admin_port, "/admin/rooms/" + room,
                                   headers={"Authorization": "Bearer " + srv.settings["admin.secret"]})
        r = json.loads(body)
        out = []
        for p in r["participants"]:
            vids = {t["id"] for q in r["participants"] for t in q["tracks"] if t["kind"] == "video"}
            out.append("%s(%s): publishes %s; receives %s" % (
                p["name"], p["id"],
                ["%s packets=%s plis_sent=%s keyframes=%s" % (
                    t["id"], t.get("packets"), t.get("plis_sent"), t.get("keyframes"))
                 for t in p["tracks"] if t["kind"] == "video"],
                ["%s packets=%s plis_received=%s" % (
                    x["track"], x.get("packets"), x.get("plis_received"))
                 for x in p["subscriptions"] if x["track"] in vids]))
        return "; ".join(out)
    except Exception as e:  # diagnostics only
        return "(admin API: %r)" % e


async def frames(srv, x, keys, n=10, timeout=CONNECT):
    """x.wait_frames, with the server's view of the room on failure."""
    try:
        await x.wait_frames(keys, n=n, timeout=timeout)
    except AssertionError as e:
        raise AssertionError("%s\nserver's view: %s" % (e, room_dump(srv, x.room))) from None


async def remote_videos(x, others, kinds=("video",)):
    """Wait until x knows every one of others' tracks of these kinds and has
    been offered (and has answered) them; returns x's keys of their
    videos."""
    keys = []
    for y in others:
        got = await wait_known(x, y.you, kinds)
        await wait_offered(x, [(y.you, t) for t in got.values()])
        keys.append((y.you, got["video"]))
    return keys


def video_key(c, participant):
    vids = [k for k in c.video_keys() if k[0] == participant and k in offered(c)]
    assert len(vids) == 1, "%s: expected one offered video of %s, have %s (offered %s)" % (
        c.label, participant, vids, offered(c))
    return vids[0]


# -------------------------------------------------------------------- tests --

@media_test(timeout=100)
async def test_three_publishers(server):
    """Requirements 1 and 10: three VP8+Opus publishers, each decodes the
    other two videos at MIN_FPS or more over WINDOW seconds; server CPU and
    forwarded packets over that window."""
    srv = server({"admin.secret": ADMIN_SECRET})
    room = unique_room("media")
    a, b, c = await start_clients(srv, room, [
        ("A", "Alice", {}), ("B", "Bob", {}), ("C", "Carol", {})])
    everyone = (a, b, c)

    # Signaling: every participant learns the others' two tracks (camera
    # VP8 video, mic Opus audio, unmuted) and is offered exactly those.
    for x in everyone:
        others = [y for y in everyone if y is not x]
        want = set()
        for y in others:
            got = await wait_known(x, y.you, ("video", "audio"))
            for kind, tid in got.items():
                want.add((y.you, tid))
        known = known_tracks(x)
        assert set(known) == want, "%s: knows tracks %s, want %s" % (x.label, sorted(known), sorted(want))
        for key, t in known.items():
            assert t["kind"] in ("audio", "video") and t["muted"] is False, t
            assert t["label"] == ("camera" if t["kind"] == "video" else "mic"), t
        await wait_offered(x, want)
        assert set(offered(x)) == want, "%s: tracks map %s, want exactly %s" % (
            x.label, offered(x), want)
        secs = {s["mid"]: s for s in sdp_sections(x.server_offers[-1]["sdp"])}
        for (p, tid), mid in offered(x).items():
            kind = known[(p, tid)]["kind"]
            assert secs[mid]["kind"] == kind, "%s: section %s is %s, track %s is %s" % (
                x.label, mid, secs[mid]["kind"], tid, kind)
            names = codec_names(secs[mid])
            assert names == ({"VP8"} if kind == "video" else {"OPUS"}), \
                "%s: section %s offers %s" % (x.label, mid, names)
        # track_added (not a re-announce) for those who joined later.
        added = [(m["participant"], m["track"]["id"]) for m in x.messages("track_added")]
        later = [y for y in others if y.joined["you"] not in
                 [p["id"] for p in x.joined["participants"]]]
        for y in later:
            assert sum(1 for p, _ in added if p == y.you) == 2, \
                "%s: track_added for %s: %s" % (x.label, y.label, added)

    # Media must flow within CONNECT seconds.  The figures are taken and
    # written even if some video never starts; the test fails after that.
    pairs, problems = [], []
    deadline = time.monotonic() + CONNECT
    for x in everyone:
        keys = [video_key(x, y.you) for y in everyone if y is not x]
        try:
            await frames(srv, x, keys, n=10, timeout=max(deadline - time.monotonic(), 1.0))
        except AssertionError as e:
            problems.append(str(e))
        pairs += [(x, k) for k in keys]

    # The measured window.
    pid = srv.proc.pid
    cpu0 = proc_cpu_seconds(pid)
    pk0 = sum([await x.inbound_packets() for x in everyone])
    adm0 = admin_totals(srv)
    t0 = time.monotonic()
    fps = await measure(pairs, WINDOW)
    t1 = time.monotonic()
    cpu1 = proc_cpu_seconds(pid)
    pk1 = sum([await x.inbound_packets() for x in everyone])
    adm1 = admin_totals(srv)
    dt = t1 - t0

    audio_fps = {}
    for x in everyone:
        for k, kind in x.kind_of.items():
            if kind == "audio" and k in offered(x):
                audio_fps["%s<-%s" % (x.label, k[1])] = round(x.fps(k, t0, t1), 1)
    cpu_pct = 100.0 * (cpu1 - cpu0) / dt
    rx_pps = (pk1 - pk0) / dt
    lines = [
        "Starling media figures (test_three_publishers: 3 participants, each "
        "publishing VP8 320x240@30 + Opus, each receiving the other 2)",
        "window: %.2f s" % dt,
        "server CPU (utime+stime of pid %d): %.3f s = %.1f %% of one core"
        % (pid, cpu1 - cpu0, cpu_pct),
        "packets received by the 3 clients (aiortc inbound-rtp packetsReceived): "
        "%d = %.0f packets/s" % (pk1 - pk0, rx_pps),
    ]
    if adm0 and adm1 and "packets_out" in adm0 and "packets_in" in adm0:
        out_pps = (adm1["packets_out"] - adm0["packets_out"]) / dt
        in_pps = (adm1["packets_in"] - adm0["packets_in"]) / dt
        lines.append("server counters (/admin/server): packets_in %.0f/s, packets_out %.0f/s"
                     % (in_pps, out_pps))
        if out_pps > 0:
            lines.append("server CPU per forwarded packet: %.1f us"
                         % (1e6 * (cpu1 - cpu0) / (out_pps * dt)))
    elif rx_pps > 0:
        lines.append("server CPU per forwarded packet (client count): %.1f us"
                     % (1e6 * (cpu1 - cpu0) / (rx_pps * dt)))
    lines.append("decoded video fps: %s" % {"%s<-%s" % (cl, k[1]): round(v, 1)
                                            for (cl, k), v in fps.items()})
    lines.append("decoded audio frames/s: %s" % audio_fps)
    text = "\n".join(lines)
    print("\n" + text)
    OUT.mkdir(exist_ok=True)
    (OUT / "media-figures.txt").write_text(text + "\n")

    assert not problems, "video never started: %s\n%s" % ("\n".join(problems), text)
    check_fps(fps)
    low_audio = {k: v for k, v in audio_fps.items() if v < 10}
    assert len(audio_fps) == 6 and not low_audio, "audio frames/s: %s" % audio_fps
    for x in everyone:
        x.check_ok()
        for k in x.video_keys():
            assert x.frame_sizes.get(k) == {(320, 240)}, (x.label, k, x.frame_sizes.get(k))
    srv.assert_alive()


@media_test(timeout=100)
async def test_late_joiner(media_server):
    """Requirement 2: a 4th participant joins three publishers late, gets
    all three videos, and they all get its video."""
    srv = media_server
    room = unique_room("late")
    # Video only (audio is covered elsewhere): four aiortc clients in one
    # Python process are as much as this test can afford.
    first = await start_clients(srv, room, [
        ("A", "Alice", {"audio": False}), ("B", "Bob", {"audio": False}),
        ("C", "Carol", {"audio": False})])
    for x in first:
        keys = await remote_videos(x, [y for y in first if y is not x])
        await frames(srv, x, keys, n=5, timeout=CONNECT)

    d = (await start_clients(srv, room, [("D", "Dave", {"audio": False})]))[0]
    # D's joined lists the three with their video track each.
    listed = {p["id"]: sorted(t["kind"] for t in p["tracks"]) for p in d.joined["participants"]}
    assert listed == {x.you: ["video"] for x in first}, listed
    pairs = [(d, k) for k in await remote_videos(d, first)]
    for x in first:
        pairs += [(x, k) for k in await remote_videos(x, [d])]
    for x, k in pairs:
        await frames(srv, x, [k], n=5, timeout=CONNECT)
    fps = await measure(pairs, SHORT_WINDOW)
    print("\nlate joiner fps: %s" % {"%s<-%s" % (cl, k[1]): round(v, 1) for (cl, k), v in fps.items()})
    check_fps(fps)
    for x in first + [d]:
        x.check_ok()


@media_test(timeout=100)
async def test_leave_recycles_sections(media_server):
    """Requirement 3: after a leave the others get participant_left, then an
    offer where the leaver's sections are inactive and out of the tracks
    map; a newcomer's video then takes one of those mids and plays."""
    srv = media_server
    room = unique_room("leave")
    a, b, c = await start_clients(srv, room, [
        ("A", "Alice", {}), ("B", "Bob", {}), ("C", "Carol", {})])
    stay = (a, b)
    for x in stay:
        keys = await remote_videos(x, [y for y in (a, b, c) if y is not x], ("video", "audio"))
        await frames(srv, x, keys, n=5, timeout=CONNECT)
    c_mids = {x.label: {mid: k for k, mid in offered(x).items() if k[0] == c.you} for x in stay}
    c_video = {x.label: offered(x)[video_key(x, c.you)] for x in stay}
    marks = {x.label: x.mark() for x in stay}

    await c.leave()
    for x in stay:
        i, _ = await x.wait_msg("participant_left", after=marks[x.label], participant=c.you)
        _, offer = await x.wait_msg("offer", after=i, timeout=5)
        assert not any(r["participant"] == c.you for r in offer["tracks"].values()), \
            "%s: the first offer after C left still names C: %s" % (x.label, offer["tracks"])
        secs = {s["mid"]: s for s in sdp_sections(offer["sdp"])}
        for mid in c_mids[x.label]:
            assert mid in secs, "%s: C's section %s vanished from the offer" % (x.label, mid)
            assert secs[mid]["direction"] == "inactive", \
                "%s: C's section %s is %s after C left, want inactive:\n%s" % (
                    x.label, mid, secs[mid]["direction"], offer["sdp"])
            assert mid not in offer["tracks"]
        marks[x.label] = x.mark()

    d = (await start_clients(srv, room, [("D", "Dave", {})]))[0]
    pairs = []
    for x in stay:
        got = await wait_known(x, d.you, ("video", "audio"))
        await wait_offered(x, [(d.you, t) for t in got.values()])
        mid = offered(x)[(d.you, got["video"])]
        assert mid in c_mids[x.label], (
            "%s: D's video came in section %s, not in one of C's former sections %s "
            "(sections: %s)" % (x.label, mid, sorted(c_mids[x.label]),
                                [(s["mid"], s["kind"], s["direction"])
                                 for s in sdp_sections(x.server_offers[-1]["sdp"])]))
        print("\n%s: C's video was mid %s; D's video is mid %s, D's audio mid %s"
              % (x.label, c_video[x.label], mid, offered(x)[(d.you, got["audio"])]))
        pairs.append((x, mid, got["video"]))
    # D's video goes out on the recycled sections under new SSRCs (a
    # browser binds an SSRC to the first track it saw on it; the browser
    # tests check that Chrome shows it). aiortc 1.4 cannot follow an SSRC
    # change on a transceiver it already routes (its RTP router matches
    # new SSRCs by payload type only when one receiver has it), so here
    # the server's own counters are the evidence: the subscription sits
    # in the recycled mid, is active, and its packets keep flowing.
    for x, mid, track in pairs:
        await forwarded(srv, room, x.you, track, mid)
    for x, _, _ in pairs:
        x.check_ok()


async def forwarded(srv, room, who, track, mid, timeout=20.0):
    """Wait until the server forwards track to who in section mid: active,
    and at least 100 packets more over a second."""
    def packets():
        status, _, body = http_raw(
            srv.admin_port, "/admin/rooms/%s/participants/%s" % (room, who),
            headers={"Authorization": "Bearer " + srv.settings["admin.secret"]})
        assert status == 200, body
        subs = [x for x in json.loads(body)["subscriptions"] if x["track"] == track]
        if not (subs and subs[0]["mid"] == mid and subs[0]["active"]):
            return None, subs      # not answered yet: wait
        return subs[0]["packets"], subs
    end = time.monotonic() + timeout
    while True:
        before, subs = packets()
        await asyncio.sleep(1.0)
        after, subs = packets()
        if before is not None and after is not None and after - before >= 20:
            return
        assert time.monotonic() < end, "%s: track %s not flowing in mid %s: %s" % (
            who, track, mid, subs)


@media_test(timeout=80)
async def test_receive_only(media_server):
    """Requirement 4: a participant with only the chat channel receives
    every published video (and audio)."""
    srv = media_server
    room = unique_room("recvonly")
    a, b, r = await start_clients(srv, room, [
        ("A", "Alice", {}), ("B", "Bob", {}),
        ("R", "Rita", {"video": False, "audio": False})])
    secs = sdp_sections(r.local_offers[0])
    assert [s["kind"] for s in secs] == ["application"], \
        "the receive-only client's offer should be the chat channel only: %s" % secs
    keys = await remote_videos(r, (a, b), ("video", "audio"))
    want = set(offered(r))
    assert len(want) == 4, "R is offered %s, want A's and B's two tracks each" % offered(r)
    audio = sorted(want - set(keys))
    await frames(srv, r, keys + audio, n=5, timeout=CONNECT)
    fps = await measure([(r, k) for k in keys + audio], SHORT_WINDOW)
    print("\nreceive-only fps (video and audio): %s" % {k[1]: round(v, 1) for (_, k), v in fps.items()})
    check_fps(fps)
    # R publishes nothing: the others were told of no track of R's.
    for x in (a, b):
        assert tracks_of(x, r.you) == [], known_tracks(x)
        x.check_ok()
    r.check_ok()


@media_test(timeout=80)
async def test_h264_only(media_server):
    """Requirement 5: an H.264 publisher reaches a subscriber that accepts
    only H.264."""
    srv = media_server
    room = unique_room("h264")
    p, s = await start_clients(srv, room, [
        ("P", "Pat", {"audio": False, "video_codecs": "H264"}),
        ("S", "Sam", {"video": False, "audio": False, "recv_codecs": "H264"})])
    for sec in sdp_sections(p.local_offers[0]) + sdp_sections(s.local_offers[0]):
        if sec["kind"] == "video":
            assert codec_names(sec) == {"H264"}, "client offer lists %s" % codec_names(sec)
    assert any(sec["kind"] == "video" for sec in sdp_sections(s.local_offers[0]))
    vid = (await wait_known(s, p.you, ("video",)))["video"]
    await wait_offered(s, [(p.you, vid)])
    sec = {x["mid"]: x for x in sdp_sections(s.server_offers[-1]["sdp"])}[offered(s)[(p.you, vid)]]
    assert codec_names(sec) == {"H264"}, "server offers %s for an H.264 track" % codec_names(sec)
    assert "packetization-mode=1" in "\n".join(sec["lines"])
    answer_sec = [x for x in sdp_sections(s.last_answer_sdp) if x["mid"] == sec["mid"]][0]
    assert codec_names(answer_sec) == {"H264"}, codec_names(answer_sec)
    key = (p.you, vid)
    await frames(srv, s, [key], n=5, timeout=CONNECT)
    fps = await measure([(s, key)], SHORT_WINDOW)
    print("\nH.264 fps: %.1f" % list(fps.values())[0])
    check_fps(fps)
    s.check_ok()
    p.check_ok()


@media_test(timeout=60)
async def test_back_to_back_subscribers(server):
    """Two participants who join one right after the other both get a
    running publisher's video.  Each new subscriber needs a keyframe; the
    second asks for one just after the first one's keyframe went by."""
    srv = server({"admin.secret": ADMIN_SECRET})
    room = unique_room("b2b")
    p = (await start_clients(srv, room, [("P", "Pat", {"audio": False})]))[0]
    deadline = time.monotonic() + CONNECT
    while await p.outbound_packets() < 30:
        assert time.monotonic() < deadline, "P never sent media (%s)" % p.pc.connectionState
        await asyncio.sleep(0.2)
    await asyncio.sleep(1.0)     # P's first keyframe is long gone
    r1 = (await start_clients(srv, room, [("R1", "Rob", {"video": False, "audio": False})]))[0]
    vid = (await wait_known(r1, p.you, ("video",)))["video"]
    await wait_offered(r1, [(p.you, vid)])
    await frames(srv, r1, [(p.you, vid)], n=1, timeout=15)
    t_first = r1.frames[(p.you, vid)][0]
    r2 = (await start_clients(srv, room, [("R2", "Rae", {"video": False, "audio": False})]))[0]
    t_r2 = time.monotonic()
    await wait_offered(r2, [(p.you, vid)])
    try:
        await frames(srv, r2, [(p.you, vid)], n=10, timeout=15)
    except AssertionError as e:
        raise AssertionError("%s\nR1 decoded its first frame %.0f ms before R2's first offer "
                             "was answered" % (e, 1000 * (t_r2 - t_first))) from None
    await frames(srv, r1, [(p.you, vid)], n=10, timeout=5)


async def relay_signaling(ws, child, log):
    """Keep reading ws (the parent's socket of a PeerChild participant),
    relaying server offers to the child and its answers back."""
    while True:
        try:
            m = await ws.recv(timeout=3600)
        except AssertionError:
            return
        log.append((time.monotonic(), m))
        if m["type"] == "offer":
            try:
                r = await child.call({"cmd": "server-offer", "sdp": m["sdp"]})
            except (AssertionError, OSError, asyncio.TimeoutError) as e:
                log.append((time.monotonic(), {"type": "(child gone)", "reason": repr(e)}))
                continue    # the child was killed: keep reading the socket
            if "sdp" in r:
                await ws.send({"type": "answer", "sdp": r["sdp"]})


@media_test(timeout=110)
async def test_media_death_removes_participant(server):
    """Requirement 6 (media): X's peer connection lives in a subprocess that
    is SIGKILLed while X's WebSocket stays open in this process; Y closes
    its RTCPeerConnection without leave, socket open.  The others get
    participant_left for both within 60 s (ICE consent freshness)."""
    srv = server({"rooms.resume_grace_s": 2, "admin.secret": ADMIN_SECRET})
    room = unique_room("mdeath")
    obs = (await start_clients(srv, room, [
        ("O", "Olga", {"video": False, "audio": False})]))[0]

    x = await Client.connect(srv, "X")
    jx = await x.join(room, "Xena")
    child = await PeerChild.spawn()
    try:
        o = await child.call({"cmd": "offer"})
        assert "sdp" in o, o
        await x.send({"type": "offer", "id": "x1", "sdp": o["sdp"]})
        ans = await x.wait_for("answer", id="x1", timeout=10)
        r = await child.call({"cmd": "answer", "sdp": ans["sdp"]})
        assert r.get("ok"), r
        xlog = []
        relay = asyncio.ensure_future(relay_signaling(x, child, xlog))

        y = (await start_clients(srv, room, [("Y", "Yuri", {"audio": False})]))[0]
        xv = (await wait_known(obs, jx["you"], ("video",)))["video"]
        yv = (await wait_known(obs, y.you, ("video",)))["video"]
        await wait_offered(obs, [(jx["you"], xv), (y.you, yv)])
        await frames(srv, obs, [(jx["you"], xv), (y.you, yv)], n=10, timeout=CONNECT)

        mark = obs.mark()
        t_kill = time.monotonic()
        child.kill()
        await child.wait()
        await y.close_pc()           # socket stays open, no leave
        left = {}
        for who in (jx["you"], y.you):
            i, m = await obs.wait_msg("participant_left", after=mark, timeout=60 - (
                time.monotonic() - t_kill), participant=who)
            left[who] = obs.msgs[i][0] - t_kill
        print("\nparticipant_left after media death: X (SIGKILLed pc) %.1f s, "
              "Y (pc.close()) %.1f s" % (left[jx["you"]], left[y.you]))
        # What X's own (still open) socket is told, if anything.
        for _ in range(20):
            if any(m["type"] in ("kicked", "room_closed") for t, m in xlog if t > t_kill):
                break
            await asyncio.sleep(0.1)
        print("X's socket got, after the kill: %s" % [
            (m["type"], m.get("reason") or m.get("participant")) for t, m in xlog if t > t_kill])
        print("server log about X: %s" % [line for line in srv.log_text().splitlines()
                                           if jx["you"] in line][-4:])
        print("Y's socket got, after pc.close(): %s" % [
            (m["type"], m.get("reason") or m.get("participant")) for t, m in y.msgs if t > t_kill])
        relay.cancel()
    finally:
        child.kill()
    srv.assert_alive()


@media_test(timeout=60)
async def test_killed_client_removed_after_grace(server):
    """Requirement 6 (whole client): kill -9 of a publishing client process
    (socket and media) -> participant_left within grace + a few seconds."""
    grace = 2
    srv = server({"rooms.resume_grace_s": grace, "admin.secret": ADMIN_SECRET})
    room = unique_room("kill")
    obs = (await start_clients(srv, room, [
        ("O", "Olga", {"video": False, "audio": False})]))[0]
    proc = await asyncio.create_subprocess_exec(
        sys.executable, str(HERE / "media_client.py"), "client-child",
        srv.ws_url, room, "Kim", stdout=asyncio.subprocess.PIPE)
    try:
        line = (await asyncio.wait_for(proc.stdout.readline(), 15)).decode()
        assert line.startswith("JOINED "), line
        kid = line.split()[1]
        line = (await asyncio.wait_for(proc.stdout.readline(), 35)).decode()
        assert line.strip() == "CONNECTED connected", line
        kv = (await wait_known(obs, kid, ("video",)))["video"]
        await wait_offered(obs, [(kid, kv)])
        await frames(srv, obs, [(kid, kv)], n=10, timeout=CONNECT)
        mark = obs.mark()
        t_kill = time.monotonic()
        proc.kill()
        await asyncio.wait_for(proc.wait(), 5)
        i, _ = await obs.wait_msg("participant_left", after=mark, timeout=grace + 5,
                                  participant=kid)
        took = obs.msgs[i][0] - t_kill
        print("\nparticipant_left %.1f s after kill -9 (grace %d s)" % (took, grace))
        assert took >= grace - 0.5, "participant_left after %.1f s, before the grace ended" % took
        # The offer that follows retires its sections.
        _, offer = await obs.wait_msg("offer", after=i, timeout=5)
        assert kid not in [r["participant"] for r in offer["tracks"].values()], offer["tracks"]
    finally:
        if proc.returncode is None:
            proc.kill()
            await proc.wait()
    srv.assert_alive()


@media_test(timeout=40)
async def test_mute(media_server):
    """Requirement 7: mute / unmute reach the others as track_muted; an
    unknown or foreign track is bad_request."""
    srv = media_server
    room = unique_room("mute")
    a = (await start_clients(srv, room, [("A", "Alice", {"audio": True})]))[0]
    b = await Client.connect(srv, "B")
    jb = await b.join(room, "Bob")
    tracks = {t["kind"]: t["id"] for p in jb["participants"] if p["id"] == a.you
              for t in p["tracks"]}
    assert set(tracks) == {"video", "audio"}, jb

    mark = a.mark()
    await a.mute(tracks["video"], True)
    await b.wait_for("track_muted", participant=a.you, track=tracks["video"], muted=True)
    await a.mute(tracks["audio"], True, id_="m2")
    await b.wait_for("track_muted", participant=a.you, track=tracks["audio"], muted=True)
    await a.mute(tracks["audio"], False)
    await b.wait_for("track_muted", participant=a.you, track=tracks["audio"], muted=False)

    # A late joiner sees the current state.
    c = await Client.connect(srv, "C")
    jc = await c.join(room, "Carol")
    states = {t["kind"]: t["muted"] for p in jc["participants"] if p["id"] == a.you
              for t in p["tracks"]}
    assert states == {"video": True, "audio": False}, jc

    await a.mute("tnosuchtrack", True, id_="bad1")
    _, err = await a.wait_msg("error", after=mark, id="bad1")
    assert err["code"] == "bad_request", err
    # The sender got no reply to its valid mutes.
    assert [m for m in a.messages()[mark:] if m["type"] in ("error", "track_muted")
            and m.get("id") != "bad1"] == [], a.summary(mark)
    # Someone else's track is not yours to mute.
    await b.send({"type": "mute", "track": tracks["video"], "muted": False, "id": "bad2"})
    await b.wait_for("error", id="bad2", code="bad_request")
    await c.expect_silence(0.3)
    a.check_ok()


@media_test(timeout=60)
async def test_glare(media_server):
    """Requirement 8: a client offer while a server offer is unanswered gets
    error/glare; after answering, the client's new offer is answered."""
    srv = media_server
    room = unique_room("glare")
    a = (await start_clients(srv, room, [
        ("A", "Alice", {"video": False, "audio": True, "auto_answer": False})]))[0]
    mark = a.mark()
    b = (await start_clients(srv, room, [("B", "Bob", {"audio": False})]))[0]
    _, pending = await a.wait_msg("offer", after=mark, timeout=10)
    assert any(r["participant"] == b.you for r in pending["tracks"].values()), pending["tracks"]

    mark = a.mark()
    await a.send_offer_sdp(a.local_offers[0], "glare-1")
    _, err = await a.wait_msg("error", after=mark, id="glare-1", timeout=5)
    assert err["code"] == "glare", err

    # Polite peer: answer the server's offer, then offer again.
    await a.answer_offer(pending)
    ans = await a.offer(id_="reoffer-1")
    assert ans["id"] == "reoffer-1"
    vid = (await wait_known(a, b.you, ("video",)))["video"]
    assert (b.you, vid) in offered(a)
    await frames(srv, a, [(b.you, vid)], n=10, timeout=CONNECT)
    errors = [m for m in a.messages()[mark:] if m["type"] == "error" and m.get("id") != "glare-1"]
    assert errors == [], errors
    a.check_ok()
    b.check_ok()


def _strip_rtcp_mux(sdp, kind):
    out, cur = [], None
    for line in sdp.split("\r\n"):
        if line.startswith("m="):
            cur = line[2:].split()[0]
        if cur == kind and line == "a=rtcp-mux":
            continue
        out.append(line)
    return "\r\n".join(out)


def _many_sections(sdp, n):
    """The offer with its audio section repeated until there are n
    m-sections, each with its own mid, all in the BUNDLE group."""
    head, *secs = sdp.split("\r\nm=")
    secs = ["m=" + s for s in secs]
    audio = [s for s in secs if s.startswith("m=audio")][0]
    extra = []
    for i in range(n - len(secs)):
        extra.append(re.sub(r"a=mid:\S+", "a=mid:x%d" % i, audio))
    mids = [re.search(r"a=mid:(\S+)", s).group(1) for s in secs + extra]
    head = re.sub(r"a=group:BUNDLE [^\r\n]*", "a=group:BUNDLE " + " ".join(mids), head)
    return "\r\n".join([head] + [s.rstrip("\r\n") for s in secs + extra]) + "\r\n"


@media_test(timeout=60)
async def test_bad_sdp(server):
    """Requirement 9: malformed offers get error/bad_sdp (same id), the
    socket stays usable and the server alive; answer without a pending
    server offer is bad_request."""
    srv = server({"signaling.max_message": 4 * 1024 * 1024})
    room = unique_room("badsdp")
    a = MediaClient(srv, "A", video=True, audio=True)
    await a.connect()
    await a.join(room, "Alice")
    # A valid offer to mangle, from a throwaway peer connection.
    from aiortc import RTCPeerConnection
    from media_client import SyntheticVideo
    from aiortc.mediastreams import AudioStreamTrack
    pc = RTCPeerConnection()
    try:
        pc.addTrack(SyntheticVideo())
        pc.addTrack(AudioStreamTrack())
        pc.createDataChannel("chat")
        await pc.setLocalDescription(await pc.createOffer())
        good = pc.localDescription.sdp
    finally:
        await pc.close()
    assert "a=group:BUNDLE" in good and "a=rtcp-mux" in good

    mark = a.mark()
    await a.ws.send({"type": "answer", "sdp": good, "id": "ans-0"})
    _, err = await a.wait_msg("error", after=mark, id="ans-0")
    assert err["code"] == "bad_request", err

    video_attr = good.replace("a=rtcp-mux\r\n", "a=rtcp-mux\r\na=x-junk:" + "j" * 10240 + "\r\n", 1)
    cases = {
        "garbage": "this is not an SDP at all\r\n\x01\x02 nor this\r\n",
        "empty-lines": "v=0\r\n\r\n\r\n",
        "no-bundle": re.sub(r"a=group:BUNDLE[^\r\n]*\r\n", "", good),
        "no-rtcp-mux": _strip_rtcp_mux(good, "video"),
        "10k-attribute": video_attr,
        "1000-sections": _many_sections(good, 1000),
    }
    assert "a=group:BUNDLE" not in cases["no-bundle"]
    assert len(cases["10k-attribute"]) > 10240
    assert sum(1 for line in cases["1000-sections"].split("\r\n") if line.startswith("m=")) == 1000
    for name, sdp in cases.items():
        mark = a.mark()
        await a.send_offer_sdp(sdp, "bad-" + name)
        _, err = await a.wait_msg(("error", "answer"), after=mark, id="bad-" + name, timeout=10)
        assert err["type"] == "error" and err["code"] == "bad_sdp", \
            "%s: want error/bad_sdp, got %s" % (name, json.dumps(err)[:500])
        # The socket is still usable: an unknown track gets its reply.
        await a.mute("tnone", True, id_="ping-" + name)
        _, pong = await a.wait_msg("error", after=mark, id="ping-" + name)
        assert pong["code"] == "bad_request", pong
        srv.assert_alive()

    # A real offer still works after all that, and media flows from it.
    ans = await a.offer(id_="good-1")
    assert ans["type"] == "answer"
    mark = a.mark()
    await a.ws.send({"type": "answer", "sdp": good, "id": "ans-1"})
    _, err = await a.wait_msg("error", after=mark, id="ans-1")
    assert err["code"] == "bad_request", err
    a.check_ok()
    srv.assert_alive()
