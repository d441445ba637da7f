// One tile of the grid: a participant's camera (or a screen share), name,
// mic-muted badge, speaking highlight, connection dot and stats overlay.

import { el, icon, initials, hue } from './dom.js';
import { formatStats } from '../stats.js';

const QUALITY_WORDS = { good: 'good', fair: 'fair', poor: 'poor', unknown: 'unknown' };
const SPEAKING_HOLD_MS = 700;

export class Tile {
  /**
   * kind: 'local' | 'remote' | 'screen' | 'local-screen'
   * participant: id (remote) or null.
   */
  constructor({ key, kind, participant, name }) {
    this.key = key;
    this.kind = kind;
    this.participant = participant;
    this.stream = new MediaStream();
    this.speakingUntil = 0;

    this.video = el('video', {
      autoplay: true,
      playsinline: true,
      'data-participant': kind === 'remote' ? participant : null,
      'data-screen-of': kind === 'screen' ? participant : null,
    });
    this.video.muted = kind !== 'remote';
    this.video.srcObject = this.stream;
    if (kind === 'local') this.video.classList.add('mirrored');

    this.avatar = el('div.avatar', { 'aria-hidden': 'true' }, el('span', { text: initials(name) }));
    this.avatar.style.setProperty('--hue', hue(participant || name));

    this.dot = el('span.quality', { role: 'img' });
    this.nameEl = el('span.name');
    this.mutedBadge = el('span.badge.muted-badge', { title: 'Microphone muted', role: 'img', 'aria-label': 'Microphone muted', hidden: true }, icon('mic-off'));
    this.statsEl = el('dl.stats', { hidden: true });

    this.root = el(`article.tile.tile-${kind}`, { 'data-tile': key },
      this.video, this.avatar, this.statsEl,
      el('div.tile-footer', {}, this.dot, this.nameEl, this.mutedBadge));
    if (kind === 'screen' || kind === 'local-screen') this.root.classList.add('tile-screen');
    this.setName(name);
    this.setQuality('unknown');
    this.setVideoVisible(false);
  }

  setName(name) {
    this.name = name;
    const shown = this.kind === 'local' ? `${name} (you)`
      : this.kind === 'local-screen' ? 'Your screen'
        : this.kind === 'screen' ? `${name}’s screen` : name;
    this.nameEl.textContent = shown;
    this.root.setAttribute('aria-label', shown);
    this.avatar.firstChild.textContent = initials(name);
  }

  /** Puts exactly these tracks in the tile's stream (order-insensitive). */
  setTracks(tracks) {
    const want = new Set(tracks.filter(Boolean));
    for (const t of this.stream.getTracks()) if (!want.has(t)) this.stream.removeTrack(t);
    for (const t of want) if (!this.stream.getTracks().includes(t)) this.stream.addTrack(t);
    if (want.size) this.play();
  }

  /** Starts playback; `onBlocked` is told when the browser refuses sound without a click. */
  play() {
    const p = this.video.play();
    if (p && p.catch) {
      p.catch((err) => {
        if (err.name === 'NotAllowedError' && !this.video.muted) {
          this.video.muted = true;
          this.root.dispatchEvent(new CustomEvent('audioblocked', { bubbles: true }));
          this.video.play().catch(() => {});
        }
      });
    }
  }

  setVideoVisible(visible) {
    this.root.classList.toggle('no-video', !visible);
  }

  setMuted(muted) {
    this.mutedBadge.hidden = !muted;
    this.root.classList.toggle('mic-muted', muted);
  }

  setQuality(q) {
    this.dot.dataset.quality = q;
    const words = `Connection quality: ${QUALITY_WORDS[q] || q}`;
    this.dot.setAttribute('aria-label', words);
    this.dot.title = words;
  }

  /** level: 0..1 audio level; highlights above a threshold, with a short hold. */
  setAudioLevel(level) {
    const now = performance.now();
    if (level !== null && level > 0.03) this.speakingUntil = now + SPEAKING_HOLD_MS;
    this.root.classList.toggle('speaking', now < this.speakingUntil && !this.root.classList.contains('mic-muted'));
  }

  showStats(on) {
    this.statsEl.hidden = !on;
  }

  setStats(video, audio) {
    if (this.statsEl.hidden) return;
    const rows = formatStats(video, audio);
    this.statsEl.replaceChildren(...rows.flatMap(([k, v]) => [el('dt', { text: k }), el('dd', { text: v })]));
  }

  remove() {
    this.video.srcObject = null;
    this.root.remove();
  }
}
