'use strict';
// A loopback front for http-tests/cache-tests: every request it receives is forwarded to the
// suite's server through ohos-http with usingCache: true and one HttpResponseCache, and the
// status, headers and body of what ohos-http returns are sent back.
//   node front.js LISTEN_PORT ORIGIN_BASE      (e.g. 18900 http://127.0.0.1:18901)
// The addon is this repository's (bindings/node, built by testbed/node-addon.sh);
// OHOS_HTTP_NODE_ADDON may name another build. FRONT_CACHE_DIR: the cache's directory.
const nodeHttp = require('http');
const path = require('path');
const { http } = require(path.join(__dirname, '..', '..', 'bindings', 'node'));

const listenPort = Number(process.argv[2] || 18900);
const origin = process.argv[3] || 'http://127.0.0.1:18901';
const log = process.env.FRONT_LOG === '1';

// cache directory outside any repository, and empty at start: the cache starts empty
const dir = process.env.FRONT_CACHE_DIR;
if (!dir) throw new Error('FRONT_CACHE_DIR must name an empty directory for the cache');
process.env.XDG_CACHE_HOME = dir;
const cache = http.createHttpResponseCache(10 * 1024 * 1024);

const METHODS = {
  GET: http.RequestMethod.GET, HEAD: http.RequestMethod.HEAD, POST: http.RequestMethod.POST,
  PUT: http.RequestMethod.PUT, DELETE: http.RequestMethod.DELETE, OPTIONS: http.RequestMethod.OPTIONS,
  TRACE: http.RequestMethod.TRACE, CONNECT: http.RequestMethod.CONNECT,
};
// hop-by-hop and connection-level fields, never forwarded in either direction
const HOP = new Set(['connection', 'keep-alive', 'proxy-connection', 'te', 'trailer', 'transfer-encoding',
  'upgrade', 'host', 'content-length', 'status-line']);

const client = http.createHttp();

nodeHttp.createServer((req, res) => {
  const chunks = [];
  req.on('data', (c) => chunks.push(c));
  req.on('end', () => {
    const header = {};
    // rawHeaders keeps repeated request fields apart; join them as one list
    for (let i = 0; i < req.rawHeaders.length; i += 2) {
      const name = req.rawHeaders[i].toLowerCase();
      if (HOP.has(name)) continue;
      const v = req.rawHeaders[i + 1];
      header[name] = name in header ? `${header[name]}, ${v}` : v;
    }
    const method = METHODS[req.method];
    if (method === undefined) { res.writeHead(501); res.end(); return; }
    const options = {
      method, header, usingCache: true, expectDataType: http.HttpDataType.ARRAY_BUFFER,
      readTimeout: 20000, connectTimeout: 5000,
    };
    const body = Buffer.concat(chunks);
    // ohos-http sends extraData as the body for POST and PUT only; for the other methods it
    // becomes the URL's query, which would change the URL, so a body there is not forwarded
    // (the suite's server never reads one).
    if (body.length > 0 && (req.method === 'POST' || req.method === 'PUT')) options.extraData = body.toString('utf8');
    client.request(origin + req.url, options).then((data) => {
      const out = [];
      for (const [name, value] of Object.entries(data.header || {})) {
        if (HOP.has(name)) continue;
        if (Array.isArray(value)) for (const v of value) out.push(name, String(v));
        else out.push(name, String(value));
      }
      const buf = data.result ? Buffer.from(data.result) : Buffer.alloc(0);
      if (log) console.error(`${req.method} ${req.url} -> ${data.responseCode} ${JSON.stringify(data.header)}`);
      // Content-Length describes the body the front sends: the received body's length (what
      // ohos-http returned, decoded and as stored); for a HEAD, the response's own field.
      const noBody = req.method === 'HEAD' || data.responseCode === 304 || data.responseCode === 204;
      if (req.method === 'HEAD') {
        const cl = (data.header || {})['content-length'];
        if (cl !== undefined) out.push('content-length', String(cl));
      } else if (!noBody) {
        out.push('content-length', String(buf.length));
      }
      res.writeHead(data.responseCode, out);
      if (noBody) res.end();
      else res.end(buf);
    }, (err) => {
      if (log) console.error(`${req.method} ${req.url} -> error ${err.code} ${err.message}`);
      res.writeHead(502, { 'content-type': 'text/plain', 'x-front-error': String(err.code) });
      res.end(`front: ${err.code} ${err.message}`);
    });
  });
}).listen(listenPort, '127.0.0.1', () => console.error(`front on 127.0.0.1:${listenPort} -> ${origin}`));
void cache;
