'use strict';
// Shared by the test files: the test bed's addresses and a console that records what the
// spec's examples print, so a test can wait for a line instead of sleeping.
const assert = require('node:assert');
const fs = require('node:fs');
const os = require('node:os');
const path = require('node:path');

if (!process.env.OHOS_HTTP_TB_UP) {
  throw new Error('the test servers are not up: run these tests with testbed/shell.sh (see testbed/node-addon.sh)');
}

// Keep the response cache file of these tests out of $HOME (read by the library at flush/delete).
if (!process.env.OHOS_HTTP_NODE_TEST_CACHE) {
  process.env.XDG_CACHE_HOME = fs.mkdtempSync(path.join(os.tmpdir(), 'ohos-http-node-cache-'));
  process.env.OHOS_HTTP_NODE_TEST_CACHE = process.env.XDG_CACHE_HOME;
}

const env = process.env;
const tb = {
  httpbin: env.OHOS_HTTP_TB_HTTPBIN_URL,       // http://127.0.0.1:18080
  httpbinTls: env.OHOS_HTTP_TB_HTTPBIN_TLS_URL, // https://localhost:18443
  mtls: env.OHOS_HTTP_TB_MTLS_URL,              // https://localhost:18444 (client cert required)
  fault: env.OHOS_HTTP_TB_FAULT_URL,            // http://127.0.0.1:18090
  nginx: env.OHOS_HTTP_TB_NGINX_URL,            // http://127.0.0.1:18081
  ca: env.OHOS_HTTP_TB_CA,
  certs: env.OHOS_HTTP_TB_CERTS,
  www: env.OHOS_HTTP_TB_WWW,
};

// The addon, as `import { http } from '@kit.NetworkKit'` gives it.
const { http } = require('..');

// A console whose lines are kept: `until(re)` resolves with the first line (already printed
// or printed later) that matches.
function recordingConsole() {
  const lines = [];
  const waiters = [];
  const record = (level) => (...args) => {
    const line = args.map((a) => (typeof a === 'string' ? a : String(a))).join(' ');
    lines.push({ level, line });
    for (let i = waiters.length - 1; i >= 0; i--) {
      if (waiters[i].re.test(line)) {
        waiters[i].resolve(line);
        waiters.splice(i, 1);
      }
    }
  };
  return {
    info: record('info'),
    log: record('log'),
    error: record('error'),
    warn: record('warn'),
    debug: record('debug'),
    lines,
    text() {
      return lines.map((l) => l.line);
    },
    until(re) {
      const hit = lines.find((l) => re.test(l.line));
      if (hit) return Promise.resolve(hit.line);
      return new Promise((resolve) => waiters.push({ re, resolve }));
    },
    // Every recorded line matching `re`.
    matching(re) {
      return lines.filter((l) => re.test(l.line));
    },
  };
}

// Asserts that `err` is a BusinessError with this code.
function assertBusinessError(err, code, messagePart) {
  assert.ok(err instanceof Error, `expected an Error, got ${err}`);
  assert.strictEqual(err.code, code, `code: ${err.code} (${err.message})`);
  assert.strictEqual(typeof err.message, 'string');
  if (messagePart) assert.match(err.message, messagePart);
}

// Calls `fn(callback)` and resolves with the callback's arguments.
function viaCallback(fn) {
  return new Promise((resolve) => fn((...args) => resolve(args)));
}

module.exports = { http, tb, recordingConsole, assertBusinessError, viaCallback };
