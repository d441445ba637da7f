"""Helpers for Starling's signaling integration tests.

Server: starts the binary with a temporary INI config and waits for
/healthz.  Client: a strict asyncio WebSocket client over python3-websockets
(10.4).  make_jwt: HS256 tokens built with hmac + base64.

Everything has a timeout; nothing here may block a test run forever.
"""

import asyncio
import base64
import functools
import hashlib
import hmac
import json
import os
import re
import signal
import socket
import subprocess
import tempfile
import time
import uuid
from pathlib import Path

import websockets

REPO = Path(__file__).resolve().parents[2]
HTML_DIR = REPO / "html"

# Default time budget of one async test body.
TEST_TIMEOUT = 45.0


def starling_bin():
    """The server binary: $STARLING_BIN, else src/starling (both relative to
    the repository root unless absolute)."""
    p = os.environ.get("STARLING_BIN") or "src/starling"
    p = Path(p)
    if not p.is_absolute():
        p = REPO / p
    return p


def server_env(extra=None):
    """Environment for the server process.  STARLING_* variables of the test
    runner (STARLING_BIN in particular) are removed: the server reads every
    STARLING_<SECTION>_<KEY> variable as configuration."""
    env = {k: v for k, v in os.environ.items() if not k.startswith("STARLING_")}
    if extra:
        env.update(extra)
    return env


def free_port():
    """A TCP port nobody listens on right now (IPv4 loopback)."""
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def unique_room(prefix="r"):
    return prefix + uuid.uuid4().hex[:12]


def ini_value(v):
    if isinstance(v, bool):
        return "true" if v else "false"
    return str(v)


def write_config(path, settings):
    """settings: {"section.key": value}.  Written grouped by section, in the
    order the keys were first given."""
    sections = {}
    for full, value in settings.items():
        section, key = full.split(".", 1)
        sections.setdefault(section, {})[key] = value
    lines = []
    for section, keys in sections.items():
        lines.append("[%s]" % section)
        for k, v in keys.items():
            lines.append("%s = %s" % (k, ini_value(v)))
        lines.append("")
    Path(path).write_text("\n".join(lines))


# ---------------------------------------------------------------- HTTP -----

def _content_length(head):
    m = re.search(r"(?im)^content-length:\s*(\d+)\s*$", head)
    return int(m.group(1)) if m else None


def _is_chunked(head):
    return re.search(r"(?im)^transfer-encoding:\s*chunked", head) is not None


def http_response_done(data, method=None):
    """Whether data holds a whole HTTP/1.x response: the head, then the
    Content-Length body or the last chunk (for HEAD, the head alone)."""
    end = data.find(b"\r\n\r\n")
    if end < 0:
        return False
    if method == "HEAD":
        return True
    head = data[:end].decode("latin-1")
    length = _content_length(head)
    if length is not None:
        return len(data) >= end + 4 + length
    return _is_chunked(head) and data.endswith(b"0\r\n\r\n")


def recv_http(s, deadline, method=None):
    """Read one response from socket s until it is whole, the peer closes
    or resets, or the deadline passes; returns the bytes read."""
    data = b""
    while not http_response_done(data, method):
        left = deadline - time.monotonic()
        if left <= 0:
            break
        s.settimeout(left)
        try:
            chunk = s.recv(65536)
        except (socket.timeout, ConnectionResetError):
            break
        if not chunk:
            break
        data += chunk
    return data


def http_raw(port, path, method="GET", timeout=5.0, headers=None):
    """Send one request exactly as given (no path normalisation) and return
    (status, {lower-case header: value}, body bytes).  status is None when
    the server closed without a status line."""
    hdrs = {"Host": "127.0.0.1:%d" % port, "Connection": "close"}
    if headers:
        hdrs.update(headers)
    req = "%s %s HTTP/1.1\r\n" % (method, path)
    req += "".join("%s: %s\r\n" % kv for kv in hdrs.items()) + "\r\n"
    deadline = time.monotonic() + timeout
    with socket.create_connection(("127.0.0.1", port), timeout=timeout) as s:
        s.sendall(req.encode("latin-1"))
        data = recv_http(s, deadline, method)
    head_end = data.find(b"\r\n\r\n")
    if head_end < 0:
        return None, {}, data
    head_text = data[:head_end].decode("latin-1")
    head = head_text.split("\r\n")
    m = re.match(r"HTTP/1\.[01] (\d{3})", head[0])
    status = int(m.group(1)) if m else None
    hmap = {}
    for line in head[1:]:
        if ":" in line:
            k, v = line.split(":", 1)
            hmap[k.strip().lower()] = v.strip()
    body = data[head_end + 4:]
    length = 0 if method == "HEAD" else _content_length(head_text)
    if _is_chunked(head_text):
        body = dechunk(body)
    elif length is not None:
        body = body[:length]
    return status, hmap, body


