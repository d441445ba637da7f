// One meeting session: ties signaling, the peer connection, local media,
// stats and the room UI together.

import { Signaling } from './signaling.js';
import { Peer } from './peer.js';
import { StatsMonitor, grade } from './stats.js';
import { getScreen, stopStream, describeMediaError } from './media.js';
import { Tile } from './ui/tile.js';

const LOCAL = 'local';
const LOCAL_SCREEN = 'local-screen';

/** Plain words for a refused join. */
export function joinErrorText(err) {
  switch (err.code) {
    case 'room_full': return 'This room is full. Try again later, or pick another room.';
    case 'unauthorized': return 'Your access token was not accepted; it may have expired. Ask for a new invitation link.';
    case 'invalid_room': return 'There is no room by that name, or the name is not valid.';
    case 'bad_request': return `The server did not accept this: ${err.message}`;
    case 'rate_limited': return 'Too many attempts in a short time. Wait a moment and try again.';
    case 'network': case 'disconnected': case 'timeout':
      return 'The meeting server could not be reached. Check your connection and try again.';
    default: return `Joining failed: ${err.message}`;
  }
}

function wsUrl() {
  const proto = location.protocol === 'https:' ? 'wss:' : 'ws:';
  return `${proto}//${location.host}/ws`;
}

export class Meeting {
  /**
   * ui: {grid, controls, notices, chat, header}; params: {room, name, token,
   * stream, problems, cameraOn, micOn, lowres}; onEnd(kind) is called when
   * the person should see the start page again ('start') or rejoin ('rejoin').
   */
  constructor(ui, params, onEnd) {
    this.ui = ui;
    this.params = params;
    this.onEnd = onEnd;
    this.stream = params.stream || new MediaStream();
    this.micTrack = this.stream.getAudioTracks()[0] || null;
    this.camTrack = this.stream.getVideoTracks()[0] || null;
    this.micMuted = !params.micOn || !this.micTrack;
    this.camOff = !params.cameraOn || !this.camTrack;
    if (this.micTrack) this.micTrack.enabled = !this.micMuted;
    if (this.camTrack) this.camTrack.enabled = !this.camOff;
    this.screenStream = null;
    this.participants = new Map(); // id -> {id, name, tracks: Map(trackId -> track object)}
    this.remote = []; // [{participant, trackId, kind, track}] from the peer
    this.ended = false;
    this.showStats = false;
    this.signaling = null;
    this.peer = null;
    this.stats = null;
  }

  async start() {
    const { grid, notices } = this.ui;
    this.localTile = grid.add(new Tile({ key: LOCAL, kind: 'local', participant: null, name: this.params.name }));
    this.localTile.setTracks([this.camTrack]);
    this.updateLocalTile();

    this.signaling = new Signaling(wsUrl(), { debug: this.params.debug });
    this.signaling.addEventListener('message', (ev) => this.onMessage(ev.detail));
    this.signaling.addEventListener('reconnecting', () => this.onReconnecting());
    this.signaling.addEventListener('reconnected', (ev) => this.onReconnected(ev.detail));
    this.signaling.addEventListener('lost', (ev) => this.onLost(ev.detail));

    await this.signaling.connect();
    const joined = await this.signaling.join(this.params);
    this.ui.header.setRoom(joined.room);
    this.setupPeer(joined);
    for (const text of this.params.problems || []) {
      notices.toast(`${text} You joined without sending it.`, 'warn');
    }
    if (!this.micTrack && !this.camTrack) notices.toast('You joined receive-only: the others cannot see or hear you.', 'warn');
    this.updateControls();
  }

  setupPeer(joined) {
    this.you = joined.you;
    this.peer = new Peer(this.signaling, joined.ice_servers);
    const p = this.peer;
    p.addEventListener('remotetracks', (ev) => {
      this.remote = ev.detail;
      this.renderAll();
    });
    p.addEventListener('owntracks', () => this.sendMuteStates());
    p.addEventListener('connection', (ev) => this.onConnectionState(ev.detail));
    p.addEventListener('negotiationerror', (ev) => {
      console.warn('offer refused:', ev.detail.code, ev.detail.message);
      this.ui.notices.toast(`The server refused a media change: ${ev.detail.message}`, 'error');
    });
    if (this.micTrack) p.publish('mic', this.micTrack, this.stream);
    if (this.camTrack) p.publish('camera', this.camTrack, this.stream);
    if (this.screenStream) p.publish('screen', this.screenStream.getVideoTracks()[0], this.screenStream);
    this.ui.chat.attach(p.chat, this.params.name);

    this.stats = new StatsMonitor(p.pc);
    this.stats.addEventListener('stats', (ev) => this.onStats(ev.detail));
    this.stats.start();

    this.participants.clear();
    for (const part of joined.participants) this.addParticipant(part);
    this.renderAll();
    p.start();
  }

