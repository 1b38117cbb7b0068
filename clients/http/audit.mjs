// The GraphQL-over-HTTP spec's own audit suite (graphql-http) against a running lienthong.
// Usage: node audit.mjs <graphql url> <bearer token>. Exits 1 on any error or warning.
import { serverAudits } from 'graphql-http';

const [url, token] = process.argv.slice(2);
if (!url || !token) {
  console.error('usage: node audit.mjs <url> <token>');
  process.exit(2);
}
// Every audit request carries the token: lienthong answers no anonymous request.
const fetchFn = (input, init = {}) => {
  const headers = new Headers(init.headers);
  headers.set('authorization', `Bearer ${token}`);
  return fetch(input, { ...init, headers });
};

const counts = { ok: 0, warn: 0, notice: 0, error: 0 };
let failed = false;
for (const audit of serverAudits({ url, fetchFn })) {
  const result = await audit.fn();
  counts[result.status] += 1;
  if (result.status !== 'ok') {
    const response = result.response ? ` (status ${result.response.status})` : '';
    console.log(`${result.status.toUpperCase()} ${audit.id} ${audit.name}: ${result.reason}${response}`);
    if (result.status === 'warn' || result.status === 'error') failed = true;
  }
}
console.log(`graphql-http audit: ${counts.ok} ok, ${counts.warn} warnings, ${counts.notice} notices, ${counts.error} errors`);
process.exit(failed ? 1 : 0);
