// The web monitor in a real browser: Debian's Chromium (/usr/bin/chromium)
// driven by playwright-core; no browser is ever downloaded. The server must
// be running at BASE_URL (the .ci/run script starts one on a fresh database).
//
//   BASE_URL=http://127.0.0.1:8080 node --test browser.test.mjs
//
// Screenshots of every page, at desktop and phone widths, go to screenshots/.

import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { mkdirSync, readFileSync } from 'node:fs';
import { createServer } from 'node:http';
import { createHmac, timingSafeEqual } from 'node:crypto';
import { chromium } from 'playwright-core';

const BASE = process.env.BASE_URL ?? 'http://127.0.0.1:8080';
const SHOTS = new URL('./screenshots/', import.meta.url).pathname;
mkdirSync(SHOTS, { recursive: true });

let browser;
before(async () => {
  browser = await chromium.launch({
    executablePath: '/usr/bin/chromium',
    args: [
      '--headless', '--no-sandbox', '--disable-gpu', '--disable-quic', '--no-first-run',
      '--disable-background-networking', '--disable-component-update', '--disable-sync',
    ],
  });
});
after(async () => { await browser?.close(); });

async function page(width = 1280, height = 900) {
  const context = await browser.newContext({ viewport: { width, height }, acceptDownloads: true });
  return context.newPage();
}

test('the map moves from 2025-01-17 to 2026-01-01 and Lithuania changes', async () => {
  const p = await page();
  await p.goto(`${BASE}/?on=2025-01-17`);
  const ltu = p.locator('path[data-iso3="LTU"]');
  assert.equal(await ltu.getAttribute('class'), 'party');
  assert.match(await p.locator('h1').innerText(), /2025-01-17/);
  await p.screenshot({ path: `${SHOTS}map-2025-01-17-desktop.png`, fullPage: false });
  // Move the date with the form, as a user would.
  await p.fill('input#on', '2026-01-01');
  await Promise.all([p.waitForURL(/on=2026-01-01/), p.click('button[type=submit]')]);
  assert.equal(await p.locator('path[data-iso3="LTU"]').getAttribute('class'), 'withdrawn');
  assert.match(await p.locator('tr[data-iso3="LTU"]').innerText(), /withdrawn/);
  await p.screenshot({ path: `${SHOTS}map-2026-01-01-desktop.png`, fullPage: false });
  await p.context().close();
});