  teardownPeer() {
    if (this.stats) this.stats.stop();
    if (this.peer) this.peer.close();
    this.peer = null;
    this.stats = null;
    this.remote = [];
  }

  // ---- server messages -------------------------------------------------

  onMessage(msg) {
    switch (msg.type) {
      case 'participant_joined':
        this.addParticipant(msg.participant);
        this.render(msg.participant.id);
        this.ui.notices.toast(`${msg.participant.name} joined`);
        break;
      case 'participant_left': {
        const p = this.participants.get(msg.participant);
        this.participants.delete(msg.participant);
        this.render(msg.participant);
        if (p) this.ui.notices.toast(`${p.name} left`);
        break;
      }
      case 'track_added': {
        const p = this.participants.get(msg.participant);
        if (p) p.tracks.set(msg.track.id, msg.track);
        this.render(msg.participant);
        break;
      }
      case 'track_removed': {
        const p = this.participants.get(msg.participant);
        if (p) p.tracks.delete(msg.track);
        this.render(msg.participant);
        break;
      }
      case 'track_muted': {
        const t = this.participants.get(msg.participant)?.tracks.get(msg.track);
        if (t) t.muted = msg.muted;
        this.render(msg.participant);
        break;
      }
      case 'offer':
        this.peer?.onRemoteOffer(msg);
        break;
      case 'candidate':
        this.peer?.addRemoteCandidate(msg.candidate);
        break;
      case 'kicked':
        this.onKicked(msg.reason || '');
        break;
      case 'room_closed':
        this.end({ title: 'The meeting has ended', text: 'The room was closed by its host.', rejoin: false });
        break;
      case 'error':
        console.warn('server error:', msg.code, msg.message);
        if (msg.code === 'rate_limited') this.ui.notices.toast('Slow down: the server is dropping some requests.', 'warn');
        break;
      default:
        break;
    }
  }

  addParticipant(part) {
    this.participants.set(part.id, {
      id: part.id,
      name: part.name,
      tracks: new Map((part.tracks || []).map((t) => [t.id, { ...t }])),
    });
  }

  onKicked(reason) {
    if (reason === 'resumed') {
      this.end({ title: 'Opened elsewhere', text: 'This meeting was continued in another window, so this one stopped.', rejoin: true });
    } else if (/media/i.test(reason)) {
      this.end({ title: 'Connection failed', text: 'Your audio and video could not reach the meeting server (the network may block it).', rejoin: true, retryLabel: 'Try again' });
    } else {
      this.end({ title: 'You were removed', text: reason ? `You were removed from the meeting: ${reason}.` : 'You were removed from the meeting.', rejoin: true });
    }
  }

  // ---- rendering -------------------------------------------------------

  renderAll() {
    const ids = new Set(this.participants.keys());
    this.ui.grid.forEach((tile) => {
      if (tile.participant && !ids.has(tile.participant)) ids.add(tile.participant);
    });
    for (const id of ids) this.render(id);
    this.ui.header.setCount(this.participants.size + 1);
  }

  /** Brings one participant's tiles in line with what we know and receive. */
  render(id) {
    const { grid } = this.ui;
    const p = this.participants.get(id);
    this.ui.header.setCount(this.participants.size + 1);
    if (!p) {
      grid.remove(id);
      grid.remove(`screen:${id}`);
      return;
    }
    const labelOf = (r) => p.tracks.get(r.trackId)?.label || (r.kind === 'audio' ? 'mic' : 'camera');
    const mine = this.remote.filter((r) => r.participant === id);
    const camera = mine.find((r) => r.kind === 'video' && labelOf(r) !== 'screen');
    const screen = mine.find((r) => r.kind === 'video' && labelOf(r) === 'screen');
    const audio = mine.filter((r) => r.kind === 'audio');

    let tile = grid.get(id);
    if (!tile) {
      tile = grid.add(new Tile({ key: id, kind: 'remote', participant: id, name: p.name }));
      tile.showStats(this.showStats);
    }
    tile.media = { camera, audio };
    tile.setTracks([camera?.track, ...audio.map((a) => a.track)]);
    const camInfo = camera && p.tracks.get(camera.trackId);
    tile.setVideoVisible(Boolean(camera) && !(camInfo && camInfo.muted));
    const mics = [...p.tracks.values()].filter((t) => t.kind === 'audio');
    tile.setMuted(mics.length === 0 || mics.every((t) => t.muted));

    const skey = `screen:${id}`;
    if (screen) {
      let st = grid.get(skey);
      if (!st) {
        st = grid.add(new Tile({ key: skey, kind: 'screen', participant: id, name: p.name }));
        st.showStats(this.showStats);
        st.setMuted(false);
      }
      st.media = { camera: screen, audio: [] };
      st.setTracks([screen.track]);
      st.setVideoVisible(true);
    } else {
      grid.remove(skey);
    }
  }

