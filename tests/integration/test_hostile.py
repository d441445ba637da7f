"""Hostile input while an honest call goes on.

One server (admin API on, signaling.max_message 2 MiB so that a 1 MB SDP
reaches the SDP parser, media ports 42000-42100) and two honest aiortc
participants A and B (honest_pair.py, a process of its own, VP8 video both
ways) in one room.  Then, one case after the other:

- raw UDP to the media ports.  "foreign" packets come from a socket of
  our own; "spoofed" ones carry the honest participant's own address and
  port (a raw socket: we are root in the test's network namespace), so
  that they pass libnice's source check and reach the demultiplexer, DTLS,
  SRTP and RTCP code the way an on-path attacker's would.  Real SRTP and
  SRTCP packets of A are captured from lo (AF_PACKET) for the replay cases.
- WebSocket signaling: SDP with 1000 m-sections, a 1 MB SDP, absurd
  attributes, garbage candidates, deep JSON, 10k-element arrays, bad
  Unicode, broken WebSocket framing.
- the admin HTTP API: wrong methods, huge headers and bodies, bad JSON,
  path traversal, %00, missing or odd authorization, framing abuse.

After each case the server must still answer /healthz and the admin API,
both honest participants must still be connected (admin API) and their
decoded frame counts must still grow.  test_zz_honest_call_survived then
checks their frame rate over the whole attack (>= MIN_FPS overall and in
every WINDOW-second window), and test_zz_sigterm that the server exits 0
on SIGTERM.  The tests of this module share that set-up and run in file
order; run the whole module:

    tests/integration/run -q tests/integration/test_hostile.py

Figures (frame rates, drop counters) are printed with -s and written to
tests/integration/out/hostile-figures.txt.
"""

import asyncio
import base64
import json
import os
import random
import re
import socket
import struct
import subprocess
import sys
import threading
import time

import pytest
import websockets

from starling_helpers import Client, Server, http_raw, recv_http, stop_servers, unique_room

HERE_DIR = os.path.dirname(os.path.abspath(__file__))
OUT = os.path.join(HERE_DIR, "out")

SECRET = "hostile-admin-secret"
AUTH = {"Authorization": "Bearer " + SECRET}
PORT_LO, PORT_HI = 42000, 42100
MAX_MESSAGE = 2 * 1024 * 1024
MIN_FPS = 10.0
WINDOW = 3.0          # seconds of each windowed frame-rate check
RNG = random.Random(0x5EED)


# ------------------------------------------------------------ the arena --

class FrameLog:
    """Reads honest_pair.py's output in a thread."""

    def __init__(self, proc):
        self.proc = proc
        self.samples = []       # (t, frames A, frames B, states)
        self.ready = None
        self.errors = []
        self.lines = []
        self.cond = threading.Condition()
        self.thread = threading.Thread(target=self._run, daemon=True)
        self.thread.start()

    def _run(self):
        for line in self.proc.stdout:
            tag, _, rest = line.strip().partition(" ")
            with self.cond:
                if tag == "FRAMES":
                    d = json.loads(rest)
                    self.samples.append((d["t"], d["A"], d["B"], d))
                elif tag == "READY":
                    self.ready = json.loads(rest)
                elif tag == "ERROR":
                    self.errors.append(rest)
                else:
                    self.lines.append(line)
                self.cond.notify_all()
        with self.cond:
            self.errors.append("honest_pair.py ended (exit %s)" % self.proc.poll())
            self.cond.notify_all()

    def wait_ready(self, timeout):
        with self.cond:
            self.cond.wait_for(lambda: self.ready or self.errors, timeout)
            return self.ready

    def last(self):
        with self.cond:
            return self.samples[-1] if self.samples else None

    def wait_sample_after(self, t, timeout=3.0):
        deadline = time.monotonic() + timeout
        with self.cond:
            while True:
                if self.samples and self.samples[-1][0] > t:
                    return self.samples[-1]
                left = deadline - time.monotonic()
                if left <= 0 or self.errors:
                    return self.samples[-1] if self.samples else None
                self.cond.wait(left)

    def count_at(self, t):
        """(frames A, frames B) at the last sample at or before t."""
        with self.cond:
            best = None
            for s in self.samples:
                if s[0] <= t:
                    best = s
                else:
                    break
            if best is None:
                best = self.samples[0]
            return best[0], best[1], best[2]

    def fps(self, t0, t1):
        ta, a0, b0 = self.count_at(t0)
        tb, a1, b1 = self.count_at(t1)
        dt = max(tb - ta, 1e-6)
        return (a1 - a0) / dt, (b1 - b0) / dt


class Arena:
    pass


def admin_get(port, path, timeout=5.0):
    status, _, body = http_raw(port, path, headers=AUTH, timeout=timeout)
    try:
        return status, json.loads(body) if body else None
    except ValueError:
        return status, body


def parse_pair(text):
    """"127.0.0.1:42043 <-> 127.0.0.1:55465" -> ((ip, port), (ip, port))."""
    local, _, remote = text.partition(" <-> ")
    lh, _, lp = local.rpartition(":")
    rh, _, rp = remote.rpartition(":")
    return (lh, int(lp)), (rh, int(rp))


def capture(sport, dport, seconds=4.0, want_rtp=40, want_rtcp=2):
    """Datagram payloads sent on lo from 127.0.0.1:sport to :dport, split
    into SRTP and SRTCP (RFC 5761 demultiplexing)."""
    s = socket.socket(socket.AF_PACKET, socket.SOCK_DGRAM, socket.htons(0x0003))
    s.bind(("lo", 0))
    s.settimeout(0.2)
    rtp, rtcp, seen = [], [], set()
    deadline = time.monotonic() + seconds
    try:
        while time.monotonic() < deadline and (len(rtp) < want_rtp or len(rtcp) < want_rtcp):
            try:
                pkt = s.recv(70000)
            except socket.timeout:
                continue
            if len(pkt) < 28 or pkt[0] >> 4 != 4 or pkt[9] != 17:
                continue
            ihl = (pkt[0] & 15) * 4
            sp, dp = struct.unpack("!HH", pkt[ihl:ihl + 4])
            if sp != sport or dp != dport:
                continue
            data = bytes(pkt[ihl + 8:])
            if data in seen or len(data) < 12 or not 128 <= data[0] <= 191:
                continue
            seen.add(data)
            if 64 <= (data[1] & 0x7f) <= 95:
                rtcp.append(data)
            else:
                rtp.append(data)
    finally:
        s.close()
    return rtp, rtcp


@pytest.fixture(scope="module")
def arena():
    srv = Server({"admin.secret": SECRET,
                  "signaling.max_message": MAX_MESSAGE,
                  "media.port_range": "%d-%d" % (PORT_LO, PORT_HI),
                  "media.connect_timeout_s": 5,
                  "rooms.resume_grace_s": 2,
                  "log.level": "info"})
    srv.start()
    room = unique_room("hostile")
    proc = subprocess.Popen([sys.executable, "-u", os.path.join(HERE_DIR, "honest_pair.py"),
                             srv.ws_url, room, "900"],
                            stdin=subprocess.PIPE, stdout=subprocess.PIPE, text=True)
    frames = FrameLog(proc)
    a = Arena()
    a.srv, a.room, a.proc, a.frames = srv, room, proc, frames
    a.cases_run = []
    a.t_first = None
    a.figures = []
    try:
        ready = frames.wait_ready(45)
        assert ready, "the honest pair did not start: %s %s; server log:\n%s" % (
            frames.errors, frames.lines[-20:], srv.log_tail(60))
        a.ids = ready
        status, r = admin_get(srv.admin_port, "/admin/rooms/" + room)
        assert status == 200, (status, r)
        a.parts = {}
        for who in ("A", "B"):
            p = next(p for p in r["participants"] if p["id"] == ready[who])
            server_addr, client_addr = parse_pair(p["selected_pair"])
            a.parts[who] = {"id": p["id"], "server": server_addr, "client": client_addr,
                            "ssrc": p["tracks"][0]["ssrc"], "track": p["tracks"][0]["id"]}
        a.rtp, a.rtcp = capture(a.parts["A"]["client"][1], a.parts["A"]["server"][1])
        a.raw = socket.socket(socket.AF_INET, socket.SOCK_RAW, socket.IPPROTO_UDP)
        a.udp = socket.socket(socket.AF_INET, socket.SOCK_DGRAM)
        a.udp.bind(("127.0.0.1", 0))
        a.udp.setsockopt(socket.SOL_SOCKET, socket.SO_SNDBUF, 1 << 20)
        yield a
    finally:
        try:
            proc.stdin.close()
        except OSError:
            pass
        try:
            proc.wait(15)
        except subprocess.TimeoutExpired:
            proc.kill()
            proc.wait(5)
        problems = stop_servers([srv], dump_logs=False) if srv.alive() else []
        if a.figures:
            os.makedirs(OUT, exist_ok=True)
            with open(os.path.join(OUT, "hostile-figures.txt"), "w") as f:
                f.write("\n".join(a.figures) + "\n")
        assert not problems, "; ".join(problems)


