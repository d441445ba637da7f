#!/usr/bin/python3
"""Two honest participants for the hostile-input tests, in a process of
their own so that the attacker (the test) does not steal their CPU time.

    honest_pair.py WS_URL ROOM [max seconds]

A and B (media_client.MediaClient, VP8 video only, chat channel) join ROOM
and send each other video.  Once each decodes the other's video it prints

    READY {"A": <participant id>, "B": <participant id>}

then, every 0.25 s, one line

    FRAMES {"t": <time.monotonic()>, "A": <frames A decoded from B>,
            "B": <frames B decoded from A>, "state": {"A": ..., "B": ...}}

with cumulative counts (time.monotonic() is CLOCK_MONOTONIC, the same clock
in every process).  Any problem is printed as "ERROR <text>".  It ends when
its standard input closes or after max seconds (default 600).
"""

import asyncio
import json
import sys
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))

from media_client import MediaClient, close_all_media_clients  # noqa: E402


def out(tag, obj):
    sys.stdout.write("%s %s\n" % (tag, json.dumps(obj)))
    sys.stdout.flush()


async def wait_video_of(x, participant, timeout=20.0):
    """x's key (participant, track) of participant's video, once offered."""
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        for k in x.video_keys():
            if k[0] == participant and k in x.mid_owner.values():
                return k
        await asyncio.sleep(0.1)
    raise AssertionError("%s: %s's video never offered; messages: %s"
                         % (x.label, participant, x.summary(0, 20)))


async def main(url, room, max_s):
    loop = asyncio.get_running_loop()
    stdin_closed = asyncio.Event()
    reader = asyncio.StreamReader()
    await loop.connect_read_pipe(lambda: asyncio.StreamReaderProtocol(reader), sys.stdin)

    async def watch_stdin():
        while await reader.readline():
            pass
        stdin_closed.set()
    asyncio.ensure_future(watch_stdin())

    try:
        a = MediaClient(url, "A", video=True, audio=False)
        await a.start(room, "Alice")
        b = MediaClient(url, "B", video=True, audio=False)
        await b.start(room, "Bob")
        ka = await wait_video_of(a, b.you)
        kb = await wait_video_of(b, a.you)
        await a.wait_frames([ka], n=10, timeout=25)
        await b.wait_frames([kb], n=10, timeout=25)
        out("READY", {"A": a.you, "B": b.you})
        end = time.monotonic() + max_s
        while not stdin_closed.is_set() and time.monotonic() < end:
            out("FRAMES", {"t": time.monotonic(), "A": a.frame_count(ka),
                           "B": b.frame_count(kb),
                           "state": {"A": a.pc.connectionState, "B": b.pc.connectionState},
                           "closed": {"A": a.closed, "B": b.closed},
                           "failures": a.failures + b.failures})
            try:
                await asyncio.wait_for(stdin_closed.wait(), 0.25)
            except asyncio.TimeoutError:
                pass
    except Exception as e:
        out("ERROR", "%s: %s" % (type(e).__name__, e))
    finally:
        await close_all_media_clients()


if __name__ == "__main__":
    if len(sys.argv) < 3:
        sys.exit("usage: honest_pair.py WS_URL ROOM [max seconds]")
    asyncio.run(main(sys.argv[1], sys.argv[2],
                     float(sys.argv[3]) if len(sys.argv) > 3 else 600.0))