def dechunk(b):
    out = b""
    while b:
        line, _, rest = b.partition(b"\r\n")
        try:
            n = int(line.split(b";")[0], 16)
        except ValueError:
            break
        if n == 0:
            break
        out += rest[:n]
        b = rest[n + 2:]
    return out


# -------------------------------------------------------------- server -----

class Server:
    """One running starling process."""

    def __init__(self, overrides=None, env=None, workdir=None):
        self.workdir = Path(workdir or tempfile.mkdtemp(prefix="starling-it-"))
        self.port = free_port()
        self.admin_port = free_port()
        while self.admin_port == self.port:
            self.admin_port = free_port()
        settings = {
            "http.port": self.port,
            "http.bind": "127.0.0.1",
            "admin.port": self.admin_port,
            "media.ips": "127.0.0.1",
            "log.level": "debug",
        }
        for k, v in (overrides or {}).items():
            settings[k] = v
        self.settings = settings
        self.config = self.workdir / "starling.conf"
        write_config(self.config, settings)
        self.log_path = self.workdir / "starling.log"
        self.env = server_env(env)
        self.proc = None
        self.returncode = None

    @property
    def url(self):
        return "http://127.0.0.1:%d" % self.port

    @property
    def ws_url(self):
        return "ws://127.0.0.1:%d/ws" % self.port

    def log_text(self):
        try:
            return self.log_path.read_text(errors="replace")
        except OSError:
            return ""

    def log_size(self):
        try:
            return self.log_path.stat().st_size
        except OSError:
            return 0

    def log_since(self, offset):
        try:
            with open(self.log_path, "rb") as f:
                f.seek(offset)
                return f.read().decode(errors="replace")
        except OSError:
            return ""

    def log_tail(self, n=150):
        return "\n".join(self.log_text().splitlines()[-n:])

    def start(self, health_port=None, timeout=10.0):
        binary = starling_bin()
        if not binary.exists():
            raise AssertionError("server binary %s does not exist (set STARLING_BIN)" % binary)
        self._log = open(self.log_path, "wb")
        self.proc = subprocess.Popen(
            [str(binary), "-c", str(self.config)],
            cwd=str(REPO), env=self.env, stdin=subprocess.DEVNULL,
            stdout=self._log, stderr=subprocess.STDOUT)
        port = health_port or self.port
        deadline = time.monotonic() + timeout
        last = None
        while time.monotonic() < deadline:
            if self.proc.poll() is not None:
                raise AssertionError("server exited with %s during start-up; log:\n%s"
                                     % (self.proc.returncode, self.log_tail()))
            try:
                status, _, _ = http_raw(port, "/healthz", timeout=1.0)
                if status == 200:
                    return self
                last = "status %s" % status
            except OSError as e:
                last = repr(e)
            time.sleep(0.05)
        self.kill()
        raise AssertionError("no 200 from /healthz on port %d within %.0f s (%s); log:\n%s"
                             % (port, timeout, last, self.log_tail()))

    def alive(self):
        return self.proc is not None and self.proc.poll() is None

    def assert_alive(self):
        """The process runs and /healthz still answers 200."""
        assert self.alive(), "server died (exit %s); log:\n%s" % (
            self.proc.returncode, self.log_tail())
        status, _, _ = http_raw(self.port, "/healthz", timeout=5.0)
        assert status == 200, "/healthz answered %s after the test" % status

    def stop(self, sig=signal.SIGTERM, timeout=10.0):
        """Signal the server and wait; returns (exit code, seconds taken).
        Kills it (and returns None) if it does not exit in time."""
        if self.proc is None:
            return None, 0.0
        if self.proc.poll() is None:
            t0 = time.monotonic()
            self.proc.send_signal(sig)
            try:
                self.proc.wait(timeout)
            except subprocess.TimeoutExpired:
                self.kill()
                self.returncode = None
                self._close_log()
                return None, time.monotonic() - t0
            took = time.monotonic() - t0
        else:
            took = 0.0
        self.returncode = self.proc.returncode
        self._close_log()
        return self.returncode, took

    def kill(self):
        if self.proc is not None and self.proc.poll() is None:
            self.proc.kill()
            try:
                self.proc.wait(5)
            except subprocess.TimeoutExpired:
                pass
        self._close_log()

    def _close_log(self):
        f = getattr(self, "_log", None)
        if f is not None and not f.closed:
            f.close()


