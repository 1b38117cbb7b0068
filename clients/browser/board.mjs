// Drives the situation board at a running `lienthong serve --demo` as the steering committee would,
// in the system's headless Chromium with every request off this machine refused.
//
//   node board.mjs <server url> <tokens JSON: {health, police, transport, admin}> <screenshot folder>
//
// Signs in with the province health token and reads every panel's figures (the `data-k`/`data-v`
// pairs the board renders beside what it shows); opens a district by keyboard; takes a screenshot of
// every panel at 1366x768 and 1920x1080; records a positive screening through the API and waits (2 s
// at most) for its alert on the board without a reload; pings the page over its socket and expects a
// pong; cuts the socket, refuses reconnects while another alert is raised, and expects that alert
// from the catch-up query after the reconnect; switches to English; signs in as transport
// and reads what it shows; signs in with a fresh token, revokes it, and waits to be sent to sign-in.
// Prints one JSON line with what it saw (the Rust test compares the figures with the API's own
// answers); exits non-zero on the first thing that fails.

import { mkdirSync } from 'node:fs';
import { launchOffline, watchProblems } from './offline.mjs';

const [base, tokensJson, shots] = process.argv.slice(2);
if (!base || !tokensJson || !shots) {
  console.error('usage: node board.mjs <server url> <tokens JSON> <screenshot folder>');
  process.exit(2);
}
const tokens = JSON.parse(tokensJson);
const WAIT = { timeout: 60_000 };
const SIZES = [
  { width: 1366, height: 768 },
  { width: 1920, height: 1080 },
];
const PANELS = ['map', 'alerts', 'followups', 'reporting', 'progress', 'stock', 'transfers', 'quarantine', 'ports'];
// Field names of personal data: the board must never ask for them.
const PERSONAL = /\b(fullName|idNumber|phone|destinationAddress|birthYear|crewMember|crew|traveller|declarationReference)\b/;
const SCREENED = { fullName: 'Trịnh Văn Bảng', idNumber: '038099001234', phone: '0987 654 321' };

mkdirSync(shots, { recursive: true });
const { browser, context, blocked } = await launchOffline({ viewport: SIZES[0] });
const problems = [];
const page = await context.newPage();
watchProblems(page, problems);
// The subscription socket passes through here: what each side sent is recorded, and the test can cut
// it and refuse reconnects for a while.
const sockets = [];
let refuseSockets = false;
await page.routeWebSocket(/\/graphql\/ws$/, (ws) => {
  if (refuseSockets) {
    ws.close({ code: 4000, reason: 'cut by the test' });
    return;
  }
  const server = ws.connectToServer();
  const seen = { ws, server, fromPage: [], fromServer: [] };
  ws.onMessage((m) => {
    seen.fromPage.push(String(m));
    server.send(m);
  });
  server.onMessage((m) => {
    seen.fromServer.push(String(m));
    ws.send(m);
  });
  ws.onClose((code, reason) => server.close({ code, reason }));
  server.onClose((code, reason) => ws.close({ code, reason }));
  sockets.push(seen);
});
const queries = [];
page.on('request', (r) => {
  if (r.url().endsWith('/graphql') && r.method() === 'POST') queries.push(r.postData() || '');
  if (tokens.health && r.url().includes(tokens.health.slice(-20))) problems.push(`a token in a URL: ${r.url()}`);
});
page.on('websocket', (ws) => {
  ws.on('framesent', (f) => {
    if (typeof f.payload === 'string' && f.payload.includes('"subscribe"')) queries.push(f.payload);
  });
});

async function api(token, query, variables = {}) {
  const response = await fetch(`${base}/graphql`, {
    method: 'POST',
    headers: { 'Content-Type': 'application/json', Authorization: `Bearer ${token}` },
    body: JSON.stringify({ query, variables }),
  });
  const body = await response.json();
  if (body.errors) throw new Error(`${query.slice(0, 60)}: ${JSON.stringify(body.errors)}`);
  return body.data;
}

const RECORD = 'mutation($i: RecordScreeningInput!) { recordScreening(input: $i) { alert { id } } }';

/// A positive rapid test at a post of Thọ Xuân, for Thanh Hóa city.
function screening(extra) {
  return {
    checkpointCode: 'TH-SB-THOXUAN', recordedAt: new Date().toISOString(), direction: 'INBOUND',
    vehicleKind: 'CAR', peopleCount: 1, originProvinceCode: '01', fromEpidemicArea: true,
    healthDeclared: true, testKind: 'RAPID_ANTIGEN', testResult: 'POSITIVE', symptoms: false,
    decision: 'REFERRED_TO_HEALTH', ...SCREENED, destinationAddress: '5 Trần Phú',
    destinationDistrictCode: '380', ...extra,
  };
}