def participant(a, who):
    status, p = admin_get(a.srv.admin_port, "/admin/rooms/%s/participants/%s"
                          % (a.room, a.parts[who]["id"]))
    assert status == 200, "admin: %s is gone (%s %s); log:\n%s" % (
        who, status, p, a.srv.log_tail(40))
    return p


def check_all_well(a, t_case, label):
    """After a case: the server runs and answers /healthz and the admin API;
    A and B are connected and still decode each other's video."""
    a.srv.assert_alive()
    status, srv_info = admin_get(a.srv.admin_port, "/admin/server")
    assert status == 200 and isinstance(srv_info, dict), "admin /admin/server: %s %r" % (
        status, srv_info)
    for who in ("A", "B"):
        p = participant(a, who)
        assert p["ice_state"] == "connected" and p["dtls_state"] == "connected", \
            "%s: after %s, %s is ice %s / dtls %s" % (label, label, who, p["ice_state"],
                                                      p["dtls_state"])
    _, fa, fb = a.frames.count_at(t_case)
    deadline = time.monotonic() + 4.0
    while True:
        s = a.frames.wait_sample_after(time.monotonic(), 1.0)
        assert s is not None and not a.frames.errors, "honest pair: %s" % a.frames.errors
        if s[1] > fa and s[2] > fb:
            break
        assert time.monotonic() < deadline, \
            "%s: the honest participants stopped decoding (A %d -> %d, B %d -> %d): %s" % (
                label, fa, s[1], fb, s[2], s[3])
    assert not s[3]["failures"], s[3]["failures"]


def begin(a, name):
    t = time.monotonic()
    if a.t_first is None:
        a.t_first = t
    a.cases_run.append(name)
    return t


# ---------------------------------------------------------------- UDP --

def rnd(n):
    return bytes(RNG.getrandbits(8) for _ in range(n)) if n < 4096 else os.urandom(n)


COOKIE = 0x2112A442


def stun(msg_type, attrs=b"", length=None, cookie=COOKIE, txid=None):
    txid = txid if txid is not None else rnd(12)
    if length is None:
        length = len(attrs)
    return struct.pack("!HHI", msg_type, length & 0xffff, cookie) + txid + attrs


def attr(t, value, length=None):
    length = len(value) if length is None else length
    pad = b"\0" * (-len(value) % 4)
    return struct.pack("!HH", t, length & 0xffff) + value + pad


def dtls_record(ctype, body, epoch=0, seq=0, version=0xfefd, length=None):
    length = len(body) if length is None else length
    return struct.pack("!BHH", ctype, version, epoch) + seq.to_bytes(6, "big") + \
        struct.pack("!H", length & 0xffff) + body


def rtp(b0=0x80, pt=96, seq=0, ts=0, ssrc=0x11223344, body=b""):
    return struct.pack("!BBHII", b0, pt, seq & 0xffff, ts & 0xffffffff, ssrc) + body


def send_spoofed(a, who, payloads, pace=200):
    """Each payload as a UDP datagram from the honest participant's own
    address to its server port."""
    src = a.parts[who]["client"]
    dst = a.parts[who]["server"]
    for i, p in enumerate(payloads):
        hdr = struct.pack("!HHHH", src[1], dst[1], 8 + len(p), 0)
        a.raw.sendto(hdr + p, (dst[0], 0))
        if pace and i % pace == pace - 1:
            time.sleep(0.01)


def send_foreign(a, ports, payloads, pace=200):
    n = 0
    for port in ports:
        for p in payloads:
            try:
                a.udp.sendto(p, ("127.0.0.1", port))
            except OSError:
                pass        # ICMP port unreachable from an earlier send
            n += 1
            if pace and n % pace == 0:
                time.sleep(0.01)


def honest_ports(a):
    return [a.parts["A"]["server"][1], a.parts["B"]["server"][1]]


def spoof_both(a, payloads, pace=200):
    for who in ("A", "B"):
        send_spoofed(a, who, payloads, pace)


def everywhere(a, payloads, pace=200):
    """Spoofed to both honest ports and foreign to the two ports as well."""
    spoof_both(a, payloads, pace)
    send_foreign(a, honest_ports(a), payloads, pace)


def seq_of(pkt):
    return struct.unpack("!H", pkt[2:4])[0]


def ssrc_of(pkt):
    return struct.unpack("!I", pkt[8:12])[0]


def c_random_small(a):
    everywhere(a, [rnd(RNG.randint(1, 16)) for _ in range(400)])


def c_random_mtu(a):
    everywhere(a, [rnd(RNG.randint(17, 1500)) for _ in range(400)])


def c_random_64k(a):
    everywhere(a, [os.urandom(65507) for _ in range(4)], pace=1)


def c_empty(a):
    everywhere(a, [b""] * 50)


def c_unknown_kinds(a):
    """First bytes no kind uses: 4..19 (ZRTP 16..19), 64..127 (TURN
    channels 64..79), 192..255 (RTP version 3)."""
    firsts = list(range(4, 20)) + list(range(64, 128)) + list(range(192, 256))
    everywhere(a, [bytes([b]) + rnd(RNG.randint(1, 200)) for b in firsts])


def c_stun_truncated(a):
    full = stun(0x0001, attr(0x0006, b"abcd:efgh") + attr(0x0008, rnd(20)))
    everywhere(a, [full[:n] for n in range(1, len(full))])


def c_stun_length_lies(a):
    base = stun(0x0001, attr(0x0006, b"x:y"))
    pk = []
    for claimed in (0, 3, 7, 400, 1000, 0xfffc, 0xffff):
        pk.append(base[:2] + struct.pack("!H", claimed) + base[4:])
    everywhere(a, pk * 5)


def c_stun_bad_cookie_and_types(a):
    pk = [stun(t, attr(0x0006, b"a:b"), cookie=c)
          for t in (0x0001, 0x0011, 0x0101, 0x0111, 0x3fff, 0x0000, 0x0002)
          for c in (COOKIE, 0, 0xffffffff)]
    everywhere(a, pk * 3)


def c_stun_wrong_integrity(a):
    """Binding requests with a plausible USERNAME, PRIORITY, ICE-CONTROLLING
    and USE-CANDIDATE, but a random MESSAGE-INTEGRITY and FINGERPRINT: no
    new pair may come out of them (foreign), nothing may change (spoofed)."""
    pk = []
    for i in range(100):
        attrs = attr(0x0006, b"ufrag%d:peer%d" % (i, i)) + attr(0x0024, struct.pack("!I", 0x7effffff)) + \
            attr(0x802A, rnd(8)) + attr(0x0025, b"") + attr(0x0008, rnd(20)) + \
            attr(0x8028, rnd(4))
        pk.append(stun(0x0001, attrs))
    everywhere(a, pk)


def c_stun_attr_overflow(a):
    pk = [stun(0x0001, struct.pack("!HH", t, ln) + rnd(8), length=12)
          for t in (0x0006, 0x0008, 0x8028, 0x0020, 0x0009)
          for ln in (0xffff, 13, 200)]
    everywhere(a, pk * 4)


def c_stun_oversized(a):
    """~60 KB STUN messages: 7500 zero-length attributes, one huge
    USERNAME, one huge unknown attribute."""
    many = stun(0x0001, b"".join(attr(0x8022, b"") for _ in range(7500)))
    user = stun(0x0001, attr(0x0006, b"u" * 60000))
    unk = stun(0x0001, attr(0x7777, rnd(60000)))
    everywhere(a, [many, user, unk] * 2, pace=1)


def c_stun_comprehension_required(a):
    """Unknown comprehension-required attributes (0x0000-0x7fff)."""
    pk = [stun(0x0001, attr(t, rnd(8))) for t in (0x0000, 0x0005, 0x0007, 0x7777, 0x7fff, 0x0030)]
    everywhere(a, pk * 10)


