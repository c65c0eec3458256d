#!/usr/bin/env python3
"""fault_server.py: a small HTTP/1.1 server (stdlib only, raw sockets) that misbehaves on purpose.

Usage: fault_server.py PORT [HOST ...]      (hosts default to 127.0.0.1 and ::1)

One thread per connection; one response per connection (`Connection: close`). Any exception in a
connection is logged to stderr and only that connection dies.

Routes (see ROUTES / PREFIX_ROUTES at the bottom; add a handler with @route("/path") or
@route("/prefix/", prefix=True)). curl exit codes are those of curl 7.88.1:
  /close                       read the request, close without a reply           (curl 52)
  /short                       Content-Length: 100, 10 bytes, close              (curl 18)
  /badgzip                     Content-Encoding: gzip, body not gzip             (curl 61 with --compressed)
  /hang                        never answer; hold the socket <=120 s or until the client closes
  /rst                         Content-Length 1000000, 1000 bytes, then RST      (curl 56)
  /garbage                     non-HTTP bytes ("SSH-2.0-OpenSSH...") then close  (curl 1)
  /nocolon                     a header line without a colon                     (curl 8)
  /hugeheader                  a 300 KiB header value                            (curl 27)
  /trickle?chunks=N&interval_ms=M&size=S
                               chunked; headers at once, then N times: sleep M ms, send S bytes
                               (defaults 10, 300, 10)
  /delay?ms=M                  wait M ms (default 3000), then 200 with a small body
  /stall?bytes=N               Content-Length N*10, N bytes, then no more data (<=120 s)
                               (default N=100)
  /chunked?size=N              chunked body of N bytes in 16 KiB chunks (default 65536)
  /bytes?size=N                Content-Length body of N bytes (default 1024), any size
  /echo                        200 JSON: method, path, target, query, raw_query, version,
                               headers (names as received), trailers, body_len, body_sha256,
                               body (UTF-8 text, else null; null past 16 MiB: body_truncated)
  /count/<key>?cc=&etag=&lm=&vary=&expires=&ct=&body=&size=
                               counts requests per key; replies with those headers
                               (X-Count: n, body "body-<key>-<n>" unless body= is given,
                               or size=N: N bytes of "x");
                               304 (same validators, no body) when If-None-Match matches etag,
                               or when If-Modified-Since is sent and lm is given.
                               An etag without quotes is sent quoted: etag=v1 -> ETag: "v1".
  /counter/<key>               the count of /count/<key> as text/plain
  /reset-counters              reset all counters
  /status/<code>[?location=URL] empty reply with that status (Location when given)
  /to-scheme/<scheme>?port=N   302 to a URL of another protocol on 127.0.0.1:N: file (file:///etc/passwd),
                               ftp, gopher, dict, telnet (the client must refuse to follow)
  /locations?first=URL&second=URL
                               302 with two Location fields (a client must follow the first)
  /trailers?count=N&size=S&spoof=1
                               chunked "body", then trailer fields: spoof=1 adds Content-Type,
                               Set-Cookie and X-Trailer; then N fields of S bytes (a trailer flood)
  /slowheaders?bytes=N&interval_ms=M&stall=1
                               status line at once, then one header field dripped a byte per M ms
                               (N bytes), then the rest; stall=1 holds the connection instead
  /script-setup/<key>          (any method) the request body is a JSON list of response specs, one
                               per request to /script/<key>; the last one repeats. Resets its log.
  /script/<key>                answers request n with spec n: {"status": 200, "reason": "...",
                               "headers": [["Name", "value"], ...] (sent in order, repeats allowed;
                               "{date:+N}" / "{date:-N[:rfc850|asctime]}" in a value is the HTTP-date
                               N s from now), "body": "..." (default "<key>-<n>"), "date": false (no
                               automatic Date), "delay_ms": M, "disconnect": true (close, no reply),
                               "range": true (a single `Range: bytes=` range of the body -> 206 with
                               Content-Range)}. Adds X-Script-Count: n; Content-Length unless given
                               (none for 1xx/204/304). Logs every request.
  /script-log/<key>            JSON list of the requests /script/<key> received: method, target,
                               headers ([name, value] pairs as received)
  anything else                404
Bodies of /chunked and /bytes follow one pattern: byte k is k % 256.
Request bodies (Content-Length or chunked) are read for every route before it runs, and
`Expect: 100-continue` is answered with `100 Continue` first. HEAD gets headers only.
"""

