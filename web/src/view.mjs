// The page's rendering: tables, metadata, the result plot. No state and
// no rules: app.mjs decides what to show, the library decides everything else.

/** Fill a table: head is a list of strings, rows of [text, className?] cells. */
export function table(el, head, rows) {
  el.replaceChildren();
  const tr = el.insertRow();
  for (const h of head) tr.appendChild(Object.assign(document.createElement('th'), { textContent: h }));
  for (const r of rows) {
    const row = el.insertRow();
    for (const [text, cls] of r) Object.assign(row.insertCell(), { textContent: String(text ?? ''), className: cls || '' });
  }
}

/** Key/value pairs as a definition list. */
export function definitions(el, entries) {
  el.replaceChildren();
  for (const [k, v] of entries) {
    el.append(Object.assign(document.createElement('dt'), { textContent: k }), Object.assign(document.createElement('dd'), { textContent: typeof v === 'string' ? v : JSON.stringify(v) }));
  }
}

const nice = (x) => (x === 0 ? '0' : Math.abs(x) >= 1e4 || Math.abs(x) < 1e-3 ? x.toExponential(2) : x.toPrecision(4).replace(/\.?0+$/, ''));

/** A label cut to fit a tick. */
const short = (t) => ([...t].length > 14 ? `${[...t].slice(0, 13).join('')}\u2026` : t);

/** The labelled index nearest `x` (keys: sorted indices). */
function nearest(keys, x) {
  let lo = 0, hi = keys.length - 1;
  while (lo < hi) { const mid = (lo + hi) >> 1; if (keys[mid] < x) lo = mid + 1; else hi = mid; }
  return lo > 0 && x - keys[lo - 1] <= keys[lo] - x ? keys[lo - 1] : keys[lo];
}

/** Plot (index, value) points: index on x, value on y, labelled axes.
 *  `labels` (a Map index → label, for some of the points): the x ticks sit
 *  on labelled points and show their labels; without it, indices. */
export function plot(canvas, xy, yLabel, title, labels = null) {
  const named = labels !== null && labels.size > 0;
  canvas.hidden = false;
  canvas.setAttribute('role', 'img');
  canvas.setAttribute('aria-label', `${title}: ${yLabel} (y axis) against ${named ? 'label, by index' : 'index'} (x axis)`);
  const dpr = window.devicePixelRatio || 1, w = canvas.clientWidth || 600, h = canvas.clientHeight || 280;
  canvas.width = Math.round(w * dpr);
  canvas.height = Math.round(h * dpr);
  const g = canvas.getContext('2d');
  g.setTransform(dpr, 0, 0, dpr, 0, 0);
  g.clearRect(0, 0, w, h);
  g.font = '12px system-ui, sans-serif';
  g.fillStyle = '#222';
  const n = xy.length / 2;
  if (!n) { g.fillText('no results to plot', 12, 20); return; }
  let [x0, x1, y0, y1] = [Infinity, -Infinity, 0, 0];
  for (let i = 0; i < n; i++) {
    const x = xy[2 * i], y = xy[2 * i + 1];
    if (!Number.isFinite(y)) continue;
    [x0, x1, y0, y1] = [Math.min(x0, x), Math.max(x1, x), Math.min(y0, y), Math.max(y1, y)];
  }
  if (x0 === x1) [x0, x1] = [x0 - 1, x1 + 1];
  if (y0 === y1) y1 = y0 + 1;
  const m = { l: 62, r: 12, t: 22, b: 40 };
  const px = (x) => m.l + ((x - x0) / (x1 - x0)) * (w - m.l - m.r);
  const py = (y) => h - m.b - ((y - y0) / (y1 - y0)) * (h - m.t - m.b);
  g.strokeStyle = '#444';
  g.beginPath();
  g.moveTo(m.l, m.t); g.lineTo(m.l, h - m.b); g.lineTo(w - m.r, h - m.b);
  g.stroke();
  g.textAlign = 'center';
  if (named) {
    const keys = [...labels.keys()].sort((a, b) => a - b);
    const ticks = [...new Set([x0, (x0 + x1) / 2, x1].map((x) => nearest(keys, x)))];
    ticks.forEach((x, k) => {
      g.textAlign = ticks.length > 1 && k === 0 ? 'left' : ticks.length > 1 && k === ticks.length - 1 ? 'right' : 'center';
      g.fillText(short(labels.get(x)), px(x), h - m.b + 14);
    });
    g.textAlign = 'center';
    g.fillText('label (by index)', (m.l + w - m.r) / 2, h - 6);
  } else {
    for (const x of [x0, (x0 + x1) / 2, x1]) g.fillText(nice(Math.round(x)), px(x), h - m.b + 14);
    g.fillText('index', (m.l + w - m.r) / 2, h - 6);
  }
  g.textAlign = 'right';
  for (const y of [y0, (y0 + y1) / 2, y1]) g.fillText(nice(y), m.l - 6, py(y) + 4);
  g.save();
  g.translate(12, (m.t + h - m.b) / 2);
  g.rotate(-Math.PI / 2);
  g.textAlign = 'center';
  g.fillText(yLabel, 0, 0);
  g.restore();
  g.textAlign = 'left';
  g.fillText(title, m.l, 14);
  g.strokeStyle = '#4a7bd0';
  g.fillStyle = '#4a7bd0';
  const zero = py(Math.max(y0, Math.min(0, y1)));
  for (let i = 0; i < n; i++) {
    const y = xy[2 * i + 1];
    if (!Number.isFinite(y)) continue;
    const x = px(xy[2 * i]);
    if (n <= 400) { g.beginPath(); g.moveTo(x, zero); g.lineTo(x, py(y)); g.stroke(); }
    g.fillRect(x - 1.5, py(y) - 1.5, 3, 3);
  }
}

/** Save bytes as a file the browser downloads. */
export function save(bytes, name, type) {
  const url = URL.createObjectURL(new Blob([bytes], { type }));
  const a = Object.assign(document.createElement('a'), { href: url, download: name });
  document.body.append(a);
  a.click();
  a.remove();
  setTimeout(() => URL.revokeObjectURL(url), 10000);
}
