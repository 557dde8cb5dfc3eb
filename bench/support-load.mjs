// The load client of bench/support.sh (Node 20, no dependencies): customers
// and technicians as the portal page and the console are, over plain HTTP on
// loopback. Each side follows its chats by Server-Sent Events and posts
// messages; a message is timed from just before its POST until the other
// side's stream shows it, and every message must arrive exactly once.
// Clients bind to many loopback source addresses (127.1.x.y customers,
// 127.2.x.y technicians), so that the server's per-address limits (open
// connections, public routes) see a crowd of clients, as they would on the
// Internet, and stay on. Prints one JSON document of figures on stdout.
//
// environment: SETUP (bench/support-setup.py's JSON), PHASE (chat | pickup),
// CUSTOMER_BASES and TECH_BASES (comma-separated node URLs; customer i uses
// the i-th modulo, technician t the t-th), SERVER_PIDS (whose RSS to read),
// CHATS, MESSAGES (exchanges a chat), GAP_MS (between a chat's exchanges),
// PER_ADDRESS (customers a source address), PICK_SESSIONS, PICK_PARALLEL,
// TIMEOUT_MS (a message or request not there by then is lost), BOUND_S (the
// whole phase; past it the client stops and says so).
import fs from 'node:fs';
import http from 'node:http';
import { performance } from 'node:perf_hooks';

const env = process.env;
const setup = JSON.parse(fs.readFileSync(env.SETUP, 'utf8'));
const custBases = env.CUSTOMER_BASES.split(',').map((u) => new URL(u));
const techBases = env.TECH_BASES.split(',').map((u) => new URL(u));
const CHATS = +env.CHATS || 50;
const MESSAGES = +env.MESSAGES || 3;
const GAP_MS = +env.GAP_MS || 4000;
const PER_ADDRESS = +env.PER_ADDRESS || 10;
const TIMEOUT_MS = +env.TIMEOUT_MS || 10000;
const BOUND_S = +env.BOUND_S || 600;
const started = performance.now();

setTimeout(() => {
  process.stderr.write(`bench: the load client ran past ${BOUND_S} s, stopping\n`);
  process.exit(3);
}, BOUND_S * 1000).unref();

const log = (s) => process.stderr.write(`bench:   [${((performance.now() - started) / 1000).toFixed(1)}s] ${s}\n`);
const sleep = (ms) => new Promise((r) => setTimeout(r, ms));
const custAddr = (i) => {
  const k = Math.floor(i / PER_ADDRESS);
  return `127.1.${Math.floor(k / 250)}.${1 + (k % 250)}`;
};
const techAddr = (t) => `127.2.${Math.floor(t / 250)}.${1 + (t % 250)}`;

const agents = new Map();
function agentFor(addr) {
  let a = agents.get(addr);
  // a kept-alive connection idle for 20 s is dropped by the client, before
  // the server's idle_timeout (60 s by default) closes it under a request
  if (!a) agents.set(addr, (a = new http.Agent({ keepAlive: true, maxSockets: 8, localAddress: addr, timeout: 20000 })));
  return a;
}

let retries = 0;
// one request; resolves {status, body (parsed JSON or null)}, never rejects
// (a socket error is status 0). A request sent on a kept-alive connection
// that the server closed as idle meanwhile (its idle_timeout) fails before
// the server read it: it is sent again once, as browsers do (Node's
// documented check, req.reusedSocket), and counted.
async function call(base, addr, method, path, headers, body) {
  for (let attempt = 0; ; attempt++) {
    const r = await call1(base, addr, method, path, headers, body);
    if (!r.stale || attempt === 8) return r; // the next idle connection may be as stale: at most maxSockets
    retries++;
  }
}

function call1(base, addr, method, path, headers, body) {
  return new Promise((resolve) => {
    const data = body === undefined ? null : Buffer.from(JSON.stringify(body));
    const h = { ...headers };
    if (data) {
      h['Content-Type'] = 'application/json';
      h['Content-Length'] = data.length;
    }
    const req = http.request(
      { host: base.hostname, port: base.port, method, path, headers: h, agent: agentFor(addr), localAddress: addr },
      (res) => {
        const chunks = [];
        res.on('data', (c) => chunks.push(c));
        res.on('end', () => {
          let parsed = null;
          try {
            parsed = chunks.length ? JSON.parse(Buffer.concat(chunks).toString()) : null;
          } catch {
            parsed = null;
          }
          resolve({ status: res.statusCode, body: parsed });
        });
        res.on('error', () => resolve({ status: 0, body: null }));
      },
    );
    req.setTimeout(TIMEOUT_MS, () => req.destroy(new Error('timeout')));
    req.on('error', (e) =>
      resolve({ status: 0, body: { error: String(e) }, stale: req.reusedSocket && e.code === 'ECONNRESET' }),
    );
    if (data) req.write(data);
    req.end();
  });
}

