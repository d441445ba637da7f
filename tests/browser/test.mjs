// Browser tests of the bundled meeting client: four Chromium pages in one
// room, leaving, screen sharing, muting, and resuming after a dropped
// WebSocket. Run through tests/browser/run (it sets up the network
// namespace); screenshots land in tests/browser/out/.

import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import path from 'node:path';
import {
  Server, OUT, launchBrowser, openPage, until, sleep, remoteVideos, expectFlowingVideo,
} from './lib.mjs';

const server = new Server();
let browser;
const pages = []; // the four participants, in join order
const ids = []; // their participant ids
const room = `browser-${Date.now().toString(36)}`;
const allPages = [];

async function participant(name, opts = {}) {
  const page = await openPage(browser, `${server.url}/?room=${room}&name=${encodeURIComponent(name)}&lowres=1&debug=1`,
    { label: name, ...opts });
  allPages.push(page);
  return page;
}

const you = (page) => until('the page to join', () => page.evaluate(() => window.starling.you));
const othersOf = (i, among = ids) => among.filter((_, j) => j !== i);

/** On failure: the pages' logs and stats, the server's view (admin API) and its log. */
async function diagnose() {
  for (const p of allPages) {
    for (const line of p.logs.slice(-40)) {
      // SDPs shortened to their sections' mid and direction.
      console.log(line.replace(/"sdp":"([^"]*)"/g, (m, sdp) => `"sdp":"${(sdp.match(/a=mid:\w+|a=(sendonly|recvonly|inactive|sendrecv)/g) || []).join(' ')}"`).slice(0, 700));
    }
  }
  for (const [i, p] of pages.entries()) {
    if (p.isClosed()) continue;
    const info = await p.evaluate(async () => {
      const pc = window.starling.pc;
      if (!pc) return 'no peer connection';
      const lines = [`state ${pc.connectionState}/${pc.signalingState}`];
      (await pc.getStats()).forEach((s) => {
        if (s.type === 'inbound-rtp' || s.type === 'outbound-rtp') {
          lines.push(`${s.type} mid=${s.mid} ${s.kind} ssrc=${s.ssrc} packets=${s.packetsReceived ?? s.packetsSent} frames=${s.framesDecoded ?? s.framesEncoded ?? ''}`);
        }
      });
      const sections = (pc.remoteDescription?.sdp || '').split('\r\nm=').slice(1)
        .map((m) => m.split('\r\n').filter((l) => /^(video|audio|application)|^a=(mid|msid|ssrc:|sendonly|recvonly|inactive|sendrecv)/.test(l)).join(' | '));
      return [...lines, 'remote description:', ...sections].join('\n  ');
    }).catch((err) => err.message);
    console.log(`--- page ${i} (${ids[i]}) ---\n  ${info}`);
  }
  try {
    const r = await server.admin(`/admin/rooms/${room}`);
    for (const p of r.participants || []) {
      console.log(`server: ${p.id} ${p.name} ice=${p.ice_state} dtls=${p.dtls_state}`);
      for (const t of p.tracks) console.log(`  publishes ${t.id} ${t.kind} ${t.codec} ssrc=${t.ssrc} packets=${t.packets} plis_sent=${t.plis_sent}`);
      for (const t of p.subscriptions) console.log(`  receives ${t.track} packets=${t.packets} plis_received=${t.plis_received}`);
    }
  } catch (err) {
    console.log(`admin API: ${err.message}`);
  }
  console.log('--- server log (tail) ---');
  console.log(server.logTail(40));
}

/** A test whose failure prints diagnostics first. */
function scenario(name, fn) {
  test(name, async (t) => {
    try {
      await fn(t);
    } catch (err) {
      await diagnose();
      throw err;
    }
  });
}

before(async () => {
  await server.start({ adminSecret: 'browser-test-admin' });
  browser = await launchBrowser();
});

after(async () => {
  if (browser) await browser.close();
  const code = await server.stop();
  assert.equal(code, 0, 'the server exits with 0 on SIGTERM');
});

