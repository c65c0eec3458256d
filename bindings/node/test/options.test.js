'use strict';
// HttpRequestOptions and HttpResponse as ArkTS types them: extraData as a string, an object
// or an ArrayBuffer; result as a string, an object or an ArrayBuffer following resultType;
// header an object; cookies a string.
const { test } = require('node:test');
const assert = require('node:assert');
const crypto = require('node:crypto');
const { http, tb } = require('./helpers');

const T = { timeout: 20000 };
const sha256 = (buf) => crypto.createHash('sha256').update(buf).digest('hex');

test('extraData as an ArrayBuffer (and a Buffer, a typed array view) is sent as raw bytes', T, async () => {
  const r = http.createHttp();
  const bytes = new Uint8Array(70000);
  for (let i = 0; i < bytes.length; i++) bytes[i] = (i * 7) & 0xff;
  for (const extraData of [bytes.buffer, Buffer.from(bytes), new Uint8Array(bytes.buffer, 1000, 5000)]) {
    const data = await r.request(`${tb.fault}/echo`, {
      method: http.RequestMethod.POST,
      header: { 'content-type': 'application/octet-stream' },
      extraData,
      expectDataType: http.HttpDataType.OBJECT,
    });
    const expected = extraData instanceof ArrayBuffer ? Buffer.from(extraData) : Buffer.from(extraData.buffer, extraData.byteOffset, extraData.byteLength);
    assert.strictEqual(data.result.method, 'POST');
    assert.strictEqual(data.result.body_len, expected.length);
    assert.strictEqual(data.result.body_sha256, sha256(expected));
  }
  r.destroy();
});

test('extraData as an object is JSON for POST and the query for GET', T, async () => {
  const r = http.createHttp();
  const posted = await r.request(`${tb.httpbin}/post`, {
    method: http.RequestMethod.POST,
    header: { 'content-type': 'application/json' },
    extraData: { a: 1, b: ['x', 'y'] },
    expectDataType: http.HttpDataType.OBJECT,
  });
  assert.deepStrictEqual(posted.result.json, { a: 1, b: ['x', 'y'] });
  const got = await r.request(`${tb.httpbin}/get`, { extraData: { q: 'v w' }, expectDataType: http.HttpDataType.OBJECT });
  assert.deepStrictEqual(got.result.args, { q: 'v w' });
  r.destroy();
});

test('result follows resultType: string, object (expectDataType), ArrayBuffer', T, async () => {
  const r = http.createHttp();
  const s = await r.request(`${tb.httpbin}/get`);
  assert.strictEqual(s.resultType, http.HttpDataType.STRING);
  assert.strictEqual(typeof s.result, 'string');
  const o = await r.request(`${tb.httpbin}/get`, { expectDataType: http.HttpDataType.OBJECT });
  assert.strictEqual(o.resultType, http.HttpDataType.OBJECT);
  assert.strictEqual(o.result.url, `${tb.httpbin}/get`);
  const b = await r.request(`${tb.nginx}/1k.bin`, { expectDataType: http.HttpDataType.ARRAY_BUFFER });
  assert.strictEqual(b.resultType, http.HttpDataType.ARRAY_BUFFER);
  assert.ok(b.result instanceof ArrayBuffer);
  assert.strictEqual(b.result.byteLength, 1024);
  // Without expectDataType: image/* and application/octet-stream are ArrayBuffers.
  const png = await r.request(`${tb.httpbin}/image/png`);
  assert.ok(png.result instanceof ArrayBuffer);
  assert.deepStrictEqual([...new Uint8Array(png.result, 0, 4)], [0x89, 0x50, 0x4e, 0x47]);
  const octets = await r.request(`${tb.fault}/bytes?size=300`);
  assert.strictEqual(octets.resultType, http.HttpDataType.ARRAY_BUFFER);
  assert.strictEqual(new Uint8Array(octets.result)[299], 299 % 256);
  r.destroy();
});

test('multiFormDataList with string, ArrayBuffer and file parts', T, async () => {
  const r = http.createHttp();
  const data = await r.request(`${tb.httpbin}/post`, {
    method: http.RequestMethod.POST,
    header: { 'content-type': 'multipart/form-data' },
    multiFormDataList: [
      { name: 'text', contentType: 'text/plain', data: 'Example data' },
      { name: 'blob', contentType: 'application/octet-stream', data: new TextEncoder().encode('raw bytes').buffer, remoteFileName: 'b.bin' },
      { name: 'file', contentType: 'text/plain', filePath: `${tb.www}/1k.bin`, remoteFileName: '1k.bin' },
    ],
    expectDataType: http.HttpDataType.OBJECT,
  });
  assert.strictEqual(data.responseCode, 200);
  assert.strictEqual(data.result.form.text, 'Example data');
  assert.strictEqual(data.result.files.blob, 'raw bytes');
  assert.ok(data.result.files.file, JSON.stringify(Object.keys(data.result.files)));
  r.destroy();
});

test('header is an object, cookies the server\'s cookie lines', T, async () => {
  const r = http.createHttp();
  const data = await r.request(`${tb.httpbin}/response-headers?Set-Cookie=flavour%3Doat&X-Extra=1`);
  assert.strictEqual(typeof data.header, 'object');
  assert.deepStrictEqual(data.header['set-cookie'], ['flavour=oat']);
  assert.strictEqual(data.header['x-extra'], '1');
  assert.strictEqual(typeof data.cookies, 'string');
  assert.match(data.cookies, /\tflavour\toat$/);
  // Cookies passed in as a header reach the server.
  const sent = await r.request(`${tb.httpbin}/cookies`, { header: { cookie: 'a=b' }, expectDataType: http.HttpDataType.OBJECT });
  assert.deepStrictEqual(sent.result.cookies, { a: 'b' });
  r.destroy();
});

test('usingProtocol HTTP2 over TLS, HTTP1_1, and many requests at once on one HttpRequest', T, async () => {
  const r = http.createHttp();
  const h2 = await r.request(`${tb.httpbinTls}/get`, { caPath: tb.ca, usingProtocol: http.HttpProtocol.HTTP2 });
  assert.strictEqual(h2.responseCode, 200);
  const all = await Promise.all(Array.from({ length: 40 }, (_, i) =>
    r.request(`${tb.httpbin}/anything/${i}`, { expectDataType: http.HttpDataType.OBJECT })));
  all.forEach((d, i) => assert.strictEqual(d.result.url, `${tb.httpbin}/anything/${i}`));
  r.destroy();
});
