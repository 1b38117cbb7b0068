// The board: sign-in, the panels, the live alerts, the language switch. Every figure comes from the
// public GraphQL API with the viewer's token; a panel the agency may not read says so and stays
// empty. A refused token (revoked, expired) is forgotten and the sign-in form comes back.

import { gql, token, SignedOut } from './api.js';
import { subscribe } from './live.js';
import { dictionary, LANGS } from './i18n.js';
import { today, addDays, mondayOf, milestone } from './format.js';
import * as map from './map.js';
import * as alerts from './alerts.js';
import * as reporting from './reporting.js';
import * as vaccines from './vaccines.js';
import * as quarantine from './quarantine.js';

const REFRESH_MS = 60_000;
const LANG_KEY = 'lienthong.board.lang';

const PANELS = {
  map: { load: map.load, render: map.render },
  alerts: { load: alerts.loadAlerts, render: alerts.renderAlerts },
  followups: { load: alerts.loadFollowUps, render: alerts.renderFollowUps },
  reporting: { load: reporting.load, render: reporting.render },
  progress: { load: vaccines.loadProgress, render: vaccines.renderProgress },
  stock: { load: vaccines.loadStock, render: vaccines.renderStock },
  transfers: { load: vaccines.loadTransfers, render: vaccines.renderTransfers },
  quarantine: { load: quarantine.loadQuarantine, render: quarantine.renderQuarantine },
  ports: { load: quarantine.loadVessels, render: quarantine.renderVessels },
};

const $ = (selector) => document.querySelector(selector);

const ctx = {
  lang: LANGS.includes(localStorage.getItem(LANG_KEY)) ? localStorage.getItem(LANG_KEY) : 'vi',
  t: (key) => dictionary[ctx.lang][key] ?? dictionary.vi[key] ?? key,
  params: {},
  onError: (e) => failed(e),
};

const states = {};
let live = null;
let refresher = null;
let liveState = '';
// Bumped at every sign-in and sign-out: an answer that arrives for an earlier session is dropped.
let session = 0;
// The server refused the alerts subscription (FORBIDDEN): the alerts panel stays unavailable.
let alertsRefused = false;

function applyLanguage() {
  document.documentElement.lang = ctx.lang;
  document.title = ctx.t('pageTitle');
  for (const el of document.querySelectorAll('[data-t]')) el.textContent = ctx.t(el.dataset.t);
  const other = ctx.lang === 'vi' ? 'en' : 'vi';
  const button = $('#lang');
  button.textContent = dictionary[other].languageName;
  button.lang = other;
  button.setAttribute('aria-label', ctx.t('switchLanguage'));
  showLiveState();
  for (const id of Object.keys(PANELS)) show(id);
}

function show(id) {
  const section = document.querySelector(`[data-panel="${id}"]`);
  if (!section) return;
  const body = section.querySelector('.panel-body');
  const state = states[id];
  section.dataset.state = state ? state.kind : 'loading';
  if (!state) {
    body.replaceChildren(ctx.t('loading'));
  } else if (state.kind === 'ok') {
    PANELS[id].render(body, state, ctx);
  } else {
    const p = document.createElement('p');
    p.className = `unavailable ${state.kind}`;
    p.textContent =
      state.kind === 'forbidden'
        ? ctx.t('forbidden')
        : state.kind === 'empty'
          ? ctx.t('emptyScope')
          : `${ctx.t('failed')} ${state.message || ''}`;
    body.replaceChildren(p);
  }
}

function showLiveState() {
  const el = $('#live-status');
  el.textContent = liveState ? ctx.t(`live.${liveState}`) : '';
  el.dataset.live = liveState;
}

async function loadPanel(id) {
  const mine = session;
  try {
    const state = id === 'alerts' && alertsRefused ? { kind: 'forbidden' } : await PANELS[id].load(ctx);
    if (mine !== session) return;
    // Keep the open district and the alerts seen live across a refresh.
    if (id === 'map' && states.map?.selected && state.kind === 'ok') {
      state.selected = states.map.selected;
      state.history = states.map.history;
    }
    if (id === 'alerts' && states.alerts?.kind === 'ok' && state.kind === 'ok') {
      state.fresh = states.alerts.fresh;
    }
    states[id] = state;
  } catch (e) {
    if (mine !== session) return;
    if (e instanceof SignedOut) throw e;
    states[id] = { kind: 'failed', message: e.message };
  }
  show(id);
}

