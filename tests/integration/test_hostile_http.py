#!/usr/bin/env python3
"""Integration test: procintrod under hostile HTTP, over loopback.

Usage: test_hostile_http.py PROCINTROD FIXTURES_DIR [--tree NAME] [--idle N] [--flood N]

The daemon serves a fixture tree (default local-6.18-x86_64, read in place) with its default
HTTP limits (--max-connections 512 here, 1024 by default, 15 s idle timeout, 64 KiB per connection, 1 MiB bodies for POST
/api/v1/kallsyms/symbolize). The test

  1. measures a legitimate client's unloaded latency on /api/v1/buddy (200 requests);
  2. sends hostile requests one by one (raw sockets): unknown paths, every other method,
     HEAD, `..` and percent-encoded traversal under /proc/, invalid percent-encoding, NUL in
     the URL, oversized URL / query / headers, bodies on GET, 1 MiB + 1 and 8 MiB POSTs (413),
     chunked bodies (valid, invalid, oversized), HTTP/0.9 and binary junk, CRLF injection,
     pipelining; each answer must have the right status (JSON error documents where the
     daemon answers, libmicrohttpd's own 400/413/414/431 where it does), and the daemon stays
     up with bounded memory;
  3. holds idle "slowloris" connections (a partial request, one more header line every 5 s so
     the idle timeout never fires): first fewer than the connection limit, then more
     (--idle, default 300); meanwhile the legitimate client measures its latency over 200
     requests: none may fail, and p99 must stay under max(50 ms, 5 x unloaded p99);
  4. opens --flood (default 1000) connections at once: the daemon holds at most its limit,
     stays up, and the fd count returns to its baseline once they are gone;
  5. checks the daemon's stderr: hostile traffic must not be able to fill the log (at most
     a handful of lines for the whole test).

Every wait is bounded. Prints a summary and "N passed, N failed"; exits 1 on any failure.
"""
import http.client
import json
import os
import re
import select
import socket
import sys
import tempfile
import threading
import time

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
import daemonlib  # noqa: E402 - the shared scaffolding, next to this script

CONN_LIMIT = 512
IDLE_TIMEOUT = 15
LATENCY_FLOOR = 0.050
LOG_HANDFUL = 10
HTTP_TIMEOUT = 5


class Results(daemonlib.Checks):
    def __init__(self):
        super().__init__()
        self.summary = []

    def note(self, line):
        self.summary.append(line)
        print("  " + line, flush=True)


R = Results()


# ------------------------------------------------------------------------------------------
# daemon and HTTP helpers

def daemon(binary, root, workdir):
    return daemonlib.Daemon(
        binary, root, ["--interval", "0.2", "--page-size", "4096", "--clock-ticks", "100",
                       "--max-connections", str(CONN_LIMIT)],
        logpath=os.path.join(workdir, "hostile.stderr"))


def log_lines(d):
    return d.log_text().splitlines()


def request(port, path, method="GET", body=None, headers=None, timeout=HTTP_TIMEOUT):
    return daemonlib.http_get(port, path, method, body, headers, timeout)


class Raw:
    """One response read from a raw socket: status, headers, body, and whether the server
    closed the connection."""

    def __init__(self, data, closed, error=None):
        self.data, self.closed, self.error = data, closed, error
        self.status, self.headers, self.body = None, {}, b""
        head, sep, body = data.partition(b"\r\n\r\n")
        m = re.match(rb"HTTP/1\.[01] (\d{3})", head)
        if m:
            self.status = int(m.group(1))
            for line in head.split(b"\r\n")[1:]:
                k, _, v = line.partition(b":")
                self.headers[k.strip().lower().decode("latin-1")] = v.strip().decode("latin-1")
            self.body = body

    def __repr__(self):
        return "<%s closed=%s %r>" % (self.status, self.closed,
                                      (self.error or self.data[:200]))


