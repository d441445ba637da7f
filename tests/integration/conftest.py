"""Fixtures for Starling's integration tests.

server  -- factory: server({"rooms.max_participants": 2}) starts a server
           with those config overrides and returns a Server (.port, .url,
           .ws_url, .proc, .log_text()).  Teardown sends SIGTERM and
           requires exit code 0 within 10 s.
shared_server -- one default server per test module, for tests that only
           need a plain server (each such test uses its own room names).

Run the suite through tests/integration/run (a private network namespace).
"""

import sys
from pathlib import Path

import pytest

sys.path.insert(0, str(Path(__file__).resolve().parent))

from starling_helpers import Server, stop_servers  # noqa: E402


@pytest.hookimpl(hookwrapper=True)
def pytest_runtest_makereport(item, call):
    outcome = yield
    rep = outcome.get_result()
    setattr(item, "rep_" + rep.when, rep)


def _test_failed(node):
    for when in ("setup", "call"):
        rep = getattr(node, "rep_" + when, None)
        if rep is not None and rep.failed:
            return True
    return False


@pytest.fixture
def server(request):
    started = []

    def factory(overrides=None, env=None, health_port=None):
        srv = Server(overrides, env=env)
        started.append(srv)
        srv.start(health_port=health_port)
        return srv

    yield factory
    problems = stop_servers(started, dump_logs=_test_failed(request.node))
    assert not problems, "; ".join(problems)


@pytest.fixture(scope="module")
def shared_server(request):
    before = request.session.testsfailed
    srv = Server()
    srv.start()
    yield srv
    problems = stop_servers([srv], dump_logs=request.session.testsfailed > before)
    assert not problems, "; ".join(problems)


@pytest.fixture(autouse=True)
def _shared_server_log_on_failure(request):
    """When a test on the shared server fails, show the server log lines it
    produced."""
    names = [n for n in ("shared_server", "auth_server") if n in request.fixturenames]
    if not names:
        yield
        return
    srv = request.getfixturevalue(names[0])
    start = srv.log_size()
    yield
    if _test_failed(request.node):
        print("\n===== starling log during this test (port %d) =====\n%s\n===== end ====="
              % (srv.port, srv.log_since(start)[-20000:]))
