#!/usr/bin/python3
"""A two-party aiortc call through a running Starling: both publish video
and each must decode the other's at >= MIN_FPS over the window.

    two_party_call.py ws://127.0.0.1:8080/ws [seconds]

Exits 0 on success, 1 with a reason otherwise. Used by scripts/docker-test;
run it where 127.0.0.1 reaches the server (aioice is told to offer only
that address).
"""
import asyncio
import json
import sys
import time

import aioice.ice
aioice.ice.get_host_addresses = lambda use_ipv4=True, use_ipv6=False: ["127.0.0.1"]

import av  # noqa: E402
import numpy  # noqa: E402
import websockets  # noqa: E402
from aiortc import RTCPeerConnection, RTCSessionDescription, VideoStreamTrack  # noqa: E402

MIN_FPS = float(__import__("os").environ.get("MIN_FPS", "10"))


class Pattern(VideoStreamTrack):
    """320x240 frames whose shade changes, so the encoder has work to do."""

    def __init__(self):
        super().__init__()
        self.n = 0

    async def recv(self):
        pts, time_base = await self.next_timestamp()
        self.n += 1
        img = numpy.full((240, 320, 3), self.n % 255, numpy.uint8)
        frame = av.VideoFrame.from_ndarray(img, format="rgb24")
        frame.pts, frame.time_base = pts, time_base
        return frame


async def party(name, url, room, seconds, counts):
    ws = await websockets.connect(url)
    pc = RTCPeerConnection()
    counts[name] = []

    @pc.on("track")
    def on_track(track):
        async def read():
            while True:
                try:
                    await track.recv()
                except Exception:
                    return
                counts[name].append(time.monotonic())
        asyncio.ensure_future(read())

    pc.addTrack(Pattern())
    pc.createDataChannel("chat")
    await ws.send(json.dumps({"type": "join", "room": room, "name": name}))
    joined = json.loads(await ws.recv())
    assert joined["type"] == "joined", joined
    await pc.setLocalDescription(await pc.createOffer())
    await ws.send(json.dumps({"type": "offer", "id": 1, "sdp": pc.localDescription.sdp}))
    end = time.monotonic() + seconds
    while time.monotonic() < end:
        try:
            msg = json.loads(await asyncio.wait_for(ws.recv(), 0.5))
        except asyncio.TimeoutError:
            continue
        if msg["type"] == "answer":
            await pc.setRemoteDescription(RTCSessionDescription(msg["sdp"], "answer"))
        elif msg["type"] == "offer":
            await pc.setRemoteDescription(RTCSessionDescription(msg["sdp"], "offer"))
            await pc.setLocalDescription(await pc.createAnswer())
            await ws.send(json.dumps({"type": "answer", "sdp": pc.localDescription.sdp}))
        elif msg["type"] == "error":
            raise RuntimeError("%s: %s" % (name, msg))
    await pc.close()
    await ws.close()


async def main():
    url = sys.argv[1]
    seconds = float(sys.argv[2]) if len(sys.argv) > 2 else 10
    counts = {}
    await asyncio.gather(party("A", url, "docker", seconds, counts),
                         party("B", url, "docker", seconds, counts))
    ok = True
    for name, times in counts.items():
        window = [t for t in times if t >= times[0] + 2] if times else []
        fps = len(window) / (window[-1] - window[0]) if len(window) > 1 else 0
        print("%s decoded %d frames, %.1f fps" % (name, len(times), fps))
        ok &= fps >= MIN_FPS
    return 0 if ok else 1


if __name__ == "__main__":
    sys.exit(asyncio.run(main()))
