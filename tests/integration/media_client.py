"""A media test client for Starling: one signaling WebSocket and one aiortc
RTCPeerConnection, as PROTOCOL.md 1.3 describes.

MediaClient(srv, label, video=..., audio=..., ...)
    start(room, name)   join, open the chat channel, send the first offer
                        and apply the answer
    server offers are answered automatically (auto_answer=True); each one
    is checked (msid = "<participant> <track>" for every section of its
    tracks map) and recorded
    frames              decoded frames per remote (participant, track), as
                        monotonic timestamps: fps(key, t0, t1)
    msgs                every signaling message, in arrival order, each made
                        visible only once it has been handled (a server
                        offer in msgs has been answered already)
    wait_msg(...)       bounded wait for a message
    leave(), close()

Also, for tests that need a peer connection in another process:
    python3 media_client.py pc-child        PeerChild (JSON lines on stdio)
    python3 media_client.py client-child URL ROOM NAME
                                            a whole publishing MediaClient

Everything that waits has a timeout.
"""

import asyncio
import json
import os
import re
import signal
import subprocess
import sys
import time
from pathlib import Path

# aioice leaves out 127.0.0.1, the only address in the test namespace.
import aioice.ice  # noqa: E402

aioice.ice.get_host_addresses = lambda use_ipv4=True, use_ipv6=False: ["127.0.0.1"]

import av  # noqa: E402
import numpy  # noqa: E402
from aiortc import (RTCPeerConnection, RTCRtpSender,  # noqa: E402
                    RTCSessionDescription, VideoStreamTrack)
from aiortc.mediastreams import AudioStreamTrack, MediaStreamError  # noqa: E402
from aiortc.codecs import HEADER_EXTENSIONS  # noqa: E402
from aiortc.rtcrtpparameters import RTCRtpHeaderExtensionParameters  # noqa: E402
from aiortc.sdp import candidate_from_sdp  # noqa: E402

# aiortc 1.4 offers extmap id 2 for abs-send-time (video) and for
# ssrc-audio-level (audio) in one BUNDLE group, and then parses every
# incoming id-2 element with one transport-wide map as abs-send-time: the
# first 1-byte audio-level element kills its DTLS transport
# ("struct.error: unpack requires a buffer of 4 bytes", aiortc issues #770,
# #778).  Use the ids browsers use instead (1 ssrc-audio-level,
# 2 abs-send-time, 3 transport-cc, 4 sdes:mid): one id, one extension, in
# every section, the same ids Starling picks for kinds a client did not
# offer itself.
CHROME_EXT_IDS = {
    "urn:ietf:params:rtp-hdrext:ssrc-audio-level": 1,
    "http://www.webrtc.org/experiments/rtp-hdrext/abs-send-time": 2,
    "urn:ietf:params:rtp-hdrext:sdes:mid": 4,
}
for _kind in ("audio", "video"):
    HEADER_EXTENSIONS[_kind][:] = [
        RTCRtpHeaderExtensionParameters(id=CHROME_EXT_IDS.get(x.uri, x.id), uri=x.uri)
        for x in HEADER_EXTENSIONS[_kind]]

sys.path.insert(0, str(Path(__file__).resolve().parent))

from starling_helpers import Client, ProtocolError  # noqa: E402

HERE = Path(__file__).resolve().parent

# -------------------------------------------------------------------- SDP --

DIRECTIONS = ("sendrecv", "sendonly", "recvonly", "inactive")


def sdp_session_lines(sdp):
    """The session-level lines (before the first m=)."""
    out = []
    for line in sdp.splitlines():
        if line.startswith("m="):
            break
        out.append(line)
    return out


