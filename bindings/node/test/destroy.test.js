'use strict';
// destroy(): cancels what runs (2300042), from outside and from inside listeners; off and
// once from inside listeners; listeners of one HttpRequest never see another's events.
const { test } = require('node:test');
const assert = require('node:assert');
const { http, tb, assertBusinessError, viaCallback } = require('./helpers');

const T = { timeout: 20000 };

test('destroy cancels pending requests: their callback and Promise get 2300042 at once', T, async () => {
  const r = http.createHttp();
  const t0 = Date.now();
  const cb = viaCallback((done) => r.request(`${tb.fault}/delay?ms=10000`, done));
  const promise = assert.rejects(r.request(`${tb.fault}/hang`), { code: 2300042 });
  const stream = assert.rejects(r.requestInStream(`${tb.fault}/stall?bytes=100`), { code: 2300042 });
  r.destroy();
  const [err, data] = await cb;
  assertBusinessError(err, 2300042, /destroyed/);
  assert.strictEqual(data, undefined);
  await promise;
  await stream;
  assert.ok(Date.now() - t0 < 5000, 'cancelled, not timed out');
  r.destroy(); // twice: nothing happens
  r.on('dataEnd', () => {}); // after destroy: accepted, never fires
  r.off('dataEnd');
});

test('destroy from inside a dataReceive listener of a 100 MiB stream', T, async () => {
  const r = http.createHttp();
  let chunks = 0;
  let ended = false;
  r.on('dataReceive', () => {
    chunks++;
    r.destroy();
  });
  r.on('dataEnd', () => { ended = true; });
  await assert.rejects(r.requestInStream(`${tb.nginx}/100m.bin`), { code: 2300042 });
  assert.strictEqual(chunks, 1, 'no chunk after destroy');
  assert.strictEqual(ended, false);
});

test('destroy from inside headersReceive of a whole-body request', T, async () => {
  const r = http.createHttp();
  let headers = 0;
  r.on('headersReceive', () => {
    headers++;
    r.destroy();
  });
  // Headers at once, then ten chunks 100 ms apart: destroyed long before the body is done.
  const [err] = await viaCallback((cb) => r.request(`${tb.fault}/trickle?chunks=10&interval_ms=100&size=10`, cb));
  assertBusinessError(err, 2300042);
  assert.strictEqual(headers, 1);
});

test('off from inside a listener: that listener gets no more events, the request goes on', T, async () => {
  const r = http.createHttp();
  let mine = 0;
  let other = 0;
  const listener = () => {
    mine++;
    r.off('dataReceive', listener);
  };
  r.on('dataReceive', listener);
  r.on('dataReceive', () => { other++; });
  assert.strictEqual(await r.requestInStream(`${tb.nginx}/1m.bin`), 200);
  assert.strictEqual(mine, 1);
  assert.ok(other > 1, `the other listener saw ${other} chunks`);
  r.destroy();
});

test('several listeners per type run in order; off(type, callback) removes just that one', T, async () => {
  const r = http.createHttp();
  const calls = [];
  const a = () => calls.push('a');
  const b = () => calls.push('b');
  r.on('dataEnd', a);
  r.on('dataEnd', b);
  r.once('dataEnd', () => calls.push('once'));
  await r.requestInStream(`${tb.nginx}/1k.bin`);
  assert.deepStrictEqual(calls, ['a', 'b', 'once']);
  r.off('dataEnd', a);
  r.off('dataEnd', () => {}); // not registered: nothing happens
  await r.requestInStream(`${tb.nginx}/1k.bin`);
  assert.deepStrictEqual(calls, ['a', 'b', 'once', 'b']);
  r.off('dataEnd');
  await r.requestInStream(`${tb.nginx}/1k.bin`);
  assert.strictEqual(calls.length, 4);
  r.destroy();
});

test('two HttpRequests: listeners see only their own requests; destroying one leaves the other', T, async () => {
  const a = http.createHttp();
  const b = http.createHttp();
  let aHeaders = 0;
  let bHeaders = 0;
  a.on('headersReceive', () => { aHeaders++; });
  b.on('headersReceive', () => { bHeaders++; });
  const slow = b.request(`${tb.fault}/delay?ms=300`);
  await a.request(`${tb.httpbin}/get`);
  a.destroy();
  const data = await slow;
  assert.strictEqual(data.responseCode, 200);
  assert.strictEqual(aHeaders, 1);
  assert.strictEqual(bHeaders, 1);
  b.destroy();
});

test('destroy inside the completion callback, then a new HttpRequest works', T, async () => {
  const r = http.createHttp();
  const [err, data] = await viaCallback((cb) => r.request(`${tb.httpbin}/get`, (e, d) => {
    r.destroy();
    cb(e, d);
  }));
  assert.strictEqual(err, undefined);
  assert.strictEqual(data.responseCode, 200);
  const next = http.createHttp();
  assert.strictEqual((await next.request(`${tb.httpbin}/get`)).responseCode, 200);
  next.destroy();
});