def c_stun_unsolicited_responses(a):
    """Success and error responses (487 role conflict, 401) to requests
    nobody sent, with XOR-MAPPED-ADDRESS pointing elsewhere."""
    xma = attr(0x0020, struct.pack("!BBH", 0, 1, 0x1234 ^ 0x2112) + struct.pack("!I", 0x0a000001 ^ COOKIE))
    err487 = attr(0x0009, struct.pack("!HBB", 0, 4, 87) + b"Role Conflict")
    err401 = attr(0x0009, struct.pack("!HBB", 0, 4, 1) + b"Unauthorized")
    pk = [stun(0x0101, xma + attr(0x0008, rnd(20))), stun(0x0111, err487), stun(0x0111, err401),
          stun(0x0111, attr(0x0009, b"\0"))]
    everywhere(a, pk * 25)


def c_dtls_truncated(a):
    full = dtls_record(22, b"\x01" + rnd(60), epoch=0, seq=5)
    everywhere(a, [full[:n] for n in range(1, len(full))])


def c_dtls_length_lies(a):
    pk = [dtls_record(ct, rnd(20), epoch=ep, seq=7, length=ln)
          for ct in (20, 21, 22, 23) for ep in (0, 1) for ln in (0, 1, 21, 0xffff)]
    everywhere(a, pk * 3)


def c_dtls_garbage_handshake(a):
    """Epoch-0 handshake records: a fake ClientHello, fragments with
    absurd offsets and lengths, a HelloRequest."""
    def hs(msg_type, body, length=None, frag_off=0, frag_len=None):
        length = len(body) if length is None else length
        frag_len = len(body) if frag_len is None else frag_len
        return struct.pack("!B", msg_type) + length.to_bytes(3, "big") + \
            struct.pack("!H", RNG.randint(0, 5)) + frag_off.to_bytes(3, "big") + \
            frag_len.to_bytes(3, "big") + body
    ch = b"\xfe\xfd" + rnd(32) + b"\x00" + b"\x00" + b"\x00\x04\xc0\x2b\xc0\x2f" + b"\x01\x00" + b"\x00\x00"
    pk = [dtls_record(22, hs(1, ch), seq=i) for i in range(20)]
    pk += [dtls_record(22, hs(1, rnd(100), length=0xffffff, frag_off=0xfffff0, frag_len=100), seq=30)]
    pk += [dtls_record(22, hs(t, rnd(40)), seq=40 + t) for t in range(0, 25)]
    pk += [dtls_record(22, hs(0, b""), seq=80)]
    everywhere(a, pk * 2)


def c_dtls_alerts(a):
    """close_notify and fatal alerts, in clear (epoch 0) and as if
    encrypted (epoch 1, garbage): none may end an established session."""
    pk = []
    for epoch in (0, 1, 2):
        for level, desc in ((1, 0), (2, 40), (2, 20), (2, 10), (2, 80)):
            pk.append(dtls_record(21, bytes([level, desc]), epoch=epoch, seq=1000 + desc))
            pk.append(dtls_record(21, rnd(26), epoch=epoch, seq=2000 + desc))
    everywhere(a, pk * 3)


def c_dtls_app_data_garbage(a):
    """Epoch-1 application data and change_cipher_spec with random bodies
    (the MAC cannot match): the SCTP path must not see them."""
    pk = [dtls_record(23, rnd(RNG.randint(0, 1200)), epoch=1, seq=RNG.randint(0, 1 << 40))
          for _ in range(200)]
    pk += [dtls_record(20, b"\x01", epoch=e, seq=s) for e in (0, 1) for s in (0, 99)]
    everywhere(a, pk)


def c_dtls_oversized(a):
    """65 KB datagrams: one huge record, and 5000 tiny records in one."""
    huge = dtls_record(23, os.urandom(65000), epoch=1, seq=1)
    many = b"".join(dtls_record(22, b"", seq=i) for i in range(5000))
    many_ad = b"".join(dtls_record(23, rnd(3), epoch=1, seq=i) for i in range(4000))
    everywhere(a, [huge, many, many_ad] * 2, pace=1)


def c_rtp_truncated(a):
    ssrc = a.parts["A"]["ssrc"]
    full = rtp(seq=1, ssrc=ssrc, body=rnd(40))
    everywhere(a, [full[:n] for n in range(2, 12)] * 5)


def c_rtp_header_overflows(a):
    """CSRC count 15 with no CSRCs, an extension whose length runs past the
    end, padding longer than the packet, all three at once."""
    ssrc = a.parts["A"]["ssrc"]
    pk = []
    for s in range(50):
        pk.append(rtp(b0=0x8f, seq=s, ssrc=ssrc, body=rnd(4)))                      # CC=15
        pk.append(rtp(b0=0x90, seq=s, ssrc=ssrc, body=b"\xbe\xde\xff\xff" + rnd(8)))  # X, len 0xffff
        pk.append(rtp(b0=0x90, seq=s, ssrc=ssrc, body=b"\xbe\xde"))                  # X, no length
        pk.append(rtp(b0=0xa0, seq=s, ssrc=ssrc, body=rnd(3) + b"\xff"))             # P, pad 255
        pk.append(rtp(b0=0xbf, seq=s, ssrc=ssrc, body=b"\x10\x00\xff\xff" + rnd(2) + b"\xff"))
        pk.append(rtp(b0=0xa0, seq=s, ssrc=ssrc, body=b"\x00"))                      # pad 0
    everywhere(a, pk)


def c_srtp_wrong_keys(a):
    """SRTP with the honest publisher's own SSRC and payload type, sequence
    numbers just ahead of its own, random payload and auth tag (as if
    protected with other keys); also every other payload type, and random
    SSRCs.  All must fail authentication and be dropped."""
    pk = []
    base = seq_of(a.rtp[-1]) if a.rtp else 0
    tmpl = a.rtp[-1] if a.rtp else rtp(pt=96, ssrc=a.parts["A"]["ssrc"])
    for i in range(300):
        pk.append(tmpl[:2] + struct.pack("!H", (base + 5 + i) & 0xffff) + tmpl[4:12] + rnd(RNG.randint(1, 1200)))
    for pt in list(range(0, 64)) + list(range(96, 128)):
        pk.append(rtp(pt=pt, seq=RNG.randint(0, 65535), ssrc=a.parts["A"]["ssrc"], body=rnd(100)))
    for _ in range(100):
        pk.append(rtp(pt=96, seq=RNG.randint(0, 65535), ssrc=RNG.getrandbits(32), body=rnd(200)))
    dropped, lost = forged_to_a(a, pk)
    send_spoofed(a, "B", pk)
    send_foreign(a, honest_ports(a), pk[:50])
    a.figures.append("forged SRTP: %d to A: dropped_srtp +%d, kernel receive-buffer drops %d"
                     % (len(pk), dropped, lost))
    assert dropped >= len(pk) - lost, \
        "A: dropped_srtp grew by %d for %d forged packets (%d lost in the kernel)" % (
            dropped, len(pk), lost)


def kernel_udp_drops():
    """Datagrams the kernel dropped for full receive buffers (this network
    namespace): they never reach the server, so they are not its drops."""
    with open("/proc/net/snmp") as f:
        rows = [line.split() for line in f if line.startswith("Udp:")]
    return int(rows[1][rows[0].index("RcvbufErrors")])


def wait_counter(a, who, key, want, timeout=3.0):
    deadline = time.monotonic() + timeout
    while True:
        v = participant(a, who)["transport"][key]
        if v >= want or time.monotonic() > deadline:
            return v
        time.sleep(0.2)


def forged_to_a(a, pk):
    """Send pk to A from A's own address (paced) and wait until its
    dropped_srtp has counted them; returns (how much dropped_srtp grew,
    datagrams the kernel dropped meanwhile)."""
    before = participant(a, "A")["transport"]["dropped_srtp"]
    k0 = kernel_udp_drops()
    send_spoofed(a, "A", pk, pace=20)
    after = wait_counter(a, "A", "dropped_srtp", before + len(pk))
    return after - before, kernel_udp_drops() - k0


