// Reporting today: completeness and timeliness of the daily vaccination report (today's, and
// yesterday's, whose deadline has passed) and of each recent data call, with the late and missing
// districts or agencies named.

import { read } from './api.js';
import { addDays, dateTime, date, number, percent } from './format.js';
import { h, figure, bars } from './svg.js';

const DAILY = `query BoardReporting($today: Date!, $yesterday: Date!) {
  today: reportingStatus(kind: DAILY_VACCINATION, period: $today) { ...Status }
  yesterday: reportingStatus(kind: DAILY_VACCINATION, period: $yesterday) { ...Status }
}
fragment Status on ReportingStatusView {
  expected submitted onTime late missing completeness timeliness
  districts { district { code name nameEn } submitted late onTime dueAt submittedAt }
}`;
const CALLS = `query BoardCalls($after: String) {
  calls(first: 500, after: $after) { pageInfo { hasNextPage endCursor } nodes { id title period deadline formCode } }
}`;
const CALLS_SHOWN = 4;
// Calls are listed oldest first; the newest are on the last page. A province issues a few a week, so a
// handful of pages covers years.
const MAX_PAGES = 10;

async function calls() {
  const all = [];
  let after = null;
  for (let page = 0; page < MAX_PAGES; page += 1) {
    const answer = await read(CALLS, { after });
    if (answer.forbidden) return { forbidden: true };
    const listed = answer.data?.calls;
    if (!listed) return { failed: answer.failed };
    all.push(...listed.nodes);
    if (!listed.pageInfo.hasNextPage) break;
    after = listed.pageInfo.endCursor;
  }
  return { calls: all };
}

export async function load(ctx) {
  const yesterday = addDays(ctx.params.today, -1);
  const daily = await read(DAILY, { today: ctx.params.today, yesterday });
  const listed = await calls();
  let statuses = [];
  const recent = (listed.calls || []).sort((a, b) => b.deadline.localeCompare(a.deadline) || b.id - a.id).slice(0, CALLS_SHOWN);
  if (recent.length) {
    const aliases = recent.map(
      (c, i) => `c${i}: callStatus(callId: ${Number(c.id)}) { expected submitted onTime late completeness timeliness
        addressees { agency { code name } districtCode sector late onTime submittedAt } }`,
    );
    const answer = await read(`query BoardCallStatus { ${aliases.join('\n')} }`, {});
    statuses = recent.map((c, i) => ({ call: c, status: answer.data?.[`c${i}`] || null }));
  }
  const days = daily.data
    ? [
        { period: ctx.params.today, status: daily.data.today },
        { period: yesterday, status: daily.data.yesterday },
      ].filter((d) => d.status && d.status.expected > 0)
    : [];
  if (!days.length && !statuses.length) {
    return daily.forbidden || listed.forbidden ? { kind: 'forbidden' } : { kind: 'empty' };
  }
  return { kind: 'ok', days, calls: statuses };
}

function name(ctx, d) {
  return ctx.lang === 'en' && d.nameEn ? d.nameEn : d.name;
}

function named(t, label, names) {
  return h('p', { class: 'named' }, h('strong', null, `${label} (${number(names.length)}): `), names.length ? names.join(', ') : t('none'));
}

export function render(body, state, ctx) {
  const { t } = ctx;
  const out = [];
  for (const { period, status } of state.days) {
    const k = `daily:${period}`;
    const late = status.districts.filter((d) => d.submitted && d.late).map((d) => name(ctx, d.district));
    const missing = status.districts.filter((d) => !d.submitted).map((d) => name(ctx, d.district));
    out.push(
      h(
        'div',
        { class: 'report-block' },
        h('h3', null, `${t('dailyVaccination')} ${date(period)}`),
        bars(
          [
            { label: t('completeness'), value: status.completeness, max: 1, text: percent(status.completeness), cls: 'ok' },
            { label: t('timeliness'), value: status.timeliness, max: 1, text: percent(status.timeliness), cls: 'ok' },
          ],
          { title: `${t('dailyVaccination')} ${date(period)}`, row: 20 },
        ),
        h(
          'p',
          { class: 'figures' },
          figure(`${k}:completeness`, status.completeness, percent(status.completeness), { class: 'fig sr-only' }),
          figure(`${k}:timeliness`, status.timeliness, percent(status.timeliness), { class: 'fig sr-only' }),
          t('submitted'), ': ', figure(`${k}:submitted`, status.submitted, number(status.submitted)), ' / ',
          figure(`${k}:expected`, status.expected, number(status.expected)), ' · ',
          t('late'), ': ', figure(`${k}:late`, status.late, number(status.late)), ' · ',
          t('missing'), ': ', figure(`${k}:missing`, status.missing, number(status.missing)),
        ),
        named(t, t('lateDistricts'), late),
        named(t, t('missingDistricts'), missing),
      ),
    );
  }
  for (const { call, status } of state.calls) {
    if (!status) continue;
    const k = `call:${call.id}`;
    const who = (a) => a.agency?.name || a.districtCode || a.sector || '?';
    const late = status.addressees.filter((a) => a.submittedAt && a.late).map(who);
    const missing = status.addressees.filter((a) => !a.submittedAt).map(who);
    out.push(
      h(
        'div',
        { class: 'report-block' },
        h('h3', null, call.title),
        h('p', { class: 'note' }, `${t('period')} ${date(call.period)} · ${t('deadline')} ${dateTime(call.deadline)}`),
        bars(
          [
            { label: t('completeness'), value: status.completeness, max: 1, text: percent(status.completeness), cls: 'ok' },
            { label: t('timeliness'), value: status.timeliness, max: 1, text: percent(status.timeliness), cls: 'ok' },
          ],
          { title: call.title, row: 20 },
        ),
        h(
          'p',
          { class: 'figures' },
          figure(`${k}:completeness`, status.completeness, percent(status.completeness), { class: 'fig sr-only' }),
          figure(`${k}:timeliness`, status.timeliness, percent(status.timeliness), { class: 'fig sr-only' }),
          t('submitted'), ': ', figure(`${k}:submitted`, status.submitted, number(status.submitted)), ' / ',
          figure(`${k}:expected`, status.expected, number(status.expected)),
        ),
        named(t, t('lateAgencies'), late),
        named(t, t('missingAgencies'), missing),
      ),
    );
  }
  body.replaceChildren(...out);
}
