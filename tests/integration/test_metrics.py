#!/usr/bin/env python3
"""Integration test of GET /metrics: the real procintrod on every fixture tree, promtool, and a
real Prometheus server.

Usage: test_metrics.py PROCINTROD FIXTURES_DIR MONITORING_DIR
  (MONITORING_DIR = docs/monitoring; promtool and prometheus from $PATH, or $PROMTOOL and
  $PROMETHEUS)

1. For each <FIXTURES_DIR>/<sample>/proc: start the daemon on a free loopback port, fetch
   /metrics (0.0.4 text, OpenMetrics, gzip) and /api/v1/snapshot, and check
   - `promtool check metrics` prints nothing and exits 0 on the text;
   - the OpenMetrics rendering has the same samples, counter families named without _total
     and ends with "# EOF"; the gzip body inflates to the text;
   - every family derived from the model equals the JSON API's numbers (exact decimals):
     same series set, same values.
2. The files in MONITORING_DIR: `promtool check rules`, `promtool test rules`, `promtool check
   config`; the Grafana dashboard is JSON whose every query names families procintrod exports
   (or the rules record).
3. A Prometheus server (loopback, temporary storage, killed at the end, at most ~90 s) scrapes
   the daemon on one fixture with MONITORING_DIR/prometheus.yml and the rules; its query API
   must return the expected values, and the rules must evaluate without error.

Output: failures with sample, family and details, then "N passed, N failed". Exit 1 on any
failure. Python standard library only.
"""
import gzip
import json
import os
import re
import shutil
import subprocess
import sys
import tempfile
import time
import urllib.parse
from decimal import Decimal

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
import daemonlib  # noqa: E402 - the shared scaffolding, next to this script

PAGE_SIZE = 4096
CLOCK_TICKS = 100
HTTP_TIMEOUT = 20
PROM_FIXTURE = "local-6.18-x86_64"
PROM_DEADLINE = 90
OM_ACCEPT = ("application/openmetrics-text;version=1.0.0,application/openmetrics-text;"
             "version=0.0.1;q=0.75,text/plain;version=0.0.4;q=0.5,*/*;q=0.1")
CPU_MODES_NE = ["user", "nice", "system", "idle", "iowait", "irq", "softirq", "steal"]
SOFTIRQ_NE = ["hi", "timer", "net_tx", "net_rx", "block", "block_iopoll", "tasklet", "sched",
              "hrtimer", "rcu"]
WINDOWS = [("avg10", "10s"), ("avg60", "60s"), ("avg300", "300s")]


class Results(daemonlib.Checks):
    def ok(self, cond, what, detail=""):
        return self.record(cond, lambda: "FAIL [%s] %s%s" % (
            self.where, what, (": " + detail) if detail else ""))


R = Results()


# ------------------------------------------------------------------------------------------
# the exposition format

SAMPLE_RE = re.compile(r'^([a-zA-Z_:][a-zA-Z0-9_:]*)(?:\{(.*)\})? (\S+)$')
LABEL_RE = re.compile(r'([a-zA-Z_][a-zA-Z0-9_]*)="((?:[^"\\]|\\.)*)"(,|$)')


def unescape(v):
    return re.sub(r'\\(.)', lambda m: "\n" if m.group(1) == "n" else m.group(1), v)


def parse_exposition(text):
    """-> (samples {(name, labels tuple): value str}, types {family: type}, errors)"""
    samples, types, errors = {}, {}, []
    for line in text.split("\n"):
        if not line:
            continue
        if line.startswith("# TYPE "):
            _, _, fam, typ = line.split(" ", 3)
            types[fam] = typ
            continue
        if line.startswith("#"):
            continue
        m = SAMPLE_RE.match(line)
        if not m:
            errors.append(line)
            continue
        name, labels, value = m.groups()
        lab = []
        rest = labels or ""
        while rest:
            lm = LABEL_RE.match(rest)
            if not lm:
                errors.append(line)
                break
            lab.append((lm.group(1), unescape(lm.group(2))))
            rest = rest[lm.end():]
        key = (name, tuple(sorted(lab)))
        if key in samples:
            errors.append("duplicate " + line)
        samples[key] = value
    return samples, types, errors