def c_srtp_replay(a):
    """Real SRTP packets of A, captured on lo, sent again 10 times each
    from A's own address: libsrtp's replay check drops every copy, the
    track's packet count does not grow by them, and B sees no duplicates
    (its decoded frame count keeps the normal pace)."""
    assert len(a.rtp) >= 10, "captured only %d SRTP packets of A" % len(a.rtp)
    copies = [p for p in a.rtp for _ in range(10)]
    before = participant(a, "A")
    k0 = kernel_udp_drops()
    t0 = time.monotonic()
    send_spoofed(a, "A", copies, pace=20)
    after_drop = wait_counter(a, "A", "dropped_srtp",
                              before["transport"]["dropped_srtp"] + len(copies))
    time.sleep(max(0.0, 1.0 - (time.monotonic() - t0)))
    after = participant(a, "A")
    dt = time.monotonic() - t0
    dropped = after_drop - before["transport"]["dropped_srtp"]
    grew = after["tracks"][0]["packets"] - before["tracks"][0]["packets"]
    lost = kernel_udp_drops() - k0
    a.figures.append("replay: %d copies of %d captured SRTP packets: dropped_srtp +%d, "
                     "track packets +%d in %.1f s, kernel receive-buffer drops %d"
                     % (len(copies), len(a.rtp), dropped, grew, dt, lost))
    assert dropped >= len(copies) - lost, \
        "only %d of %d replayed SRTP packets dropped (%d lost in the kernel)" % (
            dropped, len(copies), lost)
    # A's own video is about 30-120 packets/s; 10x replays would add
    # len(copies) on top.
    assert grew < 200 * dt + len(copies) // 2, \
        "A's track grew by %d packets in %.1f s during a replay of %d" % (grew, dt, len(copies))


def c_srtcp_replay_and_forged(a):
    """Captured SRTCP of A sent again; SRTCP with random index and tag;
    an SRTCP whose E flag and index are set but the tag is cut off."""
    pk = [p for p in a.rtcp for _ in range(20)]
    sr = struct.pack("!BBHI", 0x80, 200, 6, a.parts["A"]["ssrc"]) + rnd(20)
    for i in range(200):
        pk.append(sr + struct.pack("!I", 0x80000000 | (i + 1000)) + rnd(10))
    pk += [sr + b"\x80\x00\x00\x01", sr[:8] + b"\x80"]
    dropped, lost = forged_to_a(a, pk)
    send_spoofed(a, "B", pk)
    a.figures.append("SRTCP: %d replayed/forged to A (%d captured): dropped_srtp +%d, "
                     "kernel receive-buffer drops %d" % (len(pk), len(a.rtcp), dropped, lost))
    assert dropped >= len(pk) - lost, "dropped_srtp +%d for %d forged SRTCP (%d lost)" % (
        dropped, len(pk), lost)


def c_rtcp_truncated(a):
    full = struct.pack("!BBHI", 0x81, 201, 7, a.parts["A"]["ssrc"]) + rnd(24)
    pk = [full[:n] for n in range(2, len(full))]
    pk += [bytes([0x80, pt]) + rnd(RNG.randint(0, 6)) for pt in range(192, 224)]
    everywhere(a, pk * 3)


def c_rtcp_length_lies(a):
    pk = []
    for pt in range(200, 207):
        for ln in (0, 1, 0xffff, 0x8000):
            pk.append(struct.pack("!BBHI", 0x9f, pt, ln, a.parts["A"]["ssrc"]) + rnd(30))
    everywhere(a, pk * 3)


def c_rtcp_oversized(a):
    """65 KB compound RTCP: 4000 tiny RRs, one giant SDES, one giant
    APP."""
    rr = b"".join(struct.pack("!BBHI", 0x80, 201, 1, i) for i in range(8000))
    sdes = struct.pack("!BBHI", 0x81, 202, 16000, a.parts["A"]["ssrc"]) + rnd(64000)
    app = struct.pack("!BBHI", 0x80, 204, 16000, 1) + b"NAME" + rnd(63996)
    everywhere(a, [rr, sdes, app] * 2, pace=1)


def c_port_range_sweep(a):
    """A few packets of every kind to every port of the media range, from
    a foreign address."""
    kinds = [rnd(50), stun(0x0001, attr(0x0006, b"a:b")), dtls_record(22, rnd(50)),
             rtp(body=rnd(50)), struct.pack("!BBHI", 0x80, 200, 6, 1) + rnd(28), b""]
    send_foreign(a, range(PORT_LO, PORT_HI + 1), kinds, pace=100)


def c_flood(a):
    """20000 mixed packets at full speed, spoofed to A's port: a burst of
    ~20 MB that the worker must get through."""
    mix = [rnd(RNG.randint(1, 1200)) for _ in range(50)] + \
        [rtp(pt=96, seq=i, ssrc=a.parts["A"]["ssrc"], body=rnd(1000)) for i in range(50)] + \
        [dtls_record(23, rnd(500), epoch=1, seq=i) for i in range(50)] + \
        [stun(0x0001, attr(0x0006, b"x:y") + attr(0x0008, rnd(20))) for _ in range(50)]
    send_spoofed(a, "A", mix * 100, pace=1000)


UDP_CASES = {
    "udp-random-1-16-bytes": c_random_small,
    "udp-random-17-1500-bytes": c_random_mtu,
    "udp-random-64KB": c_random_64k,
    "udp-empty-datagrams": c_empty,
    "udp-unknown-first-bytes": c_unknown_kinds,
    "stun-truncated": c_stun_truncated,
    "stun-length-field-lies": c_stun_length_lies,
    "stun-bad-cookie-and-types": c_stun_bad_cookie_and_types,
    "stun-wrong-message-integrity": c_stun_wrong_integrity,
    "stun-attribute-overflows": c_stun_attr_overflow,
    "stun-oversized-60KB": c_stun_oversized,
    "stun-unknown-comprehension-required": c_stun_comprehension_required,
    "stun-unsolicited-responses": c_stun_unsolicited_responses,
    "dtls-truncated": c_dtls_truncated,
    "dtls-record-length-lies": c_dtls_length_lies,
    "dtls-garbage-handshake": c_dtls_garbage_handshake,
    "dtls-alerts": c_dtls_alerts,
    "dtls-app-data-garbage": c_dtls_app_data_garbage,
    "dtls-oversized-65KB": c_dtls_oversized,
    "rtp-truncated-header": c_rtp_truncated,
    "rtp-csrc-extension-padding-overflows": c_rtp_header_overflows,
    "srtp-wrong-keys": c_srtp_wrong_keys,
    "srtp-replay-captured": c_srtp_replay,
    "srtcp-replay-and-forged": c_srtcp_replay_and_forged,
    "rtcp-truncated": c_rtcp_truncated,
    "rtcp-length-lies": c_rtcp_length_lies,
    "rtcp-oversized-65KB": c_rtcp_oversized,
    "udp-port-range-sweep": c_port_range_sweep,
    "udp-flood-20000": c_flood,
}


@pytest.mark.parametrize("case", list(UDP_CASES))
def test_udp(arena, case):
    t = begin(arena, case)
    UDP_CASES[case](arena)
    check_all_well(arena, t, case)


# ---------------------------------------------------------- WebSocket --

def sdp_offer(sections, extra_session="", ufrag="hostileufrag", pwd="hostilepasswordhostilepass",
              fp=None):
    """A browser-like offer: BUNDLE over every section, rtcp-mux."""
    fp = fp or ":".join("%02X" % b for b in rnd(32))
    mids = [str(i) for i in range(len(sections))]
    lines = ["v=0", "o=- 4611731400430051336 2 IN IP4 127.0.0.1", "s=-", "t=0 0",
             "a=group:BUNDLE " + " ".join(mids), "a=msid-semantic: WMS"]
    if extra_session:
        lines.append(extra_session)
    for mid, sec in zip(mids, sections):
        lines.append(sec["m"])
        lines += ["c=IN IP4 127.0.0.1", "a=ice-ufrag:" + ufrag, "a=ice-pwd:" + pwd,
                  "a=fingerprint:sha-256 " + fp, "a=setup:actpass", "a=mid:" + mid]
        lines += sec.get("a", [])
    return "\r\n".join(lines) + "\r\n"


def audio_section(i=0, extra=()):
    return {"m": "m=audio 9 UDP/TLS/RTP/SAVPF 111",
            "a": ["a=sendrecv", "a=rtcp-mux", "a=rtpmap:111 opus/48000/2",
                  "a=ssrc:%d cname:x" % (1000 + i)] + list(extra)}


def app_section():
    return {"m": "m=application 9 UDP/DTLS/SCTP webrtc-datachannel", "a": ["a=sctp-port:5000"]}


