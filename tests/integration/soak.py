#!/usr/bin/env python3
"""Load and soak test: procintrod under mixed requests at the highest rate the machine allows.

Usage: soak.py PROCINTROD FIXTURES_DIR [--duration S] [--warmup S] [--tree NAME]
               [--threads N] [--connections N] [--no-wrk] [--rss-limit-kib K]
               [--report-every S] [--samples-out CSV]

The full soak (10 minutes, as the release checklist asks) is one command:

    python3 tests/integration/soak.py build/daemon/procintrod ../shared/fixtures --duration 600

CI runs a shortened one, --duration 120 --warmup 60 --rss-limit-kib 8192
(tests/integration/meson.build, suite soak, run by .ci/run). Resident memory climbs for about a minute
(allocator arenas, the history ring) and glibc's arenas then still move by a few MiB either
way now and then (5 MB transient buffers); over two minutes that noise hides a 1 MiB leak, so
the short run only catches gross leaks (and the ASan build's LeakSanitizer, at SIGTERM, any
unreachable block); the 10-minute run checks the 1 MiB bound.

The daemon serves a fixture tree (default local-6.18-x86_64, read in place) and samples every
100 ms (--interval 0.1; pagetypeinfo every 1 s and iomem/kallsyms every 10 s, so the slow
sources are re-parsed many times too; --history 30, so the history ring is full before the
warm-up ends: its memory grows by design until then -- 6.6 MB for the default 1 h at 0.1 s).

Load, for --duration seconds:
  - wrk (Debian package `wrk`, when installed; --no-wrk skips it): --connections connections
    cycling through a weighted mix of legitimate requests (every JSON document, lookups,
    history, /proc/NAME renderings, the dashboard, HEAD, POST symbolize, and, rarely, the
    5 MB /proc/kallsyms and capture.tar), all of which must answer 2xx;
  - --threads Python clients (default 2), a new connection per request, the same mix plus
    requests with an expected error status (404, 405, 400, 413), each status checked, JSON
    bodies parsed.
Every second the daemon's VmRSS and open descriptors are recorded.

Fails on: any legitimate request failing (wrk non-2xx, socket errors or timeouts; a Python
client's wrong status or body), the daemon dying, resident memory growing by 1 MiB or more
between the end of the warm-up and the end (the lower quartile of a window at each end, so
transient buffers and the allocator's occasional trims do not count; not checked for
sanitizer builds), descriptors not back to
their baseline once the load stops or their floor growing, more than 5 log lines after
startup, or the sampler falling behind (< 80 % of the expected samples).
Prints a summary and "N passed, N failed".
"""
import http.client
import json
import os
import random
import re
import shutil
import subprocess
import sys
import tempfile
import threading
import time

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
import daemonlib  # noqa: E402 - the shared scaffolding, next to this script

INTERVAL = 0.1
RSS_GROWTH_LIMIT = 1 << 20
LOG_LIMIT = 5


R = daemonlib.Checks(where=None, limit=600, echo_passes=True)


def request(port, method, path, body=None, timeout=5):
    status, headers, data = daemonlib.http_get(
        port, path, method, body, {"Content-Type": "text/plain"} if body is not None else {},
        timeout)
    return status, headers.get("content-type", ""), data


def request_mix(fixture):
    """[(weight, method, path, body, expected status)] -- legitimate ones expect 200."""
    addrs, names = [], []
    with open(os.path.join(fixture, "kallsyms")) as f:
        for i, line in enumerate(f):
            if i % 9973 == 0:
                a, _, n = line.split()[:3]
                addrs.append("0x" + a)
                names.append(n)
    legit = [
        (20, "GET", "/healthz"), (20, "GET", "/api/v1/cpu"), (20, "GET", "/api/v1/buddy"),
        (10, "GET", "/api/v1/pagetype"), (10, "GET", "/api/v1/zones"),
        (5, "GET", "/api/v1/iomem"), (5, "GET", "/api/v1/kallsyms"),
        (10, "GET", "/api/v1/snapshot"), (3, "GET", "/api/v1/history"),
        (3, "GET", "/api/v1/history?series=cpu.busy,cpu.load1"),
        (5, "GET", "/proc/stat"), (5, "GET", "/proc/buddyinfo"), (3, "GET", "/proc/zoneinfo"),
        (3, "GET", "/proc/pagetypeinfo"), (3, "GET", "/proc/iomem"), (3, "GET", "/proc/loadavg"),
        (2, "GET", "/proc/pressure/cpu"), (2, "GET", "/"),
    ]
    mix = [(w, m, p, None, 200) for w, m, p in legit]
    for a in addrs:
        mix.append((2, "GET", "/api/v1/kallsyms/lookup?addr=" + a, None, 200))
    for n in names:
        mix.append((1, "GET", "/api/v1/kallsyms/lookup?name=" + n, None, 200))
    body = "\n".join("%s some text around" % a for a in addrs)
    mix.append((3, "POST", "/api/v1/kallsyms/symbolize", body, 200))
    heavy = [(1, "GET", "/proc/kallsyms", None, 200), (1, "GET", "/api/v1/capture.tar", None, 200)]
    errors = [(4, "GET", "/nope", None, 404), (2, "PUT", "/api/v1/buddy", None, 405),
              (2, "GET", "/api/v1/kallsyms/lookup?addr=zz", None, 400),
              (2, "GET", "/api/v1/kallsyms/lookup?name=no_such_symbol_x", None, 404),
              (2, "GET", "/proc/../etc/passwd", None, 404),
              (1, "GET", "/api/v1/kallsyms/symbolize", None, 405),
              # wrk's parser does not know HEAD responses have no body: Python clients only
              (5, "HEAD", "/api/v1/buddy", None, 200)]
    return mix, heavy, errors


