// The map of levels: every district of the viewer's province at its centroid (equirectangular
// projection scaled to the province), coloured by the declared level, or by the computed level when
// none is declared (dashed ring, "computed"), hatched when the data are insufficient. A district is
// a focusable button: click, Enter or Space shows its inputs, rule and history.

import { read } from './api.js';
import { CENTROIDS } from './centroids.js';
import { number, percent, date, addDays } from './format.js';
import { h, s, figure } from './svg.js';

const LEVEL_FIELDS = `unitCode unitName computedLevel declaredLevel colour held differs insufficientData
  newCasesPer100k coverageDose1 elderlyCoverageFull elderlyRaise treatmentCapacityMet
  rule ruleDecision ruleEffectiveFrom declaration { decisionNumber effectiveFrom level }`;

const QUERY = `query BoardMap($week: Date!) {
  districts(first: 200) { nodes { code name nameEn } }
  epidemicLevels(week: $week, unitKind: DISTRICT) { ${LEVEL_FIELDS} }
}`;

const HISTORY_WEEKS = 6;

/// What a district shows: its level, and whether that level was declared, computed, or is missing.
export function shownLevel(l) {
  if (!l) return { level: null, how: 'insufficient' };
  if (l.declaredLevel !== null && l.declaredLevel !== undefined) return { level: l.declaredLevel, how: 'declared' };
  if (l.computedLevel !== null && l.computedLevel !== undefined) return { level: l.computedLevel, how: 'computed' };
  return { level: null, how: 'insufficient' };
}

export async function load(ctx) {
  const answer = await read(QUERY, { week: ctx.params.week });
  if (answer.forbidden) return { kind: 'forbidden' };
  if (!answer.data) return { kind: 'failed', message: answer.failed };
  const levels = answer.data.epidemicLevels || [];
  // Every agency reads the levels; one that may not read district profiles places the levels' units.
  let districts = answer.data.districts?.nodes || [];
  if (!districts.length) districts = levels.map((l) => ({ code: l.unitCode, name: l.unitName, nameEn: null }));
  if (!districts.some((d) => CENTROIDS[d.code])) return { kind: 'empty' };
  return { kind: 'ok', districts, levels, selected: null, history: null };
}

function project(districts) {
  const placed = districts.filter((d) => CENTROIDS[d.code]);
  const lats = placed.map((d) => CENTROIDS[d.code][0]);
  const lons = placed.map((d) => CENTROIDS[d.code][1]);
  const lat0 = (Math.min(...lats) + Math.max(...lats)) / 2;
  const k = Math.cos((lat0 * Math.PI) / 180);
  const xs = lons.map((x) => x * k);
  const [minX, maxX, minY, maxY] = [Math.min(...xs), Math.max(...xs), Math.min(...lats), Math.max(...lats)];
  const [W, H, pad] = [640, 470, 38];
  const scale = Math.min((W - 2 * pad) / (maxX - minX || 1), (H - 2 * pad) / (maxY - minY || 1));
  const offX = (W - (maxX - minX) * scale) / 2;
  const offY = (H - (maxY - minY) * scale) / 2;
  return {
    W,
    H,
    at(code) {
      const [lat, lon, area] = CENTROIDS[code];
      return { x: offX + (lon * k - minX) * scale, y: offY + (maxY - lat) * scale, r: 7 + Math.sqrt(area) / 3.2 };
    },
    placed,
  };
}

function shortName(name) {
  return name.replace(/^(Thành phố|Thị xã|Huyện|City of|Town)\s+/i, '');
}

function levelName(ctx, shown) {
  if (shown.level === null) return ctx.t('insufficientData');
  return `${ctx.t('level')} ${shown.level} – ${ctx.t(`level${shown.level}`)}`;
}