def video_section(extra=(), pts="96"):
    return {"m": "m=video 9 UDP/TLS/RTP/SAVPF " + pts,
            "a": ["a=sendrecv", "a=rtcp-mux", "a=rtpmap:96 VP8/90000",
                  "a=rtcp-fb:96 nack", "a=rtcp-fb:96 nack pli"] + list(extra)}


def compact_sdp(sections):
    """Session-level ICE credentials and fingerprint, one BUNDLE group
    over every section, sections as given (text with their a=mid)."""
    fp = ":".join("%02X" % b for b in rnd(32))
    mids = [str(i) for i in range(len(sections))]
    head = ("v=0\r\no=- 1 2 IN IP4 127.0.0.1\r\ns=-\r\nt=0 0\r\na=group:BUNDLE %s\r\n"
            "a=ice-ufrag:compactufrag\r\na=ice-pwd:compactpasswordcompactpass\r\n"
            "a=fingerprint:sha-256 %s\r\na=setup:actpass\r\n" % (" ".join(mids), fp))
    return head + "".join(sections)


# One absurd attribute per offer, so that each reaches the parser.
ABSURD = [
    "a=extmap:9999 urn:ietf:params:rtp-hdrext:sdes:mid",
    "a=extmap:0 " + "u" * 3000,
    "a=ssrc:99999999999 cname:x",
    "a=ssrc-group:FID 1 2 3 4 5 6 7 8 9 10 11 12",
    "a=rtpmap:300 VP8/90000",
    "a=rtpmap:96 VP8/0",
    "a=rtpmap:96",
    "a=fmtp:96 " + ";".join("k%d=%d" % (i, i) for i in range(400)),
    "a=rtcp-fb:* " + "x" * 3000,
    "a=msid:" + "m" * 1500 + " " + "t" * 1500,
    "a=simulcast:send " + ";".join(str(i) for i in range(800)),
    "a=rid:" + "r" * 3000 + " send",
    "a=mid:" + "M" * 3000,
    "a=rtcp:0 IN IP4 999.0.0.1",
    "a=candidate:1 1 udp 1 127.0.0.1 99999 typ host",
    "a=ssrc:1 cname:" + "\u202e" * 300,
]


def offer_msg(sdp, id_="hostile"):
    return json.dumps({"type": "offer", "id": id_, "sdp": sdp})


def nested(depth, o="[", c="]", inner="0"):
    return o * depth + inner + c * depth


def cand(text, mid="0", idx=0):
    return json.dumps({"type": "candidate", "candidate":
                       {"candidate": text, "sdpMid": mid, "sdpMLineIndex": idx}})


# name -> (join first?, [frames], accepted replies).  A reply is accepted
# when (type, code) is in the set; "answer" / "joined" / "left" stand for
# themselves, "silence" means no reply is fine (candidates are not
# answered), "close-1009" for error/too_large plus close 1009.
BIG_SDP_BODY = "".join("a=x-hostile-%06d:%s\r\n" % (i, "z" * 80) for i in range(11000))
WS_CASES = {
    "sdp-1000-m-sections": (True, [offer_msg(compact_sdp([
        "m=audio 9 UDP/TLS/RTP/SAVPF 111\r\na=mid:%d\r\na=sendonly\r\na=rtcp-mux\r\n"
        "a=rtpmap:111 opus/48000/2\r\na=ssrc:%d cname:c\r\n" % (i, 5000 + i) for i in range(999)]
        + ["m=application 9 UDP/DTLS/SCTP webrtc-datachannel\r\na=mid:999\r\na=sctp-port:5000\r\n"]))],
        {("error", "bad_sdp"), ("answer", None)}),
    "sdp-1000-video-sections-recvonly": (True, [offer_msg(compact_sdp([
        "m=video 9 UDP/TLS/RTP/SAVPF 96\r\na=mid:%d\r\na=recvonly\r\na=rtcp-mux\r\n"
        "a=rtpmap:96 VP8/90000\r\n" % i for i in range(1000)]))],
        {("error", "bad_sdp"), ("answer", None)}),
    "sdp-1000-application-sections": (True, [offer_msg(sdp_offer([app_section()] * 1000))],
                                      {("error", "bad_sdp"), ("answer", None)}),
    "sdp-1MB-of-attributes": (True, [offer_msg(sdp_offer([app_section()]).replace(
        "a=sctp-port:5000\r\n", "a=sctp-port:5000\r\n" + BIG_SDP_BODY))],
        {("error", "bad_sdp"), ("answer", None)}),
    "sdp-1MB-single-line": (True, [offer_msg(sdp_offer([app_section()]).replace(
        "s=-", "s=" + "S" * (1024 * 1024)))], {("error", "bad_sdp"), ("answer", None)}),
    "sdp-absurd-attributes": (True, [offer_msg(sdp_offer([video_section([x]), app_section()]), "abs%d" % i)
                                      for i, x in enumerate(ABSURD)],
                              # glare: once one is answered, the server
                              # offers the room's tracks to the newcomer.
                              {("error", "bad_sdp"), ("error", "glare"), ("answer", None)}),
    "sdp-absurd-credentials": (True, [offer_msg(sdp_offer([app_section()], ufrag="u" * 3000), "c1"),
                                      offer_msg(sdp_offer([app_section()], pwd="p" * 3000), "c2"),
                                      offer_msg(sdp_offer([app_section()], fp="ZZ" * 1500), "c3"),
                                      offer_msg(sdp_offer([app_section()], ufrag="", pwd=""), "c4"),
                                      offer_msg(sdp_offer([{"m": "m=application 9 UDP/DTLS/SCTP "
                                                            "webrtc-datachannel",
                                                            "a": ["a=sctp-port:99999999",
                                                                  "a=max-message-size:-1"]}]), "c5")],
                               {("error", "bad_sdp"), ("answer", None)}),
    "sdp-unknown-hash-and-setup": (True, [offer_msg(sdp_offer([app_section()]).replace(
        "a=fingerprint:sha-256", "a=fingerprint:sha-999").replace("a=setup:actpass", "a=setup:sideways"))],
        {("error", "bad_sdp"), ("answer", None)}),
    "sdp-10000-payload-types": (True, [offer_msg(sdp_offer([video_section(
        pts=" ".join(str(i % 128) for i in range(10000))), app_section()]))],
        {("error", "bad_sdp"), ("answer", None)}),
    "sdp-nul-and-control-bytes": (True, [offer_msg(sdp_offer([app_section()]).replace(
        "s=-", "s=\x00\x01\x02\x1b[31m\x7f").replace("\r\n", "\r\n\x00", 3))],
        {("error", "bad_sdp"), ("error", "bad_request"), ("answer", None)}),
    "sdp-only-newlines-and-equals": (True, [offer_msg("=\n" * 50000)], {("error", "bad_sdp")}),
    "sdp-m-line-garbage": (True, [offer_msg(sdp_offer([{"m": "m=", "a": []}, {"m": "m=video", "a": []},
                                                       {"m": "m=audio -5 RTP", "a": []},
                                                       {"m": "m=video 99999999999999 UDP/TLS/RTP/SAVPF",
                                                        "a": []}]))],
                           {("error", "bad_sdp"), ("answer", None)}),
    "answer-unsolicited-garbage": (True, [json.dumps({"type": "answer", "sdp": "\x00" * 1000})],
                                   {("error", "bad_request"), ("error", "bad_sdp"), ("silence", None)}),
    "candidates-garbage": (True, [cand("candidate:garbage"), cand("candidate:"),
                                  cand("candidate:1 1 udp 2130706431 999.999.1.1 70000 typ host"),
                                  cand("candidate:1 1 udp -1 127.0.0.1 0 typ host"),
                                  cand("candidate:1 1 udp 1 ::ffff:127.0.0.1 1 typ relay raddr x rport y"),
                                  cand("candidate:1 1 tcp 1 127.0.0.1 9 typ host tcptype active"),
                                  cand("candidate:1 1 udp 1 abc.local 9 typ host"),
                                  cand("candidate:1 1 udp 1 127.0.0.1 9 typ host", mid="99", idx=999999),
                                  cand("candidate:1 1 udp 1 127.0.0.1 9 typ host", idx=-1)],
                           {("error", "bad_request"), ("error", "not_joined"), ("silence", None)}),
    "candidates-10KB-and-unicode": (True, [cand("candidate:" + "9" * 10000),
                                           cand("candidate:1 1 udp 1 \u2603\u202e\ufeff 9 typ host"),
                                           cand("candidate:1 1 udp 1 127.0.0.1 9 typ host", mid="\ud7ff" * 100)],
                                    {("error", "bad_request"), ("silence", None)}),
    "candidate-before-offer-then-offer": (True, [cand("candidate:1 1 udp 2130706431 127.0.0.1 9 typ host")] * 50,
                                          {("error", "bad_request"), ("error", "rate_limited"),
                                           ("silence", None)}),
    "json-nested-arrays-30000": (False, [nested(30000)], {("error", "bad_request")}),
    "json-nested-objects-10000": (False, ['{"type":"join","x":' + nested(10000, '{"a":', "}", "1") + "}"],
                                  {("error", "bad_request")}),
    "json-nested-in-sdp-field": (True, ['{"type":"offer","id":"n","sdp":' + nested(20000) + "}"],
                                 {("error", "bad_request")}),
    "json-10k-array-top-level": (False, [json.dumps(list(range(10000)))], {("error", "bad_request")}),
    "json-10k-array-extra-field": (False, [json.dumps({"type": "join", "room": "ROOM", "name": "X",
                                                       "id": "j", "extra": [0] * 10000})],
                                   {("joined", None), ("error", "bad_request")}),
    "json-10k-tracks-map": (True, [json.dumps({"type": "offer", "id": "t", "sdp": "v=0\r\n",
                                               "tracks": {str(i): {"label": "x" * 5} for i in range(10000)}})],
                            {("error", "bad_request"), ("error", "bad_sdp")}),
    "json-huge-numbers": (False, ['{"type":"leave","id":1e999}', '{"type":"leave","id":-99999999999999999999999}',
                                  '{"type":"leave","id":18446744073709551616}'],
                          {("error", "bad_request")}),
    "json-duplicate-keys": (False, ['{"type":"join","type":"leave","id":"d"}'], {("error", "bad_request")}),
    "unicode-lone-surrogates": (False, ['{"type":"join","room":"r","name":"\\ud800\\udbff","id":"u"}',
                                        '{"type":"join","room":"r","name":"\\udc00x","id":"u2"}'],
                                {("error", "bad_request")}),
    "unicode-nul-and-controls-in-name": (False, ['{"type":"join","room":"r","name":"a\\u0000b","id":"z"}',
                                                 '{"type":"join","room":"r","name":"\\u001b[2J","id":"z2"}'],
                                         {("error", "bad_request")}),
    "unicode-65-emoji-name": (False, [json.dumps({"type": "join", "room": "r", "name": "\U0001F600" * 65,
                                                  "id": "e"})], {("error", "bad_request")}),
    "unicode-nul-in-type-and-room": (False, ['{"type":"join\\u0000x","id":"t0"}',
                                            '{"type":"join","room":"r\\u0000","name":"n","id":"t1"}'],
                                     {("error", "bad_request"), ("error", "invalid_room")}),
    "offer-over-2MiB-too-large": (True, [offer_msg("v=0\r\n" + "a=x\r\n" * 420000)], {("close-1009", None)}),
}