def sdp_sections(sdp):
    """One dict per m-line: kind, port, proto, mid, direction, msid (the
    a=msid value or None), codecs ({payload type: "NAME/rate"}), rtcp_mux,
    lines."""
    secs = []
    cur = None
    for line in sdp.splitlines():
        line = line.rstrip("\r")
        if line.startswith("m="):
            parts = line[2:].split()
            cur = {"kind": parts[0], "port": parts[1] if len(parts) > 1 else None,
                   "proto": parts[2] if len(parts) > 2 else None,
                   "mid": None, "direction": "sendrecv", "msid": None,
                   "codecs": {}, "rtcp_mux": False, "lines": [line]}
            secs.append(cur)
            continue
        if cur is None:
            continue
        cur["lines"].append(line)
        if line.startswith("a=mid:"):
            cur["mid"] = line[6:].strip()
        elif line.startswith("a=msid:"):
            cur["msid"] = line[7:].strip()
        elif line[2:] in DIRECTIONS and line.startswith("a="):
            cur["direction"] = line[2:]
        elif line.startswith("a=rtpmap:"):
            m = re.match(r"a=rtpmap:(\d+) (\S+)", line)
            if m:
                cur["codecs"][int(m.group(1))] = m.group(2)
        elif line == "a=rtcp-mux":
            cur["rtcp_mux"] = True
    return secs


def codec_names(section):
    """Upper-case codec names of a section, without rtx/red/fec."""
    names = {c.split("/")[0].upper() for c in section["codecs"].values()}
    return names - {"RTX", "RED", "ULPFEC", "FLEXFEC-03"}


# ------------------------------------------------------------ media source --

