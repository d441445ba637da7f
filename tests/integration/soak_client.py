#!/usr/bin/python3
"""Join/publish/leave cycles against Starling, for test_soak.py.

    soak_client.py WS_URL ROOM CYCLES CONCURRENCY

Each cycle is a real participant: WebSocket connect, join, an aiortc
RTCPeerConnection publishing a silent audio track and the chat channel,
offer, the server's answer applied, ICE + DTLS connected (the peer
connection's connectionState), leave (answered with left), close.  Server
offers are not answered (the cycle only publishes).  Prints one JSON line
at the end: {"ok": n, "failed": n, "errors": [first few], "seconds": s,
"connect_ms": [median, p95, max]}.
"""

import asyncio
import json
import sys
import time

import aioice.ice
aioice.ice.get_host_addresses = lambda use_ipv4=True, use_ipv6=False: ["127.0.0.1"]

import websockets  # noqa: E402
from aiortc import RTCPeerConnection, RTCSessionDescription  # noqa: E402
from aiortc.mediastreams import AudioStreamTrack  # noqa: E402


async def recv_type(ws, types, timeout):
    """The next message of one of these types (others are skipped)."""
    deadline = time.monotonic() + timeout
    while True:
        left = deadline - time.monotonic()
        if left <= 0:
            raise TimeoutError("no %s within %.0f s" % (types, timeout))
        m = json.loads(await asyncio.wait_for(ws.recv(), left))
        if m["type"] in types:
            return m
        if m["type"] == "error":
            raise RuntimeError("error %s" % m)


async def cycle(url, room, i):
    ws = await asyncio.wait_for(websockets.connect(url, max_size=None, ping_interval=None,
                                                   close_timeout=2), 10)
    pc = RTCPeerConnection()
    track = AudioStreamTrack()
    try:
        await ws.send(json.dumps({"type": "join", "room": room, "name": "soak%d" % i, "id": "j"}))
        await recv_type(ws, ("joined",), 10)
        pc.addTrack(track)
        pc.createDataChannel("chat")
        await pc.setLocalDescription(await pc.createOffer())
        t0 = time.monotonic()
        await ws.send(json.dumps({"type": "offer", "id": "o", "sdp": pc.localDescription.sdp,
                                  "tracks": {"0": {"label": "mic"}}}))
        ans = await recv_type(ws, ("answer",), 15)
        await pc.setRemoteDescription(RTCSessionDescription(ans["sdp"], "answer"))
        deadline = time.monotonic() + 20
        while pc.connectionState != "connected":
            if pc.connectionState in ("failed", "closed") or time.monotonic() > deadline:
                raise RuntimeError("peer connection %s" % pc.connectionState)
            await asyncio.sleep(0.02)
        took = time.monotonic() - t0
        await ws.send(json.dumps({"type": "leave", "id": "l"}))
        await recv_type(ws, ("left",), 10)
        return took
    finally:
        track.stop()
        try:
            await asyncio.wait_for(pc.close(), 5)
        except Exception:
            pass
        try:
            await asyncio.wait_for(ws.close(), 3)
        except Exception:
            ws.transport.abort()


async def main(url, room, cycles, concurrency):
    sem = asyncio.Semaphore(concurrency)
    res = {"ok": 0, "failed": 0, "errors": []}
    times = []

    async def one(i):
        async with sem:
            try:
                times.append(await asyncio.wait_for(cycle(url, room, i), 60))
                res["ok"] += 1
            except Exception as e:
                res["failed"] += 1
                if len(res["errors"]) < 5:
                    res["errors"].append("%d: %s: %s" % (i, type(e).__name__, e))

    t0 = time.monotonic()
    await asyncio.gather(*(one(i) for i in range(cycles)))
    res["seconds"] = round(time.monotonic() - t0, 1)
    times.sort()
    if times:
        res["connect_ms"] = [round(1000 * times[len(times) // 2]),
                             round(1000 * times[int(len(times) * 0.95)]),
                             round(1000 * times[-1])]
    print(json.dumps(res), flush=True)


if __name__ == "__main__":
    if len(sys.argv) != 5:
        sys.exit("usage: soak_client.py WS_URL ROOM CYCLES CONCURRENCY")
    asyncio.run(main(sys.argv[1], sys.argv[2], int(sys.argv[3]), int(sys.argv[4])))