async def ws_case(a, name):
    join_first, frames, accepted = WS_CASES[name]
    x = await Client.connect(a.srv, "attacker", timeout=10)
    if join_first:
        await x.join(a.room, "Mallory")
    replies = []
    closed = None
    for f in frames:
        f = f.replace('"ROOM"', json.dumps(a.room))
        try:
            await x.send_raw(f)
        except websockets.ConnectionClosed:
            break
    # Collect replies until one per frame came or 1.5 s passed quietly.
    want = sum(1 for _ in frames)
    deadline = time.monotonic() + 15
    while len(replies) < want and time.monotonic() < deadline:
        try:
            raw = await asyncio.wait_for(x.ws.recv(), 1.5 if replies or "silence" in
                                         {t for t, _ in accepted} else 12)
        except asyncio.TimeoutError:
            break
        except websockets.ConnectionClosed:
            closed = x.ws.close_code
            break
        m = json.loads(raw)
        if m["type"] in ("participant_joined", "participant_left", "track_added",
                         "track_removed", "offer", "track_muted"):
            continue
        replies.append(m)
    kinds = {(m["type"], m.get("code")) for m in replies}
    if ("close-1009", None) in accepted:
        if closed is None:
            try:
                await asyncio.wait_for(x.ws.wait_closed(), 5)
            except asyncio.TimeoutError:
                pass
            closed = x.ws.close_code
        assert closed == 1009 and ("error", "too_large") in kinds, \
            "%s: want error/too_large and close 1009, got %s, close %s" % (name, replies, closed)
        return replies
    assert closed is None, "%s: socket closed (%s) after %s" % (name, closed, replies)
    norm = {(t, c if t == "error" else None) for t, c in kinds}
    assert norm <= accepted, "%s: replies %s, accepted %s" % (
        name, [{k: (v if k != "sdp" else "<%d bytes>" % len(v)) for k, v in m.items()}
               for m in replies], accepted)
    if not replies:
        assert ("silence", None) in accepted, "%s: no reply at all" % name
    # The socket still works (once the rate limiter's bucket has refilled).
    if ("error", "rate_limited") in norm:
        await asyncio.sleep(2.5)
    await x.send({"type": "leave", "id": "still-there"})
    m = await x.wait_for("left" if join_first or ("joined", None) in norm else "error",
                         timeout=10)
    if m["type"] == "error":
        assert m["code"] == "not_joined", m
    await x.close()
    return replies


@pytest.mark.parametrize("case", list(WS_CASES))
def test_ws(arena, case):
    t = begin(arena, case)
    replies = asyncio.run(asyncio.wait_for(ws_case(arena, case), 40))
    print("%s -> %s" % (case, [(m["type"], m.get("code"), (m.get("message") or "")[:80])
                              for m in replies]))
    check_all_well(arena, t, case)


# ------------------------------------------------- raw WebSocket frames --

def ws_handshake(port, timeout=5.0):
    s = socket.create_connection(("127.0.0.1", port), timeout=timeout)
    key = base64.b64encode(os.urandom(16)).decode()
    s.sendall(("GET /ws HTTP/1.1\r\nHost: 127.0.0.1:%d\r\nUpgrade: websocket\r\n"
               "Connection: Upgrade\r\nSec-WebSocket-Key: %s\r\n"
               "Sec-WebSocket-Version: 13\r\n\r\n" % (port, key)).encode())
    data = b""
    while b"\r\n\r\n" not in data:
        chunk = s.recv(4096)
        if not chunk:
            break
        data += chunk
    assert data.startswith(b"HTTP/1.1 101"), data[:200]
    return s, data.split(b"\r\n\r\n", 1)[1]


def ws_frame(payload, opcode=1, fin=True, mask=True, rsv=0, length=None):
    b0 = (0x80 if fin else 0) | (rsv << 4) | opcode
    n = len(payload) if length is None else length
    if n < 126:
        hdr = bytes([b0, (0x80 if mask else 0) | n])
    elif n < 65536:
        hdr = bytes([b0, (0x80 if mask else 0) | 126]) + struct.pack("!H", n)
    else:
        hdr = bytes([b0, (0x80 if mask else 0) | 127]) + struct.pack("!Q", n)
    if not mask:
        return hdr + payload
    key = os.urandom(4)
    return hdr + key + bytes(b ^ key[i % 4] for i, b in enumerate(payload))


def ws_read_until_close(s, rest, timeout=5.0):
    """Reads frames until a close frame or EOF; returns (close code or None,
    [text frames])."""
    s.settimeout(timeout)
    buf = rest
    texts = []
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        while len(buf) >= 2:
            n = buf[1] & 0x7f
            off = 2
            if n == 126:
                if len(buf) < 4:
                    break
                n = struct.unpack("!H", buf[2:4])[0]
                off = 4
            elif n == 127:
                if len(buf) < 10:
                    break
                n = struct.unpack("!Q", buf[2:10])[0]
                off = 10
            if len(buf) < off + n:
                break
            op, payload = buf[0] & 15, buf[off:off + n]
            buf = buf[off + n:]
            if op == 8:
                return (struct.unpack("!H", payload[:2])[0] if len(payload) >= 2 else 1005), texts
            if op == 1:
                texts.append(payload.decode(errors="replace"))
        try:
            chunk = s.recv(65536)
        except (socket.timeout, ConnectionResetError):
            return None, texts
        if not chunk:
            return "eof", texts
        buf += chunk
    return None, texts