def dec(v):
    """A JSON number (Decimal) or a metric value string as Decimal."""
    return v if isinstance(v, Decimal) else Decimal(v)


def L(**kw):
    return tuple(sorted((k, str(v)) for k, v in kw.items()))


# ------------------------------------------------------------------------------------------
# what the JSON API says /metrics must hold

class Expect:
    def __init__(self):
        self.fams = {}  # family -> {labels: Decimal}

    def add(self, fam, labels, value):
        if value is None:
            return
        if isinstance(value, bool):
            value = 1 if value else 0
        self.fams.setdefault(fam, {})[labels] = dec(value) if not isinstance(value, int) \
            else Decimal(value)

    def touch(self, fam):
        self.fams.setdefault(fam, {})


def j(d, *path):
    for p in path:
        if not isinstance(d, (dict, list)):
            return None
        if isinstance(d, dict):
            d = d.get(p)
        else:
            d = d[p] if p < len(d) else None
    return d


def expect_cpu(e, cpu):
    if cpu is None:
        return
    e.add("node_boot_time_seconds", L(), cpu.get("boot_time"))
    e.add("node_context_switches_total", L(), cpu.get("context_switches"))
    e.add("node_forks_total", L(), cpu.get("forks"))
    e.add("node_intr_total", L(), cpu.get("interrupts_total"))
    e.add("node_procs_running", L(), cpu.get("procs_running"))
    e.add("node_procs_blocked", L(), cpu.get("procs_blocked"))
    for i, v in enumerate((cpu.get("softirqs") or [])[:10]):
        e.add("node_softirqs_total", L(vector=SOFTIRQ_NE[i]), v)
    seen = set()
    for c in cpu.get("cpus", []):
        cid = int(c["cpu"])
        if cid in seen:
            continue
        seen.add(cid)
        for mode, v in c["seconds"].items():
            if mode in CPU_MODES_NE:
                e.add("node_cpu_seconds_total", L(cpu=cid, mode=mode), v)
            elif mode == "guest":
                e.add("node_cpu_guest_seconds_total", L(cpu=cid, mode="user"), v)
            elif mode == "guest_nice":
                e.add("node_cpu_guest_seconds_total", L(cpu=cid, mode="nice"), v)
    for mode, v in (cpu.get("total") or {}).items():
        e.add("procintro_cpu_seconds_total", L(mode=mode), v)
    e.add("procintro_cpus_online", L(), len(cpu.get("cpus", [])))
    la = cpu.get("loadavg")
    if la:
        for k in ("load1", "load5", "load15"):
            e.add("node_" + k, L(), la[k])
        e.add("procintro_loadavg_runnable", L(), la["runnable"])
        e.add("procintro_loadavg_threads", L(), la["total"])
    for res, doc in (cpu.get("pressure") or {}).items():
        for kind, name in (("some", "waiting"), ("full", "stalled")):
            line = doc.get(kind)
            if not line:
                continue
            e.add("node_pressure_%s_%s_seconds_total" % (res, name), L(),
                  dec(line["total"]) / Decimal(10**6))
            for key, window in WINDOWS:
                e.add("procintro_pressure_avg_ratio", L(resource=res, kind=kind, window=window),
                      dec(line[key]) / 100)
    ss = cpu.get("schedstat")
    if ss:
        e.add("procintro_schedstat_version", L(), ss["version"])
        wait, slices, any_ok = Decimal(0), Decimal(0), False
        for c in ss["cpus"]:
            if "run_seconds" not in c:
                continue
            any_ok = True
            cid = int(c["cpu"])
            e.add("node_schedstat_running_seconds_total", L(cpu=cid), c["run_seconds"])
            e.add("node_schedstat_waiting_seconds_total", L(cpu=cid), c["wait_seconds"])
            e.add("node_schedstat_timeslices_total", L(cpu=cid), c["timeslices"])
            wait += dec(c["wait_seconds"])
            slices += dec(c["timeslices"])
        if any_ok:
            e.add("procintro_schedstat_waiting_seconds_total", L(), wait)
            e.add("procintro_schedstat_timeslices_total", L(), slices)