def stop_servers(servers, dump_logs):
    """SIGTERM each server; return a list of problems (no clean exit 0
    within 10 s).  Logs are printed for those and, if dump_logs, for all."""
    problems = []
    for srv in servers:
        if srv.proc is None:
            continue
        already = srv.proc.poll()
        code, took = srv.stop(signal.SIGTERM, timeout=10.0)
        bad = False
        if already is not None:
            problems.append("server on port %d had already exited with %s before teardown"
                            % (srv.port, already))
            bad = True
        elif code is None:
            problems.append("server on port %d did not exit within 10 s of SIGTERM (killed)"
                            % srv.port)
            bad = True
        elif code != 0:
            problems.append("server on port %d exited with %s after SIGTERM" % (srv.port, code))
            bad = True
        if bad or dump_logs:
            print("\n===== starling log (port %d, %s) =====\n%s\n===== end of log ====="
                  % (srv.port, srv.config, srv.log_tail(200)))
    return problems



def item_failed(node):
    """Whether the setup or call phase of a test item failed (the conftest
    hook stores the reports on the item)."""
    for when in ("setup", "call"):
        rep = getattr(node, "rep_" + when, None)
        if rep is not None and rep.failed:
            return True
    return False


class ServerPool:
    """One server shared by several tests, started on first use and again
    whenever a test has killed it."""

    def __init__(self, overrides=None):
        self.overrides = overrides
        self.srv = None

    def get(self):
        if self.srv is None or not self.srv.alive():
            if self.srv is not None:
                self.srv.kill()
            self.srv = Server(self.overrides).start()
        return self.srv

    def shutdown(self):
        if self.srv is None or not self.srv.alive():
            return []  # its death was reported by the test that caused it
        return stop_servers([self.srv], dump_logs=False)


def pooled_server(pool, request):
    """Generator body of a function-scoped fixture handing out pool's
    server: a test during which the server dies fails, with the log."""
    srv = pool.get()
    start = srv.log_size()
    yield srv
    if not srv.alive():
        print("\n===== starling log during this test (port %d) =====\n%s\n===== end ====="
              % (srv.port, srv.log_since(start)[-30000:]))
        raise AssertionError("the shared server died during this test (exit code %s)"
                             % srv.proc.returncode)
    if item_failed(request.node):
        print("\n===== starling log during this test (port %d) =====\n%s\n===== end ====="
              % (srv.port, srv.log_since(start)[-20000:]))


# -------------------------------------------------------------- client -----

class Absent:
    """Marker for expect(): the field must not be present at all."""

    def __repr__(self):
        return "ABSENT"


ABSENT = Absent()

_open_clients = []


class ProtocolError(AssertionError):
    pass


