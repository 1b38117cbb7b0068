// Vaccines: progress per district against the milestone with its responsible head
// (`vaccinationProgress`), stock on hand (`stockSummary`), lots expiring within 14 days
// (`expiringLots`), rebalancing suggestions per vaccine (`rebalancingSuggestions`), and transfers on
// the road (`transfers` dispatched, not yet received).

import { read, readAll } from './api.js';
import { date, dateTime, number, percent } from './format.js';
import { h, figure, bars, table, meter } from './svg.js';

function name(ctx, d) {
  if (!d) return '–';
  return ctx.lang === 'en' && d.nameEn ? d.nameEn : d.name;
}

const D = 'code name nameEn';
// The largest suggestions first; the rest are counted.
const SUGGESTIONS_SHOWN = 6;

const PROGRESS = `query BoardProgress($milestone: Date!) {
  vaccinationProgress(milestone: $milestone) {
    districtCode districtName dose1 eligible dose1Share dose1Target completedShare completedTarget
    behind targetsMet reportedOn projectedCompletion responsibleHeads { name title }
  }
}`;

export async function loadProgress(ctx) {
  const answer = await read(PROGRESS, { milestone: ctx.params.milestone });
  if (answer.forbidden) return { kind: 'forbidden' };
  const rows = answer.data?.vaccinationProgress;
  if (!rows) return { kind: 'failed', message: answer.failed };
  if (!rows.length) return { kind: 'empty' };
  return { kind: 'ok', rows };
}

export function renderProgress(body, state, ctx) {
  const { t } = ctx;
  const rows = [...state.rows].sort((a, b) => (a.dose1Share ?? -1) - (b.dose1Share ?? -1));
  body.replaceChildren(
    h('p', { class: 'note' }, `${t('milestone')} ${date(ctx.params.milestone)} · ${t('tickIsTarget')}`),
    table(
      [t('district'), t('dose1Share'), t('target'), t('completedShare'), t('responsibleHead')],
      rows.map((r) => ({
        attrs: { class: r.behind ? 'behind' : null },
        cells: [
          r.districtName + (r.behind ? ` (${t('behind')})` : ''),
          h(
            'span',
            { class: 'meter-cell' },
            meter(r.dose1Share, 1, r.dose1Target, r.behind ? 'warn' : 'ok'),
            figure(`progress:${r.districtCode}:dose1Share`, r.dose1Share ?? '', percent(r.dose1Share)),
          ),
          percent(r.dose1Target),
          figure(`progress:${r.districtCode}:completedShare`, r.completedShare ?? '', percent(r.completedShare)),
          h('span', { class: 'heads' }, r.responsibleHeads.map((p) => `${p.name} (${p.title})`).join('; ') || '–'),
        ],
      })),
      { class: 'compact progress' },
    ),
  );
}

const STOCK = `query BoardStock {
  vaccines { code name }
  stockSummary { district { ${D} } vaccine { code name } dosesOnHand dosesReserved dosesAvailable dosesExpiringWithin30Days lots }
  expiringLots(withinDays: 14) { id lotNumber expiresOn daysToExpiry dosesAvailable district { ${D} } vaccine { code name } }
}`;

export async function loadStock() {
  const answer = await read(STOCK, {});
  const lines = answer.data?.stockSummary;
  const expiring = answer.data?.expiringLots;
  if (answer.forbidden && !lines?.length) return { kind: 'forbidden' };
  if (!lines) return { kind: 'failed', message: answer.failed };
  if (!lines.length && !(expiring || []).length) return { kind: 'empty' };
  const vaccines = answer.data.vaccines || [];
  let suggestions = [];
  if (vaccines.length) {
    const vars = vaccines.map((_, i) => `$v${i}: String!`).join(', ');
    const aliases = vaccines.map(
      (_, i) => `r${i}: rebalancingSuggestions(vaccineCode: $v${i}) { id doses explanation fromDistrict { ${D} } toDistrict { ${D} } lot { lotNumber expiresOn vaccine { code name } } }`,
    );
    const variables = Object.fromEntries(vaccines.map((v, i) => [`v${i}`, v.code]));
    const more = await read(`query BoardRebalancing(${vars}) { ${aliases.join('\n')} }`, variables);
    suggestions = vaccines.flatMap((_, i) => more.data?.[`r${i}`] || []).sort((a, b) => b.doses - a.doses);
  }
  return { kind: 'ok', lines, expiring: expiring || [], suggestions };
}