  updateLocalTile() {
    this.localTile.setMuted(this.micMuted);
    this.localTile.setVideoVisible(Boolean(this.camTrack) && !this.camOff);
  }

  updateControls() {
    this.ui.controls.update({
      hasMic: Boolean(this.micTrack),
      hasCamera: Boolean(this.camTrack),
      micMuted: this.micMuted,
      camOff: this.camOff,
      sharing: Boolean(this.screenStream),
      stats: this.showStats,
    });
  }

  // ---- local controls ----------------------------------------------------

  toggleMic() {
    if (!this.micTrack) {
      this.ui.notices.toast('There is no microphone to unmute. Rejoin after connecting one.', 'warn');
      return;
    }
    this.micMuted = !this.micMuted;
    this.micTrack.enabled = !this.micMuted; // muted: the track sends silence
    this.sendMute('mic', this.micMuted);
    this.updateLocalTile();
    this.updateControls();
  }

  toggleCamera() {
    if (!this.camTrack) {
      this.ui.notices.toast('There is no camera to turn on. Rejoin after connecting one.', 'warn');
      return;
    }
    this.camOff = !this.camOff;
    this.camTrack.enabled = !this.camOff; // off: the track sends black frames
    this.sendMute('camera', this.camOff);
    this.updateLocalTile();
    this.updateControls();
  }

  /** `mute` needs the server's id of our track, learnt from its answers. */
  sendMute(label, muted) {
    const id = this.peer?.ownTrackIds.get(label);
    if (id) this.signaling.send({ type: 'mute', track: id, muted });
  }

  /** Once our track ids are known, tell the others about tracks muted from the start. */
  sendMuteStates() {
    if (this.micMuted) this.sendMute('mic', true);
    if (this.camOff) this.sendMute('camera', true);
  }

  async toggleScreen() {
    if (this.screenStream) {
      this.stopScreen();
      return;
    }
    let stream;
    try {
      stream = await getScreen({ lowres: this.params.lowres });
    } catch (err) {
      if (err.name !== 'NotAllowedError') {
        this.ui.notices.toast(describeMediaError(err, 'screen').replace('screen', 'screen capture'), 'error');
      }
      return; // NotAllowedError: the person cancelled the picker.
    }
    if (this.ended) {
      stopStream(stream);
      return;
    }
    this.screenStream = stream;
    const track = stream.getVideoTracks()[0];
    track.addEventListener('ended', () => this.stopScreen());
    this.peer.publish('screen', track, stream);
    const tile = this.ui.grid.add(new Tile({ key: LOCAL_SCREEN, kind: 'local-screen', participant: null, name: this.params.name }));
    tile.setTracks([track]);
    tile.setVideoVisible(true);
    tile.showStats(this.showStats);
    this.updateControls();
  }

  stopScreen() {
    if (!this.screenStream) return;
    stopStream(this.screenStream);
    this.screenStream = null;
    this.peer?.unpublish('screen');
    this.ui.grid.remove(LOCAL_SCREEN);
    this.updateControls();
  }

  toggleStats() {
    this.showStats = !this.showStats;
    this.ui.grid.forEach((t) => t.showStats(this.showStats));
    this.updateControls();
  }

  // ---- stats -----------------------------------------------------------

