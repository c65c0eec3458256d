'use strict';
// Handles and threads, each in a child `node`: a pending request keeps the process alive, an
// idle HttpRequest does not, the process exits by itself when requests are done (and when it
// exits while the dispatcher waits for JS), worker threads load the addon and can be
// terminated mid-stream, collected HttpRequests release their handle, and a throwing
// listener is an ordinary uncaught exception, not a crash.
const { test } = require('node:test');
const assert = require('node:assert');
const path = require('node:path');
const { spawn } = require('node:child_process');
require('./helpers'); // checks that the servers are up

const T = { timeout: 30000 };
const ADDON = JSON.stringify(path.join(__dirname, '..'));

// Runs `script` in a child node; resolves with its exit code, output and run time. Kills it
// (and fails the test) when it has not exited after `limitMs`.
function runChild(script, { limitMs = 10000, args = [] } = {}) {
  return new Promise((resolve, reject) => {
    const t0 = Date.now();
    const child = spawn(process.execPath, [...args, '-e', `const { http } = require(${ADDON});\n${script}`], {
      env: process.env,
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    let out = '';
    let err = '';
    child.stdout.on('data', (d) => { out += d; });
    child.stderr.on('data', (d) => { err += d; });
    const timer = setTimeout(() => child.kill('SIGKILL'), limitMs);
    child.on('error', reject);
    child.on('close', (code, signal) => {
      clearTimeout(timer);
      resolve({ code, signal, out, err, ms: Date.now() - t0 });
    });
  });
}

function assertExited(res, limitMs) {
  assert.strictEqual(res.signal, null, `killed after ${res.ms} ms: it did not exit by itself\n${res.out}${res.err}`);
  assert.strictEqual(res.code, 0, res.err);
  if (limitMs) assert.ok(res.ms < limitMs, `took ${res.ms} ms`);
}

test('an idle HttpRequest (with listeners) and a cache object do not keep the process alive', T, async () => {
  const res = await runChild(`
    const r = http.createHttp();
    r.on('headersReceive', () => {});
    r.on('dataReceive', () => {});
    r.once('dataEnd', () => {});
    const cache = http.createHttpResponseCache();
    globalThis.keep = [r, cache];
    console.log('idle');
  `, { limitMs: 8000 });
  assertExited(res, 5000);
  assert.strictEqual(res.out, 'idle\n');
});

test('a pending request keeps the process alive until its callback ran', T, async () => {
  // Nothing else holds the event loop: only the request in flight does.
  const res = await runChild(`
    const r = http.createHttp();
    r.request(process.env.OHOS_HTTP_TB_FAULT_URL + '/delay?ms=400', (err, data) => {
      console.log('callback', err === undefined, data.responseCode);
    });
  `);
  assertExited(res, 8000);
  assert.strictEqual(res.out, 'callback true 200\n');
  assert.ok(res.ms >= 400);
});

test('a process that runs requests of every kind, never destroyed, exits by itself when they are done', T, async () => {
  const res = await runChild(`
    const base = process.env.OHOS_HTTP_TB_HTTPBIN_URL;
    const r = http.createHttp();
    let chunks = 0;
    r.on('dataReceive', () => { chunks++; });
    r.on('headersReceive', () => {});
    const done = [];
    r.request(base + '/get', (err, d) => done.push('callback ' + d.responseCode));
    const all = [
      r.request(base + '/post', { method: 'POST', extraData: { a: 1 } }).then((d) => done.push('promise ' + d.responseCode)),
      r.requestInStream(process.env.OHOS_HTTP_TB_NGINX_URL + '/64k.bin').then((c) => done.push('stream ' + c)),
      r.request('http://127.0.0.1:1/').catch((e) => done.push('refused ' + e.code)),
      r.request(5).catch((e) => done.push('bad ' + e.code)),
      http.createHttpResponseCache().flush().then(() => done.push('flush')),
    ];
    http.createHttp().request(base + '/delay/0', () => done.push('other'));
    process.on('exit', () => console.log(done.sort().join(',') + ' chunks>0=' + (chunks > 0)));
  `);
  assertExited(res, 8000);
  assert.strictEqual(res.out.trim(),
    'bad 401,callback 200,flush,other,promise 200,refused 2300007,stream 200 chunks>0=true');
});

test('process.exit() while the dispatcher waits for a blocked JS listener exits at once', T, async () => {
  // The listener hogs the JS thread long enough for the event budget to fill (the dispatcher
  // then waits in the addon), then exits the process from inside the listener.
  const res = await runChild(`
    const r = http.createHttp();
    let n = 0;
    r.on('dataReceive', () => {
      if (++n === 1) { const until = Date.now() + 500; while (Date.now() < until); }
      if (n === 50) { console.log('exiting'); process.exit(0); }
    });
    r.requestInStream(process.env.OHOS_HTTP_TB_NGINX_URL + '/100m.bin');
  `);
  assertExited(res, 8000);
  assert.strictEqual(res.out, 'exiting\n');
});

test('worker threads: each loads the addon, requests work there, terminate() mid-stream is clean', T, async () => {
  const res = await runChild(`
    const { Worker } = require('node:worker_threads');
    const code = \`
      const { parentPort } = require('node:worker_threads');
      const { http } = require(${ADDON.replace(/\\/g, '\\\\')});
      const r = http.createHttp();
      r.request(process.env.OHOS_HTTP_TB_HTTPBIN_URL + '/get').then((d) => {
        parentPort.postMessage('worker ' + d.responseCode);
        let n = 0;
        r.on('dataReceive', () => {
          if (++n === 1) { parentPort.postMessage('streaming'); const t = Date.now() + 300; while (Date.now() < t); }
        });
        r.requestInStream(process.env.OHOS_HTTP_TB_NGINX_URL + '/100m.bin');
      });
    \`;
    const w = new Worker(code, { eval: true });
    w.on('message', (m) => {
      console.log(m);
      if (m === 'streaming') w.terminate();
    });
    w.on('exit', () => {
      // The main thread's own instance is unaffected.
      const r = http.createHttp();
      r.request(process.env.OHOS_HTTP_TB_HTTPBIN_URL + '/get').then((d) => console.log('main ' + d.responseCode));
    });
  `);
  assertExited(res, 8000);
  assert.strictEqual(res.out, 'worker 200\nstreaming\nmain 200\n');
});

test('HttpRequests collected without destroy() release their handles and listeners', T, async () => {
  const res = await runChild(`
    for (let i = 0; i < 2000; i++) {
      const r = http.createHttp();
      r.on('headersReceive', () => {});
      r.on('dataReceive', () => {});
    }
    global.gc();
    setImmediate(() => {
      global.gc();
      const r = http.createHttp();
      r.request(process.env.OHOS_HTTP_TB_HTTPBIN_URL + '/get').then((d) => console.log('after gc ' + d.responseCode));
    });
  `, { args: ['--expose-gc'] });
  assertExited(res, 8000);
  assert.strictEqual(res.out, 'after gc 200\n');
});

test('a listener or callback that throws is an uncaught exception in JS, and the request still ends', T, async () => {
  const res = await runChild(`
    process.on('uncaughtException', (e) => console.log('uncaught ' + e.message));
    const r = http.createHttp();
    r.on('headersReceive', () => { throw new Error('from a listener'); });
    r.request(process.env.OHOS_HTTP_TB_HTTPBIN_URL + '/get', (err, d) => {
      console.log('callback ' + d.responseCode);
      throw new Error('from a callback');
    });
  `);
  assertExited(res, 8000);
  assert.strictEqual(res.out, 'uncaught from a listener\ncallback 200\nuncaught from a callback\n');
});
