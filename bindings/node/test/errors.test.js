'use strict';
// Errors as OpenHarmony's BusinessError: bad arguments (401, delivered the ArkTS way: to the
// callback when there is one, else to the Promise; on/off throw), and the library's network
// errors (2300000 + CURLcode) with its message.
const { test } = require('node:test');
const assert = require('node:assert');
const { http, tb, assertBusinessError, viaCallback } = require('./helpers');

const T = { timeout: 20000 };

test('request with a non-string url: 401 through the Promise', T, async () => {
  const r = http.createHttp();
  await assert.rejects(r.request(5), (e) => {
    assertBusinessError(e, 401, /^Parameter error.*url must be a string/);
    return true;
  });
  await assert.rejects(r.request(), { code: 401 });
  await assert.rejects(r.request(`${tb.httpbin}/get`, null), { code: 401 });
  await assert.rejects(r.request(`${tb.httpbin}/get`, {}, {}, {}), { code: 401 });
  await assert.rejects(r.requestInStream({}), { code: 401 });
  r.destroy();
});

test('bad arguments with a callback: 401 to the callback, asynchronously', T, async () => {
  const r = http.createHttp();
  let returned = false;
  const args = await viaCallback((cb) => {
    assert.strictEqual(r.request(`${tb.httpbin}/get`, 'not options', cb), undefined);
    returned = true;
  });
  assert.ok(returned, 'the callback ran after request() returned');
  assert.strictEqual(args.length, 2);
  assertBusinessError(args[0], 401, /options must be an object/);
  assert.strictEqual(args[1], undefined);
  const [e2] = await viaCallback((cb) => r.requestInStream(42, {}, cb));
  assertBusinessError(e2, 401, /url must be a string/);
  // (url, x) where x is neither options nor a callback: no callback, so the Promise.
  await assert.rejects(r.request(`${tb.httpbin}/get`, 7), { code: 401, message: /options object or a callback/ });
  r.destroy();
});

test('bad option values: 401 naming the field (the library\'s message)', T, async () => {
  const r = http.createHttp();
  const url = `${tb.httpbin}/get`;
  await assert.rejects(r.request(url, { method: 'get' }), (e) => {
    assertBusinessError(e, 401, /method must be one of .*"get"/);
    return true;
  });
  await assert.rejects(r.request(url, { priority: 0 }), { code: 401, message: /priority must be in \[1, 1000\]/ });
  await assert.rejects(r.request(url, { readTimeout: 'soon' }), { code: 401, message: /readTimeout/ });
  await assert.rejects(r.request(url, { header: 'x' }), { code: 401, message: /header/ });
  await assert.rejects(r.request(url, { multiFormDataList: [5] }), { code: 401, message: /multiFormDataList\[0\]/ });
  // What JSON cannot carry is a 401 too, never a crash.
  await assert.rejects(r.request(url, { extraData: { n: 10n } }), { code: 401, message: /BigInt/ });
  const cyclic = { method: 'POST' };
  cyclic.extraData = cyclic;
  await assert.rejects(r.request(url, cyclic), { code: 401, message: /circular/i });
  const throwing = { get method() { throw new Error('getter failed'); } };
  await assert.rejects(r.request(url, throwing), { code: 401, message: /getter failed/ });
  await assert.rejects(r.request(`${tb.httpbin}/g\0et`), { code: 401, message: /NUL/ });
  r.destroy();
});

test('on/once/off with bad arguments throw a 401 BusinessError', T, () => {
  const r = http.createHttp();
  const is401 = (e) => {
    assertBusinessError(e, 401, /^Parameter error/);
    return true;
  };
  assert.throws(() => r.on('nope', () => {}), is401);
  assert.throws(() => r.on('dataEnd', 5), is401);
  assert.throws(() => r.once('headersReceive'), is401);
  assert.throws(() => r.on(), is401);
  assert.throws(() => r.off(5), is401);
  assert.throws(() => r.off('dataEnd', 'x'), is401);
  assert.throws(() => http.createHttpResponseCache('big'), is401);
  assert.throws(() => http.createHttpResponseCache(-1), is401);
  r.destroy();
});

test('cache flush/delete with a non-function argument: 401 through the Promise', T, async () => {
  const cache = http.createHttpResponseCache();
  await assert.rejects(cache.flush('x'), { code: 401 });
  await assert.rejects(cache.delete(1), { code: 401 });
});

test('refused connection: 2300007, callback form (err, undefined)', T, async () => {
  const r = http.createHttp();
  // Port 1 on loopback: nothing listens (private network namespace).
  const [err, data] = await viaCallback((cb) => r.request('http://127.0.0.1:1/', cb));
  assertBusinessError(err, 2300007, /^Failed to connect to the server/);
  assert.strictEqual(data, undefined);
  assert.strictEqual(JSON.stringify(err), '{"code":2300007}'); // as ArkTS's BusinessError prints
  await assert.rejects(r.requestInStream('http://127.0.0.1:1/'), { code: 2300007 });
  r.destroy();
});

test('curl failures keep their code and message', T, async () => {
  const r = http.createHttp();
  await assert.rejects(r.request('http://nosuch.invalid/'), (e) => {
    assertBusinessError(e, 2300006, /resolve the host name/);
    return true;
  });
  await assert.rejects(r.request(`${tb.fault}/hang`, { readTimeout: 300 }), (e) => {
    assertBusinessError(e, 2300028, /readTimeout/);
    return true;
  });
  await assert.rejects(r.request(`${tb.fault}/close`), { code: 2300052 });
  await assert.rejects(r.request(`${tb.nginx}/1m.bin`, { maxLimit: 1000 }), { code: 2300063 });
  // The test CA is not trusted by default.
  await assert.rejects(r.request(`${tb.httpbinTls}/get`), { code: 2300060 });
  const ok = await r.request(`${tb.httpbinTls}/get`, { caPath: tb.ca });
  assert.strictEqual(ok.responseCode, 200);
  r.destroy();
});

test('an HTTP error status is a response, not an error', T, async () => {
  const r = http.createHttp();
  const data = await r.request(`${tb.fault}/status/404`);
  assert.strictEqual(data.responseCode, 404);
  assert.strictEqual(data.responseCode, http.ResponseCode.NOT_FOUND);
  assert.strictEqual(await r.requestInStream(`${tb.fault}/status/503`), 503);
  r.destroy();
});
