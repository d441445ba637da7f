// The responsive grid: picks the column count that makes tiles largest
// for the space available, and keeps the local tiles first.

const GAP_PX = 10;

export class Grid {
  constructor(container) {
    this.container = container;
    this.tiles = new Map(); // key -> Tile
    this.observer = new ResizeObserver(() => this.layout());
    this.observer.observe(container);
  }

  get(key) {
    return this.tiles.get(key);
  }

  add(tile) {
    this.tiles.set(tile.key, tile);
    // Screen shares first (they carry detail), then the local tile, then the others.
    const order = { 'local-screen': 1, screen: 0, local: 2, remote: 3 };
    const after = [...this.container.children].find((n) => {
      const other = this.tiles.get(n.dataset.tile);
      return other && order[other.kind] > order[tile.kind];
    });
    this.container.insertBefore(tile.root, after || null);
    this.layout();
    return tile;
  }

  remove(key) {
    const tile = this.tiles.get(key);
    if (!tile) return;
    tile.remove();
    this.tiles.delete(key);
    this.layout();
  }

  clear() {
    for (const key of [...this.tiles.keys()]) this.remove(key);
  }

  forEach(fn) {
    this.tiles.forEach(fn);
  }

  /** Chooses columns so that n tiles of ratio 16:9 (4:3 on narrow screens) are as large as possible. */
  layout() {
    const n = this.tiles.size || 1;
    const w = this.container.clientWidth;
    const h = this.container.clientHeight;
    if (!w || !h) return;
    const ratio = w < 600 ? 4 / 3 : 16 / 9;
    let best = { cols: 1, width: 0 };
    for (let cols = 1; cols <= n; cols++) {
      const rows = Math.ceil(n / cols);
      const maxW = (w - GAP_PX * (cols - 1)) / cols;
      const maxH = (h - GAP_PX * (rows - 1)) / rows;
      const width = Math.min(maxW, maxH * ratio);
      if (width > best.width) best = { cols, width };
    }
    // On a phone, never let tiles shrink below a readable size: scroll instead.
    const minWidth = Math.min(w, 150);
    const width = Math.max(best.width, minWidth);
    const cols = best.width < minWidth ? Math.max(1, Math.floor((w + GAP_PX) / (minWidth + GAP_PX))) : best.cols;
    this.container.style.setProperty('--cols', cols);
    this.container.style.setProperty('--tile-w', `${Math.floor(width)}px`);
    this.container.style.setProperty('--tile-ratio', ratio);
    this.container.dataset.count = this.tiles.size;
  }

  destroy() {
    this.observer.disconnect();
    this.clear();
  }
}