// an SSE stream on a connection of its own; onEvent(event, id, data) per
// event; resolves once the answer's headers are in (rejects on a non-200)
function stream(base, addr, path, headers, onEvent, onEnd) {
  return new Promise((resolve, reject) => {
    const req = http.request(
      {
        host: base.hostname,
        port: base.port,
        path,
        headers: { ...headers, Accept: 'text/event-stream' },
        agent: false,
        localAddress: addr,
      },
      (res) => {
        if (res.statusCode !== 200) {
          res.resume();
          reject(new Error(`${path}: ${res.statusCode}`));
          return;
        }
        res.setEncoding('utf8');
        let buf = '';
        res.on('data', (c) => {
          buf += c;
          let at;
          while ((at = buf.indexOf('\n\n')) >= 0) {
            const block = buf.slice(0, at);
            buf = buf.slice(at + 2);
            let ev = 'message';
            let id = null;
            let data = '';
            for (const line of block.split('\n')) {
              if (line.startsWith('event:')) ev = line.slice(6).trim();
              else if (line.startsWith('id:')) id = line.slice(3).trim();
              else if (line.startsWith('data:')) data += line.slice(5).trim();
            }
            if (data) onEvent(ev, id, data);
          }
        });
        res.on('end', () => onEnd && onEnd());
        res.on('error', () => onEnd && onEnd());
        resolve({ close: () => req.destroy() });
      },
    );
    req.on('error', (e) => reject(e));
    req.end();
  });
}

const rss = () =>
  (env.SERVER_PIDS || '')
    .split(',')
    .filter(Boolean)
    .map((p) => {
      const m = fs.readFileSync(`/proc/${p}/status`, 'utf8').match(/VmRSS:\s+(\d+)/);
      return m ? +m[1] : 0;
    });

// CPU seconds the servers used so far (user + system, /proc/PID/stat)
const cpu = () =>
  (env.SERVER_PIDS || '')
    .split(',')
    .filter(Boolean)
    .reduce((sum, p) => {
      const f = fs.readFileSync(`/proc/${p}/stat`, 'utf8').split(') ')[1].split(' ');
      return sum + (+f[11] + +f[12]) / 100;
    }, 0);

const pct = (a, p) => {
  if (!a.length) return null;
  const s = [...a].sort((x, y) => x - y);
  return +s[Math.min(s.length - 1, Math.ceil((s.length * p) / 100) - 1)].toFixed(2);
};

// bounded parallel map
async function pool(items, n, fn) {
  let next = 0;
  const out = new Array(items.length);
  await Promise.all(
    Array.from({ length: Math.min(n, items.length) }, async () => {
      while (next < items.length) {
        const i = next++;
        out[i] = await fn(items[i], i);
      }
    }),
  );
  return out;
}

const techs = setup.techs.map((t, i) => ({
  ...t,
  i,
  addr: techAddr(i),
  base: techBases[i % techBases.length],
  auth: { Cookie: t.cookie, 'X-CSRF-Token': t.csrf },
}));
const streams = [];
let streamEnds = 0;
let failures = [];
const fail = (s) => {
  if (failures.length < 20) failures.push(s);
};

// the consoles: their streams keep the technicians present; then online
async function consoles() {
  await pool(techs, 20, async (t) => {
    let first;
    const seen = new Promise((r) => (first = r));
    streams.push(await stream(t.base, t.addr, '/api/v1/support/stream', t.auth, () => first(), () => streamEnds++));
    await seen;
    const r = await call(t.base, t.addr, 'PUT', '/api/v1/support/presence', t.auth, { state: 'online' });
    if (r.status !== 200) throw new Error(`presence of technician ${t.i}: ${r.status} ${JSON.stringify(r.body)}`);
  });
}

// a customer's session on slug: {id, token, slug, addr, base}
async function ask(i, slug, question) {
  const addr = custAddr(i);
  const base = custBases[i % custBases.length];
  const r = await call(base, addr, 'POST', `/api/v1/public/portals/${slug}/sessions`, {}, {
    name: `Customer ${i}`,
    email: `customer${i}@example.test`,
    question,
  });
  if (r.status !== 201) throw new Error(`session ${i}: ${r.status} ${JSON.stringify(r.body)}`);
  return { id: r.body.id, token: r.body.token, slug, addr, base, i };
}