import hashlib
import http
import json
import re
import socket
import struct
import sys
import threading
import time
import urllib.parse
from email.utils import formatdate

MAX_LINE = 64 * 1024
MAX_HEADERS = 200
KEEP_BODY = 16 * 1024 * 1024  # /echo keeps at most this much of a request body in memory
HOLD_SECONDS = 120  # /hang and /stall give up after this long
PATTERN = bytes(range(256)) * 4096  # 1 MiB; byte k of any prefix is k % 256
PATTERN_VIEW = memoryview(PATTERN)


def log(msg):
    sys.stderr.write("%s fault_server: %s\n" % (time.strftime("%H:%M:%S"), msg))
    sys.stderr.flush()


class ClientGone(Exception):
    """The client closed the connection (quiet end of a connection)."""


class BadRequest(Exception):
    pass


class Conn:
    """A socket with a read buffer."""

    def __init__(self, sock):
        self.sock = sock
        self.buf = b""

    def _fill(self):
        data = self.sock.recv(65536)
        if not data:
            raise ClientGone()
        self.buf += data

    def read_line(self):
        while True:
            i = self.buf.find(b"\n")
            if i >= 0:
                line, self.buf = self.buf[: i + 1], self.buf[i + 1 :]
                return line.rstrip(b"\r\n")
            if len(self.buf) > MAX_LINE:
                raise BadRequest("line too long")
            self._fill()

    def read_some(self, limit):
        if not self.buf:
            self._fill()
        out, self.buf = self.buf[:limit], self.buf[limit:]
        return out

    def send(self, data):
        self.sock.sendall(data)

    def wait_for_close(self, seconds=HOLD_SECONDS):
        """Hold the connection, discarding input, until the client closes or time runs out."""
        deadline = time.monotonic() + seconds
        while True:
            left = deadline - time.monotonic()
            if left <= 0:
                return
            self.sock.settimeout(min(left, 1.0))
            try:
                if not self.sock.recv(65536):
                    return
            except socket.timeout:
                continue
            except OSError:
                return


class BodySink:
    """Counts and hashes a request body, keeping its first KEEP_BODY bytes."""

    def __init__(self):
        self.len = 0
        self.sha = hashlib.sha256()
        self.kept = bytearray()
        self.truncated = False

    def feed(self, data):
        self.len += len(data)
        self.sha.update(data)
        room = KEEP_BODY - len(self.kept)
        if room > 0:
            self.kept += data[:room]
        if len(data) > max(room, 0):
            self.truncated = True


class Request:
    def __init__(self, conn, method, target, version, headers):
        self.conn = conn
        self.method = method
        self.target = target
        self.version = version
        self.headers = headers  # list of (name as received, value)
        parts = urllib.parse.urlsplit(target)
        self.path = urllib.parse.unquote(parts.path) if parts.path else target
        self.raw_query = parts.query
        self.query = {}
        for k, v in urllib.parse.parse_qsl(parts.query, keep_blank_values=True):
            self.query.setdefault(k, v)
        self.body = BodySink()
        self.trailers = []

    def header(self, name, default=None):
        name = name.lower()
        for k, v in self.headers:
            if k.lower() == name:
                return v
        return default

    def qint(self, name, default):
        try:
            return int(self.query.get(name, default))
        except ValueError:
            return default

    @property
    def is_head(self):
        return self.method == "HEAD"


