// Stats: polls getStats() and turns the counters into what the tiles show:
// resolution, fps, bitrate, packet loss, RTT, codec, audio level, and a
// connection quality grade.

const POLL_MS = 500;

/** 'good' | 'fair' | 'poor' | 'unknown' from loss (%) and RTT (ms). */
export function grade(lossPct, rttMs) {
  if (lossPct === null && rttMs === null) return 'unknown';
  const loss = lossPct || 0;
  const rtt = rttMs || 0;
  if (loss >= 8 || rtt >= 500) return 'poor';
  if (loss >= 2 || rtt >= 250) return 'fair';
  return 'good';
}

export class StatsMonitor extends EventTarget {
  constructor(pc) {
    super();
    this.pc = pc;
    this.prev = new Map(); // stats id -> {t, bytes, packets, lost}
    this.timer = null;
    this.latest = { rttMs: null, inbound: new Map(), outbound: new Map() };
  }

  start() {
    const tick = async () => {
      try {
        await this.poll();
      } catch (err) {
        if (this.pc.connectionState !== 'closed') console.warn('getStats failed:', err.message);
      }
      if (this.timer !== null) this.timer = setTimeout(tick, POLL_MS);
    };
    this.timer = setTimeout(tick, POLL_MS);
  }

  stop() {
    clearTimeout(this.timer);
    this.timer = null;
  }

  /** Rates from the previous sample of the same stats object. */
  delta(id, t, bytes, packets, lost) {
    const p = this.prev.get(id);
    this.prev.set(id, { t, bytes, packets, lost });
    if (!p || t <= p.t) return { kbps: null, lossPct: null };
    const kbps = ((bytes - p.bytes) * 8) / (t - p.t);
    const dPackets = packets - p.packets;
    const dLost = Math.max(0, lost - p.lost);
    const lossPct = dPackets + dLost > 0 ? (100 * dLost) / (dPackets + dLost) : null;
    return { kbps, lossPct };
  }

  async poll() {
    if (this.pc.connectionState === 'closed') return;
    const report = await this.pc.getStats();
    const byId = new Map();
    report.forEach((s) => byId.set(s.id, s));
    const codecOf = (s) => {
      const c = s.codecId && byId.get(s.codecId);
      return c ? c.mimeType.split('/')[1] : null;
    };

    let rttMs = null;
    report.forEach((s) => {
      if (s.type === 'transport' && s.selectedCandidatePairId) {
        const pair = byId.get(s.selectedCandidatePairId);
        if (pair && pair.currentRoundTripTime !== undefined) rttMs = pair.currentRoundTripTime * 1000;
      }
    });

    const inbound = new Map();
    const outbound = new Map();
    report.forEach((s) => {
      if (s.type === 'inbound-rtp' && s.trackIdentifier) {
        const { kbps, lossPct } = this.delta(s.id, s.timestamp, s.bytesReceived || 0,
          s.packetsReceived || 0, s.packetsLost || 0);
        inbound.set(s.trackIdentifier, {
          kind: s.kind,
          width: s.frameWidth || null,
          height: s.frameHeight || null,
          fps: s.framesPerSecond ?? null,
          framesDecoded: s.framesDecoded ?? null,
          kbps,
          lossPct,
          rttMs,
          codec: codecOf(s),
          audioLevel: s.audioLevel ?? null,
          bytes: s.bytesReceived || 0,
        });
      } else if (s.type === 'outbound-rtp') {
        const source = s.mediaSourceId && byId.get(s.mediaSourceId);
        if (!source || !source.trackIdentifier) return;
        let remote = null;
        report.forEach((r) => {
          if (r.type === 'remote-inbound-rtp' && r.localId === s.id) remote = r;
        });
        const { kbps } = this.delta(s.id, s.timestamp, s.bytesSent || 0, s.packetsSent || 0, 0);
        outbound.set(source.trackIdentifier, {
          kind: s.kind,
          width: s.frameWidth || null,
          height: s.frameHeight || null,
          fps: s.framesPerSecond ?? null,
          kbps,
          lossPct: remote && remote.fractionLost !== undefined ? remote.fractionLost * 100 : null,
          rttMs: remote && remote.roundTripTime !== undefined ? remote.roundTripTime * 1000 : rttMs,
          codec: codecOf(s),
          audioLevel: source.audioLevel ?? null,
        });
      }
    });
    this.latest = { rttMs, inbound, outbound };
    this.dispatchEvent(new CustomEvent('stats', { detail: this.latest }));
  }
}

/** One line per fact, for the stats overlay. */
export function formatStats(video, audio) {
  const lines = [];
  const v = video || {};
  if (v.width && v.height) lines.push(['Resolution', `${v.width}×${v.height}`]);
  if (v.fps !== null && v.fps !== undefined) lines.push(['Frame rate', `${Math.round(v.fps)} fps`]);
  const kbps = (v.kbps || 0) + ((audio && audio.kbps) || 0);
  if (video || audio) lines.push(['Bitrate', kbps >= 1000 ? `${(kbps / 1000).toFixed(2)} Mbit/s` : `${Math.round(kbps)} kbit/s`]);
  const loss = v.lossPct ?? (audio && audio.lossPct);
  if (loss !== null && loss !== undefined) lines.push(['Packet loss', `${loss.toFixed(1)} %`]);
  const rtt = v.rttMs ?? (audio && audio.rttMs);
  if (rtt !== null && rtt !== undefined) lines.push(['RTT', `${Math.round(rtt)} ms`]);
  const codecs = [v.codec, audio && audio.codec].filter(Boolean);
  if (codecs.length) lines.push(['Codec', codecs.join(' + ')]);
  if (!lines.length) lines.push(['Stats', 'no media yet']);
  return lines;
}