async function chatPhase() {
  await consoles();
  log(`${techs.length} technicians online, consoles streaming`);
  await sleep(1000);
  const rssBefore = rss();
  const byGroup = new Map();
  for (const t of techs) (byGroup.get(t.group) || byGroup.set(t.group, []).get(t.group)).push(t);
  const portals = setup.portals;
  const waiters = new Map(); // text -> {resolve, t0}
  const seen = new Map(); // side + text -> count
  const lat = { toTech: [], toCustomer: [] };
  let lost = 0;
  let dup = 0;
  let sent = 0;
  let postErrors = 0;
  const onMsg = (side) => (ev, id, data) => {
    if (ev !== 'message') return;
    const m = JSON.parse(data);
    if (m.kind !== 'text' || !m.text || !m.text.startsWith('bench ')) return;
    const key = side + m.text;
    const n = (seen.get(key) || 0) + 1;
    seen.set(key, n);
    if (n > 1) {
      dup++;
      fail(`${m.text} arrived ${n} times at the ${side}`);
      return;
    }
    const w = waiters.get(key);
    if (w) w.resolve(performance.now() - w.t0);
  };
  // resolves once the message is there, or after TIMEOUT_MS (the chat goes
  // on); a late message is still timed when it comes, and only one that
  // never comes (by the end of the run and a last TIMEOUT_MS) is lost
  let late = 0;
  const expect = (side, text, t0) =>
    new Promise((resolve) => {
      const timer = setTimeout(() => {
        late++;
        resolve();
      }, TIMEOUT_MS);
      waiters.set(side + text, {
        t0,
        resolve: (ms) => {
          clearTimeout(timer);
          waiters.delete(side + text);
          (side === 'technician' ? lat.toTech : lat.toCustomer).push(ms);
          resolve();
        },
      });
    });

  // the chats: asked, picked up by the technician the bench gives it, both streams open
  const opening = performance.now();
  const chats = await pool(
    Array.from({ length: CHATS }, (_, i) => i),
    16,
    async (i) => {
      const g = i % portals.length;
      const c = await ask(i, portals[g], `Question ${i}`);
      const mine = byGroup.get(g % byGroup.size);
      c.tech = mine[Math.floor(i / portals.length) % mine.length];
      c.custPath = `/api/v1/public/portals/${c.slug}/sessions/${c.id}`;
      c.techPath = `/api/v1/support/sessions/${c.id}`;
      streams.push(
        await stream(c.base, c.addr, `${c.custPath}/stream?token=${c.token}`, {}, onMsg('customer'), () => streamEnds++),
      );
      const r = await call(c.tech.base, c.tech.addr, 'POST', `${c.techPath}/pick-up`, c.tech.auth, {});
      if (r.status !== 200) throw new Error(`pick-up of chat ${i}: ${r.status} ${JSON.stringify(r.body)}`);
      streams.push(
        await stream(c.tech.base, c.tech.addr, `${c.techPath}/stream`, c.tech.auth, onMsg('technician'), () => streamEnds++),
      );
      return c;
    },
  );
  const openSecs = (performance.now() - opening) / 1000;
  log(`${chats.length} chats live (${streams.length} streams)`);
  await sleep(1000);
  const rssLive = rss();
  const endsBefore = streamEnds;

  const t0 = performance.now();
  const cpu0 = cpu();
  await Promise.all(
    chats.map(async (c) => {
      await sleep(Math.random() * GAP_MS);
      for (let m = 0; m < MESSAGES; m++) {
        const began = performance.now();
        for (const [side, from] of [
          ['technician', 'c'],
          ['customer', 't'],
        ]) {
          const text = `bench ${from} ${c.i} ${m}`;
          const at = performance.now();
          const got = expect(side, text, at);
          sent++;
          const r =
            from === 'c'
              ? await call(c.base, c.addr, 'POST', `${c.custPath}/messages`, { 'X-Session-Token': c.token }, { text })
              : await call(c.tech.base, c.tech.addr, 'POST', `${c.techPath}/messages`, c.tech.auth, { text });
          if (r.status < 200 || r.status > 299) {
            postErrors++;
            fail(`${text}: POST answered ${r.status} ${JSON.stringify(r.body)}`);
          }
          if (r.status < 200 || r.status > 299) waiters.delete(side + text);
          else await got;
        }
        await sleep(Math.max(0, GAP_MS - (performance.now() - began)));
      }
    }),
  );
  const secs = (performance.now() - t0) / 1000;
  const cpuMs = (cpu() - cpu0) * 1000;
  for (let w = 0; w < TIMEOUT_MS && waiters.size; w += 100) await sleep(100);
  for (const key of waiters.keys()) {
    lost++;
    fail(`${key} never arrived`);
  }
  await sleep(500); // late duplicates would show now
  const rssAfter = rss();
  log(`${sent} messages in ${secs.toFixed(1)} s`);
  const endsDuring = streamEnds - endsBefore;
  const closing = performance.now();
  await pool(chats, 16, async (c) => {
    const r = await call(c.base, c.addr, 'POST', `${c.custPath}/close`, { 'X-Session-Token': c.token }, {});
    if (r.status < 200 || r.status > 299) fail(`close of chat ${c.i}: ${r.status}`);
  });
  const closeSecs = (performance.now() - closing) / 1000;
  const all = [...lat.toTech, ...lat.toCustomer];
  return {
    chats: chats.length,
    technicians: techs.length,
    streams: streams.length,
    messages_sent: sent,
    seconds: +secs.toFixed(1),
    rate: +(sent / secs).toFixed(1),
    p50_ms: pct(all, 50),
    p99_ms: pct(all, 99),
    max_ms: pct(all, 100),
    to_technician: { p50_ms: pct(lat.toTech, 50), p99_ms: pct(lat.toTech, 99) },
    to_customer: { p50_ms: pct(lat.toCustomer, 50), p99_ms: pct(lat.toCustomer, 99) },
    lost,
    late_over_timeout: late,
    server_cpu_ms_per_message: +(cpuMs / Math.max(1, sent)).toFixed(2),
    duplicated: dup,
    post_errors: postErrors,
    streams_ended: endsDuring,
    retries,
    open_seconds: +openSecs.toFixed(1),
    close_seconds: +closeSecs.toFixed(1),
    rss_kb_before: rssBefore,
    rss_kb_live: rssLive,
    rss_kb_after: rssAfter,
    failures,
  };
}