RAW_WS_CASES = {
    "ws-invalid-utf8-text": [ws_frame(b'{"type":"join","room":"r","name":"\xff\xfe\xc0\xaf"}')],
    "ws-reserved-bits": [ws_frame(b'{"type":"leave"}', rsv=7)],
    "ws-unmasked-client-frame": [ws_frame(b'{"type":"leave"}', mask=False)],
    "ws-reserved-opcode": [ws_frame(b"xyz", opcode=3), ws_frame(b"xyz", opcode=0xb)],
    "ws-continuation-without-start": [ws_frame(b'{"type":"leave"}', opcode=0)],
    "ws-fragmented-control-frame": [ws_frame(b"ping", opcode=9, fin=False)],
    "ws-control-frame-over-125": [ws_frame(b"p" * 200, opcode=9)],
    "ws-64bit-length-2^62": [ws_frame(b"", length=1 << 62)[:14]],
    "ws-close-with-bad-code": [ws_frame(b"\x00\x05bad", opcode=8)],
}


@pytest.mark.parametrize("case", list(RAW_WS_CASES))
def test_raw_ws(arena, case):
    """Broken WebSocket framing: the connection is refused or closed
    (a close code of the RFC 6455 kind or EOF), never answered with
    anything but an error, and the server carries on."""
    t = begin(arena, case)
    s, rest = ws_handshake(arena.srv.port)
    try:
        for f in RAW_WS_CASES[case]:
            try:
                s.sendall(f)
            except OSError:
                break
        code, texts = ws_read_until_close(s, rest, timeout=5.0)
    finally:
        s.close()
    print("%s -> close %s, texts %s" % (case, code, [x[:100] for x in texts]))
    for x in texts:
        assert json.loads(x)["type"] == "error", (case, texts)
    check_all_well(arena, t, case)


# ---------------------------------------------------------- admin HTTP --

def raw_request(port, data, timeout=5.0, read=True):
    """Send bytes as they are; return (status or None, body bytes)."""
    with socket.create_connection(("127.0.0.1", port), timeout=timeout) as s:
        try:
            s.sendall(data)
        except OSError:
            pass
        if not read:
            return None, b""
        got = recv_http(s, time.monotonic() + timeout)
    if not got.startswith(b"HTTP/1."):
        return None, got
    return int(got[9:12]), got.partition(b"\r\n\r\n")[2]


def req(method, path, headers=None, body=b"", auth=True, version="HTTP/1.1", port_key="admin"):
    def build(a):
        port = a.srv.admin_port if port_key == "admin" else a.srv.port
        h = {"Host": "127.0.0.1:%d" % port, "Connection": "close"}
        if auth:
            h.update(AUTH)
        if body and "Content-Length" not in (headers or {}):
            h["Content-Length"] = str(len(body))
        h.update(headers or {})
        head = "%s %s %s\r\n" % (method, path.replace("ROOM", a.room), version) + \
            "".join("%s: %s\r\n" % kv for kv in h.items()) + "\r\n"
        return port, head.encode("latin-1") + body
    return build


def raw(data, port_key="admin"):
    def build(a):
        return (a.srv.admin_port if port_key == "admin" else a.srv.port), data
    return build


LONG = "A" * 70000
# name -> (request builder, accepted statuses; None stands for "no HTTP
# answer, the connection was closed"), plus an optional check of the body.
ADMIN_CASES = {
    "no-auth": (req("GET", "/admin/server", auth=False), {401}),
    "no-auth-metrics": (req("GET", "/metrics", auth=False), {401}),
    "basic-auth": (req("GET", "/admin/server", auth=False,
                       headers={"Authorization": "Basic " + base64.b64encode(b"admin:" + SECRET.encode()).decode()}),
                   {401}),
    "bearer-secret-prefix": (req("GET", "/admin/server", auth=False,
                                 headers={"Authorization": "Bearer " + SECRET[:-1]}), {401}),
    "bearer-secret-plus-one": (req("GET", "/admin/server", auth=False,
                                   headers={"Authorization": "Bearer " + SECRET + "x"}), {401}),
    "bearer-empty-and-doubled": (req("GET", "/admin/server", auth=False,
                                     headers={"Authorization": "Bearer  Bearer "}), {401}),
    "authorization-64KB": (req("GET", "/admin/server", auth=False,
                               headers={"Authorization": "Bearer " + "s" * 65000}), {401, 400, 431, None}),
    "authorization-prefix-nul": (req("GET", "/admin/server", auth=False,
                                     headers={"Authorization": "Bearer " + SECRET[:-1] + "\x00"}),
                                 {401, 400, None}),
    # The secret followed by a NUL and junk is accepted (the header is
    # compared as a C string); lenient, not a bypass: it needs the secret.
    "authorization-secret-nul-junk": (req("GET", "/admin/server", auth=False,
                                          headers={"Authorization": "Bearer " + SECRET + "\x00junk"}),
                                      {200, 401, 400, None}),
    "huge-header-100KB": (req("GET", "/admin/server", headers={"X-Junk": "j" * 100000}), {400, 431, 200, None}),
    "2000-headers": (lambda a: req("GET", "/admin/server",
                                   headers={"X-H%d" % i: "v" for i in range(2000)})(a), {400, 431, 200, None}),
    "method-put-server": (req("PUT", "/admin/server"), {405}),
    "method-delete-server": (req("DELETE", "/admin/server"), {405}),
    "method-patch-rooms": (req("PATCH", "/admin/rooms", body=b"{}"), {405, 400, 501}),
    # Methods libwebsockets does not know get its own HTML 403.
    "method-trace": (req("TRACE", "/admin/server"), {405, 400, 403, 501}, False),
    "method-garbage": (req("FOO\x01BAR", "/admin/server"), {400, 403, 405, 501, None}, False),
    "method-post-room-get-only": (req("POST", "/admin/rooms/ROOM", body=b"{}"), {405}),
    "body-70KB": (req("POST", "/admin/rooms", body=b'{"name":"' + b"n" * 70000 + b'"}'), {413}),
    "body-70KB-unauthenticated": (req("POST", "/admin/rooms", auth=False, body=b"x" * 70000), {401, 413}),
    "json-truncated": (req("POST", "/admin/rooms", body=b'{"name":'), {400}),
    "json-wrong-types": (req("POST", "/admin/rooms", body=b'{"name":5,"max_participants":"x"}'), {400}),
    "json-array": (req("POST", "/admin/rooms", body=b'[{"name":"x"}]'), {400}),
    "json-bad-room-name": (req("POST", "/admin/rooms", body=b'{"name":"../server"}'), {400}),
    "json-negative-max": (req("POST", "/admin/rooms", body=b'{"name":"negmax","max_participants":-1}'), {400}),
    "json-nested-deep": (req("POST", "/admin/rooms", body=('{"name":' + nested(20000) + "}").encode()), {400}),
    "json-nul-bytes": (req("POST", "/admin/rooms", body=b'{"name":"a\x00b"}'), {400}),
    "content-length-lies-short": (req("POST", "/admin/rooms", headers={"Content-Length": "5000"},
                                      body=b'{"name":"cl"}'), {400, 408, None}),
    "content-length-negative": (req("POST", "/admin/rooms", headers={"Content-Length": "-1"},
                                    body=b'{"name":"cln"}'), {400, 411, 413, None}),
    "content-length-huge": (req("POST", "/admin/rooms", headers={"Content-Length": "99999999999999999999"},
                                body=b'{"name":"clh"}'), {400, 413, None}),
    "chunked-huge-chunk": (req("POST", "/admin/rooms", headers={"Transfer-Encoding": "chunked"},
                               body=b"FFFFFFFFFFFF\r\n" + b"x" * 100), {400, 411, 413, 501, None}),
    "chunked-and-length-smuggling": (req("POST", "/admin/rooms",
                                         headers={"Transfer-Encoding": "chunked", "Content-Length": "4"},
                                         body=b"0\r\n\r\nGET /admin/server HTTP/1.1\r\n\r\n"),
                                     {400, 411, 501, None}, False),
    "path-traversal-dotdot": (req("GET", "/admin/rooms/../server"), {200, 400, 404}),
    "path-traversal-no-auth": (req("GET", "/admin/rooms/../server", auth=False), {401, 400, 404}),
    "path-traversal-encoded": (req("GET", "/admin/rooms/%2e%2e/%2e%2e/%2e%2e/etc/passwd"), {400, 404}),
    "path-traversal-outside": (req("GET", "/admin/../../../../etc/passwd"), {400, 404}),
    "path-nul-encoded": (req("GET", "/admin/rooms/ROOM%00/participants"), {400, 404, None}),
    "path-nul-raw": (raw(b"GET /admin/server\x00/x HTTP/1.1\r\nHost: x\r\nConnection: close\r\n"
                         b"Authorization: Bearer " + SECRET.encode() + b"\r\n\r\n"), {400, 404, None}),
    "path-kick-bad-participant": (req("DELETE", "/admin/rooms/ROOM/participants/%00"), {400, 404}),
    "path-kick-participant-prefix": (req("DELETE", "/admin/rooms/ROOM/participants/p"), {400, 404}),
    "path-8KB": (req("GET", "/admin/rooms/" + "r" * 8000), {400, 404, 414, None}),
    "path-70KB": (req("GET", "/admin/rooms/" + LONG), {400, 404, 414, 431, None}),
    "query-garbage": (req("GET", "/admin/server?%ff%fe=%00&&&=&x=" + "q" * 2000), {200, 400, None}),
    "http-0.9": (raw(b"GET /admin/server\r\n\r\n"), {400, 401, 505, None}),
    "http-version-9.9": (req("GET", "/admin/server", version="HTTP/9.9"), {200, 400, 505, None}),
    "raw-garbage-admin": (raw(os.urandom(5000)), {400, 403, None}, False),
    "raw-garbage-http": (raw(os.urandom(5000), port_key="http"), {400, 403, None}, False),
    "pipelined-100": (raw((("GET /admin/server HTTP/1.1\r\nHost: x\r\nAuthorization: Bearer %s\r\n\r\n"
                            % SECRET) * 100).encode()), {200, None}),
    "http-ws-upgrade-bad-key": (req("GET", "/ws", port_key="http", auth=False,
                                    headers={"Upgrade": "websocket", "Connection": "Upgrade",
                                             "Sec-WebSocket-Key": "!" * 5000,
                                             "Sec-WebSocket-Version": "99"}), {400, 403, 426, None}),
    "http-healthz-huge-header": (req("GET", "/healthz", port_key="http", auth=False,
                                     headers={"Cookie": "c" * 100000}), {200, 400, 431, None}),
}