test("Lithuania's page explains itself: follow \"why?\"", async () => {
  const p = await page();
  await p.goto(`${BASE}/?on=2026-01-01`);
  await Promise.all([p.waitForURL(/\/states\/LTU/), p.click('tr[data-iso3="LTU"] a')]);
  assert.match(await p.locator('#status').innerText(), /withdrawn/);
  await p.click('a[href="#why"]');
  assert.match(p.url(), /#why$/);
  const why = await p.locator('#why + ol').innerText();
  assert.match(why, /Art\. 20\(3\)/);
  assert.match(why, /2025-12-27/);
  await p.screenshot({ path: `${SHOTS}state-LTU-desktop.png`, fullPage: true });
  await p.context().close();
});

test('the parties table downloads as CSV', async () => {
  const p = await page();
  await p.goto(`${BASE}/parties?on=2025-01-17`);
  assert.match(await p.locator('h1').innerText(), /164/);
  const [download] = await Promise.all([p.waitForEvent('download'), p.click('a#csv')]);
  const path = await download.path();
  const lines = readFileSync(path, 'utf8').trim().split('\n');
  assert.equal(lines[0], 'iso3,name,status,since');
  assert.equal(lines.length, 165);
  await p.context().close();
});

test('the figures page: open a figure, follow one of its states', async () => {
  const p = await page();
  await p.goto(`${BASE}/figures?on=2021-10-01`);
  assert.match(await p.locator('h1').innerText(), /2021-10-01/);
  const row = p.locator('tr#stockpile_still_held');
  assert.match(await row.locator('td.num').innerText(), /^2$/);
  await row.locator('summary', { hasText: 'states' }).click();
  await Promise.all([p.waitForURL(/\/states\/GRC/), row.locator('a', { hasText: 'GRC' }).click()]);
  assert.match(await p.locator('h1').innerText(), /Greece/);
  await p.goto(`${BASE}/figures?on=2021-10-01`);
  const [download] = await Promise.all([p.waitForEvent('download'), p.click('a#csv')]);
  const lines = readFileSync(await download.path(), 'utf8').trim().split('\n');
  assert.equal(lines[0], 'figure,value,bound,on,year,article,states,reason,sources');
  assert.ok(lines.some((l) => l.startsWith('states_parties,164,exact,2021-10-01,')));
  await p.context().close();
});

test('a claim is checked in the form', async () => {
  const p = await page();
  await p.goto(`${BASE}/claims`);
  await p.fill('input#claim', 'all NATO members except USA are parties');
  await p.fill('input#on', '2026-11-28');
  await Promise.all([p.waitForURL(/claim=/), p.click('button[type=submit]')]);
  assert.match(await p.locator('#verdict').innerText(), /does not hold/);
  await p.context().close();
});

test('the simulator: load a scenario, change it, run it, see the plots', async () => {
  const p = await page(1280, 1200);
  await p.goto(`${BASE}/simulate`);
  await p.selectOption('select#scenario', 'unfenced-100km');
  await Promise.all([p.waitForURL(/scenario=unfenced-100km/), p.click('button#load')]);
  const unfenced = await p.locator('table.figures').innerText();
  assert.match(unfenced, /Civilian casualties over 50 years/);
  // Fence and mark it, maintain the fence for the horizon, fewer replicates.
  await p.check('input[name=fenced]');
  await p.check('input[name=marked]');
  await p.fill('input#maintenance_years', '50');
  await p.fill('input#runs', '300');
  await Promise.all([p.waitForURL(/set=1/), p.click('button#run')]);
  assert.match(p.url(), /fenced=on/);
  const fenced = await p.locator('table.figures').innerText();
  const total = (text) => Number(/Civilian casualties over 50 years\s+([\d.]+)/.exec(text)[1]);
  assert.ok(total(fenced) * 10 < total(unfenced), `${total(fenced)} vs ${total(unfenced)}`);
  assert.equal(await p.locator('figure.plot svg').count(), 2);
  assert.match(await p.locator('h2#results').innerText(), /300 replicates/);
  await p.screenshot({ path: `${SHOTS}simulate-run-desktop.png`, fullPage: true });
  await p.context().close();
});

test('what changed since the letter: filter by group, follow a state, download the CSV', async () => {
  const p = await page();
  await p.goto(`${BASE}/changes?from=2025-01-17&to=2026-11-28`);
  const all = await p.locator('#changes').innerText();
  assert.match(all, /LTU\s+status: party → withdrawing\s+Art\. 20\(2\)/);
  assert.match(all, /states parties: 164 → 161/);
  await p.selectOption('#group', 'NATO');
  await p.selectOption('#kind', 'status');
  await Promise.all([p.waitForURL(/group=NATO/), p.click('form.inline button[type=submit]')]);
  const nato = await p.locator('#changes tbody tr').allInnerTexts();
  assert.ok(nato.some((r) => /POL/.test(r) && /withdrawn/.test(r)), nato.join(' | '));
  assert.ok(!nato.some((r) => /MHL/.test(r)), 'the Marshall Islands is not in NATO');
  const [download] = await Promise.all([p.waitForEvent('download'), p.click('#csv')]);
  const csv = readFileSync(await download.path(), 'utf8');
  assert.match(csv.split('\n')[0], /^date,state,kind,name,before,after,article,sources,text/);
  assert.match(csv, /FIN,status,,withdrawing,withdrawn,Art\. 20\(3\)/);
  await Promise.all([p.waitForURL(/\/states\/POL/), p.click('#changes a[href^="/states/POL"]')]);
  await p.context().close();
});

test('screenshots of every page at desktop and phone widths', async () => {
  const pages = {
    map: '/?on=2026-01-01',
    state: '/states/LTU?on=2026-01-01',
    parties: '/parties?on=2025-01-17',
    history: '/history',
    figures: '/figures?on=2026-12-01',
    changes: '/changes?from=2025-01-17&to=2026-11-28',
    claims: '/claims?claim=USA+is+not+a+party&on=2025-01-17',
    about: '/about',
    simulate: '/simulate?scenario=unfenced-100km&runs=300',
    brief: '/states/LTU/brief?on=2025-01-17&peers=LVA,EST,POL,FIN,SWE',
  };
  for (const [name, path] of Object.entries(pages)) {
    for (const [size, w, h] of [['desktop', 1280, 900], ['phone', 390, 844]]) {
      const p = await page(w, h);
      const response = await p.goto(`${BASE}${path}`);
      assert.equal(response.status(), 200, path);
      await p.screenshot({ path: `${SHOTS}${name}-${size}.png`, fullPage: false });
      await p.context().close();
    }
  }
});

// The review of an edit, as a team does it: an editor proposes the Marshall
// Islands' ratification on a record without it, a reviewer sees what it
// would change and approves it, and the map serves it. The tokens come from
// `minewatch editor add` (.ci/run makes them). The record is first made
// "empty of it" the way a team would: a maintainer proposes the retraction
// of the shipped row and the reviewer approves it, through the API.
test('an editor proposes, a reviewer approves, the map changes', { skip: !process.env.ANN_TOKEN }, async () => {
  const { ANN_TOKEN, REV_TOKEN, MAX_TOKEN } = process.env;
  const shipped = readFileSync(new URL('../data/treaty_actions.csv', import.meta.url), 'utf8')
    .split('\n').find((l) => l.startsWith('MHL,ratification,'));
  const api = async (method, path, token, body) => {
    const r = await fetch(`${BASE}${path}`, {
      method,
      headers: { authorization: `Bearer ${token}`, 'content-type': 'application/json' },
      body: body && JSON.stringify(body),
    });
    return [r.status, await r.json()];
  };
  const [made, retraction] = await api('POST', '/api/v1/proposals', MAX_TOKEN,
    { kind: 'retract', file: 'treaty_actions.csv', row: shipped.split(','), comment: 'browser test: start without it' });
  assert.equal(made, 201, JSON.stringify(retraction));
  const [approved] = await api('POST', `/api/v1/proposals/${retraction.id}/approve`, REV_TOKEN);
  assert.equal(approved, 200);

  const map = await page();
  await map.goto(`${BASE}/?on=2026-12-01`);
  assert.match(await map.locator('tr[data-iso3="MHL"]').innerText(), /signatory/);
  const partiesBefore = await map.locator('ul.counts').innerText();

  // The editor signs in and proposes the ratification.
  const ann = await page();
  await ann.goto(`${BASE}/editor`);
  assert.match(ann.url(), /\/editor\/sign-in$/, 'signing in comes first');
  await ann.fill('#token', 'mw_not_a_token');
  await ann.click('button[type=submit]');
  assert.match(await ann.locator('#problem').innerText(), /belongs to no editor/);
  await ann.fill('#token', ANN_TOKEN);
  await Promise.all([ann.waitForURL(/\/editor$/), ann.click('button[type=submit]')]);
  assert.match(await ann.locator('#who').innerText(), /ann \(editor\)/);
  await ann.fill('#state', 'MHL');
  await ann.selectOption('#action', 'ratification');
  await ann.fill('#date', '2025-03-12');
  await ann.fill('#sources', 'icbl-2025-03-13-marshall-islands');
  await ann.fill('#comment', 'the ICBL reports the deposit of 12 March 2025');
  await Promise.all([ann.waitForURL(/\/editor\/proposals\/\d+$/), ann.click('#propose button[type=submit]')]);
  const proposal = ann.url();
  assert.match(await ann.locator('#status').innerText(), /pending/);
  // The preview: the count of States Parties changes on the entry into force.
  const rows = await ann.locator('#preview tbody tr').allInnerTexts();
  const entry = rows.find((r) => r.startsWith('2025-09-01'));
  assert.ok(entry, rows.join(' | '));
  const [, before, after, partiesB, partiesA] = entry.split('\t').map((c) => c.trim());
  assert.equal(before, 'signatory');
  assert.equal(after, 'party');
  assert.equal(Number(partiesA), Number(partiesB) + 1);
  // An editor cannot decide; the session cookie is HttpOnly and strict.
  assert.equal(await ann.locator('#approve').count(), 0);
  const [cookie] = await ann.context().cookies();
  assert.equal(cookie.name, 'mw_session');
  assert.ok(cookie.httpOnly);
  assert.equal(cookie.sameSite, 'Strict');
  await ann.screenshot({ path: `${SHOTS}editor-proposal-desktop.png`, fullPage: true });
  // A form without the session's CSRF token is refused.
  // (The request shares the signed-in context's cookies.)
  const forged = await ann.request.post(`${proposal}/approve`, { form: { csrf: 'x' }, maxRedirects: 0 });
  assert.equal(forged.status(), 403);
  await ann.context().close();

  // The reviewer signs in, sees the queue and the preview, and approves.
  const rev = await page(390, 844);
  await rev.goto(`${BASE}/editor/sign-in`);
  await rev.fill('#token', REV_TOKEN);
  await Promise.all([rev.waitForURL(/\/editor$/), rev.click('button[type=submit]')]);
  assert.match(await rev.locator('#queue').innerText(), /MHL ratification on 2025-03-12/);
  await rev.screenshot({ path: `${SHOTS}editor-queue-phone.png`, fullPage: true });
  await Promise.all([rev.waitForURL(proposal), rev.click(`#queue a[href="${new URL(proposal).pathname}"]`)]);
  assert.match(await rev.locator('#preview').innerText(), /signatory/);
  await rev.screenshot({ path: `${SHOTS}editor-preview-phone.png`, fullPage: true });
  await Promise.all([rev.waitForURL(proposal), rev.click('#approve')]);
  assert.match(await rev.locator('#status').innerText(), /approved/);
  await rev.context().close();

  // The map serves it.
  await map.reload();
  assert.match(await map.locator('tr[data-iso3="MHL"]').innerText(), /party/);
  assert.notEqual(await map.locator('ul.counts').innerText(), partiesBefore);
  await map.context().close();
});

test('a maintainer subscribes a receiver, an edit reaches it signed, the page shows it delivered', { skip: !process.env.MAX_TOKEN }, async () => {
  const { MAX_TOKEN } = process.env;
  // A receiver on loopback: every POST, answered 204.
  const got = [];
  let arrived;
  const receiver = createServer((req, res) => {
    let body = '';
    req.on('data', (c) => { body += c; });
    req.on('end', () => {
      got.push({ headers: req.headers, body });
      res.writeHead(204).end();
      arrived?.();
    });
  });
  await new Promise((ok) => receiver.listen(0, '127.0.0.1', ok));
  const url = `http://127.0.0.1:${receiver.address().port}/minewatch`;

  const max = await page();
  await max.goto(`${BASE}/editor/sign-in`);
  await max.fill('#token', MAX_TOKEN);
  await Promise.all([max.waitForURL(/\/editor$/), max.click('button[type=submit]')]);
  await Promise.all([max.waitForURL(/\/editor\/webhooks$/), max.click('#webhooks-link')]);
  // This server itself is refused.
  await max.fill('#url', `${BASE}/api/v1/actions`);
  await max.click('#add-webhook button[type=submit]');
  assert.match(await max.locator('#problem').innerText(), /this server/);
  await max.goto(`${BASE}/editor/webhooks`);
  await max.fill('#url', url);
  await max.selectOption('#hook-kind', 'recorded');
  await max.fill('#hook-state', 'United Arab Emirates');
  await max.click('#add-webhook button[type=submit]');
  const secret = (await max.locator('#secret').innerText()).trim();
  assert.match(secret, /^whsec_/);

  // An edit of that state, through the API.
  const waiting = new Promise((ok) => { arrived = ok; });
  const r = await fetch(`${BASE}/api/v1/actions`, {
    method: 'POST',
    headers: { authorization: `Bearer ${MAX_TOKEN}`, 'content-type': 'application/json' },
    body: JSON.stringify({ state: 'ARE', action: 'accession', date: '2026-01-15', sources: ['untc-2014'] }),
  });
  assert.equal(r.status, 201, await r.text());
  await Promise.race([waiting, new Promise((_, no) => setTimeout(() => no(new Error('no POST in 20 s')), 20000))]);
  const [first] = got;
  // Verified as a Standard Webhooks receiver would, with Node's own HMAC.
  const id = first.headers['webhook-id'];
  const ts = first.headers['webhook-timestamp'];
  const key = Buffer.from(secret.slice('whsec_'.length), 'base64');
  const expected = createHmac('sha256', key).update(`${id}.${ts}.${first.body}`).digest('base64');
  const sent = first.headers['webhook-signature'].split(' ').map((s) => s.replace(/^v1,/, ''));
  assert.ok(sent.some((s) => s.length === expected.length && timingSafeEqual(Buffer.from(s), Buffer.from(expected))), 'a valid signature');
  const message = JSON.parse(first.body);
  assert.equal(message.type, 'entry.recorded');
  assert.deepEqual(message.data._minewatch.states, ['ARE']);

  // The page shows the delivery.
  let text = '';
  for (let i = 0; i < 50 && !/delivered/.test(text); i++) {
    await max.goto(`${BASE}/editor/webhooks`);
    text = await max.locator('table.deliveries').last().innerText();
  }
  assert.match(text, /urn:minewatch:edit:\d+\s+delivered\s+1/);
  await max.screenshot({ path: `${SHOTS}editor-webhooks-desktop.png`, fullPage: true });
  const phone = await max.context().newPage();
  await phone.setViewportSize({ width: 390, height: 844 });
  await phone.goto(`${BASE}/editor/webhooks`);
  await phone.screenshot({ path: `${SHOTS}editor-webhooks-phone.png`, fullPage: true });
  // Removed: its button goes, it says so.
  const remove = max.locator('section.webhook').last().locator('button', { hasText: 'Remove' });
  await Promise.all([max.waitForURL(/\/editor\/webhooks$/), remove.click()]);
  assert.match(await max.locator('section.webhook').last().innerText(), /removed/);
  await max.context().close();
  receiver.close();
});
