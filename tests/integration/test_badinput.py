#!/usr/bin/env python3
"""Integration test: procintrod fed bad procfs input, one case at a time.

Usage: test_badinput.py PROCINTROD FIXTURES_DIR [--tree NAME]

A fixture tree (default local-6.18-x86_64) is copied into a temporary directory and the daemon
is started on it with --interval 0.2 (pagetypeinfo every 0.2 s, iomem/kallsyms every 1 s, so
every source is re-read quickly). Each case then replaces one file -- atomically, with
rename(2) or renameat2(RENAME_EXCHANGE), so the daemon never sees a half-made state -- and
checks:

  - /healthz: that source ok=false, stale=true, with a precise error (regex per case);
    status "degraded"; every other source that was ok is still ok;
  - the endpoint of that source: 200 with "stale": true, the same error and the OLD
    sampled_at (the last good read, before the mutation), which stays frozen while the
    failure lasts; /api/v1/snapshot marks that section stale; other documents stay fresh;
  - stale data is never presented as fresh anywhere else either: /proc/NAME (text) must carry
    a staleness signal, and documents that embed the source (loadavg/pressure in
    /api/v1/cpu, buddyinfo in /api/v1/zones) must mark it stale or leave it out;
  - the daemon's stderr: exactly one line for the failure (naming the source and the error)
    and none on the following samples (no log spam); exactly one "readable again" on recovery;
  - memory: VmRSS stays under baseline + the 64 MiB read cap + slack at every poll (and under
    64 MiB once the case is over); skipped for sanitizer builds (ASan keeps freed memory);
  - recovery: the original file restored, the source is ok, fresh and no longer stale.

Separate daemons cover a procfs root that is missing at start, appears, disappears, is
renamed away and is re-created, and (when run as root with setpriv) a file the daemon has no
permission to read (daemon run as nobody, file chmod 000).

Loopback only; every wait is bounded. Prints the matrix of cases and "N passed, N failed";
exits 1 if any check failed.
"""
import ctypes
import http.client
import json
import os
import random
import re
import shutil
import subprocess
import sys
import tempfile
import time

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
import daemonlib  # noqa: E402 - the shared scaffolding, next to this script

INTERVAL = 0.2
DAEMON_ARGS = ["--interval", str(INTERVAL), "--pagetypeinfo-interval", str(INTERVAL),
               "--slow-interval", "1", "--page-size", "4096", "--clock-ticks", "100",
               "--history", "60"]
READ_CAP = 64 << 20
RSS_SLACK = 16 << 20
RSS_LIMIT = 64 << 20  # resident memory between cases, whatever was thrown at the daemon
FAIL_WAIT = 6.0      # a failure must show in /healthz within this (slow sources: 1 s period)
QUIET = 1.2          # >= 5 fast samples: no further log lines may appear
HTTP_TIMEOUT = 5
LOG_RE = re.compile(r"^<(\d)>procintrod: (.*)$")

# endpoint whose document is stamped by the source
DOC_OF = {
    "stat": "/api/v1/cpu", "buddyinfo": "/api/v1/buddy", "pagetypeinfo": "/api/v1/pagetype",
    "zoneinfo": "/api/v1/zones", "iomem": "/api/v1/iomem", "kallsyms": "/api/v1/kallsyms",
}
SNAP_KEY = {"stat": "cpu", "buddyinfo": "buddy", "pagetypeinfo": "pagetype",
            "zoneinfo": "zones", "iomem": "iomem", "kallsyms": "kallsyms"}
PROC_SERVED = {"stat", "buddyinfo", "pagetypeinfo", "iomem", "kallsyms", "zoneinfo", "loadavg",
               "pressure/cpu", "pressure/memory", "pressure/io", "schedstat"}


# ------------------------------------------------------------------------------------------
# results

class Results(daemonlib.Checks):
    """Checks grouped by case (begin/end): the matrix printed at the end."""

    def __init__(self):
        super().__init__(limit=300)
        self.matrix = []  # (case, passed, failed, summary)
        self.notes = []

    def end(self, summary):
        cp, cf = self.group_counts()
        self.matrix.append((self.where, cp, cf, summary))
        print("%-44s %3d passed %3d failed  %s" % (self.where, cp, cf, summary), flush=True)
        self.where = "-"


R = Results()


# ------------------------------------------------------------------------------------------
# daemon and HTTP

def sanitized(binary):
    return daemonlib.sanitized(binary, daemonlib.SANITIZER_MARKERS + (b"__msan_init",))


class Daemon(daemonlib.Daemon):
    def __init__(self, binary, root, workdir, name, extra=(), prefix=()):
        super().__init__(binary, root, DAEMON_ARGS + list(extra), prefix=prefix,
                         logpath=os.path.join(workdir, name + ".stderr"))

    def lines(self):
        """stderr as (level, message) for lines of the daemon's own logger, raw otherwise."""
        out = []
        for line in self.log_text().splitlines():
            m = LOG_RE.match(line)
            out.append((int(m.group(1)), m.group(2)) if m else (None, line))
        return out


def get(port, path, method="GET"):
    return daemonlib.http_get(port, path, method, timeout=HTTP_TIMEOUT)


def get_json(port, path):
    try:
        status, headers, body = get(port, path)
        return status, headers, json.loads(body)
    except (OSError, ValueError, http.client.HTTPException) as e:
        return None, {}, "%s: %s" % (type(e).__name__, e)


