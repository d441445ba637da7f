// Helpers of the browser tests: the Starling server with a temporary
// config, Chromium pages that join rooms, and reading media stats from a
// page.

import { spawn } from 'node:child_process';
import { mkdtempSync, writeFileSync, mkdirSync, createWriteStream, readFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import net from 'node:net';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { chromium } from 'playwright-core';

export const REPO = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../..');
export const OUT = path.join(REPO, 'tests/browser/out');
mkdirSync(OUT, { recursive: true });

export const sleep = (ms) => new Promise((r) => setTimeout(r, ms));

/** Polls fn until it returns a truthy value; throws with `what` after timeoutMs. */
export async function until(what, fn, timeoutMs = 15000, everyMs = 250) {
  const deadline = Date.now() + timeoutMs;
  let last;
  for (;;) {
    try {
      last = await fn();
      if (last) return last;
    } catch (err) {
      last = err;
    }
    if (Date.now() > deadline) throw new Error(`timed out after ${timeoutMs} ms waiting for ${what} (last: ${last instanceof Error ? last.message : JSON.stringify(last)})`);
    await sleep(everyMs);
  }
}

function freePort() {
  return new Promise((resolve, reject) => {
    const s = net.createServer();
    s.on('error', reject);
    s.listen(0, '127.0.0.1', () => {
      const { port } = s.address();
      s.close(() => resolve(port));
    });
  });
}

export class Server {
  /** adminSecret: turns the admin API on (this.adminUrl), for diagnostics. */
  async start({ adminSecret } = {}) {
    const bin = process.env.STARLING_BIN
      ? path.resolve(REPO, process.env.STARLING_BIN)
      : path.join(REPO, 'src/starling');
    this.port = await freePort();
    const dir = mkdtempSync(path.join(tmpdir(), 'starling-browser-'));
    const conf = path.join(dir, 'starling.conf');
    writeFileSync(conf, [
      '[http]', `port = ${this.port}`, 'bind = 127.0.0.1', `root = ${path.join(REPO, 'html')}`,
      '[media]', 'ips = 127.0.0.1',
      ...(adminSecret ? ['[admin]', `port = ${this.adminPort = await freePort()}`, `secret = ${adminSecret}`] : []),
      '[log]', 'level = debug', '',
    ].join('\n'));
    // The server reads STARLING_<SECTION>_<KEY> as configuration and
    // refuses unknown ones: none of ours may leak to it.
    const env = Object.fromEntries(Object.entries(process.env).filter(([k]) => !k.startsWith('STARLING_')));
    this.logPath = path.join(OUT, 'server.log');
    const log = createWriteStream(this.logPath);
    this.proc = spawn(bin, ['-c', conf], { env, stdio: ['ignore', 'pipe', 'pipe'] });
    this.proc.stdout.pipe(log);
    this.proc.stderr.pipe(log);
    this.exited = new Promise((resolve) => this.proc.on('exit', (code, signal) => resolve({ code, signal })));
    this.url = `http://127.0.0.1:${this.port}`;
    this.adminSecret = adminSecret;
    if (adminSecret) this.adminUrl = `http://127.0.0.1:${this.adminPort}`;
    await until('the server to answer /healthz', async () => {
      if (this.proc.exitCode !== null) throw new Error(`server exited with ${this.proc.exitCode}`);
      const r = await fetch(`${this.url}/healthz`);
      return r.ok;
    }, 15000, 100);
  }

  async admin(pathname) {
    const r = await fetch(this.adminUrl + pathname, { headers: { Authorization: `Bearer ${this.adminSecret}` } });
    return r.json();
  }

  /** SIGTERM; resolves with the exit code (null when killed by a signal). */
  async stop() {
    if (!this.proc || this.proc.exitCode !== null) return this.proc?.exitCode ?? null;
    this.proc.kill('SIGTERM');
    const timer = setTimeout(() => this.proc.kill('SIGKILL'), 10000);
    const { code } = await this.exited;
    clearTimeout(timer);
    return code;
  }

  logTail(lines = 60) {
    try {
      return readFileSync(this.logPath, 'utf8').split('\n').slice(-lines).join('\n');
    } catch {
      return '';
    }
  }
}

export const CHROMIUM_ARGS = [
  '--no-sandbox',
  '--use-fake-ui-for-media-stream', // also accepts getDisplayMedia (a fake screen)
  '--use-fake-device-for-media-stream',
  '--allow-loopback-in-peer-connection',
  '--disable-dev-shm-usage',
  '--disable-background-networking',
  '--disable-component-update',
];

export function launchBrowser() {
  return chromium.launch({ executablePath: process.env.CHROMIUM || '/usr/bin/chromium', args: CHROMIUM_ARGS });
}

/** A page in its own browser context, with its console errors collected. */
export async function openPage(browser, url, { width = 1280, height = 720, label = 'page' } = {}) {
  const context = await browser.newContext({ viewport: { width, height } });
  const page = await context.newPage();
  page.errors = [];
  page.logs = [];
  page.on('console', (m) => {
    const line = `[${label}] ${m.type()}: ${m.text()}`;
    page.logs.push(line);
    if (m.type() === 'error') page.errors.push(line);
  });
  page.on('pageerror', (err) => page.errors.push(`[${label}] uncaught: ${err.message}`));
  await page.goto(url);
  return page;
}

/** framesDecoded (from getStats) and videoWidth of the page's remote videos, by participant id. */
export function remoteVideos(page, selector = 'video[data-participant]') {
  return page.evaluate(async (sel) => {
    const out = {};
    for (const v of document.querySelectorAll(sel)) {
      const key = v.dataset.participant || v.dataset.screenOf;
      const track = v.srcObject && v.srcObject.getVideoTracks()[0];
      let framesDecoded = null;
      if (track && window.starling.pc) {
        const report = await window.starling.pc.getStats(track);
        report.forEach((s) => {
          if (s.type === 'inbound-rtp' && s.kind === 'video') framesDecoded = s.framesDecoded;
        });
      }
      out[key] = { framesDecoded, videoWidth: v.videoWidth };
    }
    return out;
  }, selector);
}

/**
 * Waits until the page shows exactly `ids` (remote participant ids) with
 * video whose framesDecoded rises and videoWidth > 0.
 */
export async function expectFlowingVideo(page, ids, { selector, timeoutMs = 30000 } = {}) {
  const want = [...ids].sort();
  let first = null;
  let now = null;
  return until(`flowing video from ${want.join(', ')}`, async () => {
    now = await remoteVideos(page, selector);
    const keys = Object.keys(now).sort();
    if (keys.join() !== want.join()) {
      first = null;
      return false;
    }
    const ready = want.every((id) => now[id].videoWidth > 0 && now[id].framesDecoded > 0);
    if (!ready) return false;
    if (!first) {
      first = now;
      return false;
    }
    const rising = want.every((id) => now[id].framesDecoded > first[id].framesDecoded);
    if (!rising) return false;
    return now;
  }, timeoutMs, 700).catch((err) => {
    err.message += `; first sample ${JSON.stringify(first)}, last ${JSON.stringify(now)}`;
    throw err;
  });
}