def expand(entries):
    out = []
    for w, m, p, b, s in entries:
        out.extend([(m, p, b, s)] * w)
    return out


WRK_LUA = r"""
local reqs = {}
local specs = %(specs)s
init = function(args)
  for i, s in ipairs(specs) do
    local headers = nil
    if s[3] ~= nil then headers = {["Content-Type"] = "text/plain"} end
    reqs[i] = wrk.format(s[1], s[2], headers, s[3])
  end
end
local n = 0
request = function()
  n = n %% #reqs + 1
  return reqs[n]
end
done = function(summary, latency, requests)
  io.write(string.format('WRK_JSON {"requests": %%d, "duration_us": %%d, "connect": %%d, ' ..
    '"read": %%d, "write": %%d, "status": %%d, "timeout": %%d, "p50_us": %%d, "p99_us": %%d, ' ..
    '"max_us": %%d}\n', summary.requests, summary.duration, summary.errors.connect,
    summary.errors.read, summary.errors.write, summary.errors.status, summary.errors.timeout,
    latency:percentile(50), latency:percentile(99), latency.max))
end
"""


def lua_str(s):
    return "[==[" + s + "]==]"


def write_lua(path, entries, rnd):
    seq = expand(entries)
    rnd.shuffle(seq)
    specs = "{" + ",\n".join("{%s, %s, %s}" % (lua_str(m), lua_str(p),
                                               lua_str(b) if b is not None else "nil")
                             for m, p, b, s in seq) + "}"
    with open(path, "w") as f:
        f.write(WRK_LUA % {"specs": specs})


class PyClient(threading.Thread):
    def __init__(self, port, seq, until, seed):
        super().__init__(daemon=True)
        self.port, self.seq, self.until = port, seq, until
        self.rnd = random.Random(seed)
        self.count = 0
        self.legit = 0
        self.fails = []
        self.nfails = 0

    def run(self):
        while time.monotonic() < self.until:
            m, p, b, want = self.rnd.choice(self.seq)
            try:
                status, ctype, body = request(self.port, m, p, b)
                good = status == want
                if good and m != "HEAD" and ctype.startswith("application/json") and \
                        self.count % 10 == 0:
                    doc = json.loads(body)
                    good = isinstance(doc, dict) and (want == 200 or (
                        doc.get("error", {}).get("status") == want))
                why = "status %s" % status
            except (OSError, http.client.HTTPException, ValueError) as e:
                good, why = False, "%s: %s" % (type(e).__name__, e)
            self.count += 1
            self.legit += want == 200
            if not good:
                self.nfails += 1
                if len(self.fails) < 10:
                    self.fails.append("%s %s -> %s (want %d)" % (m, p[:60], why, want))


def window_min(samples, t0, t1, idx):
    v = [s[idx] for s in samples if t0 <= s[0] <= t1 and s[idx] is not None]
    return min(v) if v else None