def healthz(port):
    status, _, doc = get_json(port, "/healthz")
    return doc if status == 200 and isinstance(doc, dict) else None


wait_for = daemonlib.wait_for


def any_stale(doc):
    """True if some object in doc has "stale": true."""
    if isinstance(doc, dict):
        return doc.get("stale") is True or any(any_stale(v) for v in doc.values())
    if isinstance(doc, list):
        return any(any_stale(v) for v in doc)
    return False


# ------------------------------------------------------------------------------------------
# atomic file replacement

_libc = ctypes.CDLL(None, use_errno=True)
AT_FDCWD = -100
RENAME_EXCHANGE = 2


def exchange(a, b):
    f = getattr(_libc, "renameat2", None)
    if f is None:
        return False
    r = f(AT_FDCWD, a.encode(), AT_FDCWD, b.encode(), RENAME_EXCHANGE)
    return r == 0


_tmpn = [0]


def tmpname(path):
    _tmpn[0] += 1
    return os.path.join(os.path.dirname(path), ".badinput-tmp-%d" % _tmpn[0])


def remove_any(p):
    if os.path.isdir(p) and not os.path.islink(p):
        shutil.rmtree(p)
    elif os.path.lexists(p):
        os.unlink(p)


def install(path, make):
    """Builds the new object at a temporary name next to path with make(tmp), then puts it in
    place in one step; make=None removes path. Returns True when that was atomic."""
    if make is None:
        remove_any(path)
        return True
    tmp = tmpname(path)
    make(tmp)
    is_dir = os.path.isdir(tmp) and not os.path.islink(tmp)
    cur_dir = os.path.isdir(path) and not os.path.islink(path)
    if os.path.lexists(path) and (is_dir or cur_dir):
        if exchange(tmp, path):
            remove_any(tmp)
            return True
        remove_any(path)
        os.rename(tmp, path)
        return False
    os.rename(tmp, path)
    return True


def write_bytes(data):
    def make(tmp):
        with open(tmp, "wb") as f:
            f.write(data)
    return make


def make_sparse(size):
    def make(tmp):
        with open(tmp, "wb") as f:
            f.truncate(size)
    return make


def make_symlink(target):
    return lambda tmp: os.symlink(target, tmp)


def make_fifo(tmp):
    os.mkfifo(tmp)


def make_dir(tmp):
    os.mkdir(tmp)


# ------------------------------------------------------------------------------------------
# one bad-input case

class Ctx:
    def __init__(self, d, root, orig, baseline_rss, check_mem):
        self.d, self.root, self.orig = d, root, orig
        self.baseline_rss, self.check_mem = baseline_rss, check_mem
        self.max_rss = self.pre_rss = baseline_rss or 0


def rss_bound(ctx):
    """While a case runs: what the daemon held before it, plus one buffer of the read cap."""
    return ctx.pre_rss + READ_CAP + RSS_SLACK


def poll_rss(ctx):
    v = ctx.d.rss()
    if v is not None:
        ctx.max_rss = max(ctx.max_rss, v)
    return v


def new_lines(d, mark):
    return d.lines()[mark:]


def fmt_lines(ls):
    return ["<%s>%s" % (lv, m) for lv, m in ls]