def read_request(conn):
    line = conn.read_line()
    while line == b"":  # tolerate stray CRLFs before the request line
        line = conn.read_line()
    try:
        method, target, version = line.decode("latin-1").split(" ", 2)
    except ValueError:
        raise BadRequest("bad request line %r" % line[:100])
    headers = []
    while True:
        h = conn.read_line()
        if h == b"":
            break
        if len(headers) >= MAX_HEADERS:
            raise BadRequest("too many headers")
        name, sep, value = h.decode("latin-1").partition(":")
        if not sep:
            raise BadRequest("header without colon")
        headers.append((name.strip(), value.strip()))
    return Request(conn, method, target, version, headers)


def read_body(req):
    """Read the request body (Content-Length or chunked), answering Expect: 100-continue."""
    conn = req.conn
    te = (req.header("Transfer-Encoding") or "").lower()
    cl = req.header("Content-Length")
    has_body = "chunked" in te or (cl is not None and cl.strip() != "0")
    if has_body and (req.header("Expect") or "").lower() == "100-continue":
        conn.send(b"HTTP/1.1 100 Continue\r\n\r\n")
    if "chunked" in te:
        while True:
            size_line = conn.read_line().split(b";", 1)[0].strip()
            try:
                size = int(size_line, 16)
            except ValueError:
                raise BadRequest("bad chunk size %r" % size_line[:40])
            if size == 0:
                break
            left = size
            while left:
                data = conn.read_some(min(left, 1 << 20))
                req.body.feed(data)
                left -= len(data)
            if conn.read_line() != b"":
                raise BadRequest("missing CRLF after chunk")
        while True:  # trailers
            t = conn.read_line()
            if t == b"":
                break
            name, _, value = t.decode("latin-1").partition(":")
            req.trailers.append((name.strip(), value.strip()))
    elif cl is not None:
        try:
            left = int(cl)
        except ValueError:
            raise BadRequest("bad Content-Length")
        while left > 0:
            data = conn.read_some(min(left, 1 << 20))
            req.body.feed(data)
            left -= len(data)


# ------------------------------------------------------------------------------ responses


def status_line(code):
    try:
        reason = http.HTTPStatus(code).phrase
    except ValueError:
        reason = "Status"
    return "HTTP/1.1 %d %s\r\n" % (code, reason)


def head_bytes(code, headers, content_length=None):
    """Status line + headers (+ Date, Connection: close, Server) + blank line."""
    out = [status_line(code), "Date: %s\r\n" % formatdate(usegmt=True), "Server: fault_server\r\n"]
    for k, v in headers:
        out.append("%s: %s\r\n" % (k, v))
    if content_length is not None:
        out.append("Content-Length: %d\r\n" % content_length)
    out.append("Connection: close\r\n\r\n")
    return "".join(out).encode("latin-1")


def respond(req, code, body=b"", headers=(), content_type="text/plain"):
    """A complete response. No Content-Length/body for 1xx/204/304; no body for HEAD."""
    if isinstance(body, str):
        body = body.encode("utf-8")
    headers = list(headers)
    if code in (204, 304) or 100 <= code < 200:
        req.conn.send(head_bytes(code, headers))
        return
    if content_type:
        headers.append(("Content-Type", content_type))
    req.conn.send(head_bytes(code, headers, len(body)))
    if body and not req.is_head:
        req.conn.send(body)


def send_pattern(conn, size):
    """Send `size` bytes of PATTERN, reusing one 1 MiB buffer."""
    left = size
    while left > 0:
        n = min(left, len(PATTERN))
        conn.send(PATTERN_VIEW[:n])
        left -= n


def send_chunk(conn, data):
    conn.send(b"%x\r\n" % len(data) + bytes(data) + b"\r\n")


# ------------------------------------------------------------------------------ routes

ROUTES = {}  # exact path -> handler(req)
PREFIX_ROUTES = []  # (prefix, handler(req, rest))


def route(path, prefix=False):
    def deco(fn):
        if prefix:
            PREFIX_ROUTES.append((path, fn))
        else:
            ROUTES[path] = fn
        return fn

    return deco


@route("/close")
def r_close(req):
    pass  # the connection is closed by the caller: empty reply


@route("/short")
def r_short(req):
    req.conn.send(head_bytes(200, [("Content-Type", "text/plain")], 100) + b"0123456789")


