"""Room chat over the `chat` data channel (PROTOCOL 1.3): every message
reaches every other participant once, in order, stamped with the real
sender; 16 KiB is the limit; a participant that stops reading does not
stall the others."""

import asyncio
import json
import os
import signal
import subprocess
import sys
import time
import urllib.request
from pathlib import Path

from chat_client import ChatClient
from starling_helpers import async_test, unique_room

HERE = Path(__file__).resolve().parent


@async_test(timeout=60)
async def test_three_participants_chat_in_order(server):
    srv = server()
    room = unique_room()
    clients = [await ChatClient(srv.ws_url, room, n).start() for n in ("Ann", "Ben", "Cid")]
    ids = {c.name: c.you for c in clients}
    for i in range(5):
        for c in clients:
            c.send("%s %d" % (c.name, i))
    for c in clients:
        await c.wait_count(10)
    for c in clients:
        by_sender = {}
        for m in c.received:
            assert set(m) == {"from", "name", "text", "ts"}, m
            assert m["from"] != c.you, "a participant got its own message"
            assert ids[m["name"]] == m["from"]
            assert abs(m["ts"] - time.time() * 1000) < 60000
            by_sender.setdefault(m["name"], []).append(m["text"])
        for name, texts in by_sender.items():
            assert texts == ["%s %d" % (name, i) for i in range(5)], (c.name, name, texts)
        assert len(c.received) == 10
    await asyncio.sleep(0.5)
    assert all(len(c.received) == 10 for c in clients), "a message arrived twice"
    for c in clients:
        await c.close()


@async_test(timeout=60)
async def test_sizes_and_refusals(server):
    srv = server()
    room = unique_room()
    a = await ChatClient(srv.ws_url, room, "A").start()
    b = await ChatClient(srv.ws_url, room, "B").start()
    a.send("x" * (15 * 1024))
    a.send("y" * (17 * 1024))
    a.send(b"\x00\x01binary")
    a.send("")
    a.send("after")
    await b.wait_count(3)
    await asyncio.sleep(0.5)
    texts = [m["text"] for m in b.received]
    assert texts == ["x" * (15 * 1024), "", "after"], [t[:10] for t in texts]
    codes = sorted(e["code"] for e in a.errors)
    assert codes == ["bad_request", "too_large"], a.errors
    await a.close()
    await b.close()


@async_test(timeout=60)
async def test_spoofed_sender_is_stamped(server):
    srv = server()
    room = unique_room()
    a = await ChatClient(srv.ws_url, room, "Mallory").start()
    b = await ChatClient(srv.ws_url, room, "Bob").start()
    a.send(json.dumps({"from": b.you, "name": "Bob", "text": "I am Bob", "ts": 1}))
    await b.wait_count(1)
    m = b.received[0]
    assert m["from"] == a.you and m["name"] == "Mallory"
    assert json.loads(m["text"])["from"] == b.you   # the text is only text
    await a.close()
    await b.close()


@async_test(timeout=90)
async def test_stopped_reader_does_not_stall_others(server):
    srv = server({"admin.secret": "s"})
    room = unique_room()
    slow = subprocess.Popen([sys.executable, str(HERE / "chat_client.py"), srv.ws_url, room, "Slow"],
                            stdin=subprocess.PIPE, stdout=subprocess.PIPE, env=dict(os.environ))
    try:
        slow_id = json.loads(slow.stdout.readline())["you"]
        a = await ChatClient(srv.ws_url, room, "A").start()
        b = await ChatClient(srv.ws_url, room, "B").start()
        os.kill(slow.pid, signal.SIGSTOP)     # it stops reading anything
        # Enough to fill the stopped reader's bounded send buffer, at a
        # pace a reading client keeps up with.
        n = 400
        payload = "z" * 2000
        for i in range(n):
            a.send("%d %s" % (i, payload))
            if i % 10 == 9:
                await asyncio.sleep(0.05)
        await b.wait_count(n, timeout=40)
        assert [int(m["text"].split()[0]) for m in b.received] == list(range(n))
        req = urllib.request.Request(
            "http://127.0.0.1:%d/admin/rooms/%s/participants/%s" % (srv.admin_port, room, slow_id),
            headers={"Authorization": "Bearer s"})
        info = json.loads(urllib.request.urlopen(req, timeout=5).read())
        assert info["dc_dropped"] > 0, info
        srv.assert_alive()
        await a.close()
        await b.close()
    finally:
        os.kill(slow.pid, signal.SIGCONT)
        slow.kill()
        slow.wait(5)