def check_case(ctx, name, src, make, err_re, fresh_doc="/api/v1/cpu", extra=None,
               may_accept=False):
    """Replaces ctx.root/src using make(tmp), checks the failure, restores, checks recovery.
    may_accept: the input is well-formed, only implausible; the daemon may serve it (then
    only memory and liveness are checked) or reject it (then everything is)."""
    d, port = ctx.d, ctx.d.port
    path = os.path.join(ctx.root, src)
    R.begin(name)
    summary = "?"
    h0 = wait_for(lambda: (lambda h: h if h and h["sources"][src]["ok"] else None)(
        healthz(port)), FAIL_WAIT)
    if not R.ok(h0 is not None, "%s ok before the case" % src, "ok", "not ok"):
        R.end("SKIPPED: source not ok before")
        return
    ok_before = {s for s, v in h0["sources"].items() if v.get("ok")}
    ctx.pre_rss = ctx.max_rss = d.rss() or 0
    sa0 = h0["sources"][src]["sampled_at"]
    mark = len(d.lines())
    atomic = install(path, make)
    t_mut = time.time()  # the swap is done: every read from now on sees the bad input

    def failing():
        poll_rss(ctx)
        h = healthz(port)
        return h if h and not h["sources"][src]["ok"] else None

    h = wait_for(failing, 1.5 if may_accept else FAIL_WAIT)
    if h is None and may_accept:
        status, _, doc = get_json(port, DOC_OF.get(src, "/api/v1/cpu"))
        R.ok(status == 200 and isinstance(doc, dict) and "stale" not in doc
             and doc.get("sampled_at", 0) > t_mut, "accepted: served fresh", "200 fresh",
             (status, doc if not isinstance(doc, dict) else doc.get("sampled_at")))
        summary = "accepted (well-formed)"
    elif not R.ok(h is not None,
                  "%s reported failing in /healthz within %.0f s" % (src, FAIL_WAIT),
                  "ok=false", "still ok=true (the bad input was accepted)"):
        summary = "ACCEPTED (bad input served as good data)"
    else:
        x = h["sources"][src]
        err = x.get("error")
        summary = "error %r" % err
        R.ok(isinstance(err, str) and re.search(err_re, err) is not None,
             "/healthz sources.%s.error is precise" % src, "/%s/" % err_re, err)
        R.ok(h.get("status") == "degraded", "/healthz status", "degraded", h.get("status"))
        R.ok(x.get("stale") is True, "/healthz sources.%s.stale" % src, True, x.get("stale"))
        sa = x.get("sampled_at")
        R.ok(isinstance(sa, (int, float)) and sa0 <= sa <= t_mut + 0.001,
             "/healthz sources.%s.sampled_at is the last good read (before the mutation)" % src,
             "%.3f <= x <= %.3f" % (sa0, t_mut), sa)
        others = sorted(s for s in ok_before if s != src and not h["sources"][s]["ok"])
        R.ok(not others, "every other source still ok", "none failing", others)
        R.ok(isinstance(x.get("failures"), int) and x["failures"] >= 1,
             "/healthz sources.%s.failures counts" % src, ">= 1", x.get("failures"))
        # let a few more samples happen: data stays frozen, nothing is logged again
        t_q = time.monotonic()
        while time.monotonic() - t_q < QUIET:
            poll_rss(ctx)
            time.sleep(0.05)
        h2 = healthz(port)
        x2 = h2["sources"][src] if h2 else {}
        R.ok(x2.get("ok") is False and x2.get("sampled_at") == sa,
             "sampled_at frozen while failing", sa, x2.get("sampled_at"))
        retries = 1 if src in ("iomem", "kallsyms") else 3  # read every 1 s, others 0.2 s
        R.ok(isinstance(x2.get("failures"), int) and isinstance(x.get("failures"), int)
             and x2["failures"] >= x["failures"] + retries, "failed reads keep being retried",
             ">= %s" % ((x.get("failures") or 0) + retries), x2.get("failures"))
        R.ok(x2.get("error") == err, "error stable across retries", err, x2.get("error"))
        if src in DOC_OF:
            status, _, doc = get_json(port, DOC_OF[src])
            R.ok(status == 200, "%s still served" % DOC_OF[src], 200, status)
            if isinstance(doc, dict):
                R.ok(doc.get("stale") is True, "%s stale" % DOC_OF[src], True, doc.get("stale"))
                R.ok(doc.get("sampled_at") == sa, "%s keeps the old sampled_at" % DOC_OF[src],
                     sa, doc.get("sampled_at"))
                R.ok(doc.get("error") == err, "%s error" % DOC_OF[src], err, doc.get("error"))
            status, _, snap = get_json(port, "/api/v1/snapshot")
            sec = snap.get(SNAP_KEY[src]) if isinstance(snap, dict) else None
            R.ok(isinstance(sec, dict) and sec.get("stale") is True,
                 "/api/v1/snapshot .%s stale" % SNAP_KEY[src], True,
                 sec.get("stale") if isinstance(sec, dict) else sec)
        if fresh_doc and DOC_OF.get(src) != fresh_doc:
            status, _, doc = get_json(port, fresh_doc)
            R.ok(status == 200 and isinstance(doc, dict) and "stale" not in doc
                 and doc.get("sampled_at", 0) > t_mut,
                 "%s (another source) still fresh" % fresh_doc, "200, not stale, new sampled_at",
                 (status, doc.get("stale") if isinstance(doc, dict) else doc,
                  doc.get("sampled_at") if isinstance(doc, dict) else None, t_mut))
        for fn in (extra if isinstance(extra, (list, tuple)) else [extra] if extra else []):
            fn(ctx, src, h, t_mut)
        logs = new_lines(d, mark)
        mine = [(lv, m) for lv, m in logs if m.startswith(src + ":")]
        if atomic:
            R.ok(len(mine) == 1, "exactly one log line for the failure", 1, fmt_lines(logs))
        else:
            R.ok(1 <= len(mine) <= 2, "one or two log lines (non-atomic swap)", "1..2",
                 fmt_lines(logs))
        R.ok(len(logs) == len(mine), "no other log lines", fmt_lines(mine), fmt_lines(logs))
        if mine:
            lv, m = mine[-1]
            R.ok(err in m and lv is not None and lv <= 4,
                 "log line names the error at warning level or above", "<=4 + %r" % err,
                 "<%s>%s" % (lv, m))
    if ctx.check_mem:
        bound = rss_bound(ctx)
        R.ok(ctx.max_rss < bound, "VmRSS bounded during the case",
             "< %.1f MiB" % (bound / 2**20), "%.1f MiB" % (ctx.max_rss / 2**20))
    # restore
    mark = len(d.lines())
    t_res = time.time()  # before the swap: a read after it starts after t_res
    atomic = install(path, write_bytes(ctx.orig[src]))

    def recovered():
        poll_rss(ctx)
        h = healthz(port)
        return h if h and h["sources"][src]["ok"] and \
            (h["sources"][src]["sampled_at"] or 0) >= t_res - 0.001 else None

    h = wait_for(recovered, FAIL_WAIT)
    if R.ok(h is not None, "%s recovers after the file is restored" % src, "ok=true",
            healthz(port)["sources"][src] if healthz(port) else None):
        x = h["sources"][src]
        R.ok(x.get("error") is None and "stale" not in x, "/healthz clean after recovery",
             "error null, no stale", x)
        if src in DOC_OF:
            status, _, doc = get_json(port, DOC_OF[src])
            R.ok(status == 200 and isinstance(doc, dict) and "stale" not in doc
                 and "error" not in doc and doc.get("sampled_at", 0) >= t_res - 0.001,
                 "%s fresh after recovery" % DOC_OF[src], "200, not stale, new sampled_at",
                 (status, doc if not isinstance(doc, dict) else
                  {k: doc.get(k) for k in ("stale", "error", "sampled_at")}))
        time.sleep(0.5)
        logs = new_lines(d, mark)
        again = [m for lv, m in logs if m.startswith(src + ":")]
        if summary.lower().startswith("accepted"):
            pass
        elif atomic:
            R.ok(again == ["%s: readable again" % src], "one 'readable again' line",
                 ["%s: readable again" % src], fmt_lines(logs))
    if ctx.check_mem:
        time.sleep(0.3)
        v = ctx.d.rss()
        R.ok(v is not None and v < RSS_LIMIT, "VmRSS back under %d MiB after the case"
             % (RSS_LIMIT >> 20), "< %d MiB" % (RSS_LIMIT >> 20), "%.1f MiB" % ((v or 0) / 2**20))
    R.ok(d.alive(), "daemon still running", "running", "exited %s" % d.proc.poll())
    R.end(summary + ("" if not ctx.check_mem else
                     ", max RSS %.1f MiB" % (ctx.max_rss / 2**20)))
    ctx.max_rss = ctx.d.rss() or 0