class Client:
    """A strict signaling client.  Every received message is kept in
    self.log for failure messages."""

    def __init__(self, ws, label):
        self.ws = ws
        self.label = label
        self.log = []

    @classmethod
    async def connect(cls, srv_or_url, label="client", timeout=5.0, **kw):
        url = srv_or_url if isinstance(srv_or_url, str) else srv_or_url.ws_url
        opts = dict(max_size=None, compression=None, max_queue=4096,
                    open_timeout=timeout, close_timeout=2, ping_interval=None)
        opts.update(kw)
        ws = await asyncio.wait_for(websockets.connect(url, **opts), timeout)
        c = cls(ws, label)
        _open_clients.append(c)
        return c

    def __repr__(self):
        return "<Client %s>" % self.label

    async def send(self, obj):
        await self.send_raw(json.dumps(obj))

    async def send_raw(self, data):
        await asyncio.wait_for(self.ws.send(data), 10)

    async def recv(self, timeout=5.0):
        """The next message, parsed; it must be a JSON object with a string
        type."""
        try:
            raw = await asyncio.wait_for(self.ws.recv(), timeout)
        except asyncio.TimeoutError:
            raise ProtocolError("%s: no message within %.1f s (received so far: %s)"
                                % (self.label, timeout, self._recent())) from None
        except websockets.ConnectionClosed:
            raise ProtocolError("%s: connection closed (code %s, reason %r) while waiting "
                                "for a message (received so far: %s)"
                                % (self.label, self.ws.close_code, self.ws.close_reason,
                                   self._recent())) from None
        if isinstance(raw, bytes):
            raise ProtocolError("%s: binary frame from the server: %r" % (self.label, raw[:200]))
        try:
            msg = json.loads(raw)
        except ValueError:
            raise ProtocolError("%s: frame is not JSON: %r" % (self.label, raw[:500]))
        if not isinstance(msg, dict) or not isinstance(msg.get("type"), str):
            raise ProtocolError("%s: frame is not an object with a string type: %r"
                                % (self.label, raw[:500]))
        self.log.append(msg)
        return msg

    def _recent(self):
        return json.dumps(self.log[-5:])[:2000]

    @staticmethod
    def check_fields(msg, fields, who=""):
        for k, want in fields.items():
            if want is ABSENT:
                assert k not in msg, "%s%s: field %r should be absent: %s" % (
                    who, msg.get("type"), k, json.dumps(msg)[:1000])
            else:
                assert k in msg, "%s%s: field %r missing: %s" % (
                    who, msg.get("type"), k, json.dumps(msg)[:1000])
                assert msg[k] == want and type(msg[k]) is type(want), \
                    "%s%s: field %r is %r, want %r: %s" % (
                        who, msg.get("type"), k, msg[k], want, json.dumps(msg)[:1000])

    async def expect(self, type_, timeout=5.0, **fields):
        """The very next message must have this type and these fields
        (use ABSENT for a field that must not be there)."""
        msg = await self.recv(timeout)
        assert msg["type"] == type_, "%s: expected %r, got %s (earlier: %s)" % (
            self.label, type_, json.dumps(msg)[:1000], json.dumps(self.log[-6:-1])[:1500])
        self.check_fields(msg, fields, self.label + ": ")
        if type_ == "error":
            assert isinstance(msg.get("code"), str), "error without string code: %r" % msg
            assert isinstance(msg.get("message"), str), "error without string message: %r" % msg
        return msg

    async def wait_for(self, type_, timeout=5.0, **fields):
        """Skip messages until one of this type arrives (fields checked on
        that one)."""
        deadline = asyncio.get_running_loop().time() + timeout
        while True:
            left = deadline - asyncio.get_running_loop().time()
            if left <= 0:
                raise ProtocolError("%s: no %r within %.1f s (received: %s)"
                                    % (self.label, type_, timeout, self._recent()))
            msg = await self.recv(left)
            if msg["type"] == type_:
                self.check_fields(msg, fields, self.label + ": ")
                return msg

    async def expect_silence(self, seconds=0.3):
        """Nothing at all may arrive (and the socket must stay open) for this
        long."""
        try:
            raw = await asyncio.wait_for(self.ws.recv(), seconds)
        except asyncio.TimeoutError:
            return
        except websockets.ConnectionClosed:
            raise ProtocolError("%s: connection closed (code %s) while it should stay open"
                                % (self.label, self.ws.close_code))
        raise ProtocolError("%s: unexpected message %r" % (self.label, raw[:1000]))

    async def expect_closed(self, code=None, timeout=5.0, allow_messages=False):
        """The server closes the socket (with this close code if given)
        before sending anything else."""
        deadline = asyncio.get_running_loop().time() + timeout
        while True:
            left = deadline - asyncio.get_running_loop().time()
            if left <= 0:
                raise ProtocolError("%s: socket not closed within %.1f s" % (self.label, timeout))
            try:
                raw = await asyncio.wait_for(self.ws.recv(), left)
            except asyncio.TimeoutError:
                continue
            except websockets.ConnectionClosed:
                break
            if not allow_messages:
                raise ProtocolError("%s: expected the socket to close, got %r"
                                    % (self.label, raw[:1000]))
        if code is not None:
            assert self.ws.close_code == code, "%s: closed with code %s (reason %r), want %s" % (
                self.label, self.ws.close_code, self.ws.close_reason, code)
        return self.ws.close_code

    # -- protocol conveniences ---------------------------------------------

    async def join(self, room, name, id_=None, **extra):
        """Send join and expect a well-formed joined (not resumed unless
        extra has resume and the caller checks)."""
        msg = {"type": "join", "room": room, "name": name}
        if id_ is not None:
            msg["id"] = id_
        msg.update(extra)
        await self.send(msg)
        fields = {"room": room}
        if id_ is not None:
            fields["id"] = id_
        j = await self.expect("joined", **fields)
        check_joined_shape(j)
        self.you = j["you"]
        self.joined = j
        return j

    async def leave(self, id_=None):
        msg = {"type": "leave"}
        if id_ is not None:
            msg["id"] = id_
        await self.send(msg)
        fields = {} if id_ is None else {"id": id_}
        return await self.expect("left", **fields)

    def abort(self):
        """Drop the TCP connection without a close frame or leave."""
        self.ws.transport.abort()

    async def close(self):
        try:
            await asyncio.wait_for(self.ws.close(), 3)
        except Exception:
            self.ws.transport.abort()