def expect_buddy(e, b):
    if b is None:
        return
    for z in b["zones"]:
        n, zn = int(z["node"]), z["zone"]
        for k, v in enumerate(z["free_blocks"]):
            e.add("node_buddyinfo_blocks", L(node=n, zone=zn, size=k), v)
            e.add("procintro_buddy_unusable_index", L(node=n, zone=zn, order=k),
                  z["unusable_index"][k])
            e.add("procintro_buddy_fragmentation_index", L(node=n, zone=zn, order=k),
                  z["fragmentation_index"][k])
        e.add("procintro_buddy_free_bytes", L(node=n, zone=zn), z["free_bytes"])
        e.add("procintro_buddy_largest_free_order", L(node=n, zone=zn), z["largest_free_order"])


def expect_pagetype(e, p, page):
    if p is None:
        return
    if "pageblock_order" in p:
        e.add("procintro_pageblock_order", L(), p["pageblock_order"])
        e.add("procintro_pageblock_size_bytes", L(), dec(p["pages_per_block"]) * page)
    for z in p["zones"]:
        n, zn = int(z["node"]), z["zone"]
        capped = z.get("free_blocks_capped") or {}
        for t, counts in (z.get("free_blocks") or {}).items():
            for k, v in enumerate(counts):
                e.add("procintro_pagetype_free_blocks", L(node=n, zone=zn, type=t, order=k), v)
            e.add("procintro_pagetype_free_bytes", L(node=n, zone=zn, type=t),
                  sum(dec(v) * 2**k for k, v in enumerate(counts)) * page)
            e.add("procintro_pagetype_free_capped", L(node=n, zone=zn, type=t),
                  len(capped.get(t, [])))
        for t, v in (z.get("pageblocks") or {}).items():
            e.add("procintro_pagetype_pageblocks", L(node=n, zone=zn, type=t), v)


def expect_zones(e, zd):
    if zd is None:
        return
    page = dec(zd["page_size"])
    for z in zd["zones"]:
        n, zn = int(z["node"]), z["zone"]
        lab = L(node=n, zone=zn)
        if "watermarks" in z:
            for w, v in z["watermarks"].items():
                if v is not None:
                    e.add("procintro_zone_watermark_bytes", L(node=n, zone=zn, watermark=w),
                          dec(v) * page)
                if w != "promo":
                    e.add("node_zoneinfo_%s_pages" % w, lab, v)
            for f in ("spanned", "present", "managed"):
                if z.get(f) is not None:
                    e.add("node_zoneinfo_%s_pages" % f, lab, z[f])
                    e.add("procintro_zone_%s_bytes" % f, lab, dec(z[f]) * page)
            if z.get("free_pages") is not None:
                e.add("procintro_zone_free_bytes", lab, dec(z["free_pages"]) * page)
            if "watermark_boost" in z:
                e.add("procintro_zone_watermark_boost_bytes", lab,
                      dec(z["watermark_boost"]) * page)
            for i, v in enumerate(z["protection"]):
                e.add("node_zoneinfo_protection_%d" % i, lab, v)
            e.add("procintro_zone_free_cma_bytes", lab, dec(z["free_cma"]) * page)
            e.add("procintro_zone_populated", lab, z["populated"])
        if z.get("alloc_ok"):
            for w, arr in z["alloc_ok"].items():
                for k, v in enumerate(arr):
                    e.add("procintro_zone_alloc_ok", L(node=n, zone=zn, watermark=w, order=k), v)
        until = j(z, "headroom", "allocations_until_low")
        for k, v in enumerate(until or []):
            e.add("procintro_zone_allocations_until_low", L(node=n, zone=zn, order=k), v)


