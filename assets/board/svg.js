// Element builders (nothing is ever parsed as HTML: text from the API is always text) and the board's one
// chart, horizontal bars drawn as SVG.

const SVG_NS = 'http://www.w3.org/2000/svg';

function fill(node, attrs, children) {
  for (const [name, value] of Object.entries(attrs || {})) {
    if (value === null || value === undefined || value === false) continue;
    if (name.startsWith('on')) node.addEventListener(name.slice(2), value);
    else node.setAttribute(name, value === true ? '' : String(value));
  }
  for (const child of children.flat(Infinity)) {
    if (child === null || child === undefined || child === false) continue;
    node.append(child instanceof Node ? child : document.createTextNode(String(child)));
  }
  return node;
}

/// An HTML element.
export function h(tag, attrs, ...children) {
  return fill(document.createElement(tag), attrs, children);
}

/// An SVG element.
export function s(tag, attrs, ...children) {
  return fill(document.createElementNS(SVG_NS, tag), attrs, children);
}

/// A figure the test harness (and a reader of the DOM) can check against the API: the shown text, and
/// the raw value in `data-v` under the key `data-k`.
export function figure(key, raw, shown, attrs = {}) {
  return h('span', { class: 'fig', 'data-k': key, 'data-v': raw === null || raw === undefined ? '' : String(raw), ...attrs }, shown);
}

/// `text` cut with an ellipsis to about `width` SVG units of 11px type.
function fit(text, width) {
  const room = Math.floor(width / 6.2);
  return text.length <= room ? text : text.slice(0, room - 1) + '…';
}

/// Horizontal bars: rows of `{ label, value, max, text, cls, target }`; `target` (0..max) draws a tick.
export function bars(rows, { width = 460, row = 22, labelWidth = 150, title = '' } = {}) {
  const height = rows.length * row + 6;
  const barSpace = width - labelWidth - 70;
  const svg = s('svg', {
    class: 'bars',
    viewBox: `0 0 ${width} ${height}`,
    width: '100%',
    role: 'img',
    'aria-label': title,
    preserveAspectRatio: 'xMinYMin meet',
  });
  rows.forEach((r, i) => {
    const y = 3 + i * row;
    const max = r.max || 1;
    const w = Math.max(0, Math.min(1, (r.value || 0) / max)) * barSpace;
    svg.append(
      s('text', { x: labelWidth - 6, y: y + row * 0.68, class: 'bar-label', 'text-anchor': 'end' }, s('title', null, r.label), fit(r.label, labelWidth - 8)),
      s('rect', { x: labelWidth, y: y + 3, width: barSpace, height: row - 8, class: 'bar-track' }),
      s('rect', { x: labelWidth, y: y + 3, width: w.toFixed(1), height: row - 8, class: `bar ${r.cls || ''}` }),
      s('text', { x: labelWidth + barSpace + 6, y: y + row * 0.68, class: 'bar-value' }, r.text),
    );
    if (r.target !== undefined && r.target !== null) {
      const x = labelWidth + Math.min(1, r.target / max) * barSpace;
      svg.append(s('line', { x1: x, x2: x, y1: y + 1, y2: y + row - 3, class: 'bar-target' }));
    }
  });
  return svg;
}

/// A table from a header row and body rows (cells are nodes or text).
export function table(head, rows, attrs = {}) {
  return h(
    'table',
    attrs,
    h('thead', null, h('tr', null, head.map((c) => h('th', { scope: 'col' }, c)))),
    h('tbody', null, rows.map((r) => h('tr', r.attrs || null, r.cells.map((c) => h('td', null, c))))),
  );
}

/// A small inline bar for a table cell: `value` of `max`, with a tick at `target`.
export function meter(value, max, target, cls = 'ok') {
  const w = 90;
  const x = (v) => (Math.max(0, Math.min(1, (v || 0) / (max || 1))) * w).toFixed(1);
  return s(
    'svg',
    { class: 'meter', viewBox: `0 0 ${w + 2} 12`, width: w + 2, height: 12, 'aria-hidden': 'true' },
    s('rect', { x: 1, y: 2, width: w, height: 8, class: 'bar-track' }),
    s('rect', { x: 1, y: 2, width: x(value), height: 8, class: `bar ${cls}` }),
    target === null || target === undefined ? null : s('line', { x1: Number(x(target)) + 1, x2: Number(x(target)) + 1, y1: 0, y2: 12, class: 'bar-target' }),
  );
}