def is_id(v):
    return (isinstance(v, str) and v != "") or (isinstance(v, int) and not isinstance(v, bool))


def check_joined_shape(j):
    assert is_id(j.get("you")), "joined.you is not an id: %r" % j
    assert isinstance(j.get("participants"), list), "joined.participants not a list: %r" % j
    for p in j["participants"]:
        assert isinstance(p, dict) and is_id(p.get("id")) and isinstance(p.get("name"), str) \
            and isinstance(p.get("tracks"), list), "bad participant entry %r" % p
        assert p["id"] != j["you"], "joined.participants lists the joiner itself: %r" % j
    assert isinstance(j.get("ice_servers"), list), "joined.ice_servers not a list: %r" % j
    assert isinstance(j.get("resume"), str) and j["resume"], "joined.resume not a token: %r" % j
    assert isinstance(j.get("resumed"), bool), "joined.resumed not a bool: %r" % j


def participants_of(joined):
    """{id: name} of joined.participants."""
    return {p["id"]: p["name"] for p in joined["participants"]}


async def close_all_clients():
    clients = list(_open_clients)
    _open_clients.clear()
    for c in clients:
        try:
            c.ws.transport.abort()
        except Exception:
            pass


def async_test(fn=None, timeout=TEST_TIMEOUT):
    """Run an async test body with asyncio.run(), with an overall timeout;
    every client it opened is dropped at the end."""
    def deco(f):
        @functools.wraps(f)
        def wrapper(*args, **kwargs):
            async def body():
                try:
                    return await asyncio.wait_for(f(*args, **kwargs), timeout)
                finally:
                    await close_all_clients()
            return asyncio.run(body())
        return wrapper
    if fn is not None:
        return deco(fn)
    return deco


# ----------------------------------------------------------------- JWT -----

def b64url(b):
    if isinstance(b, str):
        b = b.encode()
    return base64.urlsafe_b64encode(b).rstrip(b"=").decode()


def make_jwt(claims, secret, header=None, alg="HS256", signature=None):
    """A compact JWS.  alg HS256/HS384/HS512 are signed with secret; any
    other alg ("none") gets an empty signature unless one is given."""
    hdr = {"alg": alg, "typ": "JWT"}
    if header is not None:
        hdr = header
    signing_input = b64url(json.dumps(hdr, separators=(",", ":"))) + "." + \
        b64url(json.dumps(claims, separators=(",", ":")))
    if signature is None:
        digest = {"HS256": hashlib.sha256, "HS384": hashlib.sha384,
                  "HS512": hashlib.sha512}.get(hdr.get("alg"))
        if digest is not None:
            sig = b64url(hmac.new(secret.encode(), signing_input.encode(), digest).digest())
        else:
            sig = ""
    else:
        sig = signature
    return signing_input + "." + sig