# ------------------------------------------------------------------------------------------
# case contents

def buddy_line(node, zone, counts):
    return "Node %d, zone %8s " % (node, zone) + "".join("%6d " % c for c in counts) + "\n"


def buddy_text(rnd, zones):
    return "".join(buddy_line(0, z, [rnd.randrange(0, 5000) for _ in range(11)])
                   for z in zones)


def parse_buddy(text):
    out = []
    for line in text.splitlines():
        head, _, rest = line.partition("zone")
        toks = rest.split()
        out.append((int(head.split()[1].rstrip(",")), toks[0], [int(t) for t in toks[1:]]))
    return out


def proc_marked(ctx, src, h, t_mut):
    """/proc/NAME re-renders the model: while the source fails, that is the last good data, and
    the response must say so (it has no JSON to carry "stale")."""
    try:
        status, hdrs, body = get(ctx.d.port, "/proc/" + src)
    except (OSError, http.client.HTTPException) as e:
        status, hdrs, body = str(e), {}, b""
    marked = status != 200 or "warning" in hdrs or any(
        "stale" in k or "stale" in v.lower() for k, v in hdrs.items())
    R.ok(marked, "/proc/%s does not present the last good data as fresh" % src,
         "a non-200 status, a Warning header or a header mentioning stale",
         "%s with headers %s" % (status, sorted(hdrs)))


def loadavg_marked(ctx, src, h, t_mut):
    status, _, cpu = get_json(ctx.d.port, "/api/v1/cpu")
    la = cpu.get("loadavg") if isinstance(cpu, dict) else None
    R.ok(la is None or (isinstance(la, dict) and la.get("stale") is True),
         "/api/v1/cpu .loadavg left out or marked stale", "absent or {stale: true, ...}", la)


def pressure_marked(ctx, src, h, t_mut):
    status, _, cpu = get_json(ctx.d.port, "/api/v1/cpu")
    p = (cpu.get("pressure") or {}).get("cpu") if isinstance(cpu, dict) else None
    R.ok(p is None or (isinstance(p, dict) and p.get("stale") is True),
         "/api/v1/cpu .pressure.cpu left out or marked stale", "absent or {stale: true, ...}", p)


def zones_marked(ctx, src, h, t_mut):
    status, _, z = get_json(ctx.d.port, "/api/v1/zones")
    uses_buddy = isinstance(z, dict) and any(
        "free_blocks" in zz for zz in z.get("zones", []) if isinstance(zz, dict))
    R.ok(isinstance(z, dict) and (any_stale(z) or not uses_buddy),
         "/api/v1/zones marks its buddyinfo-derived fields stale (or leaves them out)",
         "stale: true somewhere, or no free_blocks",
         "no stale marker, free_blocks from the stale buddyinfo served")


