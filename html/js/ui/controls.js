// The meeting toolbar and the room header.

export class Controls {
  constructor(root, handlers) {
    this.root = root;
    this.buttons = {};
    for (const name of ['mic', 'camera', 'screen', 'stats', 'leave']) {
      const b = root.querySelector(`[data-action="${name}"]`);
      this.buttons[name] = b;
      b.addEventListener('click', () => handlers[name]());
    }
    // Shortcuts for keyboard users, announced in each button's title.
    document.addEventListener('keydown', (ev) => {
      if (root.closest('[hidden]') || ev.ctrlKey || ev.metaKey || ev.altKey) return;
      if (ev.target.closest('input, textarea, select, [contenteditable]')) return;
      const map = { m: 'mic', v: 'camera', s: 'screen', i: 'stats' };
      const name = map[ev.key.toLowerCase()];
      if (name && !this.buttons[name].disabled && !this.buttons[name].hidden) {
        ev.preventDefault();
        handlers[name]();
      }
    });
  }

  update({ hasMic, hasCamera, micMuted, camOff, sharing, stats }) {
    const { mic, camera, screen } = this.buttons;
    setButton(mic, micMuted, hasMic ? (micMuted ? 'Unmute microphone' : 'Mute microphone') : 'No microphone',
      micMuted ? 'Unmute' : 'Mute', 'M');
    mic.classList.toggle('off', micMuted);
    setButton(camera, camOff, hasCamera ? (camOff ? 'Turn camera on' : 'Turn camera off') : 'No camera',
      camOff ? 'Start video' : 'Stop video', 'V');
    camera.classList.toggle('off', camOff);
    setButton(screen, sharing, sharing ? 'Stop sharing your screen' : 'Share your screen',
      sharing ? 'Stop share' : 'Share', 'S');
    screen.classList.toggle('active', sharing);
    setButton(this.buttons.stats, stats, stats ? 'Hide connection stats' : 'Show connection stats', 'Stats', 'I');
  }

  setScreenAvailable(available) {
    this.buttons.screen.hidden = !available;
  }

  setLeaving(leaving) {
    this.buttons.leave.disabled = leaving;
  }
}

/** label: what a screen reader says; short: the visible caption. */
function setButton(button, pressed, label, short, key) {
  button.setAttribute('aria-pressed', String(pressed));
  button.setAttribute('aria-label', label);
  button.title = `${label} (${key})`;
  const text = button.querySelector('.btn-label');
  if (text) text.textContent = short;
}

export class Header {
  constructor(root, { onCopyLink }) {
    this.roomEl = root.querySelector('#room-name');
    this.countEl = root.querySelector('#people-count');
    this.statusEl = root.querySelector('#room-status');
    root.querySelector('#copy-link').addEventListener('click', onCopyLink);
  }

  setRoom(room) {
    this.roomEl.textContent = room;
    document.title = `${room} · Starling`;
  }

  setCount(n) {
    this.countEl.textContent = n === 1 ? 'Just you' : `${n} people`;
  }

  setStatus(status) {
    this.statusEl.hidden = !status;
    this.statusEl.textContent = status === 'reconnecting' ? 'Reconnecting…' : status;
    this.statusEl.dataset.status = status;
  }
}
