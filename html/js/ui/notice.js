// Telling the person what happens: toasts (passing news), banners (a state
// that lasts, such as "reconnecting"), and full-screen messages (the
// meeting ended or cannot go on) with the actions that help.

import { el } from './dom.js';

const TOAST_MS = 5000;

export class Notices {
  constructor({ toasts, banners, screen }) {
    this.toastsEl = toasts;
    this.bannersEl = banners;
    this.screenEl = screen;
    this.banners = new Map();
  }

  toast(text, kind = 'info') {
    const node = el(`div.toast.toast-${kind}`, { text });
    this.toastsEl.append(node);
    setTimeout(() => {
      node.classList.add('leaving');
      setTimeout(() => node.remove(), 300);
    }, TOAST_MS);
  }

  /** A lasting state line; `action` = {label, onClick}; `busy` shows a spinner. */
  banner(key, { text, kind = 'info', action = null, busy = false }) {
    this.clearBanner(key);
    const node = el(`div.banner.banner-${kind}`, { role: kind === 'error' ? 'alert' : 'status', 'data-banner': key },
      busy ? el('span.spinner', { 'aria-hidden': 'true' }) : null,
      el('span.banner-text', { text }),
      action ? el('button.btn.btn-small', { type: 'button', text: action.label, onclick: action.onClick }) : null);
    this.banners.set(key, node);
    this.bannersEl.append(node);
  }

  clearBanner(key) {
    const node = this.banners.get(key);
    if (node) node.remove();
    this.banners.delete(key);
  }

  clearBanners() {
    for (const key of [...this.banners.keys()]) this.clearBanner(key);
  }

  /** A full-screen message: {title, text, actions: [{label, onClick, primary}]}. */
  screen({ title, text, actions = [] }) {
    const buttons = actions.map((a) => el(`button.btn${a.primary ? '.btn-primary' : ''}`, {
      type: 'button', text: a.label, onclick: () => { this.hideScreen(); a.onClick(); },
    }));
    const titleId = 'screen-title';
    const card = el('div.screen-card', { role: 'alertdialog', 'aria-modal': 'true', 'aria-labelledby': titleId, 'aria-describedby': 'screen-text' },
      el('h2', { id: titleId, text: title }),
      el('p', { id: 'screen-text', text }),
      el('div.screen-actions', {}, ...buttons));
    this.screenEl.replaceChildren(card);
    this.screenEl.hidden = false;
    (buttons.find((b) => b.classList.contains('btn-primary')) || buttons[0])?.focus();
  }

  hideScreen() {
    this.screenEl.hidden = true;
    this.screenEl.replaceChildren();
  }
}