async function loadAll() {
  const now = today();
  ctx.params = {
    today: now,
    // The last full week: weekly figures are due before Wednesday of the next.
    week: addDays(mondayOf(now), -7),
    milestone: milestone(now),
  };
  const board = $('#board');
  board.dataset.today = ctx.params.today;
  board.dataset.week = ctx.params.week;
  board.dataset.milestone = ctx.params.milestone;
  const mine = session;
  try {
    await Promise.all(Object.keys(PANELS).map(loadPanel));
  } catch (e) {
    if (mine === session) failed(e);
  }
  if (mine === session) board.dataset.loaded = 'true';
}

function startLive() {
  if (states.alerts?.kind !== 'ok') return;
  live = subscribe({
    token: token.get(),
    query: alerts.SUBSCRIPTION,
    onData: (data) => {
      const state = states.alerts;
      if (data.screeningAlerts && state?.kind === 'ok' && alerts.addAlerts(state, [data.screeningAlerts], { live: true })) {
        show('alerts');
      }
    },
    onReconnect: async () => {
      try {
        if (states.alerts?.kind === 'ok' && (await alerts.catchUp(states.alerts))) show('alerts');
      } catch (e) {
        failed(e);
      }
    },
    onState: (s) => {
      liveState = s;
      showLiveState();
    },
    onSignedOut: () => signOut(true),
    onRefused: (errors) => {
      if (errors.some((e) => e.extensions?.code === 'FORBIDDEN')) {
        alertsRefused = true;
        states.alerts = { kind: 'forbidden' };
        show('alerts');
      }
      liveState = '';
      showLiveState();
    },
  });
}

function failed(e) {
  if (e instanceof SignedOut) signOut(true);
}

async function signIn(value) {
  session += 1;
  token.set(value.trim());
  try {
    const { data, errors } = await gql('query BoardMe { me { subject role agency { code name kind district { name } } } }');
    if (!data?.me) throw new Error(errors.map((e) => e.message).join('; ') || 'no answer');
    const me = data.me;
    const who = $('#who');
    who.textContent = `${me.agency.name} · ${me.role}`;
    who.dataset.kind = me.agency.kind;
    who.hidden = false;
  } catch (e) {
    const error = $('#signin-error');
    token.clear();
    error.textContent = e instanceof SignedOut ? ctx.t('tokenRefused') : `${ctx.t('failed')} ${e.message}`;
    error.hidden = false;
    showSignIn();
    return;
  }
  $('#signin').hidden = true;
  $('#board').hidden = false;
  $('#signout').hidden = false;
  $('#signin-error').hidden = true;
  alertsRefused = false;
  for (const id of Object.keys(PANELS)) {
    delete states[id];
    show(id);
  }
  const mine = session;
  await loadAll();
  if (mine !== session) return;
  startLive();
  refresher = setInterval(() => loadAll(), REFRESH_MS);
}

function showSignIn() {
  $('#board').hidden = true;
  $('#signout').hidden = true;
  $('#who').hidden = true;
  $('#signin').hidden = false;
  $('#token').value = '';
  $('#token').focus();
}

function signOut(refused) {
  session += 1;
  token.clear();
  if (live) live.stop();
  live = null;
  clearInterval(refresher);
  for (const id of Object.keys(states)) delete states[id];
  liveState = '';
  showLiveState();
  $('#board').dataset.loaded = '';
  const error = $('#signin-error');
  error.hidden = !refused;
  error.textContent = refused ? ctx.t('signedOut') : '';
  showSignIn();
}

$('#signin-form').addEventListener('submit', (e) => {
  e.preventDefault();
  const value = $('#token').value;
  if (value.trim()) signIn(value);
});
$('#signout').addEventListener('click', () => signOut(false));
$('#lang').addEventListener('click', () => {
  ctx.lang = ctx.lang === 'vi' ? 'en' : 'vi';
  localStorage.setItem(LANG_KEY, ctx.lang);
  applyLanguage();
});

applyLanguage();
if (token.get()) signIn(token.get());
else showSignIn();