  onStats({ rttMs, inbound, outbound }) {
    const pcOk = this.peer && this.peer.pc.connectionState === 'connected';
    this.ui.grid.forEach((tile) => {
      let video = null;
      let audio = null;
      if (tile.kind === 'local' || tile.kind === 'local-screen') {
        const vt = tile.kind === 'local' ? this.camTrack : this.screenStream?.getVideoTracks()[0];
        video = vt ? outbound.get(vt.id) || null : null;
        audio = tile.kind === 'local' && this.micTrack ? outbound.get(this.micTrack.id) || null : null;
      } else if (tile.media) {
        video = tile.media.camera ? inbound.get(tile.media.camera.track.id) || null : null;
        const levels = tile.media.audio.map((a) => inbound.get(a.track.id)).filter(Boolean);
        audio = levels[0] || null;
      }
      tile.setStats(video, audio);
      tile.setAudioLevel(audio ? audio.audioLevel : null);
      const losses = [video, audio].filter((s) => s && s.lossPct !== null).map((s) => s.lossPct);
      const loss = losses.length ? Math.max(...losses) : null;
      const rtt = video?.rttMs ?? audio?.rttMs ?? rttMs;
      tile.setQuality(pcOk ? grade(loss, rtt) : this.peer ? 'poor' : 'unknown');
    });
  }

  // ---- connection trouble ----------------------------------------------

  onConnectionState(state) {
    const { notices } = this.ui;
    if (state === 'connected') {
      notices.clearBanner('media');
    } else if (state === 'disconnected') {
      notices.banner('media', { text: 'Media connection interrupted. Trying to recover…', kind: 'warn', busy: true });
    } else if (state === 'failed') {
      notices.clearBanner('media');
      this.end({
        title: 'Connection failed',
        text: 'Audio and video could not get through to the meeting server (ICE failed). A firewall or VPN may be blocking it.',
        rejoin: true,
        retryLabel: 'Try again',
      });
    }
  }

  onReconnecting() {
    this.ui.header.setStatus('reconnecting');
    this.ui.notices.banner('signal', { text: 'Connection to the server lost. Reconnecting…', kind: 'warn', busy: true });
  }

  onReconnected(joined) {
    const { notices } = this.ui;
    this.ui.header.setStatus('');
    notices.clearBanner('signal');
    notices.toast('Reconnected');
    // Catch up with what happened while we were away.
    const before = new Map(this.participants);
    this.participants.clear();
    for (const part of joined.participants) {
      const old = before.get(part.id);
      this.addParticipant(part);
      if (!old) notices.toast(`${part.name} joined`);
    }
    for (const [id, old] of before) if (!this.participants.has(id)) notices.toast(`${old.name} left`);
    this.renderAll();
    this.peer?.afterReconnect();
  }

  onLost({ reason, code, joined }) {
    const { notices } = this.ui;
    this.ui.header.setStatus('');
    notices.clearBanner('signal');
    if (reason === 'expired' && joined) {
      // The server had let us go; we are in again as a new participant.
      notices.toast('Reconnected. Your audio and video restart.', 'warn');
      this.teardownPeer();
      this.setupPeer(joined);
      return;
    }
    if (code) {
      this.end({ title: 'Could not rejoin', text: joinErrorText({ code, message: reason }), rejoin: true });
    } else {
      this.end({ title: 'Connection lost', text: 'The connection to the meeting server was lost and could not be restored.', rejoin: true, retryLabel: 'Reconnect' });
    }
  }

  // ---- ending ----------------------------------------------------------

  async leave() {
    if (this.ended) return;
    this.ui.controls.setLeaving(true);
    const signaling = this.signaling;
    this.teardown();
    await signaling?.leave();
    this.ui.controls.setLeaving(false);
    this.showEnd({ title: 'You left the meeting', text: 'Thanks for joining.', rejoin: true, retryLabel: 'Rejoin' });
  }

  /** Stops everything and shows why, with a way forward. */
  end(info) {
    if (this.ended) return;
    this.teardown();
    this.signaling?.close();
    this.showEnd(info);
  }

  showEnd({ title, text, rejoin, retryLabel = 'Rejoin' }) {
    const actions = [];
    if (rejoin) actions.push({ label: retryLabel, primary: true, onClick: () => this.onEnd('rejoin') });
    actions.push({ label: 'Back to start page', primary: !rejoin, onClick: () => this.onEnd('start') });
    this.ui.notices.screen({ title, text, actions });
  }

  teardown() {
    this.ended = true;
    this.teardownPeer();
    stopStream(this.stream);
    stopStream(this.screenStream);
    this.screenStream = null;
    this.ui.notices.clearBanners();
    this.ui.grid.clear();
    this.ui.chat.reset();
    this.ui.header.setStatus('');
  }

  /** Closes without a message (the page is going away, or the join failed). */
  destroy() {
    if (!this.ended) this.teardown();
    this.signaling?.close();
  }
}