// every technician (spread over the nodes) tries to pick up the same session
// at once, PICK_PARALLEL sessions at a time
async function pickupPhase() {
  const n = +env.PICK_SESSIONS || 100;
  const par = +env.PICK_PARALLEL || 4;
  const sessions = await pool(
    Array.from({ length: n }, (_, i) => i),
    16,
    (i) => ask(100000 + i, setup.pick_portal, `Contended ${i}`),
  );
  log(`${n} sessions waiting; ${techs.length} technicians race for each`);
  const lat = [];
  let won = 0;
  let lost409 = 0;
  let other = 0;
  let multi = 0;
  let none = 0;
  const winners = {};
  const t0 = performance.now();
  await pool(sessions, par, async (s) => {
    const answers = await Promise.all(
      techs.map(async (t) => {
        const at = performance.now();
        const r = await call(t.base, t.addr, 'POST', `/api/v1/support/sessions/${s.id}/pick-up`, t.auth, {});
        lat.push(performance.now() - at);
        return { t, r };
      }),
    );
    const ok = answers.filter((a) => a.r.status === 200);
    won += ok.length;
    lost409 += answers.filter((a) => a.r.status === 409).length;
    for (const a of answers)
      if (a.r.status !== 200 && a.r.status !== 409) {
        other++;
        fail(`pick-up of ${s.id}: ${a.r.status} ${JSON.stringify(a.r.body)}`);
      }
    if (ok.length > 1) multi++;
    if (ok.length === 0) none++;
    if (ok.length === 1) winners[s.id] = ok[0].t.id;
  });
  const secs = (performance.now() - t0) / 1000;
  return {
    sessions: n,
    technicians: techs.length,
    nodes: techBases.length,
    requests: lat.length,
    seconds: +secs.toFixed(1),
    won,
    refused_409: lost409,
    other,
    sessions_with_two_winners: multi,
    sessions_without_winner: none,
    p50_ms: pct(lat, 50),
    p99_ms: pct(lat, 99),
    winners,
    failures,
  };
}

const phase = env.PHASE || 'chat';
const result = phase === 'pickup' ? await pickupPhase() : await chatPhase();
for (const s of streams) s.close();
for (const a of agents.values()) a.destroy();
process.stdout.write(JSON.stringify(result) + '\n');
process.exit(0);