async function signIn(token) {
  await page.locator('#signin').waitFor({ state: 'visible', ...WAIT });
  await page.locator('#token').fill(token);
  await page.locator('#signin-form button[type=submit]').click();
  await page.locator('#board[data-loaded="true"]').waitFor({ state: 'attached', ...WAIT });
}

async function signOut() {
  await page.locator('#signout').click();
  await page.locator('#signin').waitFor({ state: 'visible', ...WAIT });
}

/// Each panel's state and every figure on the board; anything rendered from a missing value is a
/// problem.
async function read() {
  const seen = await page.evaluate(() => {
    const panels = {};
    for (const p of document.querySelectorAll('[data-panel]')) panels[p.dataset.panel] = p.dataset.state;
    const figures = {};
    for (const f of document.querySelectorAll('[data-k]')) figures[f.dataset.k] = f.dataset.v;
    const board = document.querySelector('#board');
    return {
      readAt: new Date().toISOString(),
      panels,
      figures,
      params: { today: board.dataset.today, week: board.dataset.week, milestone: board.dataset.milestone },
      text: document.body.innerText,
      lang: document.documentElement.lang,
      title: document.querySelector('h1').textContent,
    };
  });
  for (const bad of ['[object', 'undefined', 'NaN']) {
    if (seen.text.includes(bad)) problems.push(`the board shows "${bad}"`);
  }
  return seen;
}

async function screenshots(tag) {
  const taken = [];
  for (const size of SIZES) {
    await page.setViewportSize(size);
    await page.evaluate(() => window.scrollTo(0, 0));
    await page.waitForTimeout(200);
    const name = `${size.width}x${size.height}`;
    const overflow = await page.evaluate(() => document.documentElement.scrollWidth - window.innerWidth);
    if (overflow > 0) problems.push(`${tag} at ${name}: the page is ${overflow}px wider than the window`);
    await page.screenshot({ path: `${shots}/${tag}-${name}.png` });
    taken.push(`${tag}-${name}.png`);
    for (const panel of PANELS) {
      const section = page.locator(`[data-panel="${panel}"]`);
      if (!(await section.isVisible())) continue;
      await section.screenshot({ path: `${shots}/${tag}-${name}-${panel}.png` });
      taken.push(`${tag}-${name}-${panel}.png`);
    }
  }
  await page.setViewportSize(SIZES[0]);
  return taken;
}