def cases(ctx):
    rnd = random.Random(20261121)
    o = ctx.orig
    b = o["buddyinfo"]
    lines = b.split(b"\n")
    mid2 = len(lines[0]) + 1 + len(lines[1]) // 2  # the middle of line 2
    garbage = bytes(rnd.randrange(256) for _ in range(8192))
    # (name, source, make, error regex, options)
    yield ("empty file", "buddyinfo", write_bytes(b""), r"^buddyinfo: empty", {})
    yield ("truncated mid-line (line 2)", "buddyinfo", write_bytes(b[:mid2]),
           r"^buddyinfo:2: ", {})
    yield ("binary garbage (8 KiB random)", "buddyinfo", write_bytes(garbage),
           r"^buddyinfo:\d+: ", {})
    yield ("NUL bytes only (4 KiB)", "buddyinfo", write_bytes(b"\0" * 4096),
           r"^buddyinfo:\d+: ", {})
    yield ("one 10 MiB line of junk", "buddyinfo", write_bytes(b"A" * (10 << 20) + b"\n"),
           r"^buddyinfo:1: ", {})
    yield ("one 10 MiB buddyinfo-shaped line", "buddyinfo",
           write_bytes(b"Node 0, zone   Normal" + b" 0" * (5 << 20) + b"\n"),
           r"^buddyinfo:1: .*orders", {})
    intr = b"intr %d" % (5 << 20) + b" 1" * (5 << 20)
    stat10 = b"\n".join(intr if ln.startswith(b"intr ") else ln
                        for ln in o["stat"].split(b"\n"))
    yield ("one 10 MiB well-formed stat intr line", "stat", write_bytes(stat10),
           r"^stat:\d+: ", {"fresh_doc": "/api/v1/buddy", "may_accept": True})
    yield ("200 MiB file (sparse)", "buddyinfo", make_sparse(200 << 20),
           r"larger than the read cap", {})
    yield ("64 MiB + 1 byte file (just over the cap)", "buddyinfo",
           make_sparse(READ_CAP + 1), r"larger than the read cap", {})
    # wrong file in the wrong place
    yield ("buddyinfo content in stat", "stat", write_bytes(o["buddyinfo"]), r"^stat:",
           {"fresh_doc": "/api/v1/buddy"})
    yield ("kallsyms content in stat", "stat", write_bytes(o["kallsyms"]), r"^stat:",
           {"fresh_doc": "/api/v1/buddy"})
    yield ("stat content in buddyinfo", "buddyinfo", write_bytes(o["stat"]),
           r"^buddyinfo:1: ", {"extra": zones_marked})
    yield ("zoneinfo content in pagetypeinfo", "pagetypeinfo", write_bytes(o["zoneinfo"]),
           r"^pagetypeinfo:\d+: ", {})
    yield ("pagetypeinfo content in zoneinfo", "zoneinfo", write_bytes(o["pagetypeinfo"]),
           r"^zoneinfo:\d+: ", {})
    yield ("kallsyms content in iomem", "iomem", write_bytes(o["kallsyms"][:65536]),
           r"^iomem:\d+: ", {})
    yield ("iomem content in kallsyms", "kallsyms", write_bytes(o["iomem"]),
           r"^kallsyms:\d+: ", {})
    yield ("pressure/cpu content in loadavg", "loadavg", write_bytes(o["pressure/cpu"]),
           r"^loadavg:1: ", {"extra": loadavg_marked})
    yield ("loadavg content in pressure/cpu", "pressure/cpu", write_bytes(o["loadavg"]),
           r"^pressure/cpu:1: ", {"extra": pressure_marked})
    # disappears / cannot be read / not a file
    yield ("file disappears (unlinked)", "buddyinfo", None, r"^No such file or directory$",
           {"extra": [proc_marked, zones_marked]})
    yield ("dangling symlink", "buddyinfo", make_symlink("/nonexistent/procintro-badinput"),
           r"^No such file or directory$", {})
    yield ("symlink loop", "buddyinfo", make_symlink("buddyinfo"),
           r"^Too many levels of symbolic links$", {})
    yield ("read() fails: symlink to /proc/self/mem (EIO)", "buddyinfo",
           make_symlink("/proc/self/mem"), r"^Input/output error$", {})
    yield ("directory in place of the file", "buddyinfo", make_dir, r"^Is a directory$", {})
    yield ("FIFO in place of the file (no writer)", "buddyinfo", make_fifo,
           r"(?i)regular file|fifo|not a file", {})
    yield ("character device (/dev/zero) via symlink", "buddyinfo", make_symlink("/dev/zero"),
           r"(?i)regular file|device|not a file", {})
    yield ("directory in place of stat", "stat", make_dir, r"^Is a directory$",
           {"fresh_doc": "/api/v1/buddy"})
    yield ("kallsyms disappears", "kallsyms", None, r"^No such file or directory$",
           {"extra": proc_marked})


