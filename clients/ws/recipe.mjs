// The README's front-end recipe, run for real: the graphql-ws client with keepAlive and retries, the last
// cursor kept in the subscription's variables so a reconnect resumes after it. Alerts are raised over
// HTTP as the police; the socket is cut once (as a network drop would) while three more are raised.
// Env: LIENTHONG_ADDR (host:port), LIENTHONG_HEALTH_TOKEN, LIENTHONG_POLICE_TOKEN, LIENTHONG_IDLE_MS.
// Prints one JSON line with what was received; exits non-zero when anything is missing or repeated.
import { createClient } from 'graphql-ws';
import WebSocket from 'ws';

const addr = process.env.LIENTHONG_ADDR;
const idleMs = Number(process.env.LIENTHONG_IDLE_MS ?? '3000');
const sleep = (ms) => new Promise((resolve) => setTimeout(resolve, ms));

// --- the recipe (README, "Front-end: live alerts") ---
let socket;
const client = createClient({
  url: `ws://${addr}/graphql/ws`,
  webSocketImpl: WebSocket, // browsers have their own
  connectionParams: () => ({ Authorization: `Bearer ${process.env.LIENTHONG_HEALTH_TOKEN}` }),
  keepAlive: 10_000, // the client pings too; the server pings every LIENTHONG_WS_PING_SECONDS
  retryAttempts: Infinity,
  shouldRetry: () => true,
  retryWait: () => sleep(500),
  on: { connected: (s) => (socket = s) },
});
// The variables object is sent again on every reconnect: keep the last cursor in it.
const variables = { after: null };
const received = [];
const dispose = client.subscribe(
  {
    query: `subscription($after: String) {
      screeningAlerts(districtCode: "380", after: $after) { cursor id reasons }
    }`,
    variables,
  },
  {
    next: ({ data, errors }) => {
      if (errors) {
        // CURSOR_EXPIRED: query `alerts` for the current state, then subscribe without `after`.
        console.error(JSON.stringify(errors));
        return;
      }
      variables.after = data.screeningAlerts.cursor;
      received.push(Number(data.screeningAlerts.id));
    },
    error: (e) => console.error('subscription error', e),
    complete: () => {},
  },
);
// --- end of the recipe ---

async function raiseAlert() {
  const input = {
    checkpointCode: 'TH-SB-THOXUAN', recordedAt: new Date().toISOString(), direction: 'INBOUND',
    vehiclePlate: '29A-12345', vehicleKind: 'CAR', peopleCount: 1, originProvinceCode: '01',
    fromEpidemicArea: true, healthDeclared: true, testKind: 'RAPID_ANTIGEN', testResult: 'NEGATIVE',
    symptoms: true, decision: 'REFERRED_TO_HEALTH', fullName: 'Nguyễn Thị Lan', idNumber: '001190012345',
    phone: '0912 345 678', destinationAddress: '12 Lê Lợi', destinationDistrictCode: '380',
  };
  const response = await fetch(`http://${addr}/graphql`, {
    method: 'POST',
    headers: { 'content-type': 'application/json', authorization: `Bearer ${process.env.LIENTHONG_POLICE_TOKEN}` },
    body: JSON.stringify({
      query: 'mutation($i: RecordScreeningInput!) { recordScreening(input: $i) { alert { id } } }',
      variables: { i: input },
    }),
  });
  const body = await response.json();
  return Number(body.data.recordScreening.alert.id);
}

async function until(check, ms) {
  const end = Date.now() + ms;
  while (Date.now() < end) {
    if (check()) return true;
    await sleep(50);
  }
  return check();
}

const raised = [];
await until(() => socket !== undefined, 5000);
await sleep(300);
// Idle past the server's ping interval: the socket stays open.
await sleep(idleMs);
const first = socket;
raised.push(await raiseAlert());
await until(() => received.length === 1, 5000);
// A network drop: the socket dies without a close handshake; three alerts are raised meanwhile.
socket.terminate();
for (let i = 0; i < 3; i++) raised.push(await raiseAlert());
await until(() => socket !== first && received.length === 4, 10_000);
raised.push(await raiseAlert());
await until(() => received.length >= 5, 5000);
await sleep(500);
dispose();
await client.dispose();
const ok = JSON.stringify(received) === JSON.stringify(raised) && socket !== first;
console.log(JSON.stringify({ ok, idleMs, raised, received, reconnected: socket !== first }));
process.exit(ok ? 0 : 1);
