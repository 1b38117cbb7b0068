// A small client of graphql-transport-ws for one subscription: `connection_init` carries the token
// in its payload (never the URL), the server's `ping` is answered with `pong` and the client pings
// too, a silent socket is dropped and every drop is followed by a reconnect with exponential backoff
// (1 s doubling to 30 s, with jitter). After each acknowledgement the subscription starts again and
// `onReconnect` runs, so the page can catch up on what it missed with an ordinary query.
//
// A subscription answered with `error` (refused: FORBIDDEN, say) is not retried: `onRefused`.
// Close codes 4401 and 4403 mean the token is missing, revoked or expired: no reconnect,
// `onSignedOut` instead.

const PROTOCOL = 'graphql-transport-ws';
const PING_EVERY_MS = 15_000;
const SILENT_AFTER_MS = 45_000;
const FIRST_DELAY_MS = 1_000;
const MAX_DELAY_MS = 30_000;

export function subscribe({ token, query, variables = {}, onData, onState, onReconnect, onSignedOut, onRefused }) {
  let socket = null;
  let stopped = false;
  let attempts = 0;
  let acknowledged = 0;
  let pinger = null;
  let lastHeard = Date.now();
  let retry = null;

  const send = (message) => {
    if (socket && socket.readyState === WebSocket.OPEN) socket.send(JSON.stringify(message));
  };

  function connect() {
    if (stopped) return;
    onState('connecting');
    const url = location.origin.replace(/^http/, 'ws') + '/graphql/ws';
    socket = new WebSocket(url, PROTOCOL);
    const mine = socket;
    mine.onopen = () => {
      lastHeard = Date.now();
      send({ type: 'connection_init', payload: { Authorization: `Bearer ${token}` } });
    };
    mine.onmessage = (event) => {
      if (mine !== socket) return;
      lastHeard = Date.now();
      let message;
      try {
        message = JSON.parse(event.data);
      } catch {
        return;
      }
      switch (message.type) {
        case 'connection_ack':
          attempts = 0;
          acknowledged += 1;
          onState('live');
          send({ id: 'board', type: 'subscribe', payload: { query, variables } });
          // Subscribed first, then the catch-up query: nothing falls between the two.
          if (acknowledged > 1 && onReconnect) onReconnect();
          break;
        case 'ping':
          send({ type: 'pong' });
          break;
        case 'next':
          if (message.payload?.data) onData(message.payload.data);
          break;
        case 'error':
          // Refused before it started (FORBIDDEN for an agency that may not read it): no retry.
          stopped = true;
          onState('refused');
          if (onRefused) onRefused(message.payload || []);
          mine.close(1000, 'refused');
          break;
        default:
          break;
      }
    };
    mine.onclose = (event) => {
      if (mine !== socket) return;
      socket = null;
      if (stopped) return;
      if (event.code === 4401 || event.code === 4403) {
        stopped = true;
        onState('closed');
        onSignedOut();
        return;
      }
      onState('reconnecting');
      const delay = Math.min(MAX_DELAY_MS, FIRST_DELAY_MS * 2 ** attempts);
      attempts += 1;
      retry = setTimeout(connect, delay / 2 + Math.random() * (delay / 2));
    };
  }

  pinger = setInterval(() => {
    if (!socket || socket.readyState !== WebSocket.OPEN) return;
    if (Date.now() - lastHeard > SILENT_AFTER_MS) {
      socket.close(4000, 'silent');
      return;
    }
    send({ type: 'ping' });
  }, PING_EVERY_MS);

  connect();

  return {
    stop() {
      stopped = true;
      clearInterval(pinger);
      clearTimeout(retry);
      if (socket) socket.close(1000, 'bye');
      socket = null;
    },
  };
}
