'use strict';
// Every example of the spec (shared/spec/ohos-net-http-api.md), as JavaScript, as close to the
// ArkTS as the language allows: types dropped, `import { http } from '@kit.NetworkKit'`
// replaced by the addon (helpers.js), "EXAMPLE_URL" pointed at the local test servers. The
// spec's placeholder values are kept where the library takes them (the pins 'Pin1'/'Pin2',
// the /path/to/... files on an http URL); where an example needs real files or a matching pin
// to succeed, the substitution is said where it is made. Each example prints through a
// recording `console` (shadowing the global one), and the test asserts on what it printed.
// Tests are named after the spec section of their example.
const { test } = require('node:test');
const assert = require('node:assert');
const fs = require('node:fs');
const os = require('node:os');
const path = require('node:path');
const { http, tb, recordingConsole } = require('./helpers');

const T = { timeout: 20000 };

// The "Examples" section's code, with EXAMPLE_URL and the placeholders of its options given.
// Resolves with its console once the callback has printed its last line.
async function fullPostExample(EXAMPLE_URL, { caPath, certPath, keyPath, keyPassword, pin1 }) {
  const console = recordingConsole();
  const filesDir = fs.mkdtempSync(path.join(os.tmpdir(), 'ohos-http-files-'));
  fs.writeFileSync(path.join(filesDir, 'fileName.txt'), 'file content\n');
  const getContext = () => ({ filesDir });

  // Import the http namespace.
  // Each httpRequest corresponds to an HTTP request task and cannot be reused.
  let httpRequest = http.createHttp();
  // This API is used to listen for the HTTP Response Header event, which is returned earlier than the result of the HTTP request. It is up to you whether to listen for HTTP Response Header events.
  // on('headerReceive', AsyncCallback) is replaced by on('headersReceive', Callback) since API version 8.
  httpRequest.on('headersReceive', (header) => {
    console.info('header: ' + JSON.stringify(header));
  });

  httpRequest.request( // Customize EXAMPLE_URL in extraData on your own. It is up to you whether to add parameters to the URL.
    EXAMPLE_URL,
    {
      method: http.RequestMethod.POST, // Optional. The default value is http.RequestMethod.GET.
      // This field is used to transfer the request body when a POST request is used. Its format needs to be negotiated with the server.
      extraData: 'data to send',
      expectDataType: http.HttpDataType.STRING, // Optional. This parameter specifies the type of the return data.
      usingCache: true, // Optional. The default value is true.
      priority: 1, // Optional. The default value is 1.
      // You can add header fields based on service requirements.
      header: { 'Accept' : 'application/json' },
      readTimeout: 60000, // Optional. The default value is 60000, in ms.
      connectTimeout: 60000, // Optional. The default value is 60000, in ms.
      usingProtocol: http.HttpProtocol.HTTP1_1, // Optional. The default protocol type is automatically specified by the system.
      usingProxy: false, // Optional. By default, network proxy is not used. This field is supported since API version 10.
      caPath: caPath, // Optional. The preset CA certificate is used by default. This field is supported since API version 10.
      clientCert: { // Optional. The client certificate is not used by default. This field is supported since API version 11.
        certPath: certPath, // The client certificate is not used by default. This field is supported since API version 11.
        keyPath: keyPath, // If the certificate contains key information, an empty string is passed. This field is supported since API version 11.
        certType: http.CertType.PEM, // Certificate type, optional. A certificate in the PEM format is used by default. This field is supported since API version 11.
        keyPassword: keyPassword // Password of the key file, optional. It is supported since API version 11.
      },
      certificatePinning: [ // Optional. It determines whether to enable dynamic configuration of certificate pinning. This attribute is supported since API version 12.
        {
          publicKeyHash: pin1, // Certificate PIN passed by the application. This attribute is supported since API version 12.
          hashAlgorithm: 'SHA-256' // Encryption algorithm. Currently, it can only be set to SHA-256. This attribute is supported since API version 12.
        }, {
          publicKeyHash: 'Pin2', // Certificate PIN passed by the application. This attribute is supported since API version 12.
          hashAlgorithm: 'SHA-256' // Encryption algorithm. Currently, it can only be set to SHA-256. This attribute is supported since API version 12.
        }
      ],
      multiFormDataList: [ // Optional. This field is valid only when content-Type in the header is multipart/form-data. It is supported since API version 11.
        {
          name: "Part1", // Data name. This field is supported since API version 11.
          contentType: 'text/plain', // Data type. This field is supported since API version 11.
          data: 'Example data', // Data content, optional. This field is supported since API version 11.
          remoteFileName: 'example.txt' // Optional. This field is supported since API version 11.
        }, {
          name: "Part2", // Data name. This field is supported since API version 11.
          contentType: 'text/plain', // Data type. This field is supported since API version 11.
          // data/app/el2/100/base/com.example.myapplication/haps/entry/files/fileName.txt
          filePath: `${getContext(this).filesDir}/fileName.txt`, // File path, optional. This field is supported since API version 11.
          remoteFileName: 'fileName.txt' // Optional. This field is supported since API version 11.
        }
      ]
    },
    (err, data) => {
      if (!err) {
        // data.result carries the HTTP response. Parse the response based on service requirements.
        console.info('Result:' + JSON.stringify(data.result));
        console.info('code:' + JSON.stringify(data.responseCode));
        console.info('type:' + JSON.stringify(data.resultType));
        // data.header carries the HTTP response header. Parse the content based on service requirements.
        console.info('header:' + JSON.stringify(data.header));
        console.info('cookies:' + JSON.stringify(data.cookies)); // Cookies are supported since API version 8.
        // Unsubscribe from HTTP Response Header events.
        httpRequest.off('headersReceive');
        // Call destroy() to destroy the JavaScript object after the HTTP request is complete.
        httpRequest.destroy();
      } else {
        console.info('error:' + JSON.stringify(err));
        // Unsubscribe from HTTP Response Header events.
        httpRequest.off('headersReceive');
        // Call destroy() to destroy the JavaScript object after the HTTP request is complete.
        httpRequest.destroy();
      }
    });

  await console.until(/^(cookies:|error:)/);
  return console;
}