def expect_iomem(e, io):
    if io is None:
        return
    e.add("procintro_iomem_addresses_hidden", L(), io["addresses_hidden"])
    s = io["summary"]
    e.add("procintro_iomem_resources", L(), s["resources"])
    for kind, x in (s.get("by_kind") or {}).items():
        e.add("procintro_iomem_ranges", L(kind=kind), x["count"])
        e.add("procintro_iomem_bytes", L(kind=kind), x["bytes"])
    e.add("procintro_iomem_hole_bytes", L(), s.get("hole_bytes"))
    e.add("procintro_iomem_crash_kernel_bytes", L(), s.get("crash_kernel_bytes"))
    for sec, r in (io.get("kernel_image") or {}).items():
        if isinstance(r, dict):
            e.add("procintro_kernel_image_bytes", L(section=sec), r["size"])


def expect_kallsyms(e, k):
    if k is None:
        return
    for t, v in k["by_type"].items():
        e.add("procintro_kallsyms_symbols", L(type=t), v)
    for m in k.get("modules", []):
        e.add("procintro_kallsyms_module_symbols", L(module=m["name"]), m["count"])
    e.add("procintro_kallsyms_addresses_hidden", L(), k["addresses_hidden"])
    kern = k.get("kernel") or {}
    if not k["addresses_hidden"]:
        for sec in ("text", "rodata", "data", "bss"):
            if isinstance(kern.get(sec), dict):
                e.add("procintro_kallsyms_section_bytes", L(section=sec), kern[sec]["size"])


def expect_health(e, h):
    for name, s in h["sources"].items():
        lab = L(source=name)
        e.add("procintro_source_up", lab, s["ok"])
        e.add("procintro_source_failures_total", lab, s["failures"])
        e.add("procintro_source_parse_errors_total", lab, 0)
        e.add("procintro_source_read_seconds_total", lab, s["read_seconds_total"])
        e.add("procintro_source_parse_seconds_total", lab, s["parse_seconds_total"])
        if s.get("sampled_at") is not None:
            e.add("procintro_source_data_timestamp_seconds", lab, s["sampled_at"])
            e.add("procintro_source_bytes", lab, s["bytes"])
    e.add("procintro_samples_total", L(), h["sample"])
    e.add("procintro_sample_timestamp_seconds", L(), h["sampled_at"])


def expectations(snap):
    e = Expect()
    page = dec(j(snap, "buddy", "page_size") or j(snap, "zones", "page_size") or PAGE_SIZE)
    expect_cpu(e, snap.get("cpu"))
    expect_buddy(e, snap.get("buddy"))
    expect_pagetype(e, snap.get("pagetype"), page)
    expect_zones(e, snap.get("zones"))
    expect_iomem(e, snap.get("iomem"))
    expect_kallsyms(e, snap.get("kallsyms"))
    expect_health(e, snap["health"])
    return e


def compare(e, samples):
    by_fam = {}
    for (name, labels), v in samples.items():
        by_fam.setdefault(name, {})[labels] = v
    for fam, want in sorted(e.fams.items()):
        got = by_fam.get(fam, {})
        if not R.ok(set(got) == set(want), fam + ": series",
                    "missing %s, unexpected %s" % (sorted(set(want) - set(got))[:4],
                                                   sorted(set(got) - set(want))[:4])):
            continue
        bad = [(lab, want[lab], got[lab]) for lab in want if dec(got[lab]) != want[lab]]
        R.ok(not bad, fam + ": values", "%d differ, e.g. %s" % (len(bad), bad[:3]))


# ------------------------------------------------------------------------------------------
# processes

def daemon(binary, root, interval, extra=()):
    return daemonlib.Daemon(
        binary, root, ["--interval", str(interval), "--page-size", str(PAGE_SIZE),
                       "--clock-ticks", str(CLOCK_TICKS), *extra],
        ready=None, start_timeout=20, stop_timeout=10)


def get(port, path, headers=None):
    return daemonlib.http_get(port, path, headers=headers, timeout=HTTP_TIMEOUT)


def run(cmd, stdin=None, timeout=60):
    p = subprocess.run(cmd, input=stdin, stdout=subprocess.PIPE, stderr=subprocess.STDOUT,
                       timeout=timeout)
    return p.returncode, p.stdout.decode("utf-8", "replace")


