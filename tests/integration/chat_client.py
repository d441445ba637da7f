#!/usr/bin/python3
"""A chat-only participant (aiortc): joins, opens the `chat` data channel
in its first offer, answers server offers, and records what arrives.

As a program (for tests that stop or kill it): chat_client.py URL ROOM NAME
prints its participant id, then every chat message it gets as one JSON
line, and sends each line of its standard input as a chat message.
"""

import asyncio
import json
import sys

import aioice.ice
aioice.ice.get_host_addresses = lambda use_ipv4=True, use_ipv6=False: ["127.0.0.1"]

import websockets  # noqa: E402
from aiortc import RTCPeerConnection, RTCSessionDescription  # noqa: E402


class ChatClient:
    def __init__(self, url, room, name):
        self.url, self.room, self.name = url, room, name
        self.received = []   # chat messages, parsed
        self.errors = []     # signaling errors
        self.you = None
        self.opened = asyncio.Event()
        self.got = asyncio.Event()

    async def start(self, timeout=15):
        self.ws = await websockets.connect(self.url, max_size=None)
        self.pc = RTCPeerConnection()
        self.channel = self.pc.createDataChannel("chat")
        self.channel.on("open", self.opened.set)

        @self.channel.on("message")
        def on_message(m):
            self.received.append(json.loads(m))
            self.got.set()

        await self.ws.send(json.dumps({"type": "join", "room": self.room, "name": self.name}))
        joined = json.loads(await self.ws.recv())
        assert joined["type"] == "joined", joined
        self.you = joined["you"]
        await self.pc.setLocalDescription(await self.pc.createOffer())
        await self.ws.send(json.dumps({"type": "offer", "id": "o", "sdp": self.pc.localDescription.sdp}))
        self.pump_task = asyncio.ensure_future(self.pump())
        await asyncio.wait_for(self.opened.wait(), timeout)
        return self

    async def pump(self):
        try:
            async for raw in self.ws:
                m = json.loads(raw)
                if m["type"] == "answer":
                    await self.pc.setRemoteDescription(RTCSessionDescription(m["sdp"], "answer"))
                elif m["type"] == "offer":
                    await self.pc.setRemoteDescription(RTCSessionDescription(m["sdp"], "offer"))
                    await self.pc.setLocalDescription(await self.pc.createAnswer())
                    await self.ws.send(json.dumps({"type": "answer", "sdp": self.pc.localDescription.sdp}))
                elif m["type"] == "error":
                    self.errors.append(m)
        except websockets.ConnectionClosed:
            pass

    def send(self, text):
        self.channel.send(text)

    async def wait_count(self, n, timeout=10):
        end = asyncio.get_event_loop().time() + timeout
        while len(self.received) < n:
            left = end - asyncio.get_event_loop().time()
            if left <= 0:
                raise AssertionError("%s got %d of %d chat messages: %r"
                                     % (self.name, len(self.received), n, self.received[-3:]))
            self.got.clear()
            try:
                await asyncio.wait_for(self.got.wait(), left)
            except asyncio.TimeoutError:
                pass

    async def close(self):
        self.pump_task.cancel()
        await self.pc.close()
        await self.ws.close()


async def main():
    c = await ChatClient(*sys.argv[1:4]).start()
    print(json.dumps({"you": c.you}), flush=True)
    loop = asyncio.get_event_loop()
    reader = asyncio.StreamReader()
    await loop.connect_read_pipe(lambda: asyncio.StreamReaderProtocol(reader), sys.stdin)
    seen = 0

    async def echo():
        nonlocal seen
        while True:
            await asyncio.sleep(0.05)
            while seen < len(c.received):
                print(json.dumps(c.received[seen]), flush=True)
                seen += 1
    asyncio.ensure_future(echo())
    while True:
        line = await reader.readline()
        if not line:
            break
        c.send(line.decode().rstrip("\n"))
    await asyncio.sleep(0.5)
    await c.close()


if __name__ == "__main__":
    asyncio.run(main())
