// Drives GraphiQL at a running lienthong as a person would, in the system's headless Chromium, with
// every request to a host other than this machine refused: the page must work without the internet.
//
//   node graphiql.mjs <server url> <token>
//
// Enters the token in GraphiQL's headers editor, re-fetches the schema, runs a districts query and
// reads the result pane, opens the docs explorer and lists the query root's fields, and checks that the
// page may open the subscription socket. Prints one JSON line with what it saw; exits non-zero, with a
// screenshot path, on the first thing that fails. CHROMIUM overrides the browser (/usr/bin/chromium).

import { launchOffline, watchProblems } from './offline.mjs';

const [base, token] = process.argv.slice(2);
if (!base || !token) {
  console.error('usage: node graphiql.mjs <server url> <token>');
  process.exit(2);
}
const WAIT = { timeout: 60_000 };
const QUERY = '{ districts(first: 3) { nodes { code name } } }';

const { browser, context, blocked } = await launchOffline();
const problems = [];
const page = await context.newPage();
watchProblems(page, problems);

// Replaces an editor's text the way a paste does.
async function fill(editor, text) {
  await editor.click();
  await page.keyboard.press('ControlOrMeta+A');
  await page.keyboard.insertText(text);
}

// The text of the CodeMirror editor inside `selector`.
function editorText(selector) {
  return page.$eval(`${selector} .CodeMirror`, (el) => el.CodeMirror.getValue());
}

async function run() {
  await page.goto(base + '/', { waitUntil: 'load' });
  await page.locator('.graphiql-container').waitFor(WAIT);

  // The token, in the headers editor (GraphiQL opens it; click its tab in case it was closed).
  const headersTab = page.locator('.graphiql-editor-tools button[data-name="headers"]');
  if (!((await headersTab.getAttribute('class')) || '').includes('active')) await headersTab.click();
  const headers = page.locator('section.graphiql-editor-tool[aria-label="Headers"] .graphiql-editor:not(.hidden) .CodeMirror');
  await fill(headers, JSON.stringify({ Authorization: `Bearer ${token}` }));

  // A query, run with the play button; the result pane must show the data.
  await fill(page.locator('.graphiql-query-editor .CodeMirror'), QUERY);
  await page.locator('.graphiql-execute-button').click();
  await page.waitForFunction(() => {
    const value = document.querySelector('.graphiql-response .CodeMirror')?.CodeMirror.getValue() || '';
    return value.includes('"data"') || value.includes('"errors"');
  }, null, WAIT);
  const result = JSON.parse(await editorText('.graphiql-response'));
  if (result.errors || !result.data?.districts?.nodes?.length) {
    throw new Error(`the result pane shows no districts: ${JSON.stringify(result)}`);
  }

  // The docs explorer, from the standard introspection query: the query root and its fields. GraphiQL
  // 3 takes the headers for it from its last render, which follows an edit by up to half a second: like
  // a person, press re-fetch again while the docs say the schema could not be fetched.
  await page.getByRole('button', { name: /Documentation Explorer/ }).click();
  const rootType = page
    .locator('span.graphiql-doc-explorer-root-type', { hasText: /^query$/ })
    .locator('xpath=..')
    .locator('a.graphiql-doc-explorer-type-name');
  const fetchError = page.locator('.graphiql-doc-explorer-error');
  let refetches = 0;
  while (!(await rootType.isVisible())) {
    if (refetches === 5) throw new Error(`the docs explorer shows: ${await fetchError.allInnerTexts()}`);
    await page.getByRole('button', { name: 'Re-fetch GraphQL schema' }).click();
    refetches += 1;
    await rootType.or(fetchError).first().waitFor(WAIT);
    if (await fetchError.isVisible()) await page.waitForTimeout(1000);
  }
  const queryType = (await rootType.innerText()).trim();
  await rootType.click();
  const fieldNames = page.locator('.graphiql-doc-explorer-content .graphiql-doc-explorer-field-name');
  await fieldNames.first().waitFor(WAIT);
  const fields = await fieldNames.allInnerTexts();

  // The page's own policy lets GraphiQL reach /graphql/ws, and the token is accepted there.
  const ws = await page.evaluate(async (token) => {
    const url = location.origin.replace(/^http/, 'ws') + '/graphql/ws';
    return await new Promise((resolve) => {
      const socket = new WebSocket(url, 'graphql-transport-ws');
      const done = (what) => { socket.close(); resolve(what); };
      socket.onopen = () => socket.send(JSON.stringify({ type: 'connection_init', payload: { Authorization: `Bearer ${token}` } }));
      socket.onmessage = (e) => done(JSON.parse(e.data).type);
      socket.onerror = () => done('error');
      setTimeout(() => done('timeout'), 20_000);
    });
  }, token);

  return { districts: result.data.districts.nodes, queryType, fields, refetches, ws };
}

let code = 0;
try {
  const seen = await run();
  if (blocked.length) problems.push(`requests off this machine: ${blocked.join(', ')}`);
  console.log(JSON.stringify({ ...seen, blocked, problems }));
  if (problems.length) code = 1;
} catch (e) {
  const shot = `/tmp/lienthong-graphiql-${process.pid}.png`;
  await page.screenshot({ path: shot }).catch(() => {});
  console.error(`GraphiQL check failed: ${e.message}\nproblems: ${JSON.stringify(problems)}\nblocked: ${JSON.stringify(blocked)}\nscreenshot: ${shot}`);
  code = 1;
} finally {
  await browser.close();
}
process.exit(code);