def window_quartile(samples, t0, t1, idx):
    """Lower quartile of a window: transient 5 MB buffers (kallsyms re-parsed, /proc/kallsyms,
    capture.tar) lift single samples, the allocator's occasional trims drop single samples;
    a leak lifts the whole distribution."""
    v = sorted(s[idx] for s in samples if t0 <= s[0] <= t1 and s[idx] is not None)
    return v[(len(v) - 1) // 4] if v else None


def main():
    args = sys.argv[1:]
    opts = {"--duration": "600", "--warmup": "60", "--tree": "local-6.18-x86_64",
            "--threads": "2", "--connections": "8", "--report-every": "60",
            "--samples-out": "", "--rss-limit-kib": str(RSS_GROWTH_LIMIT // 1024)}
    use_wrk = "--no-wrk" not in args
    args = [a for a in args if a != "--no-wrk"]
    paths = daemonlib.parse_args(args, opts, __doc__.split("\n\n")[1])
    if paths is None:
        return 2
    binary, fixtures = paths
    fixture = os.path.join(fixtures, opts["--tree"], "proc")
    duration, warmup = float(opts["--duration"]), float(opts["--warmup"])
    if warmup >= duration * 0.75:
        warmup = duration / 3
    check_rss = not daemonlib.sanitized(binary)
    wrk = shutil.which("wrk") if use_wrk else None
    work = tempfile.mkdtemp(prefix="procintro-soak-")
    d = daemonlib.Daemon(
        binary, fixture, ["--interval", str(INTERVAL), "--pagetypeinfo-interval", "1",
                          "--slow-interval", "10", "--history", "30", "--page-size", "4096",
                          "--clock-ticks", "100"],
        logpath=os.path.join(work, "stderr"), attempts=1)
    try:
        if not R.ok(d.start(), "daemon starts", "listening", d.log_bytes()[-1000:]):
            return finish(1)
        port, pid, proc, logpath = d.port, d.pid, d.proc, d.logpath
        mix, heavy, errors = request_mix(fixture)
        # preflight: every request of the mix answers as expected before the load starts
        bad = []
        for m, p, b, want in set((m, p, b, s) for w, m, p, b, s in mix + heavy + errors):
            st = request(port, m, p, b, timeout=10)[0]
            if st != want:
                bad.append("%s %s -> %d (want %d)" % (m, p, st, want))
        if not R.ok(not bad, "preflight: every request of the mix answers as expected", [], bad):
            return finish(1)
        time.sleep(1)
        startup_lines = len(open(logpath, "rb").read().splitlines())
        fds0 = daemonlib.fd_count(pid)
        samples0 = json.loads(request(port, "GET", "/healthz")[2])["sample"]
        t_start = time.monotonic()
        until = t_start + duration
        rnd = random.Random(1)
        wrk_proc = None
        if wrk:
            lua = os.path.join(work, "mix.lua")
            write_lua(lua, mix + heavy, rnd)  # wrk: legitimate requests only
            wrk_proc = subprocess.Popen(
                [wrk, "-t1", "-c%s" % opts["--connections"], "-d%ds" % int(duration),
                 "--timeout", "5s", "-s", lua, "http://127.0.0.1:%d" % port],
                stdout=subprocess.PIPE, stderr=subprocess.STDOUT)
        seq = expand(mix + errors) + expand(heavy) * 0  # Python: no 5 MB bodies
        clients = [PyClient(port, seq, until, i) for i in range(int(opts["--threads"]))]
        for c in clients:
            c.start()
        samples = []  # (t, rss, fds)
        next_t = t_start
        died = None
        while time.monotonic() < until:
            next_t += 1
            time.sleep(max(0, next_t - time.monotonic()))
            t = time.monotonic() - t_start
            rss = daemonlib.pid_status_kib(pid, "VmRSS")
            samples.append((t, rss * 1024 if rss is not None else None, daemonlib.fd_count(pid)))
            if proc.poll() is not None:
                died = proc.returncode
                break
            if int(t) % int(opts["--report-every"]) == 0:
                print("  t=%4.0fs VmRSS %.2f MiB fds %s requests %d" % (
                    t, (samples[-1][1] or 0) / 2**20, samples[-1][2],
                    sum(c.count for c in clients)), flush=True)
        for c in clients:
            c.join(15)
        if opts["--samples-out"]:
            with open(opts["--samples-out"], "w") as f:
                f.write("t,rss_bytes,fds\n")
                f.writelines("%.1f,%s,%s\n" % s for s in samples)
        wrk_out, wrk_res = "", None
        if wrk_proc:
            try:
                wrk_out = wrk_proc.communicate(timeout=30)[0].decode("utf-8", "replace")
            except subprocess.TimeoutExpired:
                wrk_proc.kill()
                wrk_out = wrk_proc.communicate()[0].decode("utf-8", "replace")
            m = re.search(r"WRK_JSON (\{.*\})", wrk_out)
            wrk_res = json.loads(m.group(1)) if m else None
        elapsed = time.monotonic() - t_start
        R.ok(died is None and proc.poll() is None, "daemon alive through the soak", "running",
             "exited %s" % died)
        # legitimate requests
        py_n = sum(c.count for c in clients)
        py_fail = sum(c.nfails for c in clients)
        R.ok(py_fail == 0, "Python clients: every request answered as expected", 0,
             "%d failed, e.g. %s" % (py_fail, [f for c in clients for f in c.fails][:5]))
        wrk_n = 0
        if wrk_proc:
            if R.ok(wrk_res is not None, "wrk finished with a summary", "WRK_JSON", wrk_out):
                wrk_n = wrk_res["requests"]
                errs = {k: wrk_res[k] for k in ("connect", "read", "write", "status", "timeout")}
                R.ok(not any(errs.values()), "wrk: no failed legitimate request", "all 0", errs)
        # memory and descriptors
        end = samples[-1][0] if samples else 0
        win = max(5.0, min(60.0, (end - warmup) / 3))
        rss_w = window_quartile(samples, warmup, warmup + win, 1)
        rss_e = window_quartile(samples, end - win, end, 1)
        rss_max = max((s[1] for s in samples if s[1]), default=0)
        growth = (rss_e - rss_w) if rss_w is not None and rss_e is not None else None
        if check_rss:
            limit = int(opts["--rss-limit-kib"])
            R.ok(growth is not None and growth < limit * 1024,
                 "VmRSS growth after warm-up < %d KiB (lower quartiles of a window at each end)"
                 % limit, "< %d KiB" % limit,
                 "%+d KiB (%s -> %s)" % ((growth or 0) // 1024, rss_w, rss_e))
        fd_w = window_min(samples, warmup, warmup + win, 2)
        fd_e = window_min(samples, end - win, end, 2)
        # connections in flight add a few descriptors at any instant: the floor may move by
        # that much; leaked ones would show after the load (next check)
        R.ok(fd_w is not None and fd_e is not None and fd_e <= fd_w + 4,
             "descriptor floor flat under load (+4 for connections in flight)",
             "<= %s" % ((fd_w or 0) + 4), fd_e)
        t_fd = time.monotonic()
        while time.monotonic() - t_fd < 20 and (daemonlib.fd_count(pid) or 0) > fds0:
            time.sleep(0.1)
        fds1 = daemonlib.fd_count(pid)
        R.ok(fds1 is not None and fds1 <= fds0, "descriptors back to baseline after the load",
             fds0, fds1)
        # sampler kept pace, sources healthy
        h = json.loads(request(port, "GET", "/healthz")[2])
        taken = h["sample"] - samples0
        expected = elapsed / INTERVAL
        R.ok(taken >= 0.8 * expected, "sampler kept its 100 ms pace under load",
             ">= %d samples" % (0.8 * expected), taken)
        bad_src = {k: v["error"] for k, v in h["sources"].items()
                   if os.path.isfile(os.path.join(fixture, k)) and not v["ok"]}
        R.ok(not bad_src, "every fixture source healthy at the end", {}, bad_src)
        # logs
        lines = open(logpath, "rb").read().decode("utf-8", "replace").splitlines()
        new = lines[startup_lines:]
        R.ok(len(new) <= LOG_LIMIT, "at most %d log lines during the soak" % LOG_LIMIT,
             "<= %d" % LOG_LIMIT, "%d: %s" % (len(new), sorted(set(new))[:5]))
        rc = d.sigterm_exit(5)
        R.ok(rc == 0, "SIGTERM exits 0", 0, rc)
        total = py_n + wrk_n
        print()
        print("soak summary (%s, %.0f s, warm-up %.0f s, sampling every %g s):"
              % (opts["--tree"], elapsed, warmup, INTERVAL))
        print("  requests: %d total, %.0f/s (wrk %d%s; python %d incl. %d expected errors)"
              % (total, total / max(elapsed, 1e-9), wrk_n,
                 "" if not wrk_res else ", p50 %.2f ms, p99 %.2f ms, max %.1f ms" % (
                     wrk_res["p50_us"] / 1e3, wrk_res["p99_us"] / 1e3, wrk_res["max_us"] / 1e3),
                 py_n, py_n - sum(c.legit for c in clients)))
        print("  VmRSS: %.2f MiB at start, %.2f MiB after warm-up, %.2f MiB at the end (%+.0f "
              "KiB; lower quartiles of %.0f s windows), peak %.2f MiB%s"
              % ((samples[0][1] or 0) / 2**20 if samples else 0, (rss_w or 0) / 2**20,
                 (rss_e or 0) / 2**20, (growth or 0) / 1024, win, rss_max / 2**20,
                 "" if check_rss else " (sanitizer build: not checked)"))
        print("  fds: %s before, floor %s after warm-up, floor %s at the end, %s after the load"
              % (fds0, fd_w, fd_e, fds1))
        print("  samples taken: %d (expected %.0f); log lines during the soak: %d"
              % (taken, expected, len(new)))
        return finish(0)
    finally:
        d.kill()
        shutil.rmtree(work, ignore_errors=True)


def finish(_):
    return R.finish()


if __name__ == "__main__":
    sys.exit(main())