export function render(body, state, ctx) {
  const { t } = ctx;
  const byCode = new Map(state.levels.map((l) => [l.unitCode, l]));
  const proj = project(state.districts);
  const svg = s(
    'svg',
    { class: 'map', viewBox: `0 0 ${proj.W} ${proj.H}`, role: 'group', 'aria-label': t('mapLabel') },
    s(
      'defs',
      null,
      s(
        'pattern',
        { id: 'hatch', width: 6, height: 6, patternUnits: 'userSpaceOnUse', patternTransform: 'rotate(45)' },
        s('rect', { width: 6, height: 6, class: 'hatch-bg' }),
        s('line', { x1: 0, y1: 0, x2: 0, y2: 6, class: 'hatch-line' }),
      ),
    ),
  );
  // Names are drawn largest district first and skipped where they would overlap one already drawn
  // or a circle; a skipped name still shows on hover, on focus and in the details.
  const taken = proj.placed.map((d) => {
    const p = proj.at(d.code);
    return { x0: p.x - p.r, x1: p.x + p.r, y0: p.y - p.r, y1: p.y + p.r };
  });
  const labelled = new Set();
  for (const d of [...proj.placed].sort((a, b) => CENTROIDS[b.code][2] - CENTROIDS[a.code][2])) {
    const p = proj.at(d.code);
    const text = shortName(ctx.lang === 'en' && d.nameEn ? d.nameEn : d.name);
    const half = text.length * 2.9;
    const box = { x0: p.x - half, x1: p.x + half, y0: p.y + p.r + 2, y1: p.y + p.r + 13 };
    const clash = taken.some((b) => b.x0 < box.x1 && box.x0 < b.x1 && b.y0 < box.y1 && box.y0 < b.y1);
    if (!clash) {
      taken.push(box);
      labelled.add(d.code);
    }
  }
  for (const d of proj.placed) {
    const l = byCode.get(d.code);
    const shown = shownLevel(l);
    const p = proj.at(d.code);
    const name = ctx.lang === 'en' && d.nameEn ? d.nameEn : d.name;
    const label = `${name}: ${levelName(ctx, shown)}${shown.how === 'computed' ? ` (${t('computedMark')})` : ''}`;
    const select = () => choose(body, state, ctx, d.code);
    const g = s(
      'g',
      {
        class: `district how-${shown.how}${state.selected === d.code ? ' selected' : ''}`,
        tabindex: 0,
        role: 'button',
        'aria-label': label,
        'aria-pressed': state.selected === d.code ? 'true' : 'false',
        'data-code': d.code,
        onclick: select,
        onkeydown: (e) => {
          if (e.key === 'Enter' || e.key === ' ') {
            e.preventDefault();
            select();
          }
        },
      },
      s('title', null, label),
      s('circle', { cx: p.x.toFixed(1), cy: p.y.toFixed(1), r: (p.r + 4).toFixed(1), class: 'focus-ring' }),
      s('circle', {
        cx: p.x.toFixed(1),
        cy: p.y.toFixed(1),
        r: p.r.toFixed(1),
        class: `dot level-${shown.level ?? 'none'}`,
      }),
      l && l.computedLevel === null
        ? s('circle', { cx: p.x.toFixed(1), cy: p.y.toFixed(1), r: p.r.toFixed(1), class: 'dot-hatch', fill: 'url(#hatch)' })
        : null,
      s(
        'text',
        { x: p.x.toFixed(1), y: (p.y + 4).toFixed(1), class: `dot-level${shown.level === 1 || shown.level === 4 ? '' : ' dark'}`, 'text-anchor': 'middle' },
        shown.level === null ? '?' : String(shown.level) + (shown.how === 'computed' ? '*' : ''),
      ),
      s('text', { x: p.x.toFixed(1), y: (p.y + p.r + 11).toFixed(1), class: `dot-name${labelled.has(d.code) ? '' : ' on-focus'}`, 'text-anchor': 'middle' }, shortName(name)),
    );
    svg.append(g);
  }
  // The figures the board shows, one per district (the test reads them against the API).
  const figures = h(
    'ul',
    { class: 'sr-only' },
    proj.placed.map((d) => {
      const shown = shownLevel(byCode.get(d.code));
      return h('li', null, figure(`level:${d.code}`, `${shown.level ?? ''}|${shown.how}`, `${d.name}: ${levelName(ctx, shown)}`));
    }),
  );
  const legend = h(
    'ul',
    { class: 'legend' },
    [1, 2, 3, 4].map((n) => h('li', null, h('span', { class: `swatch level-${n}` }), `${n} – ${t(`level${n}`)}`)),
    h('li', null, h('span', { class: 'swatch hatched' }), t('insufficientData')),
    h('li', null, h('span', { class: 'swatch computed' }), `${t('computedMark')} (*)`),
  );
  const weekNote = h('p', { class: 'note' }, `${t('weekOf')} ${date(ctx.params.week)}`);
  const detail = h('div', { class: 'detail', id: 'district-detail', 'aria-live': 'polite' });
  body.replaceChildren(weekNote, h('div', { class: 'map-wrap' }, svg, detail), legend, figures);
  renderDetail(detail, state, ctx);
}