def changes_between_reads(ctx, rounds=6):
    """Valid content rewritten between samples: the new values are served, nothing failed."""
    d, port = ctx.d, ctx.d.port
    R.begin("file changes between two reads (x%d)" % rounds)
    rnd = random.Random(7)
    path = os.path.join(ctx.root, "buddyinfo")
    zones = [z for _, z, _ in parse_buddy(ctx.orig["buddyinfo"].decode())]
    mark = len(d.lines())
    good = 0
    for i in range(rounds):
        text = buddy_text(rnd, zones)
        want = parse_buddy(text)
        t_w = time.time()
        install(path, write_bytes(text.encode()))

        def served():
            status, _, doc = get_json(port, "/api/v1/buddy")
            if status != 200 or not isinstance(doc, dict):
                return None
            got = [(z.get("node"), z.get("zone"), z.get("free_blocks")) for z in doc["zones"]]
            return doc if got == want else None

        doc = wait_for(served, 3)
        if R.ok(doc is not None, "round %d: new values served within 3 s" % i, want,
                get_json(port, "/api/v1/buddy")[2]):
            good += 1
            R.ok("stale" not in doc and doc["sampled_at"] >= t_w - 0.001,
                 "round %d: fresh sampled_at, not stale" % i, ">= %.3f" % t_w,
                 (doc.get("stale"), doc.get("sampled_at")))
            fp = [sum(n << k for k, n in enumerate(c)) for _, _, c in want]
            R.ok([z["free_pages"] for z in doc["zones"]] == fp,
                 "round %d: free_pages recomputed from the new counts" % i, fp,
                 [z.get("free_pages") for z in doc["zones"]])
            status, _, body = get(port, "/proc/buddyinfo")
            R.ok(body.decode() == text, "round %d: /proc/buddyinfo re-renders the new file" % i,
                 text, body.decode("utf-8", "replace"))
        h = healthz(port)
        R.ok(h and h["sources"]["buddyinfo"]["ok"], "round %d: buddyinfo ok" % i, True,
             h and h["sources"]["buddyinfo"])
        time.sleep(rnd.uniform(0.05, 0.35))
    # in-place rewrites (O_TRUNC then write, not atomic) for 2 s: whatever the daemon sees
    # in between, it survives and ends up with the final content
    t_end = time.monotonic() + 2
    n = 0
    while time.monotonic() < t_end:
        with open(path, "wb") as f:
            text = buddy_text(rnd, zones).encode()
            f.write(text[:len(text) // 2])
            f.flush()
            time.sleep(0.003)
            f.write(text[len(text) // 2:])
        n += 1
    install(path, write_bytes(ctx.orig["buddyinfo"]))
    h = wait_for(lambda: (lambda h: h if h and h["sources"]["buddyinfo"]["ok"] and
                          "stale" not in h["sources"]["buddyinfo"] else None)(healthz(port)), 3)
    R.ok(h is not None and d.alive(), "after %d torn in-place rewrites: alive and ok" % n, True,
         h and h["sources"]["buddyinfo"])
    # "ok" may still describe the last torn rewrite that happened to parse: wait for a read
    # of the restored file (several sampling periods, generous under the sanitizers).
    served = wait_for(lambda: (lambda b: b if b == ctx.orig["buddyinfo"] else None)(
        get(port, "/proc/buddyinfo")[2]), 10)
    body = served if served is not None else get(port, "/proc/buddyinfo")[2]
    R.ok(body == ctx.orig["buddyinfo"], "final content served", "the original file", body)
    logs = new_lines(d, mark)
    R.ok(len(logs) <= 2 * n, "log lines bounded by transitions", "<= %d" % (2 * n), len(logs))
    R.end("%d/%d rewrites served with their new values; %d torn rewrites survived"
          % (good, rounds, n))


def truncated_at_boundary_note(ctx):
    """Truncation exactly after a digit of the last line (no final newline) is well-formed
    text; the parsers accept a missing final newline, so this cannot be detected. Reported as
    a note, not a check."""
    port = ctx.d.port
    b = ctx.orig["buddyinfo"]
    cut = b.rstrip(b" \n")[:-1]  # "... 23" -> "... 2"
    path = os.path.join(ctx.root, "buddyinfo")
    install(path, write_bytes(cut))
    time.sleep(0.8)
    h = healthz(port)
    accepted = bool(h and h["sources"]["buddyinfo"]["ok"])
    install(path, write_bytes(b))
    wait_for(lambda: (lambda h: h and h["sources"]["buddyinfo"]["ok"] and
                      "stale" not in h["sources"]["buddyinfo"])(healthz(port)), 3)
    time.sleep(0.5)
    msg = ("truncated after a digit of the last line (no final newline): %s"
           % ("ACCEPTED as valid (undetectable while a missing final newline is allowed)"
              if accepted else "rejected"))
    R.notes.append(msg)
    print("NOTE " + msg, flush=True)


# ------------------------------------------------------------------------------------------
# separate daemons: missing root, permission denied

FIXTURE_SOURCES = ["stat", "buddyinfo", "pagetypeinfo", "zoneinfo", "iomem", "kallsyms",
                   "loadavg", "pressure/cpu", "pressure/memory", "pressure/io"]


def copy_tree(src, dst):
    shutil.copytree(src, dst, symlinks=True)
    for dirpath, dirnames, filenames in os.walk(dst):
        os.chmod(dirpath, 0o755)
        for f in filenames:
            os.chmod(os.path.join(dirpath, f), 0o644)


def missing_root(binary, fixture, work, check_mem):
    R.begin("missing procfs root")
    root = os.path.join(work, "no-such-root")
    present = [s for s in FIXTURE_SOURCES if os.path.isfile(os.path.join(fixture, s))]
    d = Daemon(binary, root, work, "missing-root")
    summary = []
    try:
        if not R.ok(d.start(), "daemon starts and serves without a procfs root", "listening",
                    d.log_bytes()[-1000:]):
            R.end("did not start")
            return
        h = healthz(d.port)
        R.ok(h is not None and h.get("status") == "degraded", "/healthz 200, degraded",
             "degraded", h and h.get("status"))
        for s in present:
            x = h["sources"].get(s, {}) if h else {}
            R.ok(x.get("ok") is False and x.get("error") == "No such file or directory"
                 and x.get("sampled_at") is None and x.get("stale") is False,
                 "/healthz %s: failing, never read" % s,
                 "ok false, No such file or directory, sampled_at null, stale false", x)
        for path in ["/api/v1/cpu", "/api/v1/buddy", "/api/v1/pagetype", "/api/v1/zones",
                     "/api/v1/iomem", "/api/v1/kallsyms", "/proc/stat", "/proc/buddyinfo"]:
            status, _, doc = get_json(d.port, path)
            msg = doc.get("error", {}).get("message", "") if isinstance(doc, dict) else ""
            R.ok(status == 503 and "No such file or directory" in msg,
                 "%s answers 503 with the reason" % path, "503 ...No such file or directory",
                 (status, doc))
        time.sleep(QUIET)
        logs = d.lines()
        rootl = [m for lv, m in logs if m.startswith("procfs root ")]
        R.ok(len(rootl) == 1 and root in rootl[0] and "No such file or directory" in rootl[0],
             "exactly one 'procfs root' error line", 1, fmt_lines(
                 [(lv, m) for lv, m in logs if m.startswith("procfs root ")]))
        per_src = [m for lv, m in logs if any(m.startswith(s + ":") for s in present)]
        R.ok(len(per_src) <= len(present), "at most one line per source", "<= %d" % len(present),
             len(per_src))
        mark = len(d.lines())
        time.sleep(QUIET)
        R.ok(len(d.lines()) == mark, "no repetition on later samples", 0,
             fmt_lines(d.lines()[mark:]))
        # the root appears
        staging = os.path.join(work, "staging-root")
        copy_tree(fixture, staging)
        t_app = time.time()
        os.rename(staging, root)

        def all_ok():
            h = healthz(d.port)
            return h if h and all(h["sources"][s]["ok"] for s in present) else None
        h = wait_for(all_ok, FAIL_WAIT)
        R.ok(h is not None, "every source recovers once the root appears", "all ok",
             healthz(d.port))
        summary.append("appears: %s" % ("recovered" if h else "NOT recovered"))
        if h:
            status, _, doc = get_json(d.port, "/api/v1/buddy")
            R.ok(status == 200 and "stale" not in doc and doc["sampled_at"] >= t_app - 0.001,
                 "/api/v1/buddy fresh", 200, (status, doc.get("stale")))
        # the root is renamed away: the daemon must not keep reading the old directory
        moved = os.path.join(work, "moved-root")
        os.rename(root, moved)
        t_mv = time.time()

        def buddy_failing():
            h = healthz(d.port)
            return h if h and not h["sources"]["buddyinfo"]["ok"] else None
        h = wait_for(buddy_failing, 2)
        R.ok(h is not None, "root renamed away: sources fail (not read from the moved tree)",
             "buddyinfo ok=false", "still ok=true: the daemon reads %s through its old "
             "directory fd and serves it as fresh data of %s" % (moved, root))
        summary.append("renamed away: %s" % ("fails" if h else "STILL SERVED AS FRESH"))
        t_rm = time.time()
        shutil.rmtree(moved)
        h = wait_for(buddy_failing, 3)
        R.ok(h is not None and h["sources"]["buddyinfo"]["error"] == "No such file or directory"
             and h["sources"]["buddyinfo"].get("stale") is True
             and h["sources"]["buddyinfo"]["sampled_at"] <= t_rm + 0.001,
             "root deleted: ENOENT, stale, last good sampled_at", "failing",
             h and h["sources"]["buddyinfo"])
        status, _, doc = get_json(d.port, "/api/v1/buddy")
        R.ok(status == 200 and isinstance(doc, dict) and doc.get("stale") is True,
             "/api/v1/buddy stale after the root is deleted", "stale", doc)
        # re-created at the same path
        copy_tree(fixture, staging)
        os.rename(staging, root)
        h = wait_for(all_ok, FAIL_WAIT)
        R.ok(h is not None, "root re-created at the same path: sources recover",
             "all ok", "still failing: the daemon keeps its fd on the deleted directory")
        summary.append("re-created: %s" % ("recovered" if h else "NOT recovered"))
        R.ok(d.alive(), "daemon still running", "running", d.proc.poll())
    finally:
        d.stop()
        R.end("; ".join(summary))


def permission_denied(binary, fixture, work, orig):
    """A file the daemon may not open. chmod 000 only stops a non-root reader: as root, the
    daemon runs as nobody through setpriv."""
    R.begin("cannot be read: permission denied (chmod 000)")
    prefix = []
    if os.geteuid() == 0:
        setpriv = shutil.which("setpriv")
        if not setpriv:
            R.notes.append("permission case skipped: root without setpriv")
            R.end("SKIPPED (root, no setpriv)")
            return
        prefix = [setpriv, "--reuid=65534", "--regid=65534", "--clear-groups", "--"]
        if subprocess.run(prefix + [binary, "--version"], stdout=subprocess.DEVNULL,
                          stderr=subprocess.DEVNULL).returncode != 0:
            R.notes.append("permission case skipped: nobody cannot run %s" % binary)
            R.end("SKIPPED (nobody cannot execute the binary)")
            return
    root = os.path.join(work, "perm-root")
    copy_tree(fixture, root)
    os.chmod(work, 0o755)
    d = Daemon(binary, root, work, "perm", prefix=prefix)
    summary = "?"
    try:
        if not R.ok(d.start(), "daemon starts", "listening",
                    d.log_bytes()[-1000:]):
            R.end("did not start")
            return
        h0 = healthz(d.port)
        sa0 = h0["sources"]["buddyinfo"]["sampled_at"]
        mark = len(d.lines())
        t = time.time()
        os.chmod(os.path.join(root, "buddyinfo"), 0)

        def failing():
            h = healthz(d.port)
            return h if h and not h["sources"]["buddyinfo"]["ok"] else None
        h = wait_for(failing, FAIL_WAIT)
        if R.ok(h is not None, "buddyinfo failing", "ok=false", "ok"):
            x = h["sources"]["buddyinfo"]
            summary = "error %r" % x["error"]
            R.ok(x["error"] == "Permission denied", "error", "Permission denied", x["error"])
            R.ok(x.get("stale") is True and sa0 <= x["sampled_at"] <= t + 0.001,
                 "stale, last good sampled_at", "stale", x)
            R.ok(h["sources"]["stat"]["ok"], "other sources ok", True, h["sources"]["stat"])
            status, _, doc = get_json(d.port, "/api/v1/buddy")
            R.ok(status == 200 and doc.get("stale") is True and
                 doc.get("sampled_at") == x["sampled_at"], "/api/v1/buddy stale, old time",
                 "stale", doc)
            time.sleep(QUIET)
            mine = [m for lv, m in d.lines()[mark:] if m.startswith("buddyinfo:")]
            R.ok(len(mine) == 1 and "Permission denied" in mine[0], "one log line", 1, mine)
        os.chmod(os.path.join(root, "buddyinfo"), 0o644)
        h = wait_for(lambda: (lambda h: h if h and h["sources"]["buddyinfo"]["ok"] else None)(
            healthz(d.port)), FAIL_WAIT)
        R.ok(h is not None, "recovers after chmod 644", "ok", "failing")
        R.ok(d.alive(), "daemon still running", "running", d.proc.poll())
    finally:
        d.stop()
        R.end(summary + (" (daemon as nobody via setpriv)" if prefix else ""))


# ------------------------------------------------------------------------------------------

def main():
    args = sys.argv[1:]
    tree = "local-6.18-x86_64"
    if "--tree" in args:
        i = args.index("--tree")
        tree = args[i + 1]
        del args[i:i + 2]
    if len(args) != 2:
        print(__doc__.split("\n\n")[1], file=sys.stderr)
        return 2
    binary, fixtures = os.path.abspath(args[0]), os.path.abspath(args[1])
    fixture = os.path.join(fixtures, tree, "proc")
    check_mem = not sanitized(binary)
    if not check_mem:
        print("NOTE sanitizer build: memory bounds are not checked (ASan keeps freed memory "
              "in quarantine)", flush=True)
    work = tempfile.mkdtemp(prefix="procintro-badinput-")
    t0 = time.monotonic()
    try:
        root = os.path.join(work, "proc")
        copy_tree(fixture, root)
        orig = {}
        for s in FIXTURE_SOURCES:
            p = os.path.join(root, s)
            if os.path.isfile(p):
                with open(p, "rb") as f:
                    orig[s] = f.read()
        d = Daemon(binary, root, work, "main")
        R.begin("start")
        if not R.ok(d.start(), "daemon starts on the copied tree", "listening",
                    d.log_bytes()[-2000:]):
            R.end("did not start")
            R.finish()
            return 1
        # warm-up: several samples, slow sources re-read, every page and /proc rendering built
        t_w = time.monotonic() + 3
        while time.monotonic() < t_w:
            for path in list(DOC_OF.values()) + ["/api/v1/snapshot", "/healthz"] + \
                    ["/proc/" + s for s in orig if s in PROC_SERVED]:
                get(d.port, path)
            time.sleep(0.2)
        h = healthz(d.port)
        for s in orig:
            R.ok(h["sources"][s]["ok"], "fixture source %s ok at start" % s, True,
                 h["sources"][s])
        base = d.rss()
        R.end("baseline VmRSS %.1f MiB" % ((base or 0) / 2**20))
        ctx = Ctx(d, root, orig, base or 0, check_mem and base is not None)
        for name, src, make, err_re, kw in cases(ctx):
            if not d.alive():
                R.begin(name)
                R.ok(False, "daemon alive before the case", "running",
                     "exited %s: %s" % (d.proc.poll(), fmt_lines(d.lines()[-5:])))
                R.end("daemon dead")
                continue
            check_case(ctx, name, src, make, err_re, **kw)
        changes_between_reads(ctx)
        truncated_at_boundary_note(ctx)
        R.begin("whole run")
        R.ok(d.alive(), "daemon survived every case", "running", d.proc.poll())
        hwm = d.hwm()
        last = d.rss()
        if check_mem:
            R.ok(last is not None and last < RSS_LIMIT, "VmRSS at the end",
                 "< %d MiB" % (RSS_LIMIT >> 20), "%.1f MiB" % ((last or 0) / 2**20))
        spam = [m for lv, m in d.lines() if lv is None]
        R.ok(not spam, "every stderr line comes from the daemon's logger", [], spam[:5])
        d.stop()
        R.ok(d.proc.returncode == 0, "SIGTERM exits 0", 0, d.proc.returncode)
        R.end("VmRSS %.1f MiB at start, %.1f MiB at the end, peak (VmHWM) %.1f MiB"
              % ((base or 0) / 2**20, (last or 0) / 2**20, (hwm or 0) / 2**20))
        missing_root(binary, fixture, work, check_mem)
        permission_denied(binary, fixture, work, orig)
    finally:
        shutil.rmtree(work, ignore_errors=True)
    print()
    print("bad-input matrix (%s, %.0f s):" % (tree, time.monotonic() - t0))
    for case, p, f, s in R.matrix:
        print("  %-4s %-44s %s" % ("ok" if f == 0 else "FAIL", case, s))
    for n in R.notes:
        print("  note %s" % n)
    return R.finish()


if __name__ == "__main__":
    sys.exit(main())
