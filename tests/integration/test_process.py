"""The starling process: flags, configuration errors, environment
overrides, shutdown on SIGTERM/SIGINT (PROTOCOL.md 4)."""

import re
import signal
import subprocess
import time

import pytest

from starling_helpers import (REPO, Client, Server, async_test, free_port, http_raw,
                              server_env, starling_bin, unique_room)


def run_bin(args, timeout=10, env=None):
    p = subprocess.run([str(starling_bin())] + args, cwd=str(REPO), env=server_env(env),
                       stdin=subprocess.DEVNULL, capture_output=True, timeout=timeout)
    return p.returncode, p.stdout.decode(errors="replace"), p.stderr.decode(errors="replace")


def project_version():
    m = re.search(r"AC_INIT\(\[starling\],\s*\[([^\]]+)\]", (REPO / "configure.ac").read_text())
    assert m, "no version in configure.ac"
    return m.group(1)


def test_version():
    code, out, err = run_bin(["--version"])
    assert code == 0, (code, out, err)
    assert project_version() in out, "--version printed %r (stderr %r)" % (out, err)


def test_help():
    code, out, err = run_bin(["--help"])
    assert code == 0, (code, out, err)
    text = out + err
    for flag in ("-c", "--help", "--version"):
        assert flag in text, "--help does not mention %s:\n%s" % (flag, text)
    assert out.strip(), "--help printed nothing on stdout"


def test_unknown_flag_fails():
    code, out, err = run_bin(["--no-such-flag"])
    assert code != 0


def test_missing_config_file_fails(tmp_path):
    code, out, err = run_bin(["-c", str(tmp_path / "nope.conf")])
    assert code != 0
    assert "nope.conf" in out + err


def start_expect_failure(tmp_path, text, line):
    conf = tmp_path / "bad.conf"
    conf.write_text(text)
    code, out, err = run_bin(["-c", str(conf)])
    assert code != 0, "server started with a bad config:\n%s" % text
    lines = line if isinstance(line, tuple) else (line,)
    wants = ["%s:%d:" % (conf, n) for n in lines]
    assert any(w in out + err for w in wants), \
        "none of %r in the output:\nstdout: %s\nstderr: %s" % (wants, out, err)


def base_conf(port):
    return "[http]\nport = %d\nbind = 127.0.0.1\n" % port


@pytest.mark.parametrize("extra,line", [
    ("bogus = 1\n", 4),
    ("\n[media]\nips = 127.0.0.1\nnot_a_key = x\n", 7),
    ("[nosuchsection]\nkey = 1\n", (4, 5)),
], ids=["unknown-key", "unknown-key-later-section", "unknown-section"])
def test_config_unknown_key(tmp_path, extra, line):
    start_expect_failure(tmp_path, base_conf(free_port()) + extra, line)


@pytest.mark.parametrize("text,line", [
    ("[http]\nport = notanumber\n", 2),
    ("[http]\nbind = 127.0.0.1\nport = 70000\n", 3),
    ("[http]\nport = -1\n", 2),
    ("[log]\nlevel = loud\n", 2),
    ("[media]\nips = not-an-ip\n", 2),
    ("[media]\nport_range = 40000-20000\n", 2),
    ("[rooms]\nauto_create = maybe\n", 2),
    ("[rooms]\nmax_participants = many\n", 2),
    ("# comment\n\n[http]\nbind = 999.1.1.1\n", 4),
], ids=["port-text", "port-range", "port-negative", "log-level", "media-ips", "port-range-reversed",
        "bool", "max-participants-text", "bind"])
def test_config_bad_value(tmp_path, text, line):
    start_expect_failure(tmp_path, text, line)


def test_env_overrides_port(server):
    port = free_port()
    srv = server(env={"STARLING_HTTP_PORT": str(port)}, health_port=port)
    assert port != srv.port
    status, _, _ = http_raw(port, "/healthz")
    assert status == 200
    try:
        status, _, _ = http_raw(srv.port, "/healthz", timeout=1)
    except OSError:
        status = None
    assert status is None, "the file's port still answers although the env overrides it"


def test_flag_overrides_file_port(tmp_path):
    """The common keys have flags (--help): -p/--port beats the file."""
    fport, port = free_port(), free_port()
    conf = tmp_path / "f.conf"
    conf.write_text(base_conf(fport) + "[media]\nips = 127.0.0.1\n")
    p = subprocess.Popen([str(starling_bin()), "-c", str(conf), "-p", str(port)], cwd=str(REPO),
                         env=server_env(), stdin=subprocess.DEVNULL, stdout=subprocess.PIPE,
                         stderr=subprocess.STDOUT)
    try:
        deadline = time.monotonic() + 10
        status = None
        while time.monotonic() < deadline and p.poll() is None:
            try:
                status, _, _ = http_raw(port, "/healthz", timeout=1)
                if status == 200:
                    break
            except OSError:
                time.sleep(0.05)
        assert status == 200, "nothing on the --port port"
        p.send_signal(signal.SIGTERM)
        assert p.wait(10) == 0
    finally:
        if p.poll() is None:
            p.kill()
            p.wait(5)


def test_env_bad_value_fails(tmp_path):
    conf = tmp_path / "ok.conf"
    conf.write_text(base_conf(free_port()))
    code, out, err = run_bin(["-c", str(conf)], env={"STARLING_HTTP_PORT": "eighty"})
    assert code != 0


@pytest.mark.parametrize("sig", [signal.SIGTERM, signal.SIGINT], ids=["SIGTERM", "SIGINT"])
def test_signal_shutdown_idle(sig):
    srv = Server().start()
    try:
        code, took = srv.stop(sig, timeout=5)
        assert code == 0, "exit code %s after %s; log:\n%s" % (code, sig.name, srv.log_tail())
        assert took < 5
    finally:
        srv.kill()


@pytest.mark.parametrize("sig", [signal.SIGTERM, signal.SIGINT], ids=["SIGTERM", "SIGINT"])
def test_signal_shutdown_with_clients(sig):
    srv = Server({"rooms.resume_grace_s": 30}).start()
    try:
        @async_test
        async def populate():
            room = unique_room()
            clients = []
            for i in range(3):
                c = await Client.connect(srv, "c%d" % i)
                await c.join(room, "n%d" % i)
                clients.append(c)
            # One joined client drops: its participant waits in the grace
            # period when the signal arrives.
            clients[0].abort()
            # One socket that never joined.
            await Client.connect(srv, "idle")
            t0 = time.monotonic()
            srv.proc.send_signal(sig)
            # Open sockets are closed by the server.
            for c in clients[1:]:
                await c.expect_closed(timeout=5, allow_messages=True)
            return time.monotonic() - t0
        populate()
        try:
            srv.proc.wait(5)
        except subprocess.TimeoutExpired:
            pass
        code = srv.proc.poll()
        assert code == 0, "exit code %s after %s with clients; log:\n%s" % (
            code, sig.name, srv.log_tail())
    finally:
        srv.kill()
