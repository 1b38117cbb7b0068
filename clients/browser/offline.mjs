// The system's headless Chromium with every request to a host other than this machine refused: the
// pages under test must work without the internet. Shared by graphiql.mjs and board.mjs.
// CHROMIUM overrides the browser (/usr/bin/chromium).

import { chromium } from 'playwright-core';

const LOCAL = new Set(['127.0.0.1', 'localhost', '[::1]']);

/// `{ browser, context, blocked }`: `blocked` collects every refused URL.
export async function launchOffline(contextOptions = {}) {
  const browser = await chromium.launch({
    executablePath: process.env.CHROMIUM || '/usr/bin/chromium',
    // Belt and braces beside the route below: names other than this machine's do not resolve, and the
    // browser's own background traffic stays off.
    args: [
      '--host-resolver-rules=MAP * ~NOTFOUND, EXCLUDE localhost, EXCLUDE 127.0.0.1',
      '--disable-quic',
      '--disable-gpu',
      '--disable-background-networking',
      '--disable-component-update',
    ],
  });
  const blocked = [];
  const context = await browser.newContext(contextOptions);
  await context.route('**/*', (route) => {
    const url = new URL(route.request().url());
    if (LOCAL.has(url.hostname)) return route.continue();
    blocked.push(url.href);
    return route.abort('blockedbyclient');
  });
  return { browser, context, blocked };
}

/// Collects page errors and Content-Security-Policy refusals into `problems`.
export function watchProblems(page, problems) {
  page.on('pageerror', (e) => problems.push(`page error: ${e.message}`));
  page.on('console', (m) => {
    if (m.type() === 'error' && /Content.Security.Policy/i.test(m.text())) {
      problems.push(`refused by the page's policy: ${m.text()}`);
    }
  });
}