class SyntheticVideo(VideoStreamTrack):
    """320x240 (by default) frames at 30 fps whose content moves: a diagonal
    gradient that scrolls and a bright square that walks across."""

    def __init__(self, width=320, height=240, distinct=30):
        super().__init__()
        self.width, self.height = width, height
        self._frames = []
        yy, xx = numpy.mgrid[0:height, 0:width]
        for i in range(distinct):
            y = ((xx + yy + i * 9) % 256).astype(numpy.uint8)
            bx = (i * (width - 40)) // max(distinct - 1, 1)
            y[height // 2 - 20:height // 2 + 20, bx:bx + 40] = 235
            u = numpy.full((height // 2, width // 2), (64 + i * 4) % 256, numpy.uint8)
            v = numpy.full((height // 2, width // 2), (192 - i * 4) % 256, numpy.uint8)
            self._frames.append(numpy.concatenate(
                [y, u.reshape(height // 4, width), v.reshape(height // 4, width)]))
        self.sent = 0

    async def recv(self):
        pts, time_base = await self.next_timestamp()
        frame = av.VideoFrame.from_ndarray(self._frames[self.sent % len(self._frames)],
                                           format="yuv420p")
        frame.pts = pts
        frame.time_base = time_base
        self.sent += 1
        return frame


def h264_only(kind="video"):
    """The H.264 entries (and nothing else) of aiortc's capabilities."""
    return [c for c in RTCRtpSender.getCapabilities(kind).codecs
            if c.mimeType.lower() == "video/h264"]


def proc_cpu_seconds(pid):
    """utime + stime of a process, in seconds."""
    with open("/proc/%d/stat" % pid) as f:
        stat = f.read()
    fields = stat[stat.rindex(")") + 2:].split()
    # fields[0] is field 3 (state); utime and stime are fields 14 and 15.
    return (int(fields[11]) + int(fields[12])) / os.sysconf("SC_CLK_TCK")


# ------------------------------------------------------------------ client --

_open_media_clients = []


class MediaClientError(AssertionError):
    pass


class MediaClient:
    """A participant with a signaling socket and a peer connection.

    video / audio: publish a SyntheticVideo / a silent AudioStreamTrack.
    video_codecs: "H264" to restrict the published video transceiver to
        H.264.
    recv_codecs: "H264" to accept only H.264 video, in the client's own
        offer (a recvonly video section when it publishes no video) and in
        every answer to a server offer.
    auto_answer: answer server offers at once (False: they are only
        recorded; use answer_offer()).
    """

    def __init__(self, srv, label, video=True, audio=True, video_codecs=None,
                 recv_codecs=None, auto_answer=True, chat=True):
        self.srv = srv
        self.label = label
        self.want_video = video
        self.want_audio = audio
        self.video_codecs = video_codecs
        self.recv_codecs = recv_codecs
        self.auto_answer = auto_answer
        self.want_chat = chat
        self.ws = None
        self.pc = None
        self.you = None
        self.joined = None
        self.msgs = []              # (monotonic time, message)
        self.failures = []          # exceptions raised while handling messages
        self.server_offers = []     # messages of type offer, in order
        self.mid_owner = {}         # mid -> (participant, track) per the last server offer
        self.mid_history = {}       # mid -> [(participant, track)] ever
        self.frames = {}            # (participant, track) -> [monotonic time]
        self.frames_by_mid = {}     # mid -> [monotonic time]
        self.frame_sizes = {}       # (participant, track) -> {(w, h)}
        self.kind_of = {}           # (participant, track) -> "audio"/"video"
        self.video_track = None
        self.audio_track = None
        self.chat = None
        self.local_offers = []      # SDP of every offer this client sent
        self._lock = asyncio.Lock()
        self._changed = asyncio.Event()
        self._dispatcher = None
        self._readers = []
        self._offer_seq = 0
        self.closed = False
        _open_media_clients.append(self)

    def __repr__(self):
        return "<MediaClient %s %s>" % (self.label, self.you)

    # -- set-up ------------------------------------------------------------

    def _new_pc(self):
        pc = RTCPeerConnection()
        pc.on("connectionstatechange", self._on_connection_state)

        @pc.on("track")
        def on_track(track):
            mid = None
            for t in pc.getTransceivers():
                if t.receiver.track is track:
                    mid = t.mid
            self._readers.append(asyncio.ensure_future(self._read(track, mid)))

        if self.want_video:
            self.video_track = SyntheticVideo()
            sender = pc.addTrack(self.video_track)
            if self.video_codecs == "H264":
                t = next(t for t in pc.getTransceivers() if t.sender is sender)
                t.setCodecPreferences(h264_only())
        elif self.recv_codecs == "H264":
            t = pc.addTransceiver("video", direction="recvonly")
            t.setCodecPreferences(h264_only())
        if self.want_audio:
            self.audio_track = AudioStreamTrack()
            pc.addTrack(self.audio_track)
        if self.want_chat:
            self.chat = pc.createDataChannel("chat")
        return pc

    async def start(self, room, name, join_timeout=5.0, answer_timeout=10.0, token=None):
        """Join room as name and negotiate the first offer."""
        await self.connect()
        await self.join(room, name, join_timeout, token=token)
        await self.offer(timeout=answer_timeout)
        return self

    async def connect(self):
        self.ws = await Client.connect(self.srv, self.label)

    async def join(self, room, name, timeout=5.0, token=None):
        self.room = room
        self.name = name
        msg = {"type": "join", "room": room, "name": name, "id": "join"}
        if token is not None:
            msg["token"] = token
        await self.ws.send(msg)
        j = await self.ws.expect("joined", timeout=timeout, id="join")
        self.you = j["you"]
        self.joined = j
        self.msgs.append((time.monotonic(), j))
        self.pc = self._new_pc()
        self._dispatcher = asyncio.ensure_future(self._dispatch())
        return j

    # -- signaling -----------------------------------------------------------

    def _labels(self):
        labels = {}
        for t in self.pc.getTransceivers():
            if t.mid is None or t.sender.track is None:
                continue
            labels[t.mid] = {"label": "camera" if t.kind == "video" else "mic"}
        return labels

    async def offer(self, timeout=10.0, id_=None):
        """Create an offer, send it and wait until its answer is applied.
        Returns the answer message (raises on error or timeout)."""
        self._offer_seq += 1
        id_ = id_ or "%s-offer-%d" % (self.label, self._offer_seq)
        async with self._lock:
            await self.pc.setLocalDescription(await self.pc.createOffer())
            sdp = self.pc.localDescription.sdp
        self.local_offers.append(sdp)
        mark = self.mark()
        msg = {"type": "offer", "id": id_, "sdp": sdp}
        labels = self._labels()
        if labels:
            msg["tracks"] = labels
        await self.ws.send(msg)
        _, reply = await self.wait_msg(("answer", "error"), timeout=timeout, after=mark,
                                       pred=lambda m: m.get("id") == id_)
        if reply["type"] == "error":
            raise MediaClientError("%s: offer %s answered with %s" % (self.label, id_, reply))
        self.check_ok()
        return reply

    async def send_offer_sdp(self, sdp, id_, tracks=None):
        """Send an offer with this SDP as is (not applied locally)."""
        msg = {"type": "offer", "id": id_, "sdp": sdp}
        if tracks is not None:
            msg["tracks"] = tracks
        await self.ws.send(msg)

    async def _dispatch(self):
        while True:
            try:
                msg = await self.ws.recv(timeout=3600)
            except ProtocolError as e:
                self.closed = True
                self.close_reason = str(e)
                self._notify()
                return
            except asyncio.CancelledError:
                raise
            t = msg["type"]
            try:
                if t == "offer":
                    self.server_offers.append(msg)
                    if self.auto_answer:
                        await self.answer_offer(msg)
                elif t == "answer":
                    async with self._lock:
                        if self.pc.signalingState == "have-local-offer":
                            await self.pc.setRemoteDescription(
                                RTCSessionDescription(msg["sdp"], "answer"))
                        else:
                            raise MediaClientError("answer in signaling state %s: %r"
                                                   % (self.pc.signalingState, msg))
                elif t == "candidate":
                    await self._add_candidate(msg)
            except asyncio.CancelledError:
                raise
            except Exception as e:  # recorded; tests call check_ok()
                self.failures.append("%s while handling %s: %r" % (
                    type(e).__name__, json.dumps(msg)[:300], e))
            self.msgs.append((time.monotonic(), msg))
            self._notify()

    def _notify(self):
        self._changed.set()
        self._changed = asyncio.Event()

    def check_server_offer(self, msg):
        """Every entry of the tracks map names an m-section whose msid is
        "<participant> <track>" and which is sendonly."""
        assert isinstance(msg.get("sdp"), str), "%s: offer without sdp: %r" % (self.label, msg)
        tracks = msg.get("tracks")
        assert isinstance(tracks, dict), "%s: offer without a tracks map: %r" % (
            self.label, {k: v for k, v in msg.items() if k != "sdp"})
        secs = {s["mid"]: s for s in sdp_sections(msg["sdp"])}
        for mid, ref in tracks.items():
            assert mid in secs, "%s: tracks map names mid %r, not in the SDP:\n%s" % (
                self.label, mid, msg["sdp"])
            s = secs[mid]
            want = "%s %s" % (ref["participant"], ref["track"])
            assert s["msid"] == want, "%s: section %s has msid %r, want %r" % (
                self.label, mid, s["msid"], want)
            assert s["direction"] == "sendonly", "%s: section %s is %s, want sendonly" % (
                self.label, mid, s["direction"])

    async def answer_offer(self, msg):
        """Apply a server offer and send the answer."""
        self.check_server_offer(msg)
        for mid, ref in msg["tracks"].items():
            owner = (ref["participant"], ref["track"])
            self.mid_owner[mid] = owner
            hist = self.mid_history.setdefault(mid, [])
            if not hist or hist[-1] != owner:
                hist.append(owner)
        for s in sdp_sections(msg["sdp"]):
            if s["mid"] not in msg["tracks"]:
                self.mid_owner.pop(s["mid"], None)
            elif s["kind"] in ("audio", "video"):
                ref = msg["tracks"][s["mid"]]
                self.kind_of[(ref["participant"], ref["track"])] = s["kind"]
        async with self._lock:
            await self.pc.setRemoteDescription(RTCSessionDescription(msg["sdp"], "offer"))
            if self.recv_codecs == "H264":
                caps = h264_only()
                for t in self.pc.getTransceivers():
                    if t.kind == "video":
                        t.setCodecPreferences(caps)
                        # aiortc picks the answer's codecs in
                        # setRemoteDescription: narrow them as well.
                        t._codecs = [c for c in t._codecs
                                     if c.mimeType.lower() == "video/h264"
                                     or (c.mimeType.lower() == "video/rtx"
                                         and any(h.payloadType == c.parameters.get("apt")
                                                 and h.mimeType.lower() == "video/h264"
                                                 for h in t._codecs))]
            await self.pc.setLocalDescription(await self.pc.createAnswer())
            sdp = self.pc.localDescription.sdp
        self.last_answer_sdp = sdp
        await self.ws.send({"type": "answer", "sdp": sdp})

    def _on_connection_state(self):
        """aiortc 1.4 starts the receivers of new sections only if DTLS is
        already connected when a description is applied.  A client whose
        first offer had no media section (receive-only) gets the server's
        offer while DTLS is still connecting, and those receivers would
        never start.  Run aiortc's own connect step again the moment DTLS
        is up (every step of it is idempotent), before the keyframe the
        server asks for on our behalf arrives."""
        if self.pc is not None and self.pc.connectionState == "connected":
            self._readers.append(asyncio.ensure_future(self.pc._RTCPeerConnection__connect()))

    async def _add_candidate(self, msg):
        c = msg.get("candidate")
        if c is None:
            return
        text = c["candidate"]
        if text.startswith("candidate:"):
            text = text[len("candidate:"):]
        cand = candidate_from_sdp(text)
        cand.sdpMid = c.get("sdpMid")
        cand.sdpMLineIndex = c.get("sdpMLineIndex")
        await self.pc.addIceCandidate(cand)

    # -- media ---------------------------------------------------------------

    async def _read(self, track, mid):
        while True:
            try:
                frame = await track.recv()
            except MediaStreamError:
                return
            except asyncio.CancelledError:
                return
            now = time.monotonic()
            self.frames_by_mid.setdefault(mid, []).append(now)
            owner = self.mid_owner.get(mid)
            if owner is not None:
                self.frames.setdefault(owner, []).append(now)
                if track.kind == "video":
                    self.frame_sizes.setdefault(owner, set()).add((frame.width, frame.height))

    def video_keys(self):
        """(participant, track) of every remote video this client has been
        offered."""
        return [k for k, kind in self.kind_of.items() if kind == "video"]

    def fps(self, key, t0, t1):
        times = self.frames.get(key, [])
        n = sum(1 for t in times if t0 <= t < t1)
        return n / (t1 - t0)

    def frame_count(self, key):
        return len(self.frames.get(key, []))

    async def inbound_packets(self):
        """Sum of packetsReceived over every inbound RTP stream."""
        stats = await self.pc.getStats()
        return sum(s.packetsReceived for s in stats.values()
                   if getattr(s, "type", None) == "inbound-rtp")

    async def outbound_packets(self):
        stats = await self.pc.getStats()
        return sum(s.packetsSent for s in stats.values()
                   if getattr(s, "type", None) == "outbound-rtp")

    # -- messages -----------------------------------------------------------------

    def mark(self):
        return len(self.msgs)

    def messages(self, type_=None):
        return [m for _, m in self.msgs if type_ is None or m["type"] == type_]

    async def wait_msg(self, type_, timeout=5.0, after=0, pred=None, **fields):
        """The first message at index >= after whose type is type_ (or one
        of a tuple) with these field values and pred(msg) true.  Returns
        (index, msg)."""
        types = type_ if isinstance(type_, tuple) else (type_,)
        deadline = time.monotonic() + timeout
        i = after
        while True:
            while i < len(self.msgs):
                m = self.msgs[i][1]
                if m["type"] in types and all(m.get(k) == v for k, v in fields.items()) \
                        and (pred is None or pred(m)):
                    return i, m
                i += 1
            left = deadline - time.monotonic()
            if left <= 0 or self.closed:
                raise MediaClientError(
                    "%s: no %s%s within %.1f s%s; messages since: %s" % (
                        self.label, "/".join(types), fields or "", timeout,
                        " (socket closed: %s)" % getattr(self, "close_reason", "")
                        if self.closed else "",
                        self.summary(after)))
            ev = self._changed
            try:
                await asyncio.wait_for(ev.wait(), min(left, 1.0))
            except asyncio.TimeoutError:
                pass

    def summary(self, after=0, limit=12):
        out = []
        for _, m in self.msgs[after:][-limit:]:
            out.append({k: (v if k != "sdp" else "<%d bytes>" % len(v)) for k, v in m.items()})
        return json.dumps(out)[:3000]

    async def wait_frames(self, keys, n=10, timeout=20.0):
        """Until every key has at least n decoded frames."""
        deadline = time.monotonic() + timeout
        while True:
            missing = {k: self.frame_count(k) for k in keys if self.frame_count(k) < n}
            if not missing:
                return
            if time.monotonic() > deadline:
                raise MediaClientError(
                    "%s: after %.0f s, too few frames (have %s, want %d each); "
                    "offered: %s; frames per mid: %s; pc %s/%s; failures: %s" % (
                        self.label, timeout, missing, n, self.mid_owner,
                        {m: len(v) for m, v in self.frames_by_mid.items()},
                        self.pc.connectionState, self.pc.iceConnectionState,
                        self.failures))
            await asyncio.sleep(0.2)

    def check_ok(self):
        assert not self.failures, "%s: errors while handling messages: %s" % (
            self.label, self.failures)

    # -- ending -----------------------------------------------------------------

    async def mute(self, track, muted=True, id_=None):
        msg = {"type": "mute", "track": track, "muted": muted}
        if id_ is not None:
            msg["id"] = id_
        await self.ws.send(msg)

    async def leave(self, timeout=5.0):
        mark = self.mark()
        await self.ws.send({"type": "leave", "id": "leave"})
        _, m = await self.wait_msg("left", timeout=timeout, after=mark, id="leave")
        await self.close_pc()
        return m

    async def close_pc(self):
        for r in self._readers:
            r.cancel()
        if self.pc is not None:
            try:
                await asyncio.wait_for(self.pc.close(), 5)
            except Exception:
                pass
        for track in (self.video_track, self.audio_track):
            if track is not None:
                track.stop()

    async def close(self):
        """Close the socket and the peer connection (no leave).  The time
        each step took is kept in close_times."""
        self.close_times = []
        t = time.monotonic()
        if self.ws is not None:
            await self.ws.close()
        self.close_times.append(("ws", round(time.monotonic() - t, 2)))
        t = time.monotonic()
        if self._dispatcher is not None:
            # The closed socket ends it; cancelling a pending websockets
            # recv() can take seconds.
            d = self._dispatcher
            self._dispatcher = None
            done, _ = await asyncio.wait({d}, timeout=2)
            if not done:
                d.cancel()
                await asyncio.wait({d}, timeout=2)
        self.close_times.append(("dispatcher", round(time.monotonic() - t, 2)))
        t = time.monotonic()
        await self.close_pc()
        self.close_times.append(("pc", round(time.monotonic() - t, 2)))
        if self in _open_media_clients:
            _open_media_clients.remove(self)


async def close_all_media_clients():
    for c in list(_open_media_clients):
        t0 = time.monotonic()
        try:
            await asyncio.wait_for(c.close(), 10)
        except BaseException as e:
            print("closing %s: %r" % (c.label, e))
        if time.monotonic() - t0 > 3:
            print("closing %s took %.1f s (%s)" % (c.label, time.monotonic() - t0,
                                                   getattr(c, "close_times", None)))
    _open_media_clients.clear()


# ------------------------------------------- peer connection in a subprocess --

class PeerChild:
    """An RTCPeerConnection (publishing SyntheticVideo and a chat channel) in
    another process, driven by JSON lines: the parent keeps the signaling
    socket and relays SDP.  Kill the process to make the media vanish
    without any goodbye."""

    def __init__(self, proc):
        self.proc = proc

    @classmethod
    async def spawn(cls):
        proc = await asyncio.create_subprocess_exec(
            sys.executable, str(HERE / "media_client.py"), "pc-child",
            stdin=subprocess.PIPE, stdout=subprocess.PIPE)
        return cls(proc)

    async def call(self, req, timeout=10.0):
        self.proc.stdin.write((json.dumps(req) + "\n").encode())
        await self.proc.stdin.drain()
        line = await asyncio.wait_for(self.proc.stdout.readline(), timeout)
        if not line:
            raise MediaClientError("pc-child exited (code %s)" % self.proc.returncode)
        return json.loads(line)

    def kill(self):
        if self.proc.returncode is None:
            self.proc.send_signal(signal.SIGKILL)

    async def wait(self, timeout=5.0):
        return await asyncio.wait_for(self.proc.wait(), timeout)


async def _pc_child_main():
    loop = asyncio.get_running_loop()
    reader = asyncio.StreamReader()
    await loop.connect_read_pipe(lambda: asyncio.StreamReaderProtocol(reader), sys.stdin)
    pc = RTCPeerConnection()
    pc.addTrack(SyntheticVideo())
    pc.createDataChannel("chat")

    @pc.on("track")
    def on_track(track):
        async def drain():
            try:
                while True:
                    await track.recv()
            except MediaStreamError:
                pass
        asyncio.ensure_future(drain())

    def reply(obj):
        sys.stdout.write(json.dumps(obj) + "\n")
        sys.stdout.flush()

    while True:
        line = await reader.readline()
        if not line:
            break
        req = json.loads(line)
        try:
            if req["cmd"] == "offer":
                await pc.setLocalDescription(await pc.createOffer())
                mids = {t.mid: t.kind for t in pc.getTransceivers()}
                reply({"sdp": pc.localDescription.sdp, "mids": mids})
            elif req["cmd"] == "answer":       # the server's answer to our offer
                await pc.setRemoteDescription(RTCSessionDescription(req["sdp"], "answer"))
                reply({"ok": True})
            elif req["cmd"] == "server-offer":
                await pc.setRemoteDescription(RTCSessionDescription(req["sdp"], "offer"))
                await pc.setLocalDescription(await pc.createAnswer())
                reply({"sdp": pc.localDescription.sdp})
            elif req["cmd"] == "state":
                reply({"connection": pc.connectionState, "ice": pc.iceConnectionState})
            elif req["cmd"] == "close":
                await pc.close()
                reply({"ok": True})
            else:
                reply({"error": "unknown cmd"})
        except Exception as e:
            reply({"error": repr(e)})


async def _client_child_main(url, room, name):
    """A whole publishing client; prints JOINED <you> then CONNECTED, and
    runs until killed (or 120 s)."""
    c = MediaClient(url, "child", video=True, audio=True)
    await c.start(room, name)
    print("JOINED %s" % c.you, flush=True)
    deadline = time.monotonic() + 30
    while c.pc.connectionState != "connected" and time.monotonic() < deadline:
        await asyncio.sleep(0.1)
    print("CONNECTED %s" % c.pc.connectionState, flush=True)
    await asyncio.sleep(120)


if __name__ == "__main__":
    if sys.argv[1] == "pc-child":
        asyncio.run(_pc_child_main())
    elif sys.argv[1] == "client-child":
        asyncio.run(asyncio.wait_for(_client_child_main(*sys.argv[2:5]), 150))
    else:
        sys.exit("usage: media_client.py pc-child | client-child URL ROOM NAME")
