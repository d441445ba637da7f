"""Fixtures for Starling's integration tests.

server  -- factory: server({"rooms.max_participants": 2}) starts a server
           with those config overrides and returns a Server (.port, .url,
           .ws_url, .proc, .log_text()).  Teardown sends SIGTERM and
           requires exit code 0 within 10 s.
shared_server -- one default server per test module, for tests that only
           need a plain server (each such test uses its own room names);
           restarted for the next test if a test kills it.

Run the suite through tests/integration/run (a private network namespace).
"""

import sys
from pathlib import Path

import pytest

sys.path.insert(0, str(Path(__file__).resolve().parent))

from starling_helpers import Server, ServerPool, pooled_server, stop_servers, item_failed  # noqa: E402


def pytest_configure(config):
    config.addinivalue_line("markers", "soak: long churn soak (tests/integration/test_soak.py); "
                            "select with -m soak, skip with -m 'not soak'")


@pytest.hookimpl(hookwrapper=True)
def pytest_runtest_makereport(item, call):
    outcome = yield
    rep = outcome.get_result()
    setattr(item, "rep_" + rep.when, rep)


@pytest.fixture
def server(request):
    started = []

    def factory(overrides=None, env=None, health_port=None):
        srv = Server(overrides, env=env)
        started.append(srv)
        srv.start(health_port=health_port)
        return srv

    yield factory
    problems = stop_servers(started, dump_logs=item_failed(request.node))
    assert not problems, "; ".join(problems)


@pytest.fixture(scope="module")
def _shared_pool():
    pool = ServerPool()
    yield pool
    problems = pool.shutdown()
    assert not problems, "; ".join(problems)


@pytest.fixture
def shared_server(request, _shared_pool):
    """A default server shared by the tests of a module (each test uses its
    own rooms).  If a test kills it, that test fails and the next one gets a
    fresh server."""
    yield from pooled_server(_shared_pool, request)