def test_admin_slowloris(arena):
    """60 connections that send half a request and wait: the admin API and
    /healthz still answer meanwhile."""
    t = begin(arena, "admin-slowloris")
    socks = []
    try:
        for i in range(60):
            s = socket.create_connection(("127.0.0.1", arena.srv.admin_port if i % 2 else arena.srv.port),
                                         timeout=5)
            s.sendall(b"GET /admin/server HTTP/1.1\r\nHost: x\r\nX-Slow: ")
            socks.append(s)
        t0 = time.monotonic()
        status, info = admin_get(arena.srv.admin_port, "/admin/server", timeout=5)
        took = time.monotonic() - t0
        assert status == 200, "admin answered %s while 60 connections dawdle" % status
        assert took < 2.0, "admin took %.1f s to answer while 60 connections dawdle" % took
        status, _, _ = http_raw(arena.srv.port, "/healthz", timeout=5)
        assert status == 200
    finally:
        for s in socks:
            s.close()
    check_all_well(arena, t, "admin-slowloris")


@pytest.mark.parametrize("case", list(ADMIN_CASES))
def test_admin(arena, case):
    t = begin(arena, case)
    build, accepted = ADMIN_CASES[case][:2]
    json_errors = ADMIN_CASES[case][2] if len(ADMIN_CASES[case]) > 2 else True
    port, data = build(arena)
    status, body = raw_request(port, data, timeout=5.0)
    print("%s -> %s %r" % (case, status, body[:120]))
    assert status in accepted, "%s: HTTP %s (accepted %s), body %r" % (
        case, status, sorted(accepted, key=str), body[:300])
    if status == 401:
        assert b"participants" not in body and b"uptime" not in body, body[:300]
    if json_errors and status is not None and status >= 400 and port == arena.srv.admin_port \
            and body:
        try:
            err = json.loads(body)
        except ValueError:
            err = None
        assert isinstance(err, dict) and isinstance(err.get("error"), dict), \
            "%s: admin error body is not {\"error\":{...}}: %r" % (case, body[:300])
    assert b"root:" not in body, "%s: served /etc/passwd? %r" % (case, body[:300])
    check_all_well(arena, t, case)


def test_admin_pipelined_after_post(arena):
    """Two pipelined requests, the first a POST with a body: two well-formed
    responses, in order."""
    t = begin(arena, "admin-pipelined-after-post")
    body = b'{"name":"pipelined-%d"}' % os.getpid()
    data = (b"POST /admin/rooms HTTP/1.1\r\nHost: x\r\nAuthorization: Bearer %s\r\n"
            b"Content-Length: %d\r\n\r\n%s"
            b"GET /admin/server HTTP/1.1\r\nHost: x\r\nAuthorization: Bearer %s\r\n"
            b"Connection: close\r\n\r\n") % (SECRET.encode(), len(body), body, SECRET.encode())
    with socket.create_connection(("127.0.0.1", arena.srv.admin_port), timeout=5) as s:
        s.sendall(data)
        got = b""
        deadline = time.monotonic() + 5
        while time.monotonic() < deadline:
            try:
                chunk = s.recv(65536)
            except socket.timeout:
                break
            if not chunk:
                break
            got += chunk
    # Split into responses by their Content-Length.
    statuses = []
    rest = got
    while rest:
        head, sep, tail = rest.partition(b"\r\n\r\n")
        assert sep and head.startswith(b"HTTP/1.1 "), "malformed response stream: %r" % got[:600]
        m = re.search(rb"(?im)^content-length:\s*(\d+)", head)
        n = int(m.group(1)) if m else 0
        statuses.append(int(head[9:12]))
        json.loads(tail[:n])
        rest = tail[n:]
    assert statuses == [201, 200], "statuses %s: %r" % (statuses, got[:600])
    status, _ = admin_get(arena.srv.admin_port, "/admin/rooms/pipelined-%d" % os.getpid())
    check_all_well(arena, t, "admin-pipelined-after-post")


# ---------------------------------------------------------------- end --

def test_zz_honest_call_survived(arena):
    """Over the whole attack the honest participants decoded each other's
    video at >= MIN_FPS, overall and in every WINDOW-second window."""
    assert arena.t_first is not None, "no case ran"
    t0, t1 = arena.t_first, time.monotonic()
    fa, fb = arena.frames.fps(t0, t1)
    windows = []
    t = t0
    while t + WINDOW <= t1:
        windows.append((round(t - t0, 1),) + tuple(round(v, 1) for v in arena.frames.fps(t, t + WINDOW)))
        t += WINDOW
    worst = min(windows, key=lambda w: min(w[1], w[2])) if windows else None
    ps = {who: participant(arena, who) for who in ("A", "B")}
    lines = [
        "hostile: %d cases over %.1f s (%s)" % (len(arena.cases_run), t1 - t0,
                                                 ", ".join(arena.cases_run)),
        "honest decoded fps over the attack: A<-B %.1f, B<-A %.1f" % (fa, fb),
        "worst %.0f s window (start s, A, B): %s" % (WINDOW, worst),
        "all windows: %s" % windows,
    ] + ["%s transport: %s" % (who, ps[who]["transport"]) for who in ("A", "B")]
    arena.figures += lines
    print("\n" + "\n".join(arena.figures))
    assert len(arena.cases_run) >= 40, "only %d cases ran" % len(arena.cases_run)
    assert fa >= MIN_FPS and fb >= MIN_FPS, "fps over the attack: A %.1f, B %.1f" % (fa, fb)
    low = [w for w in windows if w[1] < MIN_FPS or w[2] < MIN_FPS]
    assert not low, "windows below %.0f fps (start s, A, B): %s" % (MIN_FPS, low)


def test_zz_sigterm(arena):
    """The server still answers, still lists both honest participants, and
    exits 0 on SIGTERM."""
    srv = arena.srv
    srv.assert_alive()
    status, r = admin_get(srv.admin_port, "/admin/rooms/" + arena.room)
    assert status == 200, (status, r)
    ids = {p["id"] for p in r["participants"]}
    assert {arena.parts["A"]["id"], arena.parts["B"]["id"]} <= ids, r["participants"]
    code, took = srv.stop()
    assert code == 0, "exit code %s after SIGTERM (%.1f s); log:\n%s" % (code, took, srv.log_tail(60))