async function choose(body, state, ctx, code) {
  state.selected = code;
  state.history = null;
  render(body, state, ctx);
  body.querySelector(`g[data-code="${code}"]`)?.focus();
  const weeks = Array.from({ length: HISTORY_WEEKS }, (_, i) => addDays(ctx.params.week, -7 * i));
  const aliases = weeks.map((w, i) => `w${i}: epidemicLevels(week: "${w}", unitKind: DISTRICT) { unitCode computedLevel declaredLevel insufficientData newCasesPer100k }`);
  try {
    const answer = await read(`query BoardLevelHistory { ${aliases.join('\n')} }`, {});
    if (state.selected !== code) return;
    state.history = weeks.map((week, i) => ({ week, level: (answer.data?.[`w${i}`] || []).find((l) => l.unitCode === code) || null }));
  } catch (e) {
    ctx.onError(e);
    return;
  }
  const detail = body.querySelector('#district-detail');
  if (detail) renderDetail(detail, state, ctx);
}

function yesNo(t, v) {
  if (v === null || v === undefined) return '–';
  return v ? t('yes') : t('no');
}

function renderDetail(detail, state, ctx) {
  const { t } = ctx;
  if (!state.selected) {
    detail.replaceChildren(h('p', { class: 'note' }, t('mapHint')));
    return;
  }
  const l = state.levels.find((x) => x.unitCode === state.selected);
  const d = state.districts.find((x) => x.code === state.selected);
  const name = ctx.lang === 'en' && d?.nameEn ? d.nameEn : d?.name || state.selected;
  const shown = shownLevel(l);
  const rows = l
    ? [
        [t('newCasesPer100k'), number(l.newCasesPer100k, 1)],
        [t('coverageDose1'), percent(l.coverageDose1)],
        [t('elderlyCoverageFull'), percent(l.elderlyCoverageFull)],
        [t('treatmentCapacityMet'), yesNo(t, l.treatmentCapacityMet)],
        [t('missingInputs'), l.insufficientData.length ? l.insufficientData.join(', ') : '–'],
        [t('computedLevel'), l.computedLevel ?? '–'],
        [t('declaredLevel'), l.declaredLevel ?? '–'],
        [t('declaration'), l.declaration ? `${l.declaration.decisionNumber} (${date(l.declaration.effectiveFrom)})` : '–'],
        [t('held'), yesNo(t, l.held)],
        [t('rule'), `${l.rule} (${t('since')} ${date(l.ruleEffectiveFrom)})`],
        [t('ruleDecision'), l.ruleDecision],
      ]
    : [];
  const history = state.history
    ? s(
        'svg',
        { class: 'history', viewBox: `0 0 ${HISTORY_WEEKS * 62} 58`, role: 'img', 'aria-label': t('history') },
        [...state.history].reverse().map((w, i) => {
          const sh = shownLevel(w.level);
          return s(
            'g',
            null,
            s('rect', { x: i * 62 + 2, y: 2, width: 56, height: 32, rx: 4, class: `dot level-${sh.level ?? 'none'}` }),
            s('text', { x: i * 62 + 30, y: 23, 'text-anchor': 'middle', class: 'dot-level' }, sh.level === null ? '?' : String(sh.level) + (sh.how === 'computed' ? '*' : '')),
            s('text', { x: i * 62 + 30, y: 50, 'text-anchor': 'middle', class: 'hist-week' }, date(w.week).slice(0, 5)),
          );
        }),
      )
    : h('p', { class: 'note' }, t('loading'));
  detail.replaceChildren(
    h('h3', null, name),
    h('p', { class: `badge level-${shown.level ?? 'none'}` }, levelName(ctx, shown), shown.how === 'computed' ? ` (${t('computedMark')})` : ''),
    h('dl', null, rows.map(([k, v]) => [h('dt', null, k), h('dd', null, String(v))])),
    h('h4', null, t('history')),
    history,
  );
}