def raw(port, data, timeout=HTTP_TIMEOUT, half_close=False):
    """Sends data (bytes or a list of chunks), reads until the server closes or timeout."""
    s = socket.create_connection(("127.0.0.1", port), timeout=timeout)
    out, closed, err = b"", False, None
    try:
        for chunk in (data if isinstance(data, list) else [data]):
            try:
                s.sendall(chunk)
            except OSError as e:  # the server may answer and close before reading it all
                err = "send: %s" % e
                break
        if half_close:
            try:
                s.shutdown(socket.SHUT_WR)
            except OSError:
                pass
        deadline = time.monotonic() + timeout
        while time.monotonic() < deadline:
            s.settimeout(max(0.01, deadline - time.monotonic()))
            try:
                b = s.recv(65536)
            except socket.timeout:
                break
            except OSError as e:
                closed, err = True, err or "recv: %s" % e
                break
            if not b:
                closed = True
                break
            out += b
    finally:
        s.close()
    return Raw(out, closed, err)


def req(method, target, headers=(), body=b"", version=b"HTTP/1.1", close=True):
    h = b"".join(b"%s: %s\r\n" % (k, v) for k, v in headers)
    if close:
        h += b"Connection: close\r\n"
    return b"%s %s %s\r\nHost: 127.0.0.1\r\n%s\r\n%s" % (method, target, version, h, body)


def json_error(r, status):
    """The daemon's own error document."""
    try:
        doc = json.loads(r.body)
    except ValueError:
        return False
    return r.headers.get("content-type", "").startswith("application/json") and \
        isinstance(doc, dict) and isinstance(doc.get("error"), dict) and \
        doc["error"].get("status") == status and isinstance(doc["error"].get("message"), str)


def percentile(v, p):
    if not v:
        return float("nan")
    v = sorted(v)
    return v[min(len(v) - 1, int(round(p / 100.0 * (len(v) - 1))))]


def legit_latencies(port, n, deadline_s, timeout=1.0):
    """n GETs of /api/v1/buddy, a fresh connection each (as curl or a scraper would do);
    returns (latencies of the successful ones, failures as strings)."""
    lat, fails = [], []
    t_end = time.monotonic() + deadline_s
    for i in range(n):
        if time.monotonic() > t_end:
            fails.append("not attempted: time budget of %.0f s spent" % deadline_s)
            break
        t = time.monotonic()
        try:
            status, _, body = request(port, "/api/v1/buddy", timeout=timeout)
            if status == 200 and body.startswith(b"{"):
                lat.append(time.monotonic() - t)
            else:
                fails.append("status %s" % status)
        except (OSError, http.client.HTTPException) as e:
            fails.append("%s after %.2f s" % (type(e).__name__, time.monotonic() - t))
    return lat, fails


# ------------------------------------------------------------------------------------------
# 2. request matrix

