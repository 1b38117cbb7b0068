// Numbers, dates and times the Vietnamese way, whatever the label language: thousands separated by
// ".", decimals by ",", dates dd/mm/yyyy, 24-hour times, instants shown in the province's time zone.

export const TIME_ZONE = 'Asia/Ho_Chi_Minh';

const parts = new Intl.DateTimeFormat('en-GB', {
  timeZone: TIME_ZONE,
  year: 'numeric',
  month: '2-digit',
  day: '2-digit',
  hour: '2-digit',
  minute: '2-digit',
  hourCycle: 'h23',
});

function partsOf(instant) {
  const out = {};
  for (const p of parts.formatToParts(instant)) out[p.type] = p.value;
  return out;
}

/// 1234567.5 -> "1.234.567,5"; null or undefined -> "–".
export function number(value, digits = 0) {
  if (value === null || value === undefined || Number.isNaN(value)) return '–';
  const [whole, fraction] = Math.abs(value).toFixed(digits).split('.');
  const grouped = whole.replace(/\B(?=(\d{3})+(?!\d))/g, '.');
  return (value < 0 ? '−' : '') + grouped + (fraction ? ',' + fraction : '');
}

/// A share from 0 to 1 as a percentage with one decimal: 0.4567 -> "45,7 %".
export function percent(share) {
  if (share === null || share === undefined) return '–';
  return number(share * 100, 1) + ' %';
}

/// A `Date` scalar ("2021-12-15") -> "15/12/2021".
export function date(iso) {
  if (!iso) return '–';
  const [y, m, d] = iso.slice(0, 10).split('-');
  return `${d}/${m}/${y}`;
}

/// A `DateTime` scalar (RFC 3339, UTC) -> "15/12/2021 08:05", province time.
export function dateTime(rfc3339) {
  if (!rfc3339) return '–';
  const p = partsOf(new Date(rfc3339));
  return `${p.day}/${p.month}/${p.year} ${p.hour}:${p.minute}`;
}

/// Today in the province, as a `Date` scalar.
export function today() {
  const p = partsOf(new Date());
  return `${p.year}-${p.month}-${p.day}`;
}

/// `iso` plus `days` (a `Date` scalar, calendar arithmetic in UTC so no zone can shift it).
export function addDays(iso, days) {
  const d = new Date(iso + 'T00:00:00Z');
  d.setUTCDate(d.getUTCDate() + days);
  return d.toISOString().slice(0, 10);
}

/// The Monday of the week holding `iso`.
export function mondayOf(iso) {
  const weekday = (new Date(iso + 'T00:00:00Z').getUTCDay() + 6) % 7;
  return addDays(iso, -weekday);
}

/// The 15 December milestone of Directive 002 (this year's, or next year's once it has passed).
export function milestone(todayIso) {
  const thisYear = `${todayIso.slice(0, 4)}-12-15`;
  return todayIso <= thisYear ? thisYear : `${Number(todayIso.slice(0, 4)) + 1}-12-15`;
}
