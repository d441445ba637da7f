"""`make install DESTDIR=...` installs a working server: the installed
binary starts with the installed configuration and serves the installed
client."""

import subprocess
import tempfile
import time
import urllib.request
from pathlib import Path

from starling_helpers import free_port, server_env, starling_bin


def test_make_install_destdir():
    build = starling_bin().resolve().parent.parent   # the tree with the Makefile
    dest = Path(tempfile.mkdtemp(prefix="starling-install-"))
    subprocess.run(["make", "-C", str(build), "install", "DESTDIR=%s" % dest],
                   check=True, capture_output=True, timeout=300)
    binary = next(dest.rglob("bin/starling"))
    conf = next(dest.rglob("etc/starling/starling.conf"))
    html = next(dest.rglob("share/starling/html"))
    assert (html / "index.html").is_file()
    port = free_port()
    env = server_env({"STARLING_HTTP_PORT": str(port), "STARLING_HTTP_BIND": "127.0.0.1",
                      "STARLING_ADMIN_PORT": str(free_port()),
                      "STARLING_MEDIA_IPS": "127.0.0.1",
                      # The binary looks for its files under the real prefix.
                      "STARLING_HTTP_ROOT": str(html)})
    proc = subprocess.Popen([str(binary), "-c", str(conf)], env=env,
                            stderr=subprocess.PIPE, text=True)
    try:
        for _ in range(50):
            try:
                with urllib.request.urlopen("http://127.0.0.1:%d/healthz" % port, timeout=1) as r:
                    assert r.status == 200
                    break
            except OSError:
                time.sleep(0.1)
        else:
            raise AssertionError("the installed server did not start")
        with urllib.request.urlopen("http://127.0.0.1:%d/" % port, timeout=2) as r:
            assert r.read() == (html / "index.html").read_bytes()
    finally:
        proc.terminate()
        assert proc.wait(10) == 0, proc.stderr.read()