test('the start page shows the form, the preview and the device pickers', async () => {
  const page = await participant('start', {});
  await page.goto(server.url + '/');
  await page.waitForSelector('#join-form', { state: 'visible' });
  await until('the camera preview to play', () => page.evaluate(() => document.querySelector('#preview').videoWidth > 0));
  await until('the device pickers to fill', () => page.evaluate(
    () => document.querySelectorAll('#camera-select option').length > 0 && document.querySelectorAll('#mic-select option').length > 0));
  assert.ok(await page.locator('#room-input').inputValue(), 'a room name is proposed');
  await page.locator('#name-input').fill('Ada Lovelace');
  await page.screenshot({ path: path.join(OUT, 'start-page.png') });
  // A phone-width start page too.
  await page.setViewportSize({ width: 390, height: 844 });
  await page.screenshot({ path: path.join(OUT, 'start-page-phone.png') });
  await page.context().close();
});

scenario('four pages in one room each show three remote tiles with flowing video', async () => {
  const names = ['Ada', 'Grace', 'Linus', 'Margaret'];
  for (const n of names) pages.push(await participant(n));
  for (const p of pages) ids.push(await you(p));
  await Promise.all(pages.map((p, i) => expectFlowingVideo(p, othersOf(i), { timeoutMs: 45000 })));
  for (const p of pages) assert.equal(await p.locator('.tile-remote').count(), 3);
  await sleep(1500); // let the stats and the speaking ring settle
  await pages[0].screenshot({ path: path.join(OUT, 'room-4.png') });
  // The stats overlay: resolution, fps, bitrate, loss, RTT and codec per tile.
  await pages[0].getByRole('button', { name: 'Show connection stats' }).click();
  const overlay = pages[0].locator(`.tile[data-tile="${ids[1]}"] .stats`);
  await until('the stats overlay to fill', async () => {
    const text = await overlay.innerText();
    return ['Resolution', 'Frame rate', 'Bitrate', 'Packet loss', 'RTT', 'Codec'].every((w) => text.includes(w)) && /VP8/.test(text);
  }, 10000);
  await pages[0].screenshot({ path: path.join(OUT, 'room-4-stats.png') });
  await pages[0].getByRole('button', { name: 'Hide connection stats' }).click();
});

scenario('muting the microphone shows the muted badge to the others', async () => {
  const [p1] = [pages[1]];
  const badgeOf = (page, id) => page.locator(`.tile[data-tile="${id}"] .muted-badge`);
  for (const i of [0, 2, 3]) assert.equal(await badgeOf(pages[i], ids[1]).isVisible(), false, 'not muted at first');
  await p1.getByRole('button', { name: 'Mute microphone' }).click();
  for (const i of [0, 2, 3]) {
    await until(`page ${i} to show ${ids[1]} muted`, () => badgeOf(pages[i], ids[1]).isVisible(), 10000);
  }
  assert.equal(await p1.locator('.tile-local .muted-badge').isVisible(), true, 'the local tile shows it too');
  await p1.getByRole('button', { name: 'Unmute microphone' }).click();
  for (const i of [0, 2, 3]) {
    await until(`page ${i} to show ${ids[1]} unmuted`, async () => !(await badgeOf(pages[i], ids[1]).isVisible()), 10000);
  }
});

scenario('a screen share reaches the others as a second tile and stops cleanly', async () => {
  const sharer = pages[0];
  await sharer.getByRole('button', { name: 'Share your screen' }).click();
  await sharer.waitForSelector('.tile-local-screen');
  const screenSel = `video[data-screen-of="${ids[0]}"]`;
  await Promise.all([1, 2, 3].map((i) => expectFlowingVideo(pages[i], [ids[0]], { selector: screenSel, timeoutMs: 30000 })));
  // The camera keeps flowing next to it, over the same peer connection.
  await expectFlowingVideo(pages[1], othersOf(1), { timeoutMs: 15000 });
  await pages[1].screenshot({ path: path.join(OUT, 'room-screen-share.png') });
  const connections = await sharer.evaluate(() => window.starling.pc.getTransceivers().length);
  assert.ok(connections >= 3, 'the share is one more transceiver of the one peer connection');

  await sharer.getByRole('button', { name: 'Stop sharing your screen' }).click();
  for (const i of [1, 2, 3]) {
    await until(`page ${i} to drop the screen tile`, async () => (await pages[i].locator(screenSel).count()) === 0, 10000);
    assert.equal(await pages[i].locator('.tile-remote').count(), 3, 'the camera tiles stay');
  }
  assert.equal(await sharer.locator('.tile-local-screen').count(), 0);
  // Sharing again reuses the section and works as well.
  await sharer.getByRole('button', { name: 'Share your screen' }).click();
  await expectFlowingVideo(pages[2], [ids[0]], { selector: screenSel, timeoutMs: 30000 });
  await sharer.getByRole('button', { name: 'Stop sharing your screen' }).click();
  await until('the second share to end', async () => (await pages[2].locator(screenSel).count()) === 0, 10000);
});