# ------------------------------------------------------------------------------------------
# 1. every fixture

def check_fixture(binary, root, promtool, families_seen):
    with daemon(binary, root, 3600) as d:  # one sample: every request sees it
        if not R.ok(d.start(), "daemon start"):
            return
        port = d.port
        st, h, text = get(port, "/metrics")
        R.ok(st == 200, "GET /metrics status", str(st))
        R.ok(h.get("content-type") == "text/plain; version=0.0.4; charset=utf-8",
             "text content type", h.get("content-type"))
        rc, out = run([promtool, "check", "metrics"], stdin=text)
        R.ok(rc == 0 and out.strip() == "", "promtool check metrics", "rc %d: %s" % (rc, out[:500]))
        samples, types, errors = parse_exposition(text.decode("utf-8"))
        R.ok(not errors, "exposition parses", "%s" % errors[:3])
        families_seen.update(types)

        st, h, om = get(port, "/metrics", {"Accept": OM_ACCEPT})
        R.ok(h.get("content-type") ==
             "application/openmetrics-text; version=1.0.0; charset=utf-8",
             "OpenMetrics content type", h.get("content-type"))
        om = om.decode("utf-8")
        R.ok(om.endswith("\n# EOF\n") and om.count("# EOF") == 1, "OpenMetrics ends with # EOF")
        osamples, otypes, oerrors = parse_exposition(om)
        R.ok(not oerrors and osamples == samples, "OpenMetrics has the same samples",
             "%s" % oerrors[:3])
        bad = [f for f, t in otypes.items() if t == "counter" and f.endswith("_total")]
        bad += [f for f, t in types.items() if t == "counter" and f[:-6] not in otypes]
        R.ok(not bad, "OpenMetrics counter families without _total", "%s" % bad[:3])

        st, h, gz = get(port, "/metrics", {"Accept-Encoding": "gzip"})
        R.ok(h.get("content-encoding") == "gzip" and "Accept-Encoding" in h.get("vary", ""),
             "gzip headers", "%s" % h)
        R.ok(gzip.decompress(gz) == text, "gzip body inflates to the text body")
        st, h, plain = get(port, "/metrics", {"Accept-Encoding": "gzip;q=0, identity"})
        R.ok(plain == text and "content-encoding" not in h, "gzip;q=0 gets the plain body")

        st, h, body = get(port, "/api/v1/snapshot")
        snap = json.loads(body, parse_float=Decimal, parse_int=Decimal)
        compare(expectations(snap), samples)


# ------------------------------------------------------------------------------------------
# 2. the monitoring files

METRIC_NAME_RE = re.compile(r'\b((?:node|procintro)_[a-zA-Z0-9_]+|procintro:[a-zA-Z0-9_:]+)')


def referenced_names(expr):
    return set(METRIC_NAME_RE.findall(expr))


def check_monitoring_files(mon, promtool, families_seen):
    rules = os.path.join(mon, "procintro-rules.yml")
    rc, out = run([promtool, "check", "rules", rules])
    R.ok(rc == 0 and "SUCCESS" in out, "promtool check rules", out[-500:])
    rc, out = run([promtool, "test", "rules", os.path.join(mon, "procintro-rules.test.yml")],
                  timeout=120)
    R.ok(rc == 0 and "SUCCESS" in out, "promtool test rules", out[-2000:])
    rc, out = run([promtool, "check", "config", os.path.join(mon, "prometheus.yml")])
    R.ok(rc == 0 and "SUCCESS" in out, "promtool check config", out[-500:])

    recorded = set(re.findall(r'^\s*- record:\s*(\S+)', open(rules).read(), re.M))
    exported = set(families_seen) | {"procintro_schedstat_wait_per_timeslice_seconds"}
    known = exported | recorded
    rule_exprs = re.findall(r'expr:\s*(\|\n(?:\s{10,}.*\n)+|.*)', open(rules).read())
    unknown = set()
    for ex in rule_exprs:
        unknown |= referenced_names(ex) - known
    R.ok(not unknown, "rules query exported families only", "%s" % sorted(unknown))

    dash = json.load(open(os.path.join(mon, "grafana-dashboard.json")))
    exprs = [t["expr"] for p in dash["panels"] for t in p.get("targets", [])]
    exprs += [v["definition"] for v in dash["templating"]["list"] if v.get("definition")]
    R.ok(len(exprs) >= 20, "dashboard has queries", str(len(exprs)))
    unknown = set()
    for ex in exprs:
        unknown |= referenced_names(ex) - known
    R.ok(not unknown, "dashboard queries exported families only", "%s" % sorted(unknown))
    R.ok(all(p.get("description") for p in dash["panels"] if p["type"] != "row"),
         "every dashboard panel is described")


