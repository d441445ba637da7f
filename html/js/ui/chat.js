// The chat panel over the `chat` data channel (PROTOCOL 1.3). It stays
// hidden until the server relays chat: the panel is switched on when the
// channel is open and a message from the server arrives on it, or at once
// with ?chat=1.

import { el } from './dom.js';

const MAX_TEXT_BYTES = 16 * 1024;

export class Chat extends EventTarget {
  constructor({ panel, list, form, input, toggle, badge }, { forced = false } = {}) {
    super();
    this.panel = panel;
    this.list = list;
    this.form = form;
    this.input = input;
    this.toggle = toggle;
    this.badge = badge;
    this.forced = forced;
    this.enabled = false;
    this.unread = 0;
    this.channel = null;

    this.form.addEventListener('submit', (ev) => {
      ev.preventDefault();
      this.sendInput();
    });
    this.toggle.addEventListener('click', () => this.setOpen(this.panel.hidden));
    this.panel.querySelector('[data-close]')?.addEventListener('click', () => this.setOpen(false));
  }

  attach(channel, myName) {
    this.channel = channel;
    this.myName = myName;
    channel.addEventListener('open', () => {
      if (this.forced) this.enable();
    });
    channel.addEventListener('message', (ev) => this.receive(ev.data));
    channel.addEventListener('close', () => { this.channel = null; });
  }

  enable() {
    if (this.enabled) return;
    this.enabled = true;
    this.toggle.hidden = false;
  }

  setOpen(open) {
    if (open && !this.enabled) return;
    this.panel.hidden = !open;
    this.toggle.setAttribute('aria-pressed', String(open));
    if (open) {
      this.unread = 0;
      this.updateBadge();
      this.input.focus();
    }
    this.dispatchEvent(new CustomEvent('toggle', { detail: open }));
  }

  receive(data) {
    let msg;
    try {
      msg = JSON.parse(typeof data === 'string' ? data : new TextDecoder().decode(data));
    } catch {
      return;
    }
    if (!msg || typeof msg.text !== 'string') return;
    this.enable();
    this.append({ name: msg.name || 'Someone', text: msg.text, ts: msg.ts || Date.now(), mine: false });
    if (this.panel.hidden) {
      this.unread++;
      this.updateBadge();
    }
  }

  sendInput() {
    const text = this.input.value.trim();
    if (!text || !this.channel || this.channel.readyState !== 'open') return;
    if (new TextEncoder().encode(text).length > MAX_TEXT_BYTES) {
      this.input.setCustomValidity('This message is too long.');
      this.input.reportValidity();
      return;
    }
    this.input.setCustomValidity('');
    this.channel.send(text);
    this.append({ name: this.myName, text, ts: Date.now(), mine: true });
    this.input.value = '';
  }

  append({ name, text, ts, mine }) {
    const time = new Date(ts).toLocaleTimeString([], { hour: '2-digit', minute: '2-digit' });
    this.list.append(el(`li.chat-msg${mine ? '.mine' : ''}`, {},
      el('div.chat-meta', {}, el('span.chat-name', { text: mine ? 'You' : name }), el('time', { text: time })),
      el('div.chat-text', { text })));
    this.list.scrollTop = this.list.scrollHeight;
  }

  updateBadge() {
    this.badge.hidden = this.unread === 0;
    this.badge.textContent = String(this.unread);
    this.toggle.setAttribute('aria-label', this.unread ? `Chat, ${this.unread} unread` : 'Chat');
  }

  reset() {
    this.list.replaceChildren();
    this.unread = 0;
    this.updateBadge();
    this.panel.hidden = true;
    this.toggle.hidden = !this.enabled;
  }
}
