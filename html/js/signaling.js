// Signaling: the /ws WebSocket of PROTOCOL 1, with request ids, a join
// helper and reconnection through `resume` (PROTOCOL 1.4).
//
// Events (EventTarget, detail = the message):
//   "message"       every server message, after the built-in handling
//   "reconnecting"  the socket dropped; detail {attempt, delayMs}
//   "reconnected"   a resumed join succeeded; detail = the `joined` message
//   "lost"          reconnecting gave up, or resume was refused; detail {reason}

const RECONNECT_DELAYS_MS = [250, 500, 1000, 2000, 3000];
// The server keeps a dropped participant for rooms.resume_grace_s (15 s by
// default); trying much longer than that cannot resume anything.
const RECONNECT_GIVE_UP_MS = 20000;
const REQUEST_TIMEOUT_MS = 10000;

export class SignalingError extends Error {
  constructor(code, message) {
    super(message || code);
    this.name = 'SignalingError';
    this.code = code;
  }
}

export class Signaling extends EventTarget {
  /** debug: log every message to the console (URL parameter debug=1). */
  constructor(url, { debug = false } = {}) {
    super();
    this.url = url;
    this.debug = debug;
    this.ws = null;
    this.nextId = 1;
    this.pending = new Map(); // id -> {resolve, reject, timer}
    this.joinParams = null; // {room, name, token}
    this.resumeToken = null;
    this.you = null;
    this.closing = false; // true once we close on purpose
    this.reconnectStartedAt = 0;
    this.reconnecting = false;
  }

  /** Opens the socket; resolves once it is open. */
  connect() {
    return new Promise((resolve, reject) => {
      const ws = new WebSocket(this.url);
      this.ws = ws;
      ws.onopen = () => resolve();
      ws.onerror = () => reject(new SignalingError('network', 'Could not reach the server.'));
      ws.onmessage = (ev) => this.onFrame(ev.data);
      ws.onclose = (ev) => this.onClose(ws, ev);
    });
  }

  /** Sends a message without waiting for a reply. Returns false when the socket is not open. */
  send(msg) {
    if (!this.ws || this.ws.readyState !== WebSocket.OPEN) return false;
    if (this.debug) console.debug('signaling ->', JSON.stringify(msg));
    this.ws.send(JSON.stringify(msg));
    return true;
  }

  /** Sends a request with an id; resolves with the reply, rejects on `error`. */
  request(msg, timeoutMs = REQUEST_TIMEOUT_MS) {
    const id = String(this.nextId++);
    return new Promise((resolve, reject) => {
      const timer = setTimeout(() => {
        this.pending.delete(id);
        reject(new SignalingError('timeout', `No reply to ${msg.type}.`));
      }, timeoutMs);
      this.pending.set(id, { resolve, reject, timer });
      if (!this.send({ ...msg, id })) {
        clearTimeout(timer);
        this.pending.delete(id);
        reject(new SignalingError('disconnected', 'Not connected to the server.'));
      }
    });
  }

  /** Sends a request and returns its id, for replies handled as events (offers). */
  sendWithId(msg) {
    const id = String(this.nextId++);
    return this.send({ ...msg, id }) ? id : null;
  }

  async join({ room, name, token }) {
    this.joinParams = { room, name, token };
    const msg = { type: 'join', room, name };
    if (token) msg.token = token;
    const joined = await this.request(msg);
    this.resumeToken = joined.resume;
    this.you = joined.you;
    return joined;
  }

  /** Leaves the room and closes the socket for good. */
  async leave() {
    this.closing = true;
    try {
      await this.request({ type: 'leave' }, 2000);
    } catch {
      // Leaving is best effort: the server also removes us when the socket closes.
    }
    this.close();
  }

  close() {
    this.closing = true;
    for (const { reject, timer } of this.pending.values()) {
      clearTimeout(timer);
      reject(new SignalingError('disconnected', 'Connection closed.'));
    }
    this.pending.clear();
    if (this.ws && this.ws.readyState <= WebSocket.OPEN) this.ws.close(1000);
  }

  onFrame(data) {
    let msg;
    try {
      msg = JSON.parse(data);
    } catch {
      console.warn('signaling: ignoring a frame that is not JSON');
      return;
    }
    if (this.debug) console.debug('signaling <-', data);
    const id = msg.id !== undefined ? String(msg.id) : null;
    if (id && this.pending.has(id)) {
      const { resolve, reject, timer } = this.pending.get(id);
      clearTimeout(timer);
      this.pending.delete(id);
      if (msg.type === 'error') reject(new SignalingError(msg.code, msg.message));
      else resolve(msg);
      return;
    }
    if (msg.type === 'kicked' || msg.type === 'room_closed') this.closing = true;
    this.dispatchEvent(new CustomEvent('message', { detail: msg }));
  }

  onClose(ws, ev) {
    if (ws !== this.ws) return; // an old socket, already replaced
    for (const { reject, timer } of this.pending.values()) {
      clearTimeout(timer);
      reject(new SignalingError('disconnected', 'Connection lost.'));
    }
    this.pending.clear();
    if (this.reconnecting) return; // the reconnect loop sees the failed request
    if (this.closing || !this.resumeToken) {
      // Before `joined`, the pending join request reports the failure.
      if (!this.closing && this.you) {
        this.dispatchEvent(new CustomEvent('lost', { detail: { reason: `closed (${ev.code})` } }));
      }
      return;
    }
    this.reconnectStartedAt = Date.now();
    this.reconnecting = true;
    this.reconnect(0);
  }

  async reconnect(attempt) {
    if (this.closing) {
      this.reconnecting = false;
      return;
    }
    const delayMs = RECONNECT_DELAYS_MS[Math.min(attempt, RECONNECT_DELAYS_MS.length - 1)];
    this.dispatchEvent(new CustomEvent('reconnecting', { detail: { attempt, delayMs } }));
    await new Promise((r) => setTimeout(r, delayMs));
    if (this.closing) return;
    try {
      await this.connect();
      const { room, name, token } = this.joinParams;
      const msg = { type: 'join', room, name, resume: this.resumeToken };
      if (token) msg.token = token;
      const joined = await this.request(msg);
      this.reconnecting = false;
      this.resumeToken = joined.resume;
      if (joined.you !== this.you || joined.resumed === false) {
        // Too late: the server let our participant go. The caller starts over.
        this.you = joined.you;
        this.dispatchEvent(new CustomEvent('lost', { detail: { reason: 'expired', joined } }));
        return;
      }
      this.dispatchEvent(new CustomEvent('reconnected', { detail: joined }));
    } catch (err) {
      if (this.closing) {
        this.reconnecting = false;
        return;
      }
      if (err instanceof SignalingError && !['network', 'disconnected', 'timeout'].includes(err.code)) {
        this.closing = true;
        this.reconnecting = false;
        this.dispatchEvent(new CustomEvent('lost', { detail: { reason: err.message, code: err.code } }));
        return;
      }
      if (Date.now() - this.reconnectStartedAt > RECONNECT_GIVE_UP_MS) {
        this.closing = true;
        this.reconnecting = false;
        this.dispatchEvent(new CustomEvent('lost', { detail: { reason: 'timeout' } }));
        return;
      }
      const failed = this.ws;
      if (failed && failed.readyState <= WebSocket.OPEN) failed.close();
      this.reconnect(attempt + 1);
    }
  }
}