@route("/badgzip")
def r_badgzip(req):
    body = b"this is definitely not a gzip stream\n"
    respond(req, 200, body, [("Content-Encoding", "gzip")])


@route("/hang")
def r_hang(req):
    req.conn.wait_for_close()


@route("/rst")
def r_rst(req):
    req.conn.send(head_bytes(200, [("Content-Type", "application/octet-stream")], 1000000))
    req.conn.send(PATTERN[:1000])
    time.sleep(0.05)  # let the client see the first bytes before the RST
    req.conn.sock.setsockopt(socket.SOL_SOCKET, socket.SO_LINGER, struct.pack("ii", 1, 0))


@route("/garbage")
def r_garbage(req):
    req.conn.send(b"SSH-2.0-OpenSSH_9.2p1 Debian-2\r\n")


@route("/nocolon")
def r_nocolon(req):
    req.conn.send(
        b"HTTP/1.1 200 OK\r\nThisHeaderHasNoColon\r\nContent-Length: 2\r\n"
        b"Connection: close\r\n\r\nok"
    )


@route("/hugeheader")
def r_hugeheader(req):
    respond(req, 200, b"ok", [("X-Huge", "a" * (300 * 1024))])


@route("/trickle")
def r_trickle(req):
    chunks = req.qint("chunks", 10)
    interval = req.qint("interval_ms", 300) / 1000.0
    size = req.qint("size", 10)
    req.conn.send(
        head_bytes(200, [("Content-Type", "text/plain"), ("Transfer-Encoding", "chunked")])
    )
    if req.is_head:
        return
    for _ in range(chunks):
        time.sleep(interval)
        if size > 0:
            send_chunk(req.conn, b"x" * size)
    req.conn.send(b"0\r\n\r\n")


@route("/delay")
def r_delay(req):
    ms = req.qint("ms", 3000)
    time.sleep(ms / 1000.0)
    respond(req, 200, "delayed %d ms\n" % ms)


@route("/stall")
def r_stall(req):
    n = req.qint("bytes", 100)
    req.conn.send(head_bytes(200, [("Content-Type", "application/octet-stream")], n * 10))
    if req.is_head:
        return
    send_pattern(req.conn, n)
    req.conn.wait_for_close()


@route("/chunked")
def r_chunked(req):
    size = req.qint("size", 65536)
    req.conn.send(
        head_bytes(
            200, [("Content-Type", "application/octet-stream"), ("Transfer-Encoding", "chunked")]
        )
    )
    if req.is_head:
        return
    left = size
    while left > 0:
        n = min(left, 16 * 1024)
        send_chunk(req.conn, PATTERN_VIEW[:n])
        left -= n
    req.conn.send(b"0\r\n\r\n")


@route("/bytes")
def r_bytes(req):
    size = req.qint("size", 1024)
    req.conn.send(head_bytes(200, [("Content-Type", "application/octet-stream")], size))
    if not req.is_head:
        send_pattern(req.conn, size)


@route("/echo")
def r_echo(req):
    headers = {}
    for k, v in req.headers:
        headers[k] = headers[k] + ", " + v if k in headers else v
    body = None
    if not req.body.truncated:
        try:
            body = bytes(req.body.kept).decode("utf-8")
        except UnicodeDecodeError:
            body = None
    doc = {
        "method": req.method,
        "path": req.path,
        "target": req.target,
        "version": req.version,
        "query": req.query,
        "raw_query": req.raw_query,
        "headers": headers,
        "trailers": dict(req.trailers),
        "body_len": req.body.len,
        "body_sha256": req.body.sha.hexdigest(),
        "body": body,
        "body_truncated": req.body.truncated,
    }
    respond(req, 200, json.dumps(doc, indent=1) + "\n", content_type="application/json")


COUNTERS = {}
COUNTERS_LOCK = threading.Lock()


def _quoted_etag(etag):
    if etag.startswith('"') or etag.startswith("W/"):
        return etag
    return '"%s"' % etag