// The six lines of the example's success: headersReceive first, then the callback's five.
function assertFullPostSucceeded(console) {
  const out = console.text();
  assert.strictEqual(out.length, 6, out.join('\n'));
  assert.match(out[0], /^header: \{.*"content-type":"application\/json"/);
  const result = JSON.parse(JSON.parse(out[1].slice('Result:'.length)));
  // The body is extraData: multiFormDataList applies only to multipart/form-data.
  assert.strictEqual(result.data, 'data to send');
  assert.strictEqual(result.headers.Accept, 'application/json');
  assert.strictEqual(out[2], 'code:200');
  assert.strictEqual(out[3], 'type:0');
  assert.match(out[4], /^header:\{.*"server":/);
  assert.strictEqual(out[5], 'cookies:""');
}

test('## Examples: POST with every option, headersReceive, off and destroy in the callback', T, async () => {
  // As written, on plain HTTP: the pins 'Pin1' and 'Pin2', caPath and clientCert are handed
  // to libcurl as given and do nothing on http.
  const spec = {
    caPath: '/path/to/cacert.pem',
    certPath: '/path/to/client.pem',
    keyPath: '/path/to/client.key',
    keyPassword: 'passwordToKey',
    pin1: 'Pin1',
  };
  assertFullPostSucceeded(await fullPostExample(`${tb.httpbin}/post`, spec));

  // On the mTLS httpbin (client certificate required), with the test CA and the client
  // certificate with its encrypted key for the placeholder paths and password, and the spec's
  // pins: neither matches the server's key, so the error branch runs.
  const testbed = {
    caPath: tb.ca,
    certPath: path.join(tb.certs, 'client.pem'),
    keyPath: path.join(tb.certs, 'client-enc.key'),
    keyPassword: 'secret',
    pin1: 'Pin1',
  };
  const failed = await fullPostExample(`${tb.mtls}/post`, testbed);
  assert.deepStrictEqual(failed.text(), ['error:{"code":2300090}']);

  // The same with 'Pin1' replaced by the server's real pin ('Pin2' stays): one pin matching
  // is enough, the success branch runs.
  const pin1 = fs.readFileSync(path.join(tb.certs, 'server.pin'), 'utf8').trim();
  assertFullPostSucceeded(await fullPostExample(`${tb.mtls}/post`, { ...testbed, pin1 }));
});

test('## http.createHttp', T, () => {
  let httpRequest = http.createHttp();

  for (const m of ['request', 'requestInStream', 'destroy', 'on', 'off', 'once']) {
    assert.strictEqual(typeof httpRequest[m], 'function', m);
  }
  httpRequest.destroy();
});

test('### request(url, callback)', T, async () => {
  const console = recordingConsole();
  const EXAMPLE_URL = `${tb.httpbin}/get`;

  let httpRequest = http.createHttp();
  httpRequest.request(EXAMPLE_URL, (err, data) => {
    if (!err) {
      console.info('Result:' + data.result);
      console.info('code:' + data.responseCode);
      console.info('type:' + JSON.stringify(data.resultType));
      console.info('header:' + JSON.stringify(data.header));
      console.info('cookies:' + data.cookies); // Cookies are supported since API version 8.
    } else {
      console.info('error:' + JSON.stringify(err));
    }
  });

  await console.until(/^(cookies:|error:)/);
  const out = console.text();
  assert.strictEqual(out.length, 5, out.join('\n'));
  assert.strictEqual(JSON.parse(out[0].slice('Result:'.length)).url, EXAMPLE_URL);
  assert.strictEqual(out[1], 'code:200');
  assert.strictEqual(out[2], 'type:0'); // application/json without expectDataType: a string
  assert.strictEqual(JSON.parse(out[3].slice('header:'.length))['content-type'], 'application/json');
  assert.strictEqual(out[4], 'cookies:');
  httpRequest.destroy();
});

test('### request(url, options, callback)', T, async () => {
  const console = recordingConsole();
  const EXAMPLE_URL = `${tb.httpbin}/post`;

  class Header {
    contentType;

    constructor(contentType) {
      this.contentType = contentType;
    }
  }

  let httpRequest = http.createHttp();
  let options = {
      method: http.RequestMethod.POST, // Optional. The default value is http.RequestMethod.GET.
      // This field is used to transfer the request body when a POST request is used. Its format needs to be negotiated with the server.
      extraData: 'data to send',
      expectDataType: http.HttpDataType.STRING, // Optional. This parameter specifies the type of the return data.
      usingCache: true, // Optional. The default value is true.
      priority: 1, // Optional. The default value is 1.
      // You can add header fields based on service requirements.
      header: new Header('application/json'),
      readTimeout: 60000, // Optional. The default value is 60000, in ms.
      connectTimeout: 60000, // Optional. The default value is 60000, in ms.
      usingProtocol: http.HttpProtocol.HTTP1_1, // Optional. The default protocol type is automatically specified by the system.
      usingProxy: false, // Optional. By default, network proxy is not used. This field is supported since API version 10.
  };

  httpRequest.request(EXAMPLE_URL, options, (err, data) => {
    if (!err) {
      console.info('Result:' + data.result);
      console.info('code:' + data.responseCode);
      console.info('type:' + JSON.stringify(data.resultType));
      console.info('header:' + JSON.stringify(data.header));
      console.info('cookies:' + data.cookies); // Cookies are supported since API version 8.
    } else {
      console.info('error:' + JSON.stringify(err));
    }
  });

  await console.until(/^(cookies:|error:)/);
  const out = console.text();
  assert.strictEqual(out.length, 5, out.join('\n'));
  const echoed = JSON.parse(out[0].slice('Result:'.length));
  assert.strictEqual(echoed.data, 'data to send');
  assert.strictEqual(echoed.headers.Contenttype, 'application/json'); // the class's field, as sent
  assert.strictEqual(out[1], 'code:200');
  assert.strictEqual(out[2], 'type:0');
  httpRequest.destroy();
});

test('### request(url, options?): Promise', T, async () => {
  const console = recordingConsole();
  const EXAMPLE_URL = `${tb.httpbin}/get`;

  class Header {
    contentType;

    constructor(contentType) {
      this.contentType = contentType;
    }
  }

  let httpRequest = http.createHttp();
  let promise = httpRequest.request(EXAMPLE_URL, {
    method: http.RequestMethod.GET,
    connectTimeout: 60000,
    readTimeout: 60000,
    header: new Header('application/json')
  });
  promise.then((data) => {
    console.info('Result:' + data.result);
    console.info('code:' + data.responseCode);
    console.info('type:' + JSON.stringify(data.resultType));
    console.info('header:' + JSON.stringify(data.header));
    console.info('cookies:' + data.cookies); // Cookies are supported since API version 8.
    console.info('header.content-Type:' + data.header);
    console.info('header.Status-Line:' + data.header);
  }).catch((err) => {
    console.info('error:' + JSON.stringify(err));
  });

  assert.ok(promise instanceof Promise);
  await console.until(/^(header\.Status-Line:|error:)/);
  const out = console.text();
  assert.strictEqual(out.length, 7, out.join('\n'));
  assert.strictEqual(JSON.parse(out[0].slice('Result:'.length)).headers.Contenttype, 'application/json');
  assert.strictEqual(out[1], 'code:200');
  assert.strictEqual(out[5], 'header.content-Type:[object Object]'); // header is an object
  assert.strictEqual(out[6], 'header.Status-Line:[object Object]');
  httpRequest.destroy();
});

test('### destroy', T, async () => {
  let httpRequest = http.createHttp();

  httpRequest.destroy();

  // A destroyed HttpRequest starts nothing.
  await assert.rejects(httpRequest.request(`${tb.httpbin}/get`), { code: 2300999 });
});

test('### requestInStream(url, callback)', T, async () => {
  const console = recordingConsole();
  const EXAMPLE_URL = `${tb.nginx}/1k.bin`;

  let httpRequest = http.createHttp();
  httpRequest.requestInStream(EXAMPLE_URL, (err, data) => {
    if (!err) {
      console.info("requestInStream OK! ResponseCode is " + JSON.stringify(data));
    } else {
      console.info("requestInStream ERROR : err = " + JSON.stringify(err));
    }
  })

  assert.strictEqual(await console.until(/^requestInStream/), 'requestInStream OK! ResponseCode is 200');
  httpRequest.destroy();
});

test('### requestInStream(url, options, callback)', T, async () => {
  const console = recordingConsole();
  const EXAMPLE_URL = `${tb.httpbin}/post`;

  class Header {
    contentType;

    constructor(contentType) {
      this.contentType = contentType;
    }
  }

  let httpRequest = http.createHttp();
  let options = {
      method: http.RequestMethod.POST, // Optional. The default value is http.RequestMethod.GET.
      // This field is used to transfer the request body when a POST request is used. Its format needs to be negotiated with the server.
      extraData: 'data to send',
      expectDataType: http.HttpDataType.STRING, // Optional. This parameter specifies the type of the return data.
      usingCache: true, // Optional. The default value is true.
      priority: 1, // Optional. The default value is 1.
      // You can add header fields based on service requirements.
      header: new Header('application/json'),
      readTimeout: 60000, // Optional. The default value is 60000, in ms.
      connectTimeout: 60000, // Optional. The default value is 60000, in ms.
      usingProtocol: http.HttpProtocol.HTTP1_1, // Optional. The default protocol type is automatically specified by the system.
      usingProxy: false, // Optional. By default, network proxy is not used. This field is supported since API version 10.
  };
  // (not in the example) the streamed body, to check what was sent
  const chunks = [];
  httpRequest.on('dataReceive', (data) => chunks.push(Buffer.from(data)));
  httpRequest.requestInStream(EXAMPLE_URL, options, (err, data) => {
    if (!err) {
      console.info("requestInStream OK! ResponseCode is " + JSON.stringify(data));
    } else {
      console.info("requestInStream ERROR : err = " + JSON.stringify(err));
    }
  })

  assert.strictEqual(await console.until(/^requestInStream/), 'requestInStream OK! ResponseCode is 200');
  assert.strictEqual(JSON.parse(Buffer.concat(chunks).toString()).data, 'data to send');
  httpRequest.destroy();
});

test('### requestInStream(url, options?): Promise', T, async () => {
  const console = recordingConsole();
  const EXAMPLE_URL = `${tb.nginx}/64k.bin`;

  class Header {
    contentType;

    constructor(contentType) {
      this.contentType = contentType;
    }
  }

  let httpRequest = http.createHttp();
  let promise = httpRequest.requestInStream(EXAMPLE_URL, {
    method: http.RequestMethod.GET,
    connectTimeout: 60000,
    readTimeout: 60000,
    header: new Header('application/json')
  });
  promise.then((data) => {
    console.info("requestInStream OK!" + data);
  }).catch((err) => {
    console.info("requestInStream ERROR : err = " + JSON.stringify(err));
  });

  assert.strictEqual(await console.until(/^requestInStream/), 'requestInStream OK!200');
  httpRequest.destroy();
});

// The on/off examples only register (and unregister) a listener. Each test runs the example,
// then a request that would fire the listener, and asserts on what it printed; the off
// examples are checked against the same listener without the off, so "printed nothing" can
// only pass because off worked.

// Runs `register(httpRequest, console)` and then `fire(httpRequest)`; returns the lines.
async function listenerExample(register, fire) {
  const console = recordingConsole();
  let httpRequest = http.createHttp();
  register(httpRequest, console);
  await fire(httpRequest);
  httpRequest.destroy();
  return console.text();
}

const getJson = (httpRequest) => httpRequest.request(`${tb.httpbin}/get`);
const stream1k = (httpRequest) => httpRequest.requestInStream(`${tb.nginx}/1k.bin`);
const post = (httpRequest) =>
  httpRequest.request(`${tb.httpbin}/post`, { method: http.RequestMethod.POST, extraData: 'x'.repeat(3000) });

test('### on("headerReceive") (deprecated): AsyncCallback, err first', T, async () => {
  const out = await listenerExample((httpRequest, console) => {
    httpRequest.on("headerReceive", (data) => {
      console.info("error:" + JSON.stringify(data));
    });
  }, getJson);
  // An AsyncCallback<Object>: (err, header), and err is undefined on success.
  assert.deepStrictEqual(out, ['error:undefined']);

  // The header is the second argument.
  const headers = await listenerExample((httpRequest, console) => {
    httpRequest.on("headerReceive", (err, header) => console.info(String(err) + ' ' + header['content-type']));
  }, getJson);
  assert.deepStrictEqual(headers, ['undefined application/json']);
});

test('### off("headerReceive") (deprecated)', T, async () => {
  const out = await listenerExample((httpRequest, console) => {
    httpRequest.on("headerReceive", () => console.info('headerReceive fired'));
    httpRequest.off("headerReceive");
  }, getJson);
  assert.deepStrictEqual(out, []);
  const without = await listenerExample((httpRequest, console) => {
    httpRequest.on("headerReceive", () => console.info('headerReceive fired'));
  }, getJson);
  assert.deepStrictEqual(without, ['headerReceive fired']);
});

const headersExample = (httpRequest, console) => {
  httpRequest.on("headersReceive", (header) => {
    console.info("header: " + JSON.stringify(header));
  });
  httpRequest.off("headersReceive");
};

test('### on("headersReceive")', T, async () => {
  assert.deepStrictEqual(await listenerExample(headersExample, getJson), []);
  const without = await listenerExample((httpRequest, console) => {
    httpRequest.on("headersReceive", (header) => {
      console.info("header: " + JSON.stringify(header));
    });
  }, getJson);
  assert.strictEqual(without.length, 1);
  assert.strictEqual(JSON.parse(without[0].slice('header: '.length))['content-type'], 'application/json');
});

test('### off("headersReceive")', T, async () => {
  assert.deepStrictEqual(await listenerExample(headersExample, getJson), []);
});

test('### once("headersReceive")', T, async () => {
  const out = await listenerExample((httpRequest, console) => {
    httpRequest.once("headersReceive", (header) => {
      console.info("header: " + JSON.stringify(header));
    });
  }, async (httpRequest) => {
    await getJson(httpRequest);
    await getJson(httpRequest); // once: not called again
  });
  assert.strictEqual(out.length, 1, out.join('\n'));
  assert.match(out[0], /^header: \{.*"content-type":"application\/json"/);
});

// on(type)/off(type) examples of the stream events: [type, example listener, fire, expected lines]
const streamEvents = [
  ['dataReceive', (console) => (data) => {
    console.info("dataReceive length: " + JSON.stringify(data.byteLength));
  }, stream1k, ['dataReceive length: 1024']],
  ['dataEnd', (console) => () => {
    console.info("Receive dataEnd !");
  }, stream1k, ['Receive dataEnd !']],
  ['dataReceiveProgress', (console) => (data) => {
    console.info("dataReceiveProgress:" + JSON.stringify(data));
  }, stream1k, null],
  ['dataSendProgress', (console) => (data) => {
    console.info("dataSendProgress:" + JSON.stringify(data));
  }, post, null],
];

for (const [type, listener, fire, expected] of streamEvents) {
  for (const section of [`### on("${type}")`, `### off("${type}")`]) {
    test(section, T, async () => {
      // The example: on, then off.
      const out = await listenerExample((httpRequest, console) => {
        httpRequest.on(type, listener(console));
        httpRequest.off(type);
      }, fire);
      assert.deepStrictEqual(out, []);
      // The same listener without the off prints.
      const without = await listenerExample((httpRequest, console) => {
        httpRequest.on(type, listener(console));
      }, fire);
      if (expected) {
        assert.deepStrictEqual(without, expected);
      } else if (type === 'dataReceiveProgress') {
        assert.ok(without.length >= 1);
        assert.strictEqual(without.at(-1), 'dataReceiveProgress:{"receiveSize":1024,"totalSize":1024}');
      } else {
        assert.ok(without.length >= 1);
        assert.strictEqual(without.at(-1), 'dataSendProgress:{"sendSize":3000,"totalSize":3000}');
      }
    });
  }
}

test('## HttpResponse: header fields as the spec reads them', T, async () => {
  let httpRequest = http.createHttp();
  const data = await httpRequest.request(`${tb.httpbin}/get`);
  const header = data.header;
  assert.strictEqual(header['content-type'], 'application/json');
  assert.strictEqual(header.date, header['date']);
  assert.match(header.date, /GMT$/);
  assert.strictEqual(header.server, header['server']);
  assert.strictEqual(header.server, 'gunicorn');
  // performanceTiming: every field of the spec, a number of milliseconds.
  for (const k of ['dnsTiming', 'tcpTiming', 'tlsTiming', 'firstSendTiming', 'firstReceiveTiming',
    'totalFinishTiming', 'redirectTiming', 'responseHeaderTiming', 'responseBodyTiming', 'totalTiming']) {
    assert.strictEqual(typeof data.performanceTiming[k], 'number', k);
    assert.ok(data.performanceTiming[k] >= 0, k);
  }
  assert.ok(data.performanceTiming.totalTiming >= data.performanceTiming.firstReceiveTiming);
  httpRequest.destroy();
});

test('## http.createHttpResponseCache', T, () => {
  let httpResponseCache = http.createHttpResponseCache();

  assert.strictEqual(typeof httpResponseCache.flush, 'function');
  assert.strictEqual(typeof httpResponseCache.delete, 'function');
});

test('### flush(callback)', T, async () => {
  const console = recordingConsole();
  const EXAMPLE_URL = `${tb.httpbin}/get`;

  let httpResponseCache = http.createHttpResponseCache();
  let httpRequest = http.createHttp();
  httpRequest.request(EXAMPLE_URL, (err, data) => {
    if (!err) {
      httpResponseCache.flush((err) => {
        if (err) {
          console.error('flush fail');
        }
        console.info('flush success');
      });
      httpRequest.destroy();
    } else {
      console.error('error:' + JSON.stringify(err));
      // Call destroy() to destroy the JavaScript object after the HTTP request is complete.
      httpRequest.destroy();
    }
  });

  await console.until(/^(flush success|error:)/);
  assert.deepStrictEqual(console.text(), ['flush success']);
});

test('### flush(): Promise', T, async () => {
  const console = recordingConsole();
  const EXAMPLE_URL = `${tb.httpbin}/get`;

  let httpRequest = http.createHttp();
  let httpResponseCache = http.createHttpResponseCache();
  let promise = httpRequest.request(EXAMPLE_URL);

  promise.then((data) => {
    httpResponseCache.flush().then(() => {
      console.error('flush success');
    }).catch((err) => {
      console.info('flush fail');
    });
  }).catch((err) => {
    console.error('error:' + JSON.stringify(err));
  });

  await console.until(/^(flush|error:)/);
  assert.deepStrictEqual(console.lines, [{ level: 'error', line: 'flush success' }]);
  httpRequest.destroy();
});

test('### delete(callback)', T, async () => {
  const console = recordingConsole();
  const EXAMPLE_URL = `${tb.httpbin}/get`;

  let httpRequest = http.createHttp();
  httpRequest.request(EXAMPLE_URL).then(data => {
    const httpResponseCache = http.createHttpResponseCache();
    httpResponseCache.delete((err) => {
      try {
        if (err) {
          console.error('fail: ' + err);
        } else {
          console.info('success');
        }
      } catch (err) {
        console.error('error: ' + err);
      }
    });
    httpRequest.destroy();
  }).catch((error) => {
    console.error("errocode" + JSON.stringify(error));
  });

  await console.until(/^(success|fail|error|errocode)/);
  assert.deepStrictEqual(console.text(), ['success']);
});

test('### delete(): Promise', T, async () => {
  const console = recordingConsole();
  const EXAMPLE_URL = `${tb.httpbin}/get`;

  let httpRequest = http.createHttp();
  httpRequest.request(EXAMPLE_URL).then(data => {
    const httpResponseCache = http.createHttpResponseCache();
    httpResponseCache.delete().then(() => {
      console.log("success");
    }).catch((err) => {
      console.error("fail");
    });
    httpRequest.destroy();
  }).catch((error) => {
    console.error("errocode" + JSON.stringify(error));
  });

  await console.until(/^(success|fail|errocode)/);
  assert.deepStrictEqual(console.lines, [{ level: 'log', line: 'success' }]);
});

test('## HttpResponseCache: Cache-Control max-age is honoured, delete turns the cache off', T, async () => {
  const key = `node-cache-${process.pid}`;
  const url = `${tb.fault}/count/${key}?cc=max-age%3D3600&body=cached`;
  const cache = http.createHttpResponseCache();
  const httpRequest = http.createHttp();
  const first = await httpRequest.request(url);
  const second = await httpRequest.request(url);
  assert.strictEqual(first.result, 'cached');
  assert.strictEqual(first.header['x-count'], '1');
  assert.strictEqual(second.header['x-count'], '1'); // from the cache: the server saw one request
  await cache.delete();
  const third = await httpRequest.request(url);
  assert.strictEqual(third.header['x-count'], '2'); // cache off: the server again
  httpRequest.destroy();
});

test('enums: RequestMethod, ResponseCode, HttpDataType, HttpProtocol, CertType', T, () => {
  assert.deepStrictEqual({ ...http.RequestMethod }, {
    OPTIONS: 'OPTIONS', GET: 'GET', HEAD: 'HEAD', POST: 'POST', PUT: 'PUT', DELETE: 'DELETE', TRACE: 'TRACE',
    CONNECT: 'CONNECT',
  });
  assert.strictEqual(http.ResponseCode.OK, 200);
  assert.strictEqual(http.ResponseCode.NOT_MODIFIED, 304);
  assert.strictEqual(http.ResponseCode.RANGE_NOT_SATISFIABLE, 416);
  assert.strictEqual(http.ResponseCode.VERSION, 505);
  assert.strictEqual(Object.keys(http.ResponseCode).length, 36);
  assert.deepStrictEqual({ ...http.HttpDataType }, { STRING: 0, OBJECT: 1, ARRAY_BUFFER: 2 });
  assert.deepStrictEqual({ ...http.HttpProtocol }, { HTTP1_1: 0, HTTP2: 1, HTTP3: 2 });
  assert.deepStrictEqual({ ...http.CertType }, { PEM: 'PEM', DER: 'DER', P12: 'P12' });
  assert.ok(Object.isFrozen(http.ResponseCode));
});
