// The public GraphQL API, with the viewer's own token in the Authorization header (never in a URL).
// A panel asks through `read`, which tells apart data, a refusal (FORBIDDEN) and a signed-out token.

/// The token was refused (expired, revoked, unknown): the board goes back to sign-in.
export class SignedOut extends Error {}

const KEY = 'lienthong.board.token';

export const token = {
  get: () => sessionStorage.getItem(KEY),
  set: (value) => sessionStorage.setItem(KEY, value),
  clear: () => sessionStorage.removeItem(KEY),
};

/// Posts one operation; returns `{ data, errors }`. Throws `SignedOut` on UNAUTHENTICATED.
export async function gql(query, variables = {}) {
  const bearer = token.get();
  if (!bearer) throw new SignedOut('no token');
  const response = await fetch('/graphql', {
    method: 'POST',
    headers: {
      'Content-Type': 'application/json',
      Accept: 'application/graphql-response+json, application/json',
      Authorization: `Bearer ${bearer}`,
    },
    body: JSON.stringify({ query, variables }),
    cache: 'no-store',
    credentials: 'omit',
  });
  let body;
  try {
    body = await response.json();
  } catch {
    throw new Error(`HTTP ${response.status}`);
  }
  const errors = body.errors || [];
  if (response.status === 401 || errors.some((e) => code(e) === 'UNAUTHENTICATED')) {
    throw new SignedOut(errors[0]?.message || 'unauthenticated');
  }
  return { data: body.data || null, errors };
}

export function code(error) {
  return error?.extensions?.code || '';
}

/// One read for a panel: `{ data }`, or `{ forbidden: true }` when the agency may not read it, or
/// `{ failed: message }` for anything else. Throws `SignedOut`.
export async function read(query, variables) {
  const { data, errors } = await gql(query, variables);
  if (errors.some((e) => code(e) === 'FORBIDDEN')) return { forbidden: true, data };
  if (errors.length && !data) return { failed: errors.map((e) => e.message).join('; ') };
  if (errors.length) return { failed: errors.map((e) => e.message).join('; '), data };
  return { data };
}

/// Every node of a connection `field` at the root of `query` (which takes `$after: String` and asks
/// `totalCount pageInfo { hasNextPage endCursor } nodes { ... }`), page by page: pages stay small
/// enough for the server's complexity limit. `{ nodes, totalCount }`, or `{ forbidden }`/`{ failed }`.
export async function readAll(query, field, variables = {}) {
  const nodes = [];
  let after = null;
  for (;;) {
    const answer = await read(query, { ...variables, after });
    if (answer.forbidden) return { forbidden: true };
    const page = answer.data?.[field];
    if (!page) return { failed: answer.failed || `no ${field}` };
    nodes.push(...page.nodes);
    if (!page.pageInfo.hasNextPage || !page.pageInfo.endCursor) return { nodes, totalCount: page.totalCount, cursor: page.pageInfo.endCursor };
    after = page.pageInfo.endCursor;
  }
}