def _etag_matches(if_none_match, etag):
    if if_none_match.strip() == "*":
        return True
    want = etag[2:] if etag.startswith("W/") else etag
    for tag in if_none_match.split(","):
        tag = tag.strip()
        if tag.startswith("W/"):
            tag = tag[2:]
        if tag == want:
            return True
    return False


@route("/count/", prefix=True)
def r_count(req, key):
    with COUNTERS_LOCK:
        n = COUNTERS.get(key, 0) + 1
        COUNTERS[key] = n
    q = req.query
    etag = _quoted_etag(q["etag"]) if q.get("etag") else None
    validators = [("X-Count", str(n))]
    for param, name in (("cc", "Cache-Control"), ("lm", "Last-Modified"), ("vary", "Vary"),
                        ("expires", "Expires")):
        if q.get(param):
            validators.append((name, q[param]))
    if etag:
        validators.append(("ETag", etag))
    inm = req.header("If-None-Match")
    not_modified = (etag is not None and inm is not None and _etag_matches(inm, etag)) or (
        req.header("If-Modified-Since") is not None and bool(q.get("lm"))
    )
    if not_modified:
        respond(req, 304, headers=validators)
        return
    if "body" in q:
        body = q["body"]
    elif q.get("size"):
        body = "x" * req.qint("size", 0)
    else:
        body = "body-%s-%d" % (key, n)
    respond(req, 200, body, validators, content_type=q.get("ct") or "text/plain")


@route("/counter/", prefix=True)
def r_counter(req, key):
    with COUNTERS_LOCK:
        n = COUNTERS.get(key, 0)
    respond(req, 200, "%d" % n)


@route("/reset-counters")
def r_reset_counters(req):
    with COUNTERS_LOCK:
        COUNTERS.clear()
    respond(req, 200, "ok\n")


@route("/status/", prefix=True)
def r_status(req, code):
    try:
        code = int(code)
        if not 100 <= code <= 999:
            raise ValueError
    except ValueError:
        respond(req, 400, "bad status code\n")
        return
    headers = [("Location", req.query["location"])] if req.query.get("location") else []
    respond(req, code, b"", headers, content_type=None)


SCHEME_TARGETS = {
    "file": "file:///etc/passwd",
    "ftp": "ftp://127.0.0.1:%d/pub/file",
    "gopher": "gopher://127.0.0.1:%d/_GET%%20/%%20HTTP/1.0%%0D%%0A%%0D%%0A",
    "dict": "dict://127.0.0.1:%d/d:word",
    "telnet": "telnet://127.0.0.1:%d",
}


@route("/to-scheme/", prefix=True)
def r_to_scheme(req, scheme):
    target = SCHEME_TARGETS.get(scheme)
    if target is None:
        respond(req, 400, "unknown scheme\n")
        return
    if "%d" in target:
        target = target % int(req.query.get("port", "1"))
    respond(req, 302, b"", [("Location", target)], content_type=None)


@route("/locations")
def r_locations(req):
    headers = [("Location", req.query.get("first", "/")), ("Location", req.query.get("second", "/"))]
    respond(req, 302, b"", headers, content_type=None)


@route("/trailers")
def r_trailers(req):
    """Chunked "body", then trailer fields: with spoof=1 ones that claim to be response
    headers (Content-Type, Set-Cookie), then `count` fields of `size` bytes each."""
    count = req.qint("count", 0)
    size = req.qint("size", 10)
    req.conn.send(head_bytes(200, [("Content-Type", "text/plain"), ("Transfer-Encoding", "chunked"),
                                   ("Trailer", "X-Trailer")]))
    send_chunk(req.conn, b"body")
    req.conn.send(b"0\r\n")
    if req.query.get("spoof") == "1":
        req.conn.send(b"Content-Type: text/spoofed\r\nSet-Cookie: spoofed=1\r\nX-Trailer: yes\r\n")
    line = b"X-T: " + b"t" * size + b"\r\n"
    batch = line * 1000
    sent = 0
    while sent < count:
        n = min(1000, count - sent)
        req.conn.send(batch if n == 1000 else line * n)
        sent += n
    req.conn.send(b"\r\n")


