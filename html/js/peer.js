// The one RTCPeerConnection to the server (PROTOCOL 1.3): publishing,
// perfect negotiation as the polite peer, and the mapping of received
// m-sections to remote participants' tracks.
//
// Events (EventTarget):
//   "remotetracks"  detail: [{mid, participant, trackId, kind, track}] — the
//                   full set of remote tracks being received, after each
//                   negotiation
//   "owntracks"     detail: Map label -> server track id, from the server's answer
//   "connection"    detail: pc.connectionState
//   "negotiationerror" detail: SignalingError of a refused offer (not glare)
//   "datachannel"   detail: the `chat` RTCDataChannel (created here)

import { parseSections } from './sdp.js';

// If the server answered `glare` but its own offer never came, offer again after this.
const GLARE_RETRY_MS = 1500;

export class Peer extends EventTarget {
  constructor(signaling, iceServers) {
    super();
    this.signaling = signaling;
    this.pc = new RTCPeerConnection({
      iceServers: iceServers || [],
      bundlePolicy: 'max-bundle',
      rtcpMuxPolicy: 'require',
    });
    this.own = new Map(); // label -> RTCRtpTransceiver we send on
    this.ownTrackIds = new Map(); // label -> server track id
    this.remoteByMid = new Map(); // mid -> {participant, track} from the last server offer
    this.queue = Promise.resolve();
    this.started = false;
    this.closed = false;
    this.needsOffer = false;
    this.offerInFlight = false;
    this.offerSent = false; // candidates wait for the first offer
    this.pendingCandidates = [];
    this.glareTimer = null;
    this.serverOffersAnswered = 0;
    this.offerMadeAfter = 0; // serverOffersAnswered when our offer went out

    // The chat channel exists before the first offer, so that offer always has m=application.
    this.chat = this.pc.createDataChannel('chat');

    this.pc.onicecandidate = (ev) => this.onLocalCandidate(ev.candidate);
    this.pc.onconnectionstatechange = () => {
      this.emit('connection', this.pc.connectionState);
    };
    this.pc.onnegotiationneeded = () => {
      if (this.started) this.negotiate();
    };
  }

  emit(type, detail) {
    this.dispatchEvent(new CustomEvent(type, { detail }));
  }

  /** Serializes every change of the signaling state. */
  enqueue(fn) {
    const run = this.queue.then(() => (this.closed ? undefined : fn()));
    this.queue = run.catch((err) => {
      if (!this.closed) console.warn('negotiation step failed:', err);
    });
    return run;
  }

  /**
   * Publishes a track with its own sendonly transceiver, or reuses the
   * transceiver this client used for the same label before.
   */
  publish(label, track, stream) {
    const existing = this.own.get(label);
    if (existing && !existing.stopped) {
      existing.sender.replaceTrack(track);
      existing.sender.setStreams(stream);
      existing.direction = 'sendonly';
    } else {
      this.own.set(label, this.pc.addTransceiver(track, { direction: 'sendonly', streams: [stream] }));
    }
    // The change fires negotiationneeded, which offers once started.
  }

  /** Stops sending a label; its m-section goes inactive at the next negotiation. */
  unpublish(label) {
    const t = this.own.get(label);
    if (!t) return;
    t.sender.replaceTrack(null);
    t.direction = 'inactive';
    this.ownTrackIds.delete(label);
  }

  /** Replaces a published track in place (device switch), no renegotiation. */
  replace(label, track) {
    const t = this.own.get(label);
    return t ? t.sender.replaceTrack(track) : Promise.resolve();
  }

  sender(label) {
    const t = this.own.get(label);
    return t ? t.sender : null;
  }

  /** The first offer (PROTOCOL 1.3: the client opens negotiation). */
  start() {
    this.started = true;
    this.negotiate();
  }

  negotiate() {
    this.needsOffer = true;
    this.enqueue(() => this.makeOffer());
  }

  async makeOffer() {
    if (!this.needsOffer || this.offerInFlight || this.pc.signalingState !== 'stable') return;
    this.needsOffer = false;
    clearTimeout(this.glareTimer);
    await this.pc.setLocalDescription();
    const tracks = {};
    for (const [label, t] of this.own) {
      if (t.mid !== null && t.sender.track && t.direction === 'sendonly') tracks[t.mid] = { label };
    }
    this.offerInFlight = true;
    this.offerMadeAfter = this.serverOffersAnswered;
    const sent = this.signaling.request({ type: 'offer', sdp: this.pc.localDescription.sdp, tracks });
    this.offerSent = true;
    this.flushCandidates();
    sent.then(
      (answer) => this.enqueue(() => this.onAnswer(answer)),
      (err) => this.enqueue(() => this.onOfferRefused(err)),
    );
  }

  async onAnswer(answer) {
    this.offerInFlight = false;
    if (this.pc.signalingState !== 'have-local-offer') {
      // Our offer was rolled back meanwhile; offer again.
      this.needsOffer = true;
    } else {
      await this.pc.setRemoteDescription({ type: 'answer', sdp: answer.sdp });
      this.learnOwnTracks(answer.tracks);
      this.reportRemoteTracks();
    }
    await this.makeOffer();
  }

