// Quarantine and ports: facility occupancy (`quarantineFacilities`), open cases per district
// (`quarantineSummary`, counts only), and vessels whose cargo is held or blocked, with why
// (`vesselCalls`; the hold reason's kind only, never the crew member).

import { read, readAll } from './api.js';
import { dateTime, number } from './format.js';
import { h, figure, bars, table } from './svg.js';

function name(ctx, d) {
  if (!d) return '–';
  return ctx.lang === 'en' && d.nameEn ? d.nameEn : d.name;
}

const FACILITIES = `query BoardFacilities($after: String) {
  quarantineFacilities(first: 100, after: $after) {
    totalCount pageInfo { hasNextPage endCursor }
    nodes { code name kind capacity occupancy freePlaces district { code name nameEn } }
  }
}`;
const CASES = `query BoardQuarantineCases { quarantineSummary { district { code name nameEn } open overdue } }`;

export async function loadQuarantine() {
  const got = await readAll(FACILITIES, 'quarantineFacilities');
  const cases = await read(CASES, {});
  const facilities = got.nodes;
  const summary = cases.data?.quarantineSummary;
  if (got.forbidden && cases.forbidden) return { kind: 'forbidden' };
  if (!facilities && !summary) return { kind: 'failed', message: got.failed || cases.failed };
  if (!(facilities || []).length && !(summary || []).length) return { kind: 'empty' };
  const open = new Map();
  for (const r of summary || []) {
    if (!r.district) continue;
    const d = open.get(r.district.code) || { district: r.district, open: 0, overdue: 0 };
    d.open += r.open;
    d.overdue += r.overdue;
    open.set(r.district.code, d);
  }
  return { kind: 'ok', facilities: facilities || [], open: [...open.values()] };
}

export function renderQuarantine(body, state, ctx) {
  const { t } = ctx;
  const facilities = [...state.facilities].sort((a, b) => b.occupancy / (b.capacity || 1) - a.occupancy / (a.capacity || 1));
  body.replaceChildren(
    h('h3', null, t('occupancy')),
    bars(
      facilities.map((f) => ({
        label: f.name,
        value: f.occupancy,
        max: f.capacity || 1,
        text: `${number(f.occupancy)} / ${number(f.capacity)}`,
        cls: f.freePlaces <= 0 ? 'bad' : f.occupancy / (f.capacity || 1) > 0.8 ? 'warn' : 'ok',
      })),
      { title: t('occupancy'), labelWidth: 190, row: 20 },
    ),
    table(
      [t('facility'), t('district'), t('occupancy'), t('capacity'), t('freePlaces')],
      facilities.map((f) => ({
        cells: [
          `${f.name} (${t(`facility.${f.kind}`)})`,
          name(ctx, f.district),
          figure(`facility:${f.code}`, f.occupancy, number(f.occupancy)),
          number(f.capacity),
          number(f.freePlaces),
        ],
      })),
      { class: 'compact' },
    ),
    state.open.length
      ? h(
          'div',
          null,
          h('h3', null, t('openCases')),
          table(
            [t('district'), t('openCases'), t('testsOverdue')],
            state.open.map((d) => ({
              cells: [name(ctx, d.district), figure(`cases:${d.district.code}`, d.open, number(d.open)), number(d.overdue)],
            })),
            { class: 'compact' },
          ),
        )
      : '',
  );
}

const VESSELS = `query BoardVessels($after: String) {
  vesselCalls(first: 50, after: $after) {
    totalCount
    pageInfo { hasNextPage endCursor }
    nodes { id vesselName registration flag arrivedAt cargoRelease holdReasons { reason } district { code name nameEn } checkpoint { name } }
  }
}`;

export async function loadVessels() {
  const got = await readAll(VESSELS, 'vesselCalls');
  if (got.forbidden) return { kind: 'forbidden' };
  if (got.failed) return { kind: 'failed', message: got.failed };
  if (!got.nodes.length) return { kind: 'empty' };
  return { kind: 'ok', vessels: got.nodes };
}

export function renderVessels(body, state, ctx) {
  const { t } = ctx;
  const held = state.vessels.filter((v) => v.cargoRelease !== 'RELEASED');
  const reasons = (v) => {
    const counts = new Map();
    for (const r of v.holdReasons) counts.set(r.reason, (counts.get(r.reason) || 0) + 1);
    return [...counts.entries()].map(([r, n]) => `${t(`hold.${r}`)} × ${number(n)}`).join(', ') || '–';
  };
  body.replaceChildren(
    h(
      'p',
      { class: 'big' },
      figure('vessels:held', held.length, number(held.length)),
      ' ',
      t('vesselsHeld'),
      ` (${t('of')} ${number(state.vessels.length)} ${t('vesselCalls')})`,
    ),
    held.length
      ? table(
          [t('vessel'), t('port'), t('arrivedAt'), t('cargo'), t('why')],
          held.map((v) => ({
            cells: [
              `${v.vesselName} (${v.registration}, ${v.flag})`,
              v.checkpoint?.name || name(ctx, v.district),
              dateTime(v.arrivedAt),
              figure(`vessel:${v.id}`, v.cargoRelease, t(`cargo.${v.cargoRelease}`)),
              reasons(v),
            ],
          })),
          { class: 'compact' },
        )
      : h('p', { class: 'note' }, t('none')),
  );
}