export function renderStock(body, state, ctx) {
  const { t } = ctx;
  const byVaccine = new Map();
  const byDistrict = new Map();
  for (const l of state.lines) {
    const code = l.vaccine?.code || '?';
    const v = byVaccine.get(code) || { vaccine: l.vaccine, onHand: 0, reserved: 0, available: 0, expiring30: 0 };
    v.onHand += l.dosesOnHand;
    v.reserved += l.dosesReserved;
    v.available += l.dosesAvailable;
    v.expiring30 += l.dosesExpiringWithin30Days;
    byVaccine.set(code, v);
    const dcode = l.district?.code || '?';
    const d = byDistrict.get(dcode) || { district: l.district, onHand: 0 };
    d.onHand += l.dosesOnHand;
    byDistrict.set(dcode, d);
  }
  const districts = [...byDistrict.values()].sort((a, b) => b.onHand - a.onHand);
  const max = Math.max(1, ...districts.map((d) => d.onHand));
  body.replaceChildren(
    h('h3', null, t('stockOnHand')),
    table(
      [t('vaccine'), t('onHand'), t('reserved'), t('available'), t('expiring30')],
      [...byVaccine.entries()].map(([code, v]) => ({
        cells: [
          v.vaccine?.name || code,
          figure(`stock:${code}:onHand`, v.onHand, number(v.onHand)),
          number(v.reserved),
          figure(`stock:${code}:available`, v.available, number(v.available)),
          number(v.expiring30),
        ],
      })),
      { class: 'compact' },
    ),
    h(
      'details',
      null,
      h('summary', null, t('onHandByDistrict')),
      bars(
        districts.map((d) => ({ label: name(ctx, d.district), value: d.onHand, max, text: number(d.onHand), cls: 'ok' })),
        { title: t('onHandByDistrict'), row: 18 },
      ),
    ),
    h('h3', null, t('expiringLots')),
    state.expiring.length
      ? table(
          [t('lot'), t('vaccine'), t('district'), t('expiresOn'), t('available')],
          state.expiring.map((l) => ({
            cells: [
              l.lotNumber,
              l.vaccine?.name || '–',
              name(ctx, l.district),
              `${date(l.expiresOn)} (${number(l.daysToExpiry)} ${t('days')})`,
              figure(`expiring:${l.id}`, l.dosesAvailable, number(l.dosesAvailable)),
            ],
          })),
          { class: 'compact' },
        )
      : h('p', { class: 'note' }, t('none')),
    h('h3', null, t('rebalancing'), ' (', figure('suggestions:count', state.suggestions.length, number(state.suggestions.length)), ')'),
    state.suggestions.length
      ? h(
          'ul',
          { class: 'suggestions' },
          state.suggestions.slice(0, SUGGESTIONS_SHOWN).map((s) =>
            h(
              'li',
              null,
              h('strong', null, figure(`suggestion:${s.id}`, s.doses, number(s.doses)), ` ${t('doses')} ${s.lot.vaccine?.name || ''}`),
              `: ${name(ctx, s.fromDistrict)} → ${name(ctx, s.toDistrict)} (${t('lot')} ${s.lot.lotNumber}, ${date(s.lot.expiresOn)})`,
              h('br'),
              h('span', { class: 'note' }, s.explanation),
            ),
          ),
        )
      : h('p', { class: 'note' }, t('none')),
  );
}

const TRANSFERS = `query BoardTransfers($after: String) {
  transfers(filter: { status: DISPATCHED }, first: 100, after: $after) {
    totalCount
    pageInfo { hasNextPage endCursor }
    nodes { id doses status requestedAt fromDistrict { ${D} } toDistrict { ${D} } vaccine { code name } fromLot { lotNumber } }
  }
}`;

export async function loadTransfers() {
  const got = await readAll(TRANSFERS, 'transfers');
  if (got.forbidden) return { kind: 'forbidden' };
  if (got.failed) return { kind: 'failed', message: got.failed };
  // None on the road, or none this agency may see (a denied list is an empty one).
  if (!got.nodes.length) return { kind: 'empty' };
  return { kind: 'ok', transfers: got.nodes, total: got.totalCount };
}

export function renderTransfers(body, state, ctx) {
  const { t } = ctx;
  body.replaceChildren(
    h('p', { class: 'big' }, figure('transit:count', state.total, number(state.total)), ' ', t('onTheRoad')),
    state.transfers.length
      ? table(
          [t('vaccine'), t('from'), t('to'), t('doses'), t('requestedAt')],
          state.transfers.map((x) => ({
            cells: [
              `${x.vaccine?.name || '–'} (${x.fromLot?.lotNumber || '–'})`,
              name(ctx, x.fromDistrict),
              name(ctx, x.toDistrict),
              figure(`transit:${x.id}`, x.doses, number(x.doses)),
              dateTime(x.requestedAt),
            ],
          })),
          { class: 'compact' },
        )
      : h('p', { class: 'note' }, t('none')),
  );
}
