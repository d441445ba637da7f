"""The public HTTP listener: bundled client, /healthz, no path traversal.
Requests are written by hand so that paths reach the server unnormalised."""

import json

import pytest

from starling_helpers import HTML_DIR, REPO, http_raw


def test_healthz(shared_server):
    status, headers, body = http_raw(shared_server.port, "/healthz")
    assert status == 200
    assert headers.get("content-type", "").split(";")[0].strip() == "application/json", headers
    assert json.loads(body) == {"status": "ok"}


def test_index_html(shared_server):
    index = HTML_DIR / "index.html"
    assert index.exists(), "html/index.html is missing from the tree"
    status, headers, body = http_raw(shared_server.port, "/")
    assert status == 200
    assert headers.get("content-type", "").split(";")[0].strip() == "text/html", headers
    assert body == index.read_bytes()


def test_index_html_with_query(shared_server):
    """The bundled client is opened as /?room=R&name=N (PROTOCOL.md 3)."""
    index = HTML_DIR / "index.html"
    status, headers, body = http_raw(shared_server.port, "/?room=abc&name=Bob")
    assert status == 200
    assert body == index.read_bytes()


def test_other_files_from_html_dir(shared_server):
    files = [p for p in HTML_DIR.rglob("*") if p.is_file() and p.name != "index.html"]
    if not files:
        pytest.skip("html/ has no file besides index.html")
    for p in files[:10]:
        rel = "/" + p.relative_to(HTML_DIR).as_posix()
        status, _, body = http_raw(shared_server.port, rel)
        assert status == 200, rel
        assert body == p.read_bytes(), rel


@pytest.mark.parametrize("path", ["/no-such-file.html", "/nope/", "/index.html.bak",
                                  "/nope/index.html"])
def test_missing_file_404(shared_server, path):
    status, _, body = http_raw(shared_server.port, path)
    assert status == 404, "%s -> %s" % (path, status)
    shared_server.assert_alive()


@pytest.mark.parametrize("path", ["/%00", "/index.html%00.txt", "/%ff%fe", "/%zz", "/%",
                                  "/" + "a" * 5000, "/?" + "q" * 5000])
def test_odd_paths_harmless(shared_server, path):
    """No prescribed status: the server may refuse (4xx), close, or serve the
    bundled client, but it must serve nothing else and keep running."""
    status, _, body = http_raw(shared_server.port, path)
    assert status is None or 400 <= status < 500 or \
        (status == 200 and body == (HTML_DIR / "index.html").read_bytes()), \
        "%s -> %s %r" % (path[:50], status, body[:200])
    shared_server.assert_alive()


SECRETS = [
    (REPO / "configure.ac", b"AC_INIT"),
    (REPO / "Makefile.am", b"noinst_LIBRARIES"),
]


@pytest.mark.parametrize("path", [
    "/../configure.ac",
    "/%2e%2e/configure.ac",
    "/%2E%2E/configure.ac",
    "/..%2fconfigure.ac",
    "/..%2Fconfigure.ac",
    "/%2e%2e%2fconfigure.ac",
    "/.%2e/configure.ac",
    "/..\\configure.ac",
    "/x/../../configure.ac",
    "/./../configure.ac",
    "/../../../../../../etc/passwd",
    "//etc/passwd",
    "/%2fetc/passwd",
    "/..%252fconfigure.ac",
    "/../Makefile.am",
    "/%c0%ae%c0%ae/configure.ac",
    "/....//configure.ac",
    "..//configure.ac",
    "../configure.ac",
    "/html/../configure.ac",
])
def test_no_path_traversal(shared_server, path):
    status, _, body = http_raw(shared_server.port, path)
    leaked = [str(p) for p, marker in SECRETS if marker in body]
    if b"root:x:0:0" in body:
        leaked.append("/etc/passwd")
    assert not leaked, "%s -> %s leaked %s" % (path, status, leaked)
    assert status != 200 or body == (HTML_DIR / "index.html").read_bytes() or \
        status is None, "%s -> 200 with unexpected content %r" % (path, body[:200])
    shared_server.assert_alive()


def test_ws_path_without_upgrade(shared_server):
    """A plain GET of /ws is not a WebSocket; whatever the answer, the
    server keeps serving."""
    http_raw(shared_server.port, "/ws")
    shared_server.assert_alive()
