import asyncio, time, json, logging
_h=logging.FileHandler("/tmp/mt/aiortc.log","w"); logging.getLogger().addHandler(_h); logging.getLogger().setLevel(logging.DEBUG)
for n in ("aioice","websockets"): logging.getLogger(n).setLevel(logging.WARNING)
from starling_helpers import async_test, unique_room
from media_client import MediaClient, close_all_media_clients, sdp_sections

@async_test(timeout=60)
async def test_two(server):
    srv = server({"media.ips": "127.0.0.1"})
    room = unique_room()
    try:
        a = await MediaClient(srv, "A").start(room, "Alice")
        b = await MediaClient(srv, "B").start(room, "Bob")
        
        await asyncio.sleep(6)
        for c in (a, b):
            print(c.label, c.summary(0, 30))
            print({k: len(v) for k, v in c.frames.items()}, c.frame_sizes, c.failures, c.pc.connectionState, {m: len(v) for m,v in c.frames_by_mid.items()}, len(c._readers), c._readers, await c.inbound_packets(), await c.outbound_packets(), c.mid_owner)
    finally:
        await close_all_media_clients()
