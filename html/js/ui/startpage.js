// The start page: room and display name, a camera and microphone preview
// and device pickers. It hands the captured stream to the meeting.

import { getLocalMedia, listDevices, stopStream } from '../media.js';

const ROOM_RE = /^[A-Za-z0-9_.-]{1,64}$/;
const NAME_KEY = 'starling.name';

export function validRoom(room) {
  return ROOM_RE.test(room);
}

export function validName(name) {
  const n = name.trim();
  // 1..64 characters (code points), no control characters.
  return [...n].length >= 1 && [...n].length <= 64 && !/[\u0000-\u001f\u007f-\u009f]/.test(n);
}

export function randomRoom() {
  const words = ['amber', 'birch', 'cedar', 'delta', 'ember', 'fjord', 'grove', 'harbor', 'iris', 'juniper'];
  const pick = () => words[Math.floor(Math.random() * words.length)];
  return `${pick()}-${pick()}-${Math.floor(100 + Math.random() * 900)}`;
}

export class StartPage {
  constructor(root, { lowres, onJoin }) {
    this.root = root;
    this.lowres = lowres;
    this.onJoin = onJoin;
    this.stream = null;
    this.cameraOn = true;
    this.micOn = true;
    this.q = (sel) => root.querySelector(sel);
    this.form = this.q('#join-form');
    this.roomInput = this.q('#room-input');
    this.nameInput = this.q('#name-input');
    this.cameraSelect = this.q('#camera-select');
    this.micSelect = this.q('#mic-select');
    this.preview = this.q('#preview');
    this.previewNote = this.q('#preview-note');
    this.errorEl = this.q('#start-error');
    this.camToggle = this.q('#preview-camera');
    this.micToggle = this.q('#preview-mic');
    this.joinButton = this.q('#join-button');

    this.form.addEventListener('submit', (ev) => {
      ev.preventDefault();
      this.submit();
    });
    this.cameraSelect.addEventListener('change', () => this.capture());
    this.micSelect.addEventListener('change', () => this.capture());
    this.camToggle.addEventListener('click', () => this.toggle('camera'));
    this.micToggle.addEventListener('click', () => this.toggle('mic'));
    this.roomInput.addEventListener('input', () => this.roomInput.setCustomValidity(''));
    this.nameInput.addEventListener('input', () => this.nameInput.setCustomValidity(''));
  }

  async show({ room = '', name = '', error = '' } = {}) {
    this.root.hidden = false;
    this.roomInput.value = room || this.roomInput.value || randomRoom();
    this.nameInput.value = name || this.nameInput.value || localStorage.getItem(NAME_KEY) || '';
    this.joinButton.disabled = false;
    this.setError(error);
    (this.nameInput.value ? this.joinButton : this.nameInput).focus();
    if (!this.stream) await this.capture();
  }

  hide() {
    this.root.hidden = true;
    this.preview.srcObject = null;
  }

  setError(text) {
    this.errorEl.textContent = text || '';
    this.errorEl.hidden = !text;
  }

  /** (Re)captures with the chosen devices and fills the pickers. */
  async capture() {
    stopStream(this.stream);
    this.previewNote.textContent = 'Starting camera…';
    this.previewNote.hidden = false;
    const { stream, problems } = await getLocalMedia({
      cameraId: this.cameraSelect.value || undefined,
      micId: this.micSelect.value || undefined,
      lowres: this.lowres,
    });
    this.stream = stream;
    this.problems = problems;
    stream.getVideoTracks().forEach((t) => { t.enabled = this.cameraOn; });
    stream.getAudioTracks().forEach((t) => { t.enabled = this.micOn; });
    this.preview.srcObject = stream;
    this.preview.play().catch(() => {});
    await this.fillDevices();
    this.updatePreview();
  }

  async fillDevices() {
    const { cameras, mics } = await listDevices();
    const current = (kind) => this.stream.getTracks().find((t) => t.kind === kind)?.getSettings().deviceId;
    fill(this.cameraSelect, cameras, current('video'), 'No camera');
    fill(this.micSelect, mics, current('audio'), 'No microphone');
  }

  toggle(what) {
    if (what === 'camera') this.cameraOn = !this.cameraOn;
    else this.micOn = !this.micOn;
    this.stream.getVideoTracks().forEach((t) => { t.enabled = this.cameraOn; });
    this.stream.getAudioTracks().forEach((t) => { t.enabled = this.micOn; });
    this.updatePreview();
  }

  updatePreview() {
    const hasCam = this.stream.getVideoTracks().length > 0;
    const hasMic = this.stream.getAudioTracks().length > 0;
    setToggle(this.camToggle, hasCam && this.cameraOn, hasCam, 'camera');
    setToggle(this.micToggle, hasMic && this.micOn, hasMic, 'microphone');
    let note = '';
    if (this.problems.length) note = `${this.problems.join(' ')} You can still join and see and hear the others.`;
    else if (!this.cameraOn) note = 'Your camera is off.';
    this.previewNote.textContent = note;
    this.previewNote.hidden = !note;
    this.preview.classList.toggle('off', !(hasCam && this.cameraOn));
  }

  submit() {
    const room = this.roomInput.value.trim();
    const name = this.nameInput.value.trim();
    if (!validRoom(room)) {
      this.roomInput.setCustomValidity('Use 1 to 64 letters, digits, dots, dashes or underscores.');
      this.roomInput.reportValidity();
      return;
    }
    if (!validName(name)) {
      this.nameInput.setCustomValidity('Enter a name of 1 to 64 characters.');
      this.nameInput.reportValidity();
      return;
    }
    localStorage.setItem(NAME_KEY, name);
    this.joinButton.disabled = true;
    const stream = this.stream;
    this.stream = null; // the meeting owns it now
    this.onJoin({
      room, name, stream, problems: this.problems, cameraOn: this.cameraOn, micOn: this.micOn,
      cameraId: this.cameraSelect.value || undefined, micId: this.micSelect.value || undefined,
    });
  }

  /** The devices chosen here, for a later rejoin. */
  releasePreview() {
    stopStream(this.stream);
    this.stream = null;
  }
}

function fill(select, devices, currentId, emptyText) {
  const chosen = select.value || currentId;
  select.replaceChildren();
  if (!devices.length) {
    select.append(new Option(emptyText, ''));
    select.disabled = true;
    return;
  }
  select.disabled = false;
  for (const d of devices) select.append(new Option(d.label, d.id, false, d.id === chosen));
}

function setToggle(button, on, available, what) {
  button.disabled = !available;
  button.setAttribute('aria-pressed', String(!on));
  const label = !available ? `No ${what}` : on ? `Turn ${what} off` : `Turn ${what} on`;
  button.setAttribute('aria-label', label);
  button.title = label;
}