@route("/slowheaders")
def r_slowheaders(req):
    """The status line at once, then a header field dripped one byte every interval_ms
    (`bytes` of them), then the rest of the response; with stall=1 it stops after the
    dripping instead (holding the connection)."""
    count = req.qint("bytes", 5)
    interval = req.qint("interval_ms", 1000) / 1000.0
    req.conn.send(b"HTTP/1.1 200 OK\r\nX-Slow: ")
    for _ in range(count):
        time.sleep(interval)
        req.conn.send(b"s")
    if req.query.get("stall") == "1":
        req.conn.wait_for_close()
        return
    req.conn.send(b"\r\nContent-Length: 2\r\nConnection: close\r\n\r\nok")


# ------------------------------------------------------------------------------ scripted responses
# The response cache's tests script what a URL answers, request by request, and read back what
# the cache sent (see the docstring at the top).

SCRIPTS = {}  # key -> {"responses": [spec, ...], "log": [request, ...]}
SCRIPTS_LOCK = threading.Lock()
DATE_PLACEHOLDER = re.compile(r"\{date:([+-]?\d+)(?::(imf|rfc850|asctime))?\}")
WEEKDAYS = ["Monday", "Tuesday", "Wednesday", "Thursday", "Friday", "Saturday", "Sunday"]
MONTHS = ["Jan", "Feb", "Mar", "Apr", "May", "Jun", "Jul", "Aug", "Sep", "Oct", "Nov", "Dec"]


def http_date(offset, form="imf"):
    """An HTTP-date `offset` seconds from now in one of the three forms of RFC 9110 5.6.7."""
    t = time.gmtime(time.time() + offset)
    if form == "rfc850":
        return "%s, %02d-%s-%02d %02d:%02d:%02d GMT" % (
            WEEKDAYS[t.tm_wday], t.tm_mday, MONTHS[t.tm_mon - 1], t.tm_year % 100, t.tm_hour, t.tm_min, t.tm_sec)
    if form == "asctime":
        return "%s %s %2d %02d:%02d:%02d %d" % (
            WEEKDAYS[t.tm_wday][:3], MONTHS[t.tm_mon - 1], t.tm_mday, t.tm_hour, t.tm_min, t.tm_sec, t.tm_year)
    return formatdate(time.time() + offset, usegmt=True)


def expand_dates(value):
    return DATE_PLACEHOLDER.sub(lambda m: http_date(int(m.group(1)), m.group(2) or "imf"), value)


def byte_range(header, size):
    """(first, last) of a single `bytes=` range within `size` bytes, else None."""
    if not header or not header.startswith("bytes=") or "," in header:
        return None
    first, sep, last = header[6:].strip().partition("-")
    try:
        if not sep:
            return None
        if first == "":
            n = int(last)
            return (max(size - n, 0), size - 1) if n > 0 and size > 0 else None
        first = int(first)
        last = int(last) if last else size - 1
    except ValueError:
        return None
    if first >= size or last < first:
        return None
    return first, min(last, size - 1)


@route("/script-setup/", prefix=True)
def r_script_setup(req, key):
    try:
        doc = json.loads(bytes(req.body.kept).decode("utf-8"))
        responses = doc["responses"] if isinstance(doc, dict) else doc
        assert isinstance(responses, list) and responses
    except Exception as e:  # noqa: BLE001 - any bad script is the test's mistake
        respond(req, 400, "bad script: %r\n" % e)
        return
    with SCRIPTS_LOCK:
        SCRIPTS[key] = {"responses": responses, "log": []}
    respond(req, 200, "ok\n")


@route("/script-log/", prefix=True)
def r_script_log(req, key):
    with SCRIPTS_LOCK:
        log = list(SCRIPTS.get(key, {}).get("log", []))
    respond(req, 200, json.dumps(log, indent=1) + "\n", content_type="application/json")