def check_matrix(d):
    port = d.port
    R.where = "requests"
    ok_body = request(port, "/api/v1/buddy")[2]
    # unknown paths -> 404 JSON
    for p in [b"/nope", b"/api", b"/api/v2/buddy", b"/api/v1/buddy/", b"/api/v1/buddyX",
              b"/API/V1/BUDDY", b"//api/v1/buddy", b"/api/v1//buddy", b"/api/v1/../v1/buddy",
              b"/healthz.json", b"/proc", b"/proc/", b"/proc/meminfo", b"/proc/self/environ",
              b"/proc/1/cmdline", b"/proc/sys/kernel/hostname", b"/proc/version",
              b"/metricsX", b"/index.htm", b"/api/v1/kallsyms/lookupX",
              b"/" + b"a/" * 2000]:
        r = raw(port, req(b"GET", p))
        R.ok(r.status == 404 and json_error(r, 404), "GET %s -> 404 JSON" % p[:60].decode(),
             404, r)
    # methods
    for m in [b"PUT", b"DELETE", b"PATCH", b"OPTIONS", b"TRACE", b"CONNECT", b"PROPFIND",
              b"BREW", b"get", b"POST"]:
        r = raw(port, req(m, b"/api/v1/buddy", [(b"Content-Length", b"5")], b"hello"))
        R.ok(r.status == 405 and r.headers.get("allow") == "GET, HEAD" and json_error(r, 405),
             "%s /api/v1/buddy -> 405, Allow: GET, HEAD" % m.decode(), 405, r)
    for m in [b"GET", b"HEAD", b"PUT", b"DELETE"]:
        r = raw(port, req(m, b"/api/v1/kallsyms/symbolize"))
        R.ok(r.status == 405 and r.headers.get("allow") == "POST",
             "%s /api/v1/kallsyms/symbolize -> 405, Allow: POST" % m.decode(), 405, r)
    # HEAD: headers only
    r = raw(port, req(b"HEAD", b"/api/v1/buddy"))
    R.ok(r.status == 200 and r.body == b"" and
         r.headers.get("content-type", "").startswith("application/json"),
         "HEAD /api/v1/buddy -> 200, no body", "200 without body", r)
    cl = int(r.headers.get("content-length", "-1"))
    R.ok(abs(cl - len(ok_body)) <= 3, "HEAD Content-Length matches GET's body", len(ok_body), cl)
    r = raw(port, req(b"HEAD", b"/nope"))
    R.ok(r.status == 404 and r.body == b"", "HEAD /nope -> 404, no body", 404, r)
    # traversal under /proc/: the daemon never opens a path taken from a request
    for p in [b"/proc/../etc/passwd", b"/proc/../../../../etc/passwd",
              b"/proc/%2e%2e/%2e%2e/etc/passwd", b"/proc/%2E%2E%2Fetc%2Fpasswd",
              b"/proc/..%2f..%2f..%2fetc%2fpasswd", b"/proc/%252e%252e%252fetc%252fpasswd",
              b"/proc/stat/../../etc/passwd", b"/proc/pressure/../stat", b"/proc/./stat",
              b"/proc//etc/passwd", b"/proc/%2fetc%2fpasswd", b"/proc/..\\..\\etc\\passwd",
              b"/proc/%c0%ae%c0%ae/etc/passwd", b"/proc/stat%2f", b"/proc/pressure/",
              b"/proc/pressure/%2e%2e/stat", b"/proc/kallsyms/.."]:
        r = raw(port, req(b"GET", p))
        R.ok(r.status in (400, 404) and b"root:" not in r.body and b"cpu " not in r.body,
             "GET %s -> 404, nothing served" % p.decode(), "400/404", r)
    # percent-encoding
    r = raw(port, req(b"GET", b"/api/v1/%62uddy"))
    R.ok(r.status == 200, "GET /api/v1/%62uddy (valid encoding) -> 200", 200, r)
    for p in [b"/api/v1/bu%zzddy", b"/api/v1/buddy%", b"/api/v1/buddy%4", b"/proc/stat%",
              b"/%ff%fe", b"/api/v1/kallsyms/lookup?name=%", b"/api/v1/kallsyms/lookup?addr=%zz"]:
        r = raw(port, req(b"GET", p))
        R.ok(r.status in (400, 404) and d.alive(), "GET %s -> 400/404" % p.decode(), "400/404", r)
    # NUL in the URL: percent-encoded, it must not truncate the path to a served one
    for p in [b"/proc/stat%00.txt", b"/api/v1/buddy%00", b"/api/v1/buddy%00/../../etc/passwd",
              b"/healthz%00x"]:
        r = raw(port, req(b"GET", p))
        R.ok(r.status in (400, 404), "GET %s -> 400/404 (not the resource before the NUL)"
             % p.decode(), "400/404", r)
    # a raw NUL byte in the request line: anything but a crash
    r = raw(port, req(b"GET", b"/proc/stat\x00.txt"))
    R.ok(d.alive() and (r.status is not None or r.closed), "raw NUL in the request line",
         "an answer or a close", r)
    R.note("raw NUL byte in the request line -> %s" % r.status)
    # oversized URL, query, headers
    for what, data, want in [
            ("100 KiB URL", req(b"GET", b"/" + b"a" * 100000), (414,)),
            ("1 MiB URL", req(b"GET", b"/" + b"a" * (1 << 20)), (414,)),
            ("100 KiB header", req(b"GET", b"/api/v1/buddy", [(b"X-A", b"a" * 100000)]), (431,)),
            ("20000 headers", req(b"GET", b"/api/v1/buddy", [(b"X-A", b"b")] * 20000), (431,)),
            ("1 MiB cookie", req(b"GET", b"/api/v1/buddy", [(b"Cookie", b"c" * (1 << 20))]),
             (431,))]:
        r = raw(port, data)
        R.ok(r.status in want and r.closed, "%s -> %s and close" % (what, want), want, r)
    # Known limitation (libmicrohttpd 0.9.75): a request line that fits the 64 KiB connection
    # pool but whose query arguments do not gets no answer; the connection is closed at the
    # idle timeout. Probed and reported, not asserted; the daemon must stay up.
    for what, data in [("60 KiB query", req(b"GET", b"/api/v1/buddy?" + b"a=b&" * 15000)),
                       ("2000 query arguments", req(b"GET", b"/api/v1/kallsyms/lookup?" + b"x=1&" * 2000))]:
        r = raw(port, data)
        R.ok(d.alive(), "%s: the daemon stays up" % what, "alive", r)
        R.note("%s -> %s (closed=%s); libmicrohttpd pool limit, closed at the idle timeout"
               % (what, r.status, r.closed))
    # long but acceptable queries: the daemon's own 400s
    for p, want in [(b"/api/v1/kallsyms/lookup?name=" + b"a" * 5000, 400),
                    (b"/api/v1/kallsyms/lookup?addr=0x" + b"f" * 600, 400),
                    (b"/api/v1/kallsyms/lookup?addr=0x" + b"f" * 17, 400),
                    (b"/api/v1/kallsyms/lookup?addr=0x1&name=x", 400),
                    (b"/api/v1/history?series=" + b"a," * 400, 400),
                    (b"/api/v1/history?since=nan", 400),
                    (b"/api/v1/buddy?" + b"x" * 8000, 200)]:
        r = raw(port, req(b"GET", p))
        R.ok(r.status == want and (want == 200 or json_error(r, want)),
             "GET %s... -> %d" % (p[:50].decode(), want), want, r)
    # CRLF injection through a query value must not become a header
    r = raw(port, req(b"GET", b"/api/v1/kallsyms/lookup?name=%0d%0aX-Injected:%201"))
    R.ok(r.status == 404 and "x-injected" not in r.headers, "CRLF in a query value", 404, r)
    # bodies
    r = raw(port, req(b"GET", b"/api/v1/buddy", [(b"Content-Length", b"1000")], b"a" * 1000))
    R.ok(r.status == 200, "GET with a 1000-byte body -> 200 (body ignored)", 200, r)
    big = b"ffffffff81000000\n" * ((1 << 20) // 17 + 1)
    rss0 = d.rss()
    for what, body, want in [("exactly 1 MiB", b"x" * (1 << 20), 200),
                             ("1 MiB + 1 byte", b"x" * ((1 << 20) + 1), 413),
                             ("1 MiB + of addresses", big, 413),
                             ("8 MiB", b"y" * (8 << 20), 413)]:
        r = raw(port, req(b"POST", b"/api/v1/kallsyms/symbolize",
                          [(b"Content-Length", b"%d" % len(body)),
                           (b"Content-Type", b"text/plain")], body), timeout=15)
        R.ok(r.status == want and json_error(r, want) if want != 200 else r.status == 200,
             "POST symbolize, %s -> %d" % (what, want), want, r)
    r = raw(port, req(b"POST", b"/api/v1/kallsyms/symbolize",
                      [(b"Content-Length", b"99999999999999999999")]))
    R.ok(r.status in (400, 413), "POST Content-Length 10^20 -> 400/413", "400/413", r)
    r = raw(port, req(b"POST", b"/api/v1/kallsyms/symbolize", [(b"Content-Length", b"-5")]))
    R.ok(r.status == 400, "POST Content-Length -5 -> 400", 400, r)
    r = raw(port, req(b"POST", b"/api/v1/kallsyms/symbolize",
                      [(b"Content-Length", b"5"), (b"Content-Length", b"7")], b"hello12"))
    R.ok(r.status in (400, 413) or (r.status == 200 and d.alive()),
         "POST with two Content-Length headers: an answer, no crash", "400", r)
    # chunked
    chunk = b"ffffffff81000000\n"
    r = raw(port, req(b"POST", b"/api/v1/kallsyms/symbolize",
                      [(b"Transfer-Encoding", b"chunked")],
                      b"%x\r\n%s\r\n0\r\n\r\n" % (len(chunk), chunk)))
    R.ok(r.status == 200 and b"ffffffff81000000" in r.body, "chunked POST symbolize -> 200",
         200, r)
    piece = b"z" * 65536
    body = b"".join(b"%x\r\n%s\r\n" % (len(piece), piece) for _ in range(20)) + b"0\r\n\r\n"
    r = raw(port, req(b"POST", b"/api/v1/kallsyms/symbolize",
                      [(b"Transfer-Encoding", b"chunked")], body), timeout=15)
    R.ok(r.status == 413 and json_error(r, 413), "chunked POST of 1.25 MiB -> 413", 413, r)
    for what, body in [("bad chunk size", b"zz\r\nabc\r\n0\r\n\r\n"),
                       ("chunk size 2^64", b"10000000000000000\r\nabc\r\n0\r\n\r\n"),
                       ("chunk longer than announced", b"2\r\nabcdef\r\n0\r\n\r\n")]:
        r = raw(port, req(b"POST", b"/api/v1/kallsyms/symbolize",
                          [(b"Transfer-Encoding", b"chunked")], body))
        R.ok(r.status in (400, 413) and r.closed, "chunked, %s -> 400" % what, 400, r)
    if d.rss() is not None and rss0 is not None and not SANITIZED:
        R.ok(d.rss() - rss0 < (8 << 20), "VmRSS after the big bodies", "< +8 MiB",
             "+%.1f MiB" % ((d.rss() - rss0) / 2**20))
    # junk
    for what, data, want in [
            ("HTTP/0.9 request", b"GET /api/v1/buddy\r\n\r\n", (400,)),
            ("HTTP/2 preface", b"PRI * HTTP/2.0\r\n\r\nSM\r\n\r\n", (400, 405, 505)),
            ("HTTP/3.0", req(b"GET", b"/api/v1/buddy", version=b"HTTP/3.0"), (505, 400)),
            ("no Host (HTTP/1.1; RFC 9112 wants 400, lenient 200 accepted)",
             b"GET /api/v1/buddy HTTP/1.1\r\nConnection: close\r\n\r\n", (400, 200)),
            ("header without colon", b"GET /api/v1/buddy HTTP/1.1\r\nHost: x\r\nNoColon\r\n"
             b"Connection: close\r\n\r\n", (400, 200)),
            ("bare LF line ends", b"GET /api/v1/buddy HTTP/1.1\nHost: x\nConnection: close\n\n",
             (200, 400))]:
        r = raw(port, data)
        R.ok(r.status in want, what, want, r)
    # binary junk, half-closed: answered or closed within the idle timeout, daemon up
    for what, data in [("64 KiB of random bytes", os.urandom(65536)),
                       ("NULs and CRLFs", b"\0\r\n" * 1000 + b"\r\n\r\n"),
                       ("request line of spaces", b" " * 4000 + b"\r\n\r\n")]:
        t = time.monotonic()
        r = raw(port, data, timeout=IDLE_TIMEOUT + 3, half_close=True)
        R.ok(r.closed and d.alive(), "%s: connection closed, daemon up" % what,
             "closed within %d s" % (IDLE_TIMEOUT + 3), r)
        R.note("%s -> %s after %.1f s" % (what, r.status or "closed", time.monotonic() - t))
    # pipelining: every request answered, in order
    n = 50
    data = b"".join(req(b"GET", b"/api/v1/buddy", close=False) for _ in range(n)) + \
        req(b"GET", b"/healthz")
    r = raw(port, data)
    got = r.data.count(b"HTTP/1.1 200")
    R.ok(got >= 1 and r.closed and d.alive(), "pipelined requests: answered in order until the "
         "server closes", ">= 1 answer, then close", r)
    R.note("%d pipelined requests on one connection: %d answered, then %s"
           % (n + 1, got, "close" if r.closed else "silence"))
    # keep-alive: a second request on the same connection
    c = http.client.HTTPConnection("127.0.0.1", port, timeout=HTTP_TIMEOUT)
    try:
        c.request("GET", "/api/v1/buddy")
        r1 = c.getresponse()
        r1.read()
        conn_hdr = r1.getheader("Connection", "")
        try:
            c.request("GET", "/healthz")
            r2 = c.getresponse()
            r2.read()
            second = r2.status
        except (OSError, http.client.HTTPException) as e:
            second = type(e).__name__
    finally:
        c.close()
    R.ok(conn_hdr.lower() != "close", "HTTP/1.1 keep-alive: no 'Connection: close' on a "
         "plain GET", "keep-alive", "Connection: %s" % conn_hdr)
    R.note("keep-alive: first response 'Connection: %s', second request on the same "
           "connection -> %s" % (conn_hdr, second))
    R.ok(d.alive(), "daemon alive after the request matrix", "running", d.proc.poll())


# ------------------------------------------------------------------------------------------
# 3. slowloris

class Loris:
    """Holds idle connections open like a slowloris attacker: a partial request, then one more
    header line every `every` seconds so the idle timeout never fires, and a new connection
    for every one the server closes."""

    HEAD = b"GET /api/v1/buddy HTTP/1.1\r\nHost: 127.0.0.1\r\n"

    def __init__(self, port, n, every=5.0, reconnect=True):
        self.port, self.n, self.every, self.reconnect = port, n, every, reconnect
        self.socks = []
        self.connect_failures = 0
        self.reconnects = 0
        self.stop_ev = threading.Event()
        self.lock = threading.Lock()
        self.thread = None

    def _connect(self, k):
        """k non-blocking connects; returns the sockets connected within 3 s, with the partial
        request sent (the others are in a full SYN queue: counted as refused)."""
        socks = []
        for _ in range(k):
            s = socket.socket(socket.AF_INET, socket.SOCK_STREAM)
            s.setblocking(False)
            s.connect_ex(("127.0.0.1", self.port))
            socks.append(s)
        deadline = time.monotonic() + 3
        pending = list(socks)
        while pending and time.monotonic() < deadline and not self.stop_ev.is_set():
            _, w, _ = select.select([], pending, [], 0.2)
            for s in w:
                pending.remove(s)
        out = []
        for s in socks:
            if s in pending or s.getsockopt(socket.SOL_SOCKET, socket.SO_ERROR) != 0:
                self.connect_failures += 1
                s.close()
                continue
            try:
                s.send(self.HEAD)
                out.append(s)
            except OSError:
                s.close()
        return out

    def open(self):
        self.socks = self._connect(self.n)
        self.thread = threading.Thread(target=self._run, daemon=True)
        self.thread.start()

    @staticmethod
    def _closed(s):
        try:
            return s.recv(1, socket.MSG_PEEK | socket.MSG_DONTWAIT) == b""
        except BlockingIOError:
            return False
        except OSError:
            return True

    def _run(self):
        i = 0
        next_line = time.monotonic() + self.every
        while not self.stop_ev.wait(0.5):
            if self.reconnect:
                with self.lock:
                    dead = [s for s in self.socks if self._closed(s)]
                    for s in dead:
                        self.socks.remove(s)
                        s.close()
                if dead:
                    new = self._connect(len(dead))
                    self.reconnects += len(new)
                    with self.lock:
                        self.socks.extend(new)
            if time.monotonic() >= next_line:
                next_line += self.every
                i += 1
                with self.lock:
                    for s in self.socks:
                        try:
                            s.send(b"X-Slow-%d: %d\r\n" % (i, i))
                        except OSError:
                            pass

    def alive(self):
        """Connections the server has not closed."""
        with self.lock:
            return sum(1 for s in self.socks if not self._closed(s))

    def close(self):
        self.stop_ev.set()
        if self.thread:
            self.thread.join(10)
        for s in self.socks:
            s.close()
        self.socks = []


def wait_fds(d, target, timeout):
    """Waits for the daemon's fd count to reach target, with one legitimate request a second
    (libmicrohttpd at its connection limit notices closed peers only on new activity or at
    the idle timeout). Returns (count, seconds waited)."""
    t0 = time.monotonic()
    deadline = t0 + timeout
    last_poke = 0
    while time.monotonic() < deadline:
        n = d.fds()
        if n is not None and n <= target:
            return n, time.monotonic() - t0
        if time.monotonic() - last_poke >= 1:
            last_poke = time.monotonic()
            try:
                request(d.port, "/healthz", timeout=1)
            except (OSError, http.client.HTTPException):
                pass
        time.sleep(0.1)
    return d.fds(), time.monotonic() - t0


def served_again(d, what):
    """After an attack stops: seconds until a legitimate request succeeds again."""
    t0 = time.monotonic()
    while time.monotonic() - t0 < 2 * IDLE_TIMEOUT + 5:
        try:
            if request(d.port, "/api/v1/buddy", timeout=1)[0] == 200:
                break
        except (OSError, http.client.HTTPException):
            time.sleep(0.05)
    else:
        return None
    took = time.monotonic() - t0
    R.ok(took <= 2, "legitimate client served again within 2 s after %s" % what, "<= 2 s",
         "%.1f s" % took)
    return took


def check_slowloris(d, n_idle, bound, base_fds, rss0):
    port = d.port
    R.where = "slowloris %d" % n_idle
    lor = Loris(port, n_idle)
    lor.open()
    try:
        time.sleep(1)
        held = lor.alive()
        fds = d.fds()
        accepted = (fds or 0) - base_fds
        lat, fails = legit_latencies(port, 200, 25)
        p50, p99 = percentile(lat, 50), percentile(lat, 99)
        R.ok(not fails, "legitimate client: no failed request among 200", 0,
             "%d failed: %s" % (len(fails), sorted(set(fails))[:4]))
        R.ok(lat and p99 < bound, "legitimate client p99 under %.1f ms" % (bound * 1e3),
             "< %.1f ms" % (bound * 1e3), "%.1f ms" % (p99 * 1e3))
        R.ok(accepted <= CONN_LIMIT + 2, "connections accepted by the daemon within its limit",
             "<= %d" % CONN_LIMIT, accepted)
        R.ok(d.alive(), "daemon alive", "running", d.proc.poll())
        rss = d.rss()
        if rss is not None and rss0 is not None and not SANITIZED:
            R.ok(rss - rss0 < CONN_LIMIT * 64 * 1024 + (8 << 20),
                 "VmRSS with idle connections", "< +%d MiB" % (CONN_LIMIT * 64 // 1024 + 8),
                 "+%.1f MiB" % ((rss - rss0) / 2**20))
        R.note("%d idle connections opened, %d held open, %d accepted by the daemon (fds %d "
               "-> %s), %d not connected, %d re-opened after the server closed them; "
               "legitimate client: %d ok, %d failed, p50 %.1f ms, p99 %.1f ms"
               % (n_idle, held, accepted, base_fds, fds, lor.connect_failures, lor.reconnects,
                  len(lat), len(fails), p50 * 1e3, p99 * 1e3))
    finally:
        lor.close()
    took = served_again(d, "the attackers left")
    n, waited = wait_fds(d, base_fds, 2 * IDLE_TIMEOUT + 5)
    R.note("after the attackers left: legitimate client served again after %s s; fds back to "
           "%s after %.1f s" % ("%.1f" % took if took is not None else "never", n, waited))
    R.ok(n is not None and n <= base_fds, "fd count back to baseline after the attackers left",
         base_fds, n)


def check_flood(d, n, base_fds):
    R.where = "flood %d" % n
    lor = Loris(d.port, n, every=3600, reconnect=False)
    lor.open()
    try:
        time.sleep(1)
        fds = d.fds()
        R.ok(fds is not None and fds - base_fds <= CONN_LIMIT + 2,
             "daemon holds at most its connection limit", "<= %d" % (base_fds + CONN_LIMIT),
             fds)
        R.ok(d.alive(), "daemon alive during the flood", "running", d.proc.poll())
        R.note("%d connections attempted: %d connected (accepted or in the listen backlog), "
               "%d not connected; daemon fds %s (baseline %d)"
               % (n, len(lor.socks), lor.connect_failures, fds, base_fds))
    finally:
        lor.close()
    took = served_again(d, "the flood ended")
    # Connections the daemon accepted from the backlog after the client had gone are closed
    # at the latest by the idle timeout, counted from their (late) acceptance: allow for it.
    got, waited = wait_fds(d, base_fds, 4 * IDLE_TIMEOUT + 5)
    R.ok(got is not None and got <= base_fds, "fd count back to baseline", base_fds, got)
    R.note("after the flood: legitimate client served again after %s s; fds back to %s after "
           "%.1f s" % ("%.1f" % took if took is not None else "never", got, waited))
    lat, fails = legit_latencies(d.port, 20, 10)
    R.ok(not fails, "served normally after the flood", 0, fails[:3])


# ------------------------------------------------------------------------------------------

SANITIZED = False


def main():
    global SANITIZED
    opts = {"--tree": "local-6.18-x86_64", "--idle": "300", "--flood": "1000"}
    paths = daemonlib.parse_args(sys.argv[1:], opts, __doc__.split("\n\n")[1])
    if paths is None:
        return 2
    binary, fixtures = paths
    root = os.path.join(fixtures, opts["--tree"], "proc")
    SANITIZED = daemonlib.sanitized(binary)
    t0 = time.monotonic()
    with tempfile.TemporaryDirectory(prefix="procintro-hostile-") as work, \
            daemon(binary, root, work) as d:
        R.where = "start"
        if not R.ok(d.start(), "daemon starts", "listening", "did not start"):
            return R.finish()
        time.sleep(0.5)
        startup_lines = len(log_lines(d))
        base_fds = d.fds()
        rss0 = d.rss()
        R.where = "unloaded"
        lat, fails = legit_latencies(d.port, 200, 30)
        R.ok(not fails, "unloaded: 200 requests succeed", 0, fails[:3])
        p99_0 = percentile(lat, 99)
        bound = max(LATENCY_FLOOR, 5 * p99_0)
        R.note("unloaded legitimate client: p50 %.2f ms, p99 %.2f ms -> loaded bound "
               "%.1f ms; baseline fds %d, VmRSS %.1f MiB"
               % (percentile(lat, 50) * 1e3, p99_0 * 1e3, bound * 1e3, base_fds,
                  (rss0 or 0) / 2**20))
        check_matrix(d)
        check_slowloris(d, CONN_LIMIT - 56, bound, base_fds, rss0)
        check_slowloris(d, int(opts["--idle"]), bound, base_fds, rss0)
        check_flood(d, int(opts["--flood"]), base_fds)
        R.where = "end"
        R.ok(d.alive(), "daemon survived", "running", d.proc.poll())
        logs = log_lines(d)[startup_lines:]
        R.ok(len(logs) <= LOG_HANDFUL, "hostile traffic wrote at most %d log lines"
             % LOG_HANDFUL, "<= %d" % LOG_HANDFUL, "%d lines, e.g. %s" % (
                 len(logs), sorted(set(l[:100] for l in logs))[:4]))
        R.note("daemon stderr during the test: %d lines (%d distinct)"
               % (len(logs), len(set(logs))))
        rss1 = d.rss()
        R.note("VmRSS %.1f MiB at start, %.1f MiB at the end"
               % ((rss0 or 0) / 2**20, (rss1 or 0) / 2**20))
        d.stop()
        R.ok(d.proc.returncode == 0, "SIGTERM exits 0", 0, d.proc.returncode)
    print("hostile HTTP: %.0f s" % (time.monotonic() - t0))
    return R.finish()


if __name__ == "__main__":
    sys.exit(main())
