"""http.tls_cert/http.tls_key (HTTPS and WSS on the same port) and the
WebSocket Origin allow-list (http.allowed_origins)."""

import asyncio
import json
import ssl
import subprocess
import urllib.request

import pytest
import websockets

import time

from starling_helpers import REPO, Server, starling_bin


@pytest.fixture(scope="module")
def cert(tmp_path_factory):
    d = tmp_path_factory.mktemp("tls")
    subprocess.run(["openssl", "req", "-x509", "-newkey", "ec", "-pkeyopt",
                    "ec_paramgen_curve:P-256", "-nodes", "-keyout", str(d / "key.pem"),
                    "-out", str(d / "cert.pem"), "-days", "2", "-subj", "/CN=localhost"],
                   check=True, capture_output=True)
    return d / "cert.pem", d / "key.pem"


def insecure():
    ctx = ssl.create_default_context()
    ctx.check_hostname = False
    ctx.verify_mode = ssl.CERT_NONE
    return ctx


def start_tls(cert):
    """A server with TLS on; the shared fixture's health check speaks
    plain HTTP, so this one polls over HTTPS itself."""
    srv = Server({"http.tls_cert": str(cert[0]), "http.tls_key": str(cert[1])})
    srv._log = open(srv.log_path, "wb")
    srv.proc = subprocess.Popen([str(starling_bin()), "-c", str(srv.config)],
                                cwd=str(REPO), env=srv.env, stdin=subprocess.DEVNULL,
                                stdout=srv._log, stderr=subprocess.STDOUT)
    for _ in range(100):
        try:
            with urllib.request.urlopen("https://127.0.0.1:%d/healthz" % srv.port,
                                        context=insecure(), timeout=1) as r:
                assert json.loads(r.read()) == {"status": "ok"}
                return srv
        except OSError:
            time.sleep(0.05)
    srv.kill()
    raise AssertionError("no HTTPS /healthz; log:\n" + srv.log_tail())


def test_tls_serves_https_and_wss(cert):
    srv = start_tls(cert)
    try:
        check_tls(srv)
    finally:
        assert srv.stop()[0] == 0


def check_tls(srv):
    async def join():
        async with websockets.connect("wss://127.0.0.1:%d/ws" % srv.port, ssl=insecure()) as ws:
            await ws.send(json.dumps({"type": "join", "room": "tls", "name": "T"}))
            return json.loads(await asyncio.wait_for(ws.recv(), 5))
    assert asyncio.run(join())["type"] == "joined"
    # Plain HTTP on the TLS port does not get a page.
    with pytest.raises(Exception):
        urllib.request.urlopen("http://127.0.0.1:%d/healthz" % srv.port, timeout=3).read()


def test_tls_key_without_cert_refused(tmp_path):
    from starling_helpers import server_env, write_config
    conf = tmp_path / "c.conf"
    write_config(conf, {"http.tls_key": "/nonexistent.pem"})
    p = subprocess.run([str(starling_bin()), "-c", str(conf)], env=server_env(),
                       capture_output=True, text=True, timeout=10)
    assert p.returncode != 0
    assert "tls_cert" in p.stderr


@pytest.mark.parametrize("origin,ok", [
    (None, True),                       # not a browser: no Origin header
    ("https://good.example", True),
    ("https://GOOD.example", True),
    ("https://other.example", False),
    ("https://good.example.evil", False),
    ("null", False),
])
def test_origin_allow_list(server, origin, ok):
    srv = server({"http.allowed_origins": "https://good.example, http://localhost:8080"})

    async def attempt():
        kw = {"origin": origin} if origin else {}
        async with websockets.connect(srv.ws_url, **kw) as ws:
            await ws.send(json.dumps({"type": "join", "room": "o", "name": "O"}))
            return json.loads(await asyncio.wait_for(ws.recv(), 5))["type"]
    if ok:
        assert asyncio.run(attempt()) == "joined"
    else:
        with pytest.raises(Exception):
            asyncio.run(attempt())