scenario('a dropped WebSocket resumes and the video keeps flowing', async () => {
  const page = pages[2];
  await page.evaluate(() => {
    window.sawReconnecting = false;
    new MutationObserver(() => {
      if (document.querySelector('[data-banner="signal"]')) window.sawReconnecting = true;
    }).observe(document.body, { childList: true, subtree: true });
    window.starling.ws.close();
  });
  await until('the page to resume', () => page.evaluate(
    () => window.starling.ws && window.starling.ws.readyState === WebSocket.OPEN && !document.querySelector('[data-banner="signal"]')), 15000);
  assert.equal(await page.evaluate(() => window.sawReconnecting), true, 'a "reconnecting" state was shown');
  assert.equal(await page.evaluate(() => window.starling.you), ids[2], 'the same participant, resumed');
  const before = await remoteVideos(page);
  await expectFlowingVideo(page, othersOf(2), { timeoutMs: 15000 });
  const afterwards = await remoteVideos(page);
  for (const id of othersOf(2)) assert.ok(afterwards[id].framesDecoded > before[id].framesDecoded);
  // The others still receive it.
  await expectFlowingVideo(pages[0], othersOf(0), { timeoutMs: 15000 });
});

scenario('when a page leaves, the others drop its tile within 5 s', async () => {
  const leaver = pages[3];
  await leaver.getByRole('button', { name: 'Leave the meeting' }).click();
  await leaver.waitForSelector('.screen-card');
  const t0 = Date.now();
  await Promise.all([0, 1, 2].map((i) => until(`page ${i} to drop the tile`,
    async () => (await pages[i].locator(`video[data-participant="${ids[3]}"]`).count()) === 0, 5000, 100)));
  assert.ok(Date.now() - t0 <= 5000);
  for (const i of [0, 1, 2]) assert.equal(await pages[i].locator('.tile-remote').count(), 2);
  await leaver.screenshot({ path: path.join(OUT, 'left.png') });
});

scenario('a phone-width window shows the room', async () => {
  const page = pages[1];
  await page.setViewportSize({ width: 390, height: 844 });
  await sleep(500);
  const overflow = await page.evaluate(() => document.documentElement.scrollWidth > window.innerWidth);
  assert.equal(overflow, false, 'no sideways scrolling');
  await page.screenshot({ path: path.join(OUT, 'room-phone.png') });
});

scenario('the call outlives the 30 s consent timeout on the server-read socket, over GCM', async () => {
  // After ICE the server reads each socket itself and answers Chromium's
  // STUN consent checks there (and sends its own); 35 s is past both
  // sides' 30 s timeouts.
  const live = [0, 1, 2].map((i) => pages[i]);
  const r = await server.admin(`/admin/rooms/${room}`);
  for (const p of r.participants) {
    assert.equal(p.socket_owner, 'starling', `${p.id} socket_owner`);
    // Chromium offers GCM and the server prefers it: this call's media
    // runs through the server's OpenSSL GCM cipher against BoringSSL's.
    assert.equal(p.srtp_profile, 'SRTP_AEAD_AES_128_GCM', `${p.id} srtp_profile`);
  }
  await sleep(35000);
  for (const p of live) {
    assert.equal(await p.evaluate(() => window.starling.pc.connectionState), 'connected');
  }
  const after = await server.admin(`/admin/rooms/${room}`);
  assert.equal(after.participants.length, 3, 'nobody was dropped');
  await Promise.all(live.map((p, i) => expectFlowingVideo(p, othersOf(i).filter((id) => after.participants.some((q) => q.id === id)), { timeoutMs: 15000 })));
});

test('no console errors in any page', () => {
  const errors = allPages.flatMap((p) => p.errors);
  assert.deepEqual(errors, []);
});
