// Live alerts from the gateways (the `screeningAlerts` subscription, with a catch-up `alerts` query
// after every reconnect) and overdue follow-ups per district (`followUpSummary`). Neither asks for a
// personal field: an alert shows when, where and why, never who.

import { read } from './api.js';
import { dateTime, number } from './format.js';
import { h, figure, bars, table } from './svg.js';

const ALERT_FIELDS = 'id createdAt reasons district { code name nameEn } postDistrict { code name nameEn }';
const PAGE = `query BoardAlerts($after: String) {
  alerts(filter: { acknowledged: false }, first: 100, after: $after) {
    totalCount
    pageInfo { hasNextPage endCursor }
    nodes { ${ALERT_FIELDS} }
  }
}`;
export const SUBSCRIPTION = `subscription BoardLiveAlerts { screeningAlerts { ${ALERT_FIELDS} } }`;
const SHOWN = 12;

/// Every unacknowledged alert after `cursor` (all of them without one): `{ alerts, cursor, total }`,
/// or `{ forbidden }`.
async function alertsAfter(cursor) {
  const alerts = [];
  let after = cursor;
  let total = null;
  for (;;) {
    const answer = await read(PAGE, { after });
    if (answer.forbidden) return { forbidden: true };
    const page = answer.data?.alerts;
    if (!page) return { failed: answer.failed || 'no alerts' };
    total = page.totalCount;
    alerts.push(...page.nodes);
    after = page.pageInfo.endCursor || after;
    if (!page.pageInfo.hasNextPage) return { alerts, cursor: after, total };
  }
}

export async function loadAlerts() {
  const got = await alertsAfter(null);
  if (got.forbidden) return { kind: 'forbidden' };
  if (got.failed) return { kind: 'failed', message: got.failed };
  return { kind: 'ok', alerts: got.alerts, cursor: got.cursor, total: got.total, fresh: new Set() };
}

/// Adds alerts not yet shown; returns how many were new.
export function addAlerts(state, alerts, { live = false } = {}) {
  const known = new Set(state.alerts.map((a) => a.id));
  let added = 0;
  for (const a of alerts) {
    if (known.has(a.id)) continue;
    known.add(a.id);
    state.alerts.push(a);
    if (live) state.fresh.add(a.id);
    added += 1;
  }
  state.total += added;
  state.alerts.sort((a, b) => a.id - b.id);
  return added;
}

/// After a reconnect: what was raised while the socket was down.
export async function catchUp(state) {
  const got = await alertsAfter(state.cursor);
  if (!got.alerts) return 0;
  state.cursor = got.cursor;
  return addAlerts(state, got.alerts, { live: true });
}

function districtName(ctx, d) {
  if (!d) return '–';
  return ctx.lang === 'en' && d.nameEn ? d.nameEn : d.name;
}

export function renderAlerts(body, state, ctx) {
  const { t } = ctx;
  const newest = [...state.alerts].reverse().slice(0, SHOWN);
  body.replaceChildren(
    h('p', { class: 'big' }, figure('alerts:open', state.total, number(state.total)), ' ', t('openAlerts')),
    newest.length
      ? h(
          'ol',
          { class: 'alerts', 'aria-label': t('newestAlerts') },
          newest.map((a) =>
            h(
              'li',
              { 'data-alert-id': a.id, class: state.fresh.has(a.id) ? 'fresh' : null },
              h('time', { datetime: a.createdAt }, dateTime(a.createdAt)),
              ' ',
              h('strong', null, districtName(ctx, a.district)),
              a.postDistrict && a.postDistrict.code !== a.district?.code ? ` (${t('post')}: ${districtName(ctx, a.postDistrict)})` : '',
              h('span', { class: 'reasons' }, a.reasons.map((r) => t(`reason.${r}`)).join(', ')),
            ),
          ),
        )
      : h('p', { class: 'note' }, t('noAlerts')),
  );
}

const FOLLOW_UPS = `query BoardFollowUps { followUpSummary { district { code name nameEn } overdue total pending } }`;

export async function loadFollowUps() {
  const answer = await read(FOLLOW_UPS, {});
  if (answer.forbidden) return { kind: 'forbidden' };
  const rows = answer.data?.followUpSummary;
  if (!rows) return { kind: 'failed', message: answer.failed };
  if (!rows.length) return { kind: 'empty' };
  const byDistrict = new Map();
  for (const r of rows) {
    if (!r.district) continue;
    const d = byDistrict.get(r.district.code) || { district: r.district, overdue: 0, total: 0 };
    d.overdue += r.overdue;
    d.total += r.total;
    byDistrict.set(r.district.code, d);
  }
  const districts = [...byDistrict.values()].sort((a, b) => b.overdue - a.overdue || a.district.code.localeCompare(b.district.code));
  return { kind: 'ok', districts };
}

export function renderFollowUps(body, state, ctx) {
  const { t } = ctx;
  const overdue = state.districts.filter((d) => d.overdue > 0);
  const max = Math.max(1, ...overdue.map((d) => d.overdue));
  body.replaceChildren(
    overdue.length
      ? bars(
          overdue.map((d) => ({ label: districtName(ctx, d.district), value: d.overdue, max, text: number(d.overdue), cls: 'warn' })),
          { title: t('followUpsTitle') },
        )
      : h('p', { class: 'note' }, t('noOverdue')),
    table(
      [t('district'), t('overdue'), t('followUpsTotal')],
      state.districts.map((d) => ({
        cells: [districtName(ctx, d.district), figure(`overdue:${d.district.code}`, d.overdue, number(d.overdue)), number(d.total)],
      })),
      { class: 'compact' },
    ),
  );
}
