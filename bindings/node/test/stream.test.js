'use strict';
// requestInStream: the body through dataReceive (ArrayBuffer chunks), progress, dataEnd, in
// order; and backpressure: a slow JS dataReceive listener keeps memory bounded.
const { test } = require('node:test');
const assert = require('node:assert');
const crypto = require('node:crypto');
const fs = require('node:fs');
const path = require('node:path');
const { spawn } = require('node:child_process');
const { http, tb } = require('./helpers');

const T = { timeout: 30000 };

function expectedSha(file) {
  const sums = fs.readFileSync(path.join(tb.www, 'SHA256SUMS'), 'utf8');
  const line = sums.split('\n').find((l) => l.trim().endsWith(file));
  assert.ok(line, `${file} in SHA256SUMS`);
  return line.split(/\s+/)[0];
}

test('a 1 MiB stream arrives whole, in order: headers, data and progress, dataEnd, then the code', T, async () => {
  const r = http.createHttp();
  const events = [];
  const hash = crypto.createHash('sha256');
  let bytes = 0;
  let lastProgress = -1;
  r.on('headersReceive', (h) => events.push(`headers ${h['content-length']}`));
  r.on('dataReceive', (chunk) => {
    assert.ok(chunk instanceof ArrayBuffer);
    hash.update(new Uint8Array(chunk));
    bytes += chunk.byteLength;
    if (events.at(-1) !== 'data') events.push('data');
  });
  r.on('dataReceiveProgress', (p) => {
    assert.ok(p.receiveSize >= lastProgress, 'progress never goes back');
    assert.strictEqual(p.totalSize, 1048576);
    lastProgress = p.receiveSize;
  });
  r.on('dataEnd', () => events.push('dataEnd'));
  const code = await r.requestInStream(`${tb.nginx}/1m.bin`);
  events.push(`code ${code}`);
  assert.strictEqual(bytes, 1048576);
  assert.strictEqual(hash.digest('hex'), expectedSha('1m.bin'));
  assert.strictEqual(lastProgress, 1048576);
  assert.deepStrictEqual(events, ['headers 1048576', 'data', 'dataEnd', 'code 200']);
  r.destroy();
});

test('a chunked stream of unknown length: progress totalSize 0, every byte delivered', T, async () => {
  const r = http.createHttp();
  const parts = [];
  let total = -1;
  r.on('dataReceive', (c) => parts.push(Buffer.from(c)));
  r.on('dataReceiveProgress', (p) => { total = p.totalSize; });
  assert.strictEqual(await r.requestInStream(`${tb.fault}/chunked?size=100000`), 200);
  const body = Buffer.concat(parts);
  assert.strictEqual(body.length, 100000);
  for (const k of [0, 255, 256, 99999]) assert.strictEqual(body[k], k % 256);
  assert.strictEqual(total, 0);
  r.destroy();
});

test('dataSendProgress of a 1 MiB ArrayBuffer upload ends at its size', T, async () => {
  const r = http.createHttp();
  const seen = [];
  r.on('dataSendProgress', (p) => seen.push(p));
  const body = new ArrayBuffer(1 << 20);
  const data = await r.request(`${tb.nginx}/discard`, { method: http.RequestMethod.POST, extraData: body });
  assert.strictEqual(data.responseCode, 204);
  assert.ok(seen.length >= 1);
  assert.deepStrictEqual(seen.at(-1), { sendSize: 1 << 20, totalSize: 1 << 20 });
  for (let i = 1; i < seen.length; i++) assert.ok(seen[i].sendSize >= seen[i - 1].sendSize);
  r.destroy();
});

// The listener blocks the JS thread for 800 ms on its first chunk, long enough for the whole
// 100 MiB to cross loopback several times over; RSS is sampled every 16 chunks. Without flow
// control the addon would queue every chunk for JS (RSS + > 100 MB: see the next test); with
// it the dispatcher waits, the library pauses the transfer, and the rise stays at the queues'
// bounds plus the garbage ArrayBuffers V8 has not collected yet (~50 MB measured).
const BACKPRESSURE_SCRIPT = `
  const { http } = require(${JSON.stringify(path.join(__dirname, '..'))});
  const r = http.createHttp();
  const base = process.memoryUsage().rss;
  let chunks = 0, bytes = 0, peak = base, ended = false;
  r.on('dataReceive', (chunk) => {
    chunks++;
    bytes += chunk.byteLength;
    if (chunks === 1) { const until = Date.now() + 800; while (Date.now() < until); }
    if (chunks % 16 === 0) peak = Math.max(peak, process.memoryUsage().rss);
  });
  r.on('dataEnd', () => { ended = true; });
  r.requestInStream(process.env.OHOS_HTTP_TB_NGINX_URL + '/100m.bin').then((code) => {
    console.log(JSON.stringify({ code, chunks, bytes, ended, riseMB: (peak - base) / 1e6 }));
    r.destroy();
  });
`;

function runChild(script, extraEnv = {}) {
  return new Promise((resolve, reject) => {
    const child = spawn(process.execPath, ['-e', script], {
      env: { ...process.env, ...extraEnv },
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    let out = '';
    let err = '';
    child.stdout.on('data', (d) => { out += d; });
    child.stderr.on('data', (d) => { err += d; });
    child.on('error', reject);
    child.on('close', (code, signal) => resolve({ code, signal, out, err }));
  });
}

const RSS_BOUND_MB = 80; // generous: ~50 MB measured; unbounded queueing is > 100 MB

test('backpressure: a slow dataReceive listener on a 100 MiB stream keeps RSS bounded', T, async () => {
  const res = await runChild(BACKPRESSURE_SCRIPT);
  assert.strictEqual(res.code, 0, res.err);
  const r = JSON.parse(res.out);
  assert.strictEqual(r.code, 200);
  assert.strictEqual(r.bytes, 100 * 1024 * 1024);
  assert.ok(r.ended, 'dataEnd fired');
  assert.ok(r.riseMB < RSS_BOUND_MB, `RSS rose by ${r.riseMB.toFixed(1)} MB (bound ${RSS_BOUND_MB} MB)`);
});

test('backpressure: without the addon\'s event budget the same stream exceeds that bound', T, async () => {
  // OHOS_HTTP_NODE_EVENT_BUDGET=0 turns the budget off: this is what the test above guards.
  const res = await runChild(BACKPRESSURE_SCRIPT, { OHOS_HTTP_NODE_EVENT_BUDGET: '0' });
  assert.strictEqual(res.code, 0, res.err);
  const r = JSON.parse(res.out);
  assert.strictEqual(r.bytes, 100 * 1024 * 1024);
  assert.ok(r.riseMB > RSS_BOUND_MB, `RSS rose by only ${r.riseMB.toFixed(1)} MB without the budget`);
});