async function run() {
  const seen = {};
  await page.goto(`${base}/board`, { waitUntil: 'load' });
  await page.locator('#signin').waitFor({ state: 'visible', ...WAIT });
  seen.defaultLang = await page.evaluate(() => document.documentElement.lang);

  // Province health: every panel, by keyboard into the map.
  await signIn(tokens.health);
  seen.urlHasToken = page.url().includes(tokens.health);
  seen.storage = await page.evaluate(() => ({
    session: Object.keys(sessionStorage),
    localHasToken: Object.values(localStorage).some((v) => v.length > 40),
  }));
  let focused = '';
  for (let i = 0; i < 12 && !focused.startsWith('district'); i += 1) {
    await page.keyboard.press('Tab');
    focused = await page.evaluate(() => (document.activeElement?.getAttribute('class') || '') + '');
  }
  if (!focused.startsWith('district')) throw new Error(`Tab never reached a district (at "${focused}")`);
  const code = await page.evaluate(() => document.activeElement.dataset.code);
  await page.keyboard.press('Enter');
  await page.locator('#district-detail svg.history').waitFor(WAIT);
  seen.district = {
    code,
    heading: await page.locator('#district-detail h3').innerText(),
    inputs: await page.locator('#district-detail dd').allInnerTexts(),
    weeks: await page.locator('#district-detail svg.history g').count(),
    focusVisible: await page.evaluate(() => document.activeElement.matches(':focus-visible')),
  };
  seen.screenshots = await screenshots('health');

  // A positive screening, recorded through the API: its alert on the board within 2 s, no reload.
  const navigations = [];
  page.on('framenavigated', (f) => f === page.mainFrame() && navigations.push(f.url()));
  await page.locator('#live-status[data-live="live"]').waitFor({ state: 'attached', ...WAIT });
  const recorded = await api(tokens.police, RECORD, { i: screening({ vehiclePlate: '36A-99999' }) });
  const alertId = recorded.recordScreening.alert?.id;
  if (!alertId) throw new Error(`no alert raised: ${JSON.stringify(recorded)}`);
  const t0 = Date.now();
  await page.locator(`[data-alert-id="${alertId}"]`).waitFor({ state: 'visible', timeout: 2_000 });
  seen.live = { alertId, ms: Date.now() - t0, reloads: navigations.length };
  const alertText = await page.locator(`[data-alert-id="${alertId}"] time`).innerText();
  seen.timeFormat = /^\d{2}\/\d{2}\/\d{4} \d{2}:\d{2}$/.test(alertText) ? 'dd/mm/yyyy HH:MM' : alertText;

  // Keep-alive: the page answers a ping with a pong.
  const socket = sockets.at(-1);
  socket.ws.send(JSON.stringify({ type: 'ping' }));
  const p0 = Date.now();
  while (!socket.fromPage.some((m) => JSON.parse(m).type === 'pong') && Date.now() - p0 < 5_000) await page.waitForTimeout(50);
  seen.pong = socket.fromPage.some((m) => JSON.parse(m).type === 'pong');

  // The socket is cut and reconnects are refused; an alert raised meanwhile shows up after the
  // reconnect, from the catch-up query (the new subscription does not replay it).
  refuseSockets = true;
  socket.ws.close({ code: 4000, reason: 'cut by the test' });
  await page.locator('#live-status[data-live="reconnecting"]').waitFor({ state: 'attached', ...WAIT });
  const missed = await api(tokens.police, RECORD, { i: screening({ vehiclePlate: '36A-88888' }) });
  const missedId = missed.recordScreening.alert?.id;
  await page.waitForTimeout(1_500);
  const shownWhileCut = (await page.locator(`[data-alert-id="${missedId}"]`).count()) > 0;
  const before = sockets.length;
  refuseSockets = false;
  await page.locator(`[data-alert-id="${missedId}"]`).waitFor({ state: 'visible', timeout: 40_000 });
  const after = sockets.slice(before);
  seen.catchUp = {
    alertId: missedId,
    shownWhileCut,
    reconnected: after.length > 0,
    deliveredLive: after.some((s) => s.fromServer.some((m) => m.includes(`"id":${missedId},`) || m.includes(`"id":${missedId}}`))),
    reloads: navigations.length,
  };
  await page.locator('#live-status[data-live="live"]').waitFor({ state: 'attached', ...WAIT });
  seen.health = await read();

  // English, by the switch; and back.
  await page.locator('#lang').click();
  seen.english = await read();
  seen.english = { lang: seen.english.lang, title: seen.english.title, mapTitle: await page.locator('#h-map').innerText() };
  await page.locator('#lang').click();

  // Transport: what it may read, and nothing personal.
  await signOut();
  await signIn(tokens.transport);
  seen.transport = await read();
  seen.screenshots.push(...(await screenshots('transport')));

  // A token revoked while the board is open: back to sign-in, the token forgotten.
  await signOut();
  const issued = await api(
    tokens.admin,
    'mutation($i: IssueTokenInput!) { issueToken(input: $i) { token apiToken { jti } } }',
    { i: { agencyCode: 'health', role: 'VIEWER', subject: 'board-revocation-check', ttl: '1h' } },
  );
  await signIn(issued.issueToken.token);
  await page.locator('#live-status[data-live="live"]').waitFor({ state: 'attached', ...WAIT });
  await api(tokens.admin, 'mutation($i: RevokeTokenInput!) { revokeToken(input: $i) { apiToken { jti } } }', {
    i: { jti: issued.issueToken.apiToken.jti },
  });
  const r0 = Date.now();
  await page.locator('#signin').waitFor({ state: 'visible', timeout: 90_000 });
  seen.revoked = {
    ms: Date.now() - r0,
    message: await page.locator('#signin-error').innerText(),
    tokenKept: await page.evaluate(() => sessionStorage.length > 0),
  };
  // A reload after revocation stays at sign-in.
  await page.reload({ waitUntil: 'load' });
  seen.revoked.afterReload = await page.locator('#signin').isVisible();

  seen.personalAsked = queries.filter((q) => PERSONAL.test(q.replace(/"variables".*$/s, '')));
  for (const who of ['health', 'transport']) {
    seen[who].personalShown = Object.values(SCREENED).filter((v) => seen[who].text.includes(v));
    delete seen[who].text;
  }
  seen.queries = queries.length;
  return seen;
}

let code = 0;
try {
  const seen = await run();
  if (blocked.length) problems.push(`requests off this machine: ${blocked.join(', ')}`);
  console.log(JSON.stringify({ ...seen, blocked, problems }));
  if (problems.length) code = 1;
} catch (e) {
  const shot = `${shots}/failure.png`;
  await page.screenshot({ path: shot }).catch(() => {});
  console.error(`board check failed: ${e.message}\nproblems: ${JSON.stringify(problems)}\nblocked: ${JSON.stringify(blocked)}\nscreenshot: ${shot}`);
  code = 1;
} finally {
  await browser.close();
}
process.exit(code);