  async onOfferRefused(err) {
    this.offerInFlight = false;
    if (this.pc.signalingState === 'have-local-offer') {
      await this.pc.setLocalDescription({ type: 'rollback' });
    }
    if (err.code === 'glare') {
      // The server keeps its offer and sends it; we answer it, then offer
      // again (at once if that offer was already answered).
      this.needsOffer = true;
      if (this.serverOffersAnswered > this.offerMadeAfter) {
        await this.makeOffer();
      } else {
        clearTimeout(this.glareTimer);
        this.glareTimer = setTimeout(() => this.enqueue(() => this.makeOffer()), GLARE_RETRY_MS);
      }
    } else if (err.code === 'disconnected' || err.code === 'timeout') {
      this.needsOffer = true; // offered again once the socket is back
    } else {
      this.emit('negotiationerror', err);
    }
  }

  /** A server offer: as the polite peer, roll back our own offer if they collide. */
  onRemoteOffer(msg) {
    return this.enqueue(async () => {
      if (this.pc.signalingState !== 'stable') {
        await this.pc.setLocalDescription({ type: 'rollback' });
        this.needsOffer = true;
      }
      this.noteRemoteSections(msg);
      await this.pc.setRemoteDescription({ type: 'offer', sdp: msg.sdp });
      await this.pc.setLocalDescription();
      this.signaling.send({ type: 'answer', sdp: this.pc.localDescription.sdp });
      this.serverOffersAnswered++;
      this.reportRemoteTracks();
      await this.makeOffer();
    });
  }

  /** Records mid -> {participant, track}, checking the map against the msid lines. */
  noteRemoteSections(msg) {
    this.remoteByMid.clear();
    const byMid = msg.tracks || {};
    for (const s of parseSections(msg.sdp)) {
      if (s.mid === null || s.kind === 'application') continue;
      if (s.direction !== 'sendonly' && s.direction !== 'sendrecv') continue;
      let info = byMid[s.mid];
      if (s.msid && info && (s.msid.stream !== info.participant || s.msid.track !== info.track)) {
        console.warn(`offer: mid ${s.mid} says ${info.participant}/${info.track} but msid says ${s.msid.stream}/${s.msid.track}`);
      }
      if (!info && s.msid) info = { participant: s.msid.stream, track: s.msid.track };
      if (info) this.remoteByMid.set(s.mid, info);
    }
  }

  learnOwnTracks(tracks) {
    if (!tracks) return;
    const labelByMid = new Map();
    for (const [label, t] of this.own) if (t.mid !== null) labelByMid.set(t.mid, label);
    let changed = false;
    for (const [mid, info] of Object.entries(tracks)) {
      const label = labelByMid.get(mid);
      if (label && info.track && this.ownTrackIds.get(label) !== info.track) {
        this.ownTrackIds.set(label, info.track);
        changed = true;
      }
    }
    if (changed) this.emit('owntracks', new Map(this.ownTrackIds));
  }

  reportRemoteTracks() {
    const ownSet = new Set(this.own.values());
    const list = [];
    for (const t of this.pc.getTransceivers()) {
      if (ownSet.has(t) || t.mid === null || t.stopped) continue;
      const info = this.remoteByMid.get(t.mid);
      const receiving = t.currentDirection === 'recvonly' || t.currentDirection === 'sendrecv';
      if (!info || !receiving) continue;
      list.push({
        mid: t.mid,
        participant: info.participant,
        trackId: info.track,
        kind: t.receiver.track.kind,
        track: t.receiver.track,
        receiver: t.receiver,
      });
    }
    this.emit('remotetracks', list);
  }

  onLocalCandidate(candidate) {
    const c = candidate && candidate.candidate
      ? { candidate: candidate.candidate, sdpMid: candidate.sdpMid, sdpMLineIndex: candidate.sdpMLineIndex }
      : null;
    if (!this.offerSent) this.pendingCandidates.push(c);
    else this.signaling.send({ type: 'candidate', candidate: c });
  }

  flushCandidates() {
    for (const c of this.pendingCandidates) this.signaling.send({ type: 'candidate', candidate: c });
    this.pendingCandidates = [];
  }

  async addRemoteCandidate(c) {
    try {
      await this.pc.addIceCandidate(c || null);
    } catch (err) {
      // A candidate that arrives around a rollback may not apply; the server
      // also lists its candidates in its SDP, so this is not fatal.
      console.warn('ignored a server candidate:', err.message);
    }
  }

  /** After a resumed socket: an offer that may have been lost is made again. */
  afterReconnect() {
    this.enqueue(async () => {
      if (this.offerInFlight || this.pc.signalingState === 'have-local-offer') {
        this.offerInFlight = false;
        if (this.pc.signalingState === 'have-local-offer') {
          await this.pc.setLocalDescription({ type: 'rollback' });
        }
        this.needsOffer = true;
      }
      await this.makeOffer();
    });
  }

  close() {
    this.closed = true;
    clearTimeout(this.glareTimer);
    this.pc.close();
  }
}