# ------------------------------------------------------------------------------------------
# 3. a real Prometheus

def prom_query(pport, q):
    st, h, body = get(pport, "/api/v1/query?" + urllib.parse.urlencode({"query": q}))
    try:
        doc = json.loads(body)
    except ValueError:  # "Service Unavailable" while the server starts
        return None
    if st != 200 or doc.get("status") != "success":
        return None
    return doc["data"]["result"]


def prom_ready(pport, deadline):
    while time.monotonic() < deadline:
        try:
            if get(pport, "/-/ready")[0] == 200:
                return True
        except OSError:
            pass
        time.sleep(0.2)
    return False


def prom_value(pport, q):
    r = prom_query(pport, q)
    if not r or len(r) != 1:
        return None
    return r[0]["value"][1]


def check_prometheus(binary, fixtures, mon, prometheus):
    R.where = "prometheus"
    deadline = time.monotonic() + PROM_DEADLINE
    tmp = tempfile.mkdtemp(prefix="pi-prom-")
    d = daemon(binary, os.path.join(fixtures, PROM_FIXTURE, "proc"), 1)
    pproc = None
    try:
        if not R.ok(d.start(), "daemon start"):
            return
        dport = d.port
        # the shipped example configuration, pointed at this daemon, 1 s intervals
        cfg = open(os.path.join(mon, "prometheus.yml")).read()
        for a, b in (("localhost:9464", "127.0.0.1:%d" % dport), ("scrape_interval: 15s", "scrape_interval: 1s"),
                     ("evaluation_interval: 15s", "evaluation_interval: 1s"),
                     ("- procintro-rules.yml", "- " + os.path.join(mon, "procintro-rules.yml"))):
            R.ok(a in cfg, "prometheus.yml has " + a)
            cfg = cfg.replace(a, b)
        with open(os.path.join(tmp, "prometheus.yml"), "w") as f:
            f.write(cfg)
        st, h, body = get(dport, "/api/v1/snapshot")
        snap = json.loads(body, parse_float=Decimal, parse_int=Decimal)
        st, h, text = get(dport, "/metrics")
        nsamples = len(parse_exposition(text.decode())[0])
        log = open(os.path.join(tmp, "prometheus.log"), "wb")
        for _ in range(3):
            pport = daemonlib.free_port()
            pproc = subprocess.Popen(
                [prometheus, "--config.file=" + os.path.join(tmp, "prometheus.yml"),
                 "--storage.tsdb.path=" + os.path.join(tmp, "data"),
                 "--web.listen-address=127.0.0.1:%d" % pport, "--log.level=warn"],
                stdin=subprocess.DEVNULL, stdout=log, stderr=log, start_new_session=True)
            if daemonlib.wait_listening(pport, pproc, min(deadline, time.monotonic() + 30)):
                break
            daemonlib.stop_process(pproc, 10)
            pproc = None
        if not R.ok(pproc is not None and prom_ready(pport, deadline), "prometheus starts",
                    open(os.path.join(tmp, "prometheus.log")).read()[-1000:]):
            return

        normal = [z for z in snap["zones"]["zones"] if z["zone"] == "Normal"][0]
        cpu0 = snap["cpu"]["cpus"][0]
        checks = {
            'up{job="procintro"}': Decimal(1),
            'node_cpu_seconds_total{cpu="%s",mode="user"}' % cpu0["cpu"]: cpu0["seconds"]["user"],
            'count(node_cpu_seconds_total)': Decimal(sum(
                1 for c in snap["cpu"]["cpus"] for m in c["seconds"] if m in CPU_MODES_NE)),
            'procintro_buddy_fragmentation_index{zone="Normal",order="10"}':
                [z for z in snap["buddy"]["zones"] if z["zone"] == "Normal"][0][
                    "fragmentation_index"][10],
            'procintro_zone_watermark_bytes{zone="Normal",watermark="low"}':
                normal["watermarks"]["low"] * PAGE_SIZE,
            'node_buddyinfo_blocks{zone="Normal",size="0"}':
                [z for z in snap["buddy"]["zones"] if z["zone"] == "Normal"][0]["free_blocks"][0],
            'procintro_build_info': Decimal(1),
            'scrape_samples_scraped{job="procintro"}': Decimal(nsamples),
            # the recording rule against the alloc_ok the JSON API reports
            'procintro:zone_alloc_ok_low:max_order{zone="Normal"}':
                Decimal(sum(1 for v in normal["alloc_ok"]["low"] if v) - 1),
            'procintro:zone_free_above_low:bytes{zone="Normal"}':
                (normal["free_pages"] - normal["watermarks"]["low"]) * PAGE_SIZE,
        }
        got = {}
        while time.monotonic() < deadline:
            for q, want in checks.items():
                if q not in got or Decimal(got[q]) != want:
                    v = prom_value(pport, q)
                    if v is not None:
                        got[q] = v
            if all(q in got and Decimal(got[q]) == dec(w) for q, w in checks.items()):
                break
            time.sleep(0.5)
        for q, want in checks.items():
            R.ok(q in got and Decimal(got[q]) == dec(want), "query " + q,
                 "expected %s, got %s" % (want, got.get(q)))
        st, h, body = get(pport, "/api/v1/targets")
        targets = json.loads(body)["data"]["activeTargets"]
        R.ok(len(targets) == 1 and targets[0]["health"] == "up" and not targets[0]["lastError"],
             "target healthy", "%s" % targets)
        st, h, body = get(pport, "/api/v1/rules")
        groups = json.loads(body)["data"]["groups"]
        rules = [r for g in groups for r in g["rules"]]
        R.ok(len(rules) == 12 and all(r["health"] == "ok" for r in rules),
             "rules evaluate", "%s" % [(r["name"], r.get("lastError")) for r in rules
                                       if r["health"] != "ok"])
        r = prom_query(pport, 'procintro_build_info')
        R.ok(r and r[0]["metric"].get("version"), "info metric keeps its labels", "%s" % r)
    finally:
        daemonlib.stop_process(pproc, 10)
        d.close()
        shutil.rmtree(tmp, ignore_errors=True)


def main():
    if len(sys.argv) != 4:
        print(__doc__)
        return 2
    binary, fixtures, mon = sys.argv[1], sys.argv[2], os.path.abspath(sys.argv[3])
    promtool = os.environ.get("PROMTOOL") or shutil.which("promtool")
    prometheus = os.environ.get("PROMETHEUS") or shutil.which("prometheus")
    if not promtool or not prometheus:
        print("FAIL: promtool and prometheus are needed (apt-get install prometheus; "
              ".ci/deps installs it)")
        return 1
    families_seen = set()
    samples = sorted(d for d in os.listdir(fixtures)
                     if os.path.isdir(os.path.join(fixtures, d, "proc")))
    for s in samples:
        R.where = s
        before = R.failed
        check_fixture(binary, os.path.join(fixtures, s, "proc"), promtool, families_seen)
        print("%-40s %s" % (s, "ok" if R.failed == before else "FAILED"), flush=True)
    R.where = "monitoring"
    check_monitoring_files(mon, promtool, families_seen)
    check_prometheus(binary, fixtures, mon, prometheus)
    return R.finish()


if __name__ == "__main__":
    sys.exit(main())