@route("/script/", prefix=True)
def r_script(req, key):
    with SCRIPTS_LOCK:
        script = SCRIPTS.get(key)
        if script is not None:
            script["log"].append({"method": req.method, "target": req.target, "headers": req.headers})
            n = len(script["log"])
            spec = script["responses"][min(n, len(script["responses"])) - 1]
    if script is None:
        respond(req, 404, "no script for %s\n" % key)
        return
    if spec.get("delay_ms"):
        time.sleep(spec["delay_ms"] / 1000.0)
    if spec.get("disconnect"):
        return  # closed without a reply
    status = spec.get("status", 200)
    headers = [(k, expand_dates(str(v))) for k, v in spec.get("headers", [])]
    body = spec.get("body", "%s-%d" % (key, n)).encode("utf-8")
    if spec.get("range"):
        r = byte_range(req.header("Range"), len(body))
        if r is not None:
            status = 206
            headers.append(("Content-Range", "bytes %d-%d/%d" % (r[0], r[1], len(body))))
            body = body[r[0] : r[1] + 1]
    out = ["HTTP/1.1 %d %s\r\n" % (status, spec.get("reason", "Scripted")), "Server: fault_server\r\n",
           "X-Script-Count: %d\r\n" % n]
    names = {k.lower() for k, _ in headers}
    if spec.get("date", True) and "date" not in names:
        out.append("Date: %s\r\n" % formatdate(usegmt=True))
    out += ["%s: %s\r\n" % (k, v) for k, v in headers]
    no_body = status in (204, 304) or 100 <= status < 200
    if not no_body and "content-length" not in names:
        out.append("Content-Length: %d\r\n" % len(body))
    out.append("Connection: close\r\n\r\n")
    req.conn.send("".join(out).encode("latin-1"))
    if not no_body and not req.is_head:
        req.conn.send(body)


def dispatch(req):
    handler = ROUTES.get(req.path)
    if handler:
        return handler(req)
    for prefix, handler in PREFIX_ROUTES:
        if req.path.startswith(prefix):
            return handler(req, req.path[len(prefix) :])
    respond(req, 404, "no such fault: %s\n" % req.path)


# ------------------------------------------------------------------------------ server


def handle(sock, addr):
    conn = Conn(sock)
    try:
        sock.settimeout(HOLD_SECONDS + 10)
        try:
            req = read_request(conn)
            read_body(req)
        except BadRequest as e:
            log("%s: bad request: %s" % (addr[0], e))
            try:
                conn.send(head_bytes(400, [("Content-Type", "text/plain")], 12) + b"bad request\n")
            except OSError:
                pass
            return
        dispatch(req)
    except (ClientGone, BrokenPipeError, ConnectionResetError, socket.timeout):
        pass  # the client went away: nothing to report
    except Exception as e:  # one bad client never kills the server
        log("%s: %s: %r" % (addr[0], type(e).__name__, e))
    finally:
        try:
            sock.close()
        except OSError:
            pass


def serve(listener):
    while True:
        try:
            sock, addr = listener.accept()
        except OSError as e:
            log("accept: %r" % e)
            time.sleep(0.05)
            continue
        threading.Thread(target=handle, args=(sock, addr), daemon=True).start()


def listen(host, port):
    family = socket.AF_INET6 if ":" in host else socket.AF_INET
    s = socket.socket(family, socket.SOCK_STREAM)
    s.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
    if family == socket.AF_INET6:
        s.setsockopt(socket.IPPROTO_IPV6, socket.IPV6_V6ONLY, 1)
    s.bind((host, port))
    s.listen(256)
    return s


def main(argv):
    if len(argv) < 2:
        sys.stderr.write("usage: fault_server.py PORT [HOST ...]\n")
        return 2
    port = int(argv[1])
    hosts = argv[2:] or ["127.0.0.1", "::1"]
    listeners = []
    for host in hosts:
        try:
            listeners.append(listen(host, port))
        except OSError as e:
            if host == "::1" and len(hosts) > 1:
                log("cannot listen on [::1]:%d (%s); IPv4 only" % (port, e))
                continue
            raise
    threads = [threading.Thread(target=serve, args=(s,), daemon=True) for s in listeners]
    for t in threads:
        t.start()
    log("listening on port %d (%s)" % (port, ", ".join(hosts)))
    for t in threads:
        t.join()
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv))
