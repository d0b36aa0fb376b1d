#!/usr/bin/env python3
"""Integration test: the real procintrod on every captured procfs tree, checked over HTTP.

Usage: test_api.py PROCINTROD FIXTURES_DIR

For each <FIXTURES_DIR>/<sample>/proc (sorted) the daemon is started on a free loopback port
and every answer is compared with values computed here, independently, by parsing the
fixture files with small Python parsers written from the kernel's format rules (see
shared/research/procfs-formats.md) and from the API contract. Python standard library only.

Output: one line per sample with its number of passed checks, every failure with sample,
path, expected and got, and finally "N passed, N failed". Exit status 1 if any check failed.
"""
import bisect
import json
import os
import random
import re
import subprocess
import sys
import tempfile
import time
import urllib.parse
import zlib
from decimal import Decimal

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
import daemonlib  # noqa: E402 - the shared scaffolding, next to this script

PAGE_SIZE = 4096
CLOCK_TICKS = 100
INTERVAL = 0.5
HTTP_TIMEOUT = 20
SOURCES = ["stat", "buddyinfo", "pagetypeinfo", "zoneinfo", "iomem", "kallsyms", "loadavg",
           "pressure/cpu", "pressure/memory", "pressure/io"]
OPTIONAL = {"pressure/cpu", "pressure/memory", "pressure/io"}
PROC_NAMES = ["stat", "buddyinfo", "pagetypeinfo", "iomem", "kallsyms", "zoneinfo"]
# Files their publishers edited (fixtures/SOURCES.md): the daemon re-renders kernel
# output, so only the tokens are compared for these.
EDITED = {("prometheus-procfs", "buddyinfo")}
CPU_MODES = ["user", "nice", "system", "idle", "iowait", "irq", "softirq", "steal", "guest",
             "guest_nice"]
PCP_TYPES = ("Unmovable", "Movable", "Reclaimable")
ABSENT = object()  # expected: the key must not be there


class Exact(dict):
    """An expected object whose key set must match exactly; in a plain dict, the expected
    keys must be there and extra keys in the answer are welcome."""


# ------------------------------------------------------------------------------------------
# results

class Results(daemonlib.Checks):
    """Checks of one sample at a time (begin(sample)); failures name sample and path."""

    def short(self, v):
        return "<absent>" if v is ABSENT else super().short(v)

    def ok(self, cond, path, what, expected="true", got="false"):
        return self.record(cond, lambda: "FAIL [%s] %s: %s: expected %s, got %s" % (
            self.where, path, what, self.short(expected), self.short(got)))

    def eq(self, path, what, expected, got):
        where = diff(expected, got, "")
        if where is None:
            return self.ok(True, path, what)
        sub, e, g = where
        return self.ok(False, path, what + sub, e, g)

    def fields(self, path, expected, got, prefix=""):
        """Each expected key compared on its own; extra keys in got are welcome."""
        if not isinstance(got, dict):
            self.ok(False, path, prefix or "document", "object", got)
            return
        for k, v in expected.items():
            g = got.get(k, ABSENT)
            if v is ABSENT:
                self.ok(g is ABSENT, path, prefix + k, ABSENT, g)
            else:
                self.eq(path, prefix + k, v, g)


def is_num(x):
    return isinstance(x, (int, Decimal)) and not isinstance(x, bool)


def diff(e, g, p):
    """None if equal, else (subpath, expected, got) of the first difference.
    Booleans never equal numbers; an expected int needs a JSON integer."""
    if e is ABSENT or g is ABSENT:
        return None if e is g else (p, e, g)
    if isinstance(e, bool) or isinstance(g, bool):
        return None if type(e) is type(g) and e == g else (p, e, g)
    if isinstance(e, int):
        return None if isinstance(g, int) and e == g else (p, e, g)
    if isinstance(e, Decimal):
        return None if is_num(g) and Decimal(g) == e else (p, e, g)
    if isinstance(e, dict):
        if not isinstance(g, dict):
            return (p, e, g)
        if isinstance(e, Exact) and set(e) != set(g):
            return (p + " keys", sorted(e), sorted(g))
        for k in e:
            d = diff(e[k], g.get(k, ABSENT), p + "." + str(k))
            if d:
                return d
        return None
    if isinstance(e, list):
        if not isinstance(g, list):
            return (p, e, g)
        if len(e) != len(g):
            return (p + " length", len(e), len(g))
        for i, (a, b) in enumerate(zip(e, g)):
            d = diff(a, b, "%s[%d]" % (p, i))
            if d:
                return d
        return None
    if e is None:
        return None if g is None else (p, e, g)
    return None if type(e) is type(g) and e == g else (p, e, g)


R = Results()


# ------------------------------------------------------------------------------------------
# fixture parsers (kernel format rules, independent of the daemon)

def read_text(root, name):
    path = os.path.join(root, name)
    if not os.path.isfile(path):
        return None
    with open(path, "rb") as f:
        return f.read().decode("latin-1")


def parse_stat(text):
    st = {"total": None, "cpus": []}
    for line in text.split("\n"):
        t = line.split()
        if not t:
            continue
        k = t[0]
        if k == "cpu":
            st["total"] = [int(x) for x in t[1:]]
        elif k.startswith("cpu") and k[3:].isdigit():
            st["cpus"].append((int(k[3:]), [int(x) for x in t[1:]]))
        elif k == "intr":
            st["intr"] = int(t[1])
        elif k in ("ctxt", "btime", "processes", "procs_running", "procs_blocked"):
            st[k] = int(t[1])
        elif k == "softirq":
            st["softirq"] = int(t[1])
            st["softirqs"] = [int(x) for x in t[2:]]
    return st


def parse_loadavg(text):
    t = text.split()
    run, total = t[3].split("/")
    return {"load1": Decimal(t[0]), "load5": Decimal(t[1]), "load15": Decimal(t[2]),
            "runnable": int(run), "total": int(total), "last_pid": int(t[4])}


def parse_pressure(text):
    out = Exact()
    for line in text.split("\n"):
        m = re.match(r"^(some|full) avg10=(\d+\.\d+) avg60=(\d+\.\d+) avg300=(\d+\.\d+) "
                     r"total=(\d+)$", line)
        if m:
            out[m.group(1)] = {"avg10": Decimal(m.group(2)), "avg60": Decimal(m.group(3)),
                               "avg300": Decimal(m.group(4)), "total": int(m.group(5))}
    return out


def parse_buddyinfo(text):
    zones = []
    for line in text.split("\n"):
        t = line.split()
        if len(t) < 4 or t[0] != "Node" or t[2] != "zone":
            continue
        zones.append({"node": int(t[1].rstrip(",")), "zone": t[3],
                      "counts": [int(x) for x in t[4:]]})
    return zones


def parse_pagetypeinfo(text):
    pt = {"order": None, "per_block": None, "types": None, "norders": None,
          "zones": [], "blocks": {}}
    section = None
    byzone = {}
    for line in text.split("\n"):
        if line.startswith("Page block order:"):
            if pt["order"] is None:
                pt["order"] = int(line.split(":")[1])
            continue
        if line.startswith("Pages per block:"):
            if pt["per_block"] is None:
                pt["per_block"] = int(line.split(":")[1])
            continue
        if line.startswith("Free pages count per migrate type at order"):
            section = "free"
            pt["norders"] = len(line.split()) - 8
            continue
        if line.startswith("Number of blocks type"):
            section = "blocks"
            types = line[len("Number of blocks type"):].split()
            if pt["types"] is None:
                pt["types"] = types
            continue
        if line.startswith("Number of mixed blocks"):
            section = "mixed"
            continue
        if section == "free":
            m = re.match(r"^Node\s+(\d+), zone\s+(\S+), type\s+(\S+)\s+(.*)$", line)
            if m:
                key = (int(m.group(1)), m.group(2))
                if key not in byzone:
                    byzone[key] = {"node": key[0], "zone": key[1], "free": Exact()}
                    pt["zones"].append(byzone[key])
                byzone[key]["free"][m.group(3)] = [int(x.lstrip(">"))
                                                   for x in m.group(4).split()]
        elif section == "blocks":
            m = re.match(r"^Node\s+(\d+), zone\s+(\S+)\s+(.*)$", line)
            if m:
                pt["blocks"][(int(m.group(1)), m.group(2))] = [int(x)
                                                               for x in m.group(3).split()]
    return pt


ZI_KEYS = {"min", "low", "high", "promo", "boost", "spanned", "present", "managed", "cma",
           "nr_free_cma", "start_pfn:"}


def parse_zoneinfo(text):
    zones = []
    cur = None
    for line in text.split("\n"):
        m = re.match(r"^Node (\d+), zone\s+(\S+)\s*$", line)
        if m:
            cur = {"node": int(m.group(1)), "zone": m.group(2), "kv": {}, "protection": None}
            zones.append(cur)
            continue
        if cur is None:
            continue
        s = line.strip()
        if s.startswith("pages free"):
            cur["kv"].setdefault("pages free", int(s.split()[2]))
        elif s.startswith("protection:"):
            if cur["protection"] is None:
                cur["protection"] = [int(x) for x in re.findall(r"-?\d+", s[11:])]
        else:
            t = s.split()
            if len(t) == 2 and t[0] in ZI_KEYS and t[0] not in cur["kv"]:
                cur["kv"][t[0]] = int(t[1])
    return zones


def parse_iomem(text):
    roots = []
    stack = []  # (depth, node)
    flat = []
    for line in text.split("\n"):
        m = re.match(r"^( *)([0-9a-f]+)-([0-9a-f]+) : (.*)$", line)
        if not m:
            continue
        depth = len(m.group(1)) // 2
        node = {"start": int(m.group(2), 16), "end": int(m.group(3), 16), "name": m.group(4),
                "children": []}
        flat.append(node)
        while stack and stack[-1][0] >= depth:
            stack.pop()
        (stack[-1][1]["children"] if stack else roots).append(node)
        stack.append((depth, node))
    hidden = bool(flat) and all(n["start"] == 0 and n["end"] == 0 for n in flat)
    return roots, hidden


def parse_kallsyms(text):
    syms = []
    rx = re.compile(r"^([0-9a-fA-F]+) (\S) (\S+)(?:\t\[(\S+)\])?$")
    for line in text.split("\n"):
        m = rx.match(line)
        if m:
            syms.append((int(m.group(1), 16), m.group(2), m.group(3), m.group(4)))
    return syms


# ------------------------------------------------------------------------------------------
# expected documents

def secs(ticks):
    return Decimal(ticks) / CLOCK_TICKS


def modes(cols):
    return Exact({CPU_MODES[i]: secs(v) for i, v in enumerate(cols[:len(CPU_MODES)])})


def expect_cpu(fx):
    st = fx["stat"]
    e = {"clock_ticks_per_second": CLOCK_TICKS,
         "boot_time": st.get("btime", ABSENT),
         "total": modes(st["total"]) if st["total"] is not None else ABSENT,
         "cpus": [{"cpu": c, "seconds": modes(cols)} for c, cols in st["cpus"]],
         "context_switches": st.get("ctxt", ABSENT),
         "forks": st.get("processes", ABSENT),
         "procs_running": st.get("procs_running", ABSENT),
         "procs_blocked": st.get("procs_blocked", ABSENT),
         "interrupts_total": st.get("intr", ABSENT),
         "softirqs_total": st.get("softirq", ABSENT),
         "loadavg": fx["loadavg"] if fx["loadavg"] is not None else ABSENT}
    pressure = Exact({r: fx["pressure/" + r] for r in ("cpu", "memory", "io")
                      if fx["pressure/" + r] is not None})
    e["pressure"] = pressure if pressure else ABSENT
    return e


def unusable_index(n, o):
    F = sum(c << k for k, c in enumerate(n))
    S = sum(c << (k - o) for k, c in enumerate(n) if k >= o)
    if F == 0:
        return 1000
    return ((F - (S << o)) * 1000) // F


def fragmentation_index(n, o):
    F = sum(c << k for k, c in enumerate(n))
    B = sum(n)
    S = sum(c << (k - o) for k, c in enumerate(n) if k >= o)
    if B == 0:
        return 0
    if S:
        return -1000
    # return 1000 - div_u64(1000 + div_u64(F * 1000, R), B): unsigned 64-bit, then int
    v = (1000 - (1000 + (F * 1000) // (1 << o)) // B) & 0xFFFFFFFFFFFFFFFF
    v &= 0xFFFFFFFF
    return v - (1 << 32) if v >= (1 << 31) else v


def thousandths(v):
    return Decimal(v) / 1000


def expect_buddy_zone(z):
    n = z["counts"]
    free = sum(c << k for k, c in enumerate(n))
    largest = max((k for k, c in enumerate(n) if c), default=None)
    return {"node": z["node"], "zone": z["zone"], "free_blocks": list(n), "free_pages": free,
            "free_bytes": free * PAGE_SIZE, "largest_free_order": largest,
            "unusable_index": [thousandths(unusable_index(n, o)) for o in range(len(n))],
            "fragmentation_index": [thousandths(fragmentation_index(n, o))
                                    for o in range(len(n))]}


def expect_pagetype_zone(pt, z):
    e = {"node": z["node"], "zone": z["zone"], "free_blocks": z["free"]}
    blocks = pt["blocks"].get((z["node"], z["zone"]))
    e["pageblocks"] = Exact(zip(pt["types"], blocks)) if blocks is not None else ABSENT
    return e


def expect_pagetype(pt):
    return {"pageblock_order": pt["order"], "pages_per_block": pt["per_block"],
            "migrate_types": pt["types"], "orders": pt["norders"]}


def expect_zones(fx):
    zi = fx["zoneinfo"] or []
    buddy = fx["buddyinfo"]
    pt = fx["pagetypeinfo"]
    bmap = {(z["node"], z["zone"]): z for z in buddy or []}
    ptmap = {(z["node"], z["zone"]): z for z in pt["zones"]} if pt else {}
    norders = len(buddy[0]["counts"]) if buddy else 0
    out = []
    idx_in_node = {}
    listing = {}
    for z in zi:
        listing.setdefault(z["node"], []).append(z["zone"])
    for z in zi:
        key = (z["node"], z["zone"])
        i = idx_in_node.get(z["node"], 0)
        idx_in_node[z["node"]] = i + 1
        kv = z["kv"]
        wm = Exact({"min": kv.get("min"), "low": kv.get("low"), "high": kv.get("high")})
        if "promo" in kv:
            wm["promo"] = kv["promo"]
        e = {"node": z["node"], "zone": z["zone"], "start_pfn": kv.get("start_pfn:"),
             "spanned": kv.get("spanned"), "present": kv.get("present"),
             "managed": kv.get("managed"), "free_pages": kv.get("pages free"),
             "watermarks": wm, "protection": z["protection"] or [],
             "free_cma": kv.get("nr_free_cma", 0)}
        b = bmap.get(key)
        e["free_blocks"] = list(b["counts"]) if b else ABSENT
        p = ptmap.get(key)
        if p:
            e["pagetype"] = {"free_blocks": p["free"],
                             "pageblocks": Exact(zip(pt["types"], pt["blocks"][key]))}
        else:
            e["pagetype"] = ABSENT
        # alloc_ok, as the contract defines it
        names = listing[z["node"]]
        normal = names.index("Normal") if "Normal" in names else None
        n = normal if normal is not None else i
        prot = z["protection"] or []
        free_cma = kv.get("nr_free_cma", 0)
        if ((normal is not None and i > normal) or b is None or "pages free" not in kv
                or any(kv.get(w) is None for w in ("min", "low", "high")) or n >= len(prot)):
            e["alloc_ok"] = None
        else:
            ok = Exact()
            for w in ("min", "low", "high"):
                arr = []
                for k in range(norders):
                    if k == 0:
                        block = True
                    elif p is not None:
                        block = any(c for t in PCP_TYPES if t in p["free"]
                                    for c in p["free"][t][k:])
                    else:
                        block = any(b["counts"][k:])
                    free = kv["pages free"] - ((1 << k) - 1) - free_cma
                    arr.append(bool(block and free > kv[w] + prot[n]))
                ok[w] = arr
            e["alloc_ok"] = ok
        out.append(e)
    # zones buddyinfo lists and zoneinfo does not (e.g. no zoneinfo captured)
    known = {(z["node"], z["zone"]) for z in zi}
    for b in buddy or []:
        key = (b["node"], b["zone"])
        if key in known:
            continue
        e = {"node": b["node"], "zone": b["zone"], "free_blocks": list(b["counts"]),
             "alloc_ok": None}
        p = ptmap.get(key)
        if p:
            e["pagetype"] = {"free_blocks": p["free"],
                             "pageblocks": Exact(zip(pt["types"], pt["blocks"][key]))}
        out.append(e)
    return out


def expect_iomem_tree(nodes, hidden):
    return [{"start": hex(n["start"]), "end": hex(n["end"]), "name": n["name"],
             "size": None if hidden else n["end"] - n["start"] + 1,
             "children": expect_iomem_tree(n["children"], hidden)} for n in nodes]


def project_iomem(nodes):
    if not isinstance(nodes, list):
        return nodes
    out = []
    for n in nodes:
        if not isinstance(n, dict):
            out.append(n)
            continue
        out.append({"start": n.get("start", ABSENT), "end": n.get("end", ABSENT),
                    "name": n.get("name", ABSENT), "size": n.get("size", ABSENT),
                    "children": project_iomem(n.get("children", ABSENT))})
    return out


def expect_kallsyms(syms):
    by_type = Exact()
    mods = {}
    for _, t, _, m in syms:
        by_type[t] = by_type.get(t, 0) + 1
        if m is not None:
            mods[m] = mods.get(m, 0) + 1
    return {"count": len(syms),
            "addresses_hidden": bool(syms) and all(a == 0 for a, _, _, _ in syms),
            "by_type": by_type,
            "modules": [{"name": k, "count": v} for k, v in mods.items()]}


def load_fixture(root):
    fx = {"root": root}
    t = read_text(root, "stat")
    fx["stat"] = parse_stat(t) if t is not None else None
    t = read_text(root, "loadavg")
    fx["loadavg"] = parse_loadavg(t) if t is not None else None
    for r in ("cpu", "memory", "io"):
        t = read_text(root, "pressure/" + r)
        fx["pressure/" + r] = parse_pressure(t) if t is not None else None
    t = read_text(root, "buddyinfo")
    fx["buddyinfo"] = parse_buddyinfo(t) if t is not None else None
    t = read_text(root, "pagetypeinfo")
    fx["pagetypeinfo"] = parse_pagetypeinfo(t) if t is not None else None
    t = read_text(root, "zoneinfo")
    fx["zoneinfo"] = parse_zoneinfo(t) if t is not None else None
    t = read_text(root, "iomem")
    fx["iomem"] = parse_iomem(t) if t is not None else None
    t = read_text(root, "kallsyms")
    fx["kallsyms"] = parse_kallsyms(t) if t is not None else None
    fx["exists"] = {s: os.path.isfile(os.path.join(root, s)) for s in SOURCES}
    return fx


# ------------------------------------------------------------------------------------------
# document checks (used for the endpoints, /api/v1/snapshot and --once)

def check_cpu(path, doc, fx):
    R.fields(path, expect_cpu(fx), doc)


def check_buddy(path, doc, fx):
    buddy = fx["buddyinfo"]
    R.eq(path, "page_size", PAGE_SIZE, doc.get("page_size", ABSENT))
    zones = doc.get("zones")
    if not R.ok(isinstance(zones, list) and len(zones) == len(buddy), path, "zones count",
                len(buddy), len(zones) if isinstance(zones, list) else zones):
        return
    for i, (z, g) in enumerate(zip(buddy, zones)):
        R.fields(path, expect_buddy_zone(z), g, "zones[%d]." % i)


def check_pagetype(path, doc, fx):
    pt = fx["pagetypeinfo"]
    R.fields(path, expect_pagetype(pt), doc)
    zones = doc.get("zones")
    if not R.ok(isinstance(zones, list) and len(zones) == len(pt["zones"]), path,
                "zones count", len(pt["zones"]), zones if not isinstance(zones, list)
                else len(zones)):
        return
    for i, (z, g) in enumerate(zip(pt["zones"], zones)):
        R.fields(path, expect_pagetype_zone(pt, z), g, "zones[%d]." % i)


def check_zones(path, doc, fx):
    exp = expect_zones(fx)
    zones = doc.get("zones")
    if not R.ok(isinstance(zones, list) and len(zones) == len(exp), path, "zones count",
                len(exp), zones if not isinstance(zones, list) else len(zones)):
        return
    for i, (e, g) in enumerate(zip(exp, zones)):
        R.fields(path, e, g, "zones[%d](%s/%s)." % (i, e["node"], e["zone"]))


def check_iomem(path, doc, fx):
    roots, hidden = fx["iomem"]
    R.eq(path, "addresses_hidden", hidden, doc.get("addresses_hidden", ABSENT))
    R.eq(path, "resources", expect_iomem_tree(roots, hidden),
         project_iomem(doc.get("resources", ABSENT)))
    ram = None if hidden else sum(n["end"] - n["start"] + 1 for n in roots
                                  if n["name"] == "System RAM")
    summary = doc.get("summary")
    R.eq(path, "summary.system_ram_bytes", ram,
         summary.get("system_ram_bytes", ABSENT) if isinstance(summary, dict) else summary)


def check_kallsyms(path, doc, fx):
    R.fields(path, expect_kallsyms(fx["kallsyms"]), doc)


CHECKS = [("cpu", "stat", check_cpu), ("buddy", "buddyinfo", check_buddy),
          ("pagetype", "pagetypeinfo", check_pagetype), ("zones", None, check_zones),
          ("iomem", "iomem", check_iomem), ("kallsyms", "kallsyms", check_kallsyms)]


def doc_expected(fx, key, src):
    if key == "zones":
        return fx["zoneinfo"] is not None or fx["buddyinfo"] is not None
    return fx[src] is not None


def check_snapshot_doc(path, doc, fx):
    R.ok(isinstance(doc, dict), path, "is an object", "object", type(doc).__name__)
    if not isinstance(doc, dict):
        return
    R.ok(is_num(doc.get("sampled_at")), path, "sampled_at is a number", "number",
         doc.get("sampled_at", ABSENT))
    for key, src, fn in CHECKS:
        sub = doc.get(key, ABSENT)
        if doc_expected(fx, key, src):
            if R.ok(isinstance(sub, dict), path, key + " present", "object", sub):
                fn(path + "#" + key, sub, fx)
        else:
            R.eq(path, key + " (source missing)", None, sub)


# ------------------------------------------------------------------------------------------
# HTTP

def request(port, path, method="GET"):
    status, headers, body = daemonlib.http_get(port, path, method, timeout=HTTP_TIMEOUT)
    return status, headers.get("content-type", ""), body


def get_json(port, path, want_status=200, method="GET"):
    """Fetches path; checks status, Content-Type and JSON syntax (and sampled_at for
    documents, the error shape for errors). Returns the document or None."""
    try:
        status, ctype, body = request(port, path, method)
    except Exception as e:  # noqa: BLE001 - any transport error is a failed check
        R.ok(False, path, "request", "a response", "%s: %s" % (type(e).__name__, e))
        return None
    if isinstance(want_status, int):
        want_status = (want_status,)
    R.ok(status in want_status, path, "HTTP status", "/".join(map(str, want_status)), status)
    R.ok(ctype.split(";")[0].strip() == "application/json", path, "Content-Type",
         "application/json", ctype)
    try:
        doc = json.loads(body.decode("utf-8"), parse_float=Decimal)
    except Exception as e:  # noqa: BLE001
        R.ok(False, path, "JSON body", "valid JSON", "%s: %r" % (e, body[:200]))
        return None
    if status >= 400:
        err = doc.get("error") if isinstance(doc, dict) else None
        R.ok(isinstance(err, dict) and err.get("status") == status
             and isinstance(err.get("message"), str) and not isinstance(err.get("status"), bool),
             path, "error document", '{"error": {"status": %d, "message": "..."}}' % status,
             doc)
    else:
        R.ok(isinstance(doc, dict) and is_num(doc.get("sampled_at")), path,
             "sampled_at is a number", "number",
             doc.get("sampled_at", ABSENT) if isinstance(doc, dict) else doc)
    return doc


def daemon(binary, root):
    return daemonlib.Daemon(
        binary, root, ["--interval", str(INTERVAL), "--page-size", str(PAGE_SIZE),
                       "--clock-ticks", str(CLOCK_TICKS)], ready=None, start_timeout=20)


# ------------------------------------------------------------------------------------------
# per-sample checks

def check_healthz(port, fx):
    doc = get_json(port, "/healthz")
    if not isinstance(doc, dict):
        return
    sources = doc.get("sources")
    if not R.ok(isinstance(sources, dict), "/healthz", "sources", "object", sources):
        return
    for s in SOURCES:
        x = sources.get(s)
        if not R.ok(isinstance(x, dict), "/healthz", "sources." + s, "object", x):
            continue
        ex = fx["exists"][s]
        R.eq("/healthz", "sources.%s.ok" % s, ex, x.get("ok", ABSENT))
        if ex:
            R.eq("/healthz", "sources.%s.error" % s, None, x.get("error", ABSENT))
            R.ok(is_num(x.get("sampled_at")), "/healthz", "sources.%s.sampled_at" % s,
                 "number", x.get("sampled_at", ABSENT))
        else:
            R.ok(isinstance(x.get("error"), str), "/healthz", "sources.%s.error" % s,
                 "a message", x.get("error", ABSENT))
    healthy = all(fx["exists"][s] for s in SOURCES if s not in OPTIONAL)
    R.eq("/healthz", "status", "ok" if healthy else "degraded", doc.get("status", ABSENT))


def check_endpoints(port, fx):
    for key, src, fn in CHECKS:
        path = "/api/v1/" + key
        if doc_expected(fx, key, src):
            doc = get_json(port, path)
            if isinstance(doc, dict):
                fn(path, doc, fx)
        else:
            get_json(port, path, (404, 503))
    doc = get_json(port, "/api/v1/snapshot")
    check_snapshot_doc("/api/v1/snapshot", doc, fx)


def lookup_expectations(syms, rnd):
    """[(query, expected document or None for 404)]"""
    order = sorted(range(len(syms)), key=lambda i: (syms[i][0], i))
    addrs = [syms[i][0] for i in order]

    def resolve(a):
        pos = bisect.bisect_right(addrs, a)
        if pos == 0:
            return None
        first = order[bisect.bisect_left(addrs, addrs[pos - 1])]
        s = syms[first]
        return {"addr": hex(a), "symbol": s[2], "offset": hex(a - s[0]), "type": s[1],
                "module": s[3]}

    queries = set()
    distinct = sorted(set(addrs))
    for a in rnd.sample(distinct, min(6, len(distinct))):
        queries.add(a)  # exact symbol addresses
    for _ in range(6):  # inside symbols: between one address and the next
        j = rnd.randrange(len(distinct) - 1) if len(distinct) > 1 else 0
        if j + 1 < len(distinct) and distinct[j + 1] - distinct[j] > 1:
            queries.add(distinct[j] + (distinct[j + 1] - distinct[j]) // 2)
        else:
            queries.add(distinct[j] + 1)
    # ties: addresses shared by several symbols
    ties = [a for a, b in zip(addrs, addrs[1:]) if a == b]
    for a in rnd.sample(sorted(set(ties)), min(3, len(set(ties)))):
        queries.add(a)
        queries.add(a + 1)
    mods = [s[0] for s in syms if s[3] is not None]
    for a in rnd.sample(mods, min(2, len(mods))):
        queries.add(a)
    queries.add(distinct[-1])
    queries.add(distinct[-1] + 0x1000)
    if distinct[0] > 0:
        queries.add(distinct[0] - 1)  # below every symbol
        queries.add(0)
    hidden = all(a == 0 for a in addrs)
    return [(q, None if hidden else resolve(q)) for q in sorted(queries)]


def name_expectations(syms, rnd):
    first = {}
    count = {}
    for s in syms:
        first.setdefault(s[2], s)
        count[s[2]] = count.get(s[2], 0) + 1
    names = []
    dup = [n for n, c in count.items() if c > 1 and first[n][3] is None]
    kern = [s[2] for s in syms if s[3] is None]
    if dup:
        names.append(rnd.choice(sorted(dup)))
    if kern:
        names.append(rnd.choice(kern))
    mod = [s[2] for s in syms if s[3] is not None]
    for n in rnd.sample(mod, min(2, len(mod))):
        names.append(n)
    out = []
    for n in names:
        s = first[n]
        out.append((n, {"symbol": n, "addr": hex(s[0]), "type": s[1], "module": s[3]}))
    out.append(("no_such_symbol_procintro_test", None))
    return out


def check_lookups(port, fx, sample):
    base = "/api/v1/kallsyms/lookup"
    syms = fx["kallsyms"]
    if syms is None:
        get_json(port, base + "?addr=0xffffffff81000000", (404, 503))
        get_json(port, base + "?name=schedule", (404, 503))
        return
    rnd = random.Random(zlib.crc32(sample.encode()))
    for q, exp in lookup_expectations(syms, rnd):
        path = base + "?addr=" + hex(q)
        doc = get_json(port, path, 200 if exp else 404)
        if exp and isinstance(doc, dict):
            R.fields(path, exp, doc)
    for n, exp in name_expectations(syms, rnd):
        path = base + "?name=" + urllib.parse.quote(n, safe="")
        doc = get_json(port, path, 200 if exp else 404)
        if exp and isinstance(doc, dict):
            R.fields(path, exp, doc)


def check_proc(port, fx, sample):
    for name in PROC_NAMES:
        path = "/proc/" + name
        fpath = os.path.join(fx["root"], name)
        if not os.path.isfile(fpath):
            get_json(port, path, 503)
            continue
        with open(fpath, "rb") as f:
            want = f.read()
        try:
            status, ctype, body = request(port, path)
        except Exception as e:  # noqa: BLE001
            R.ok(False, path, "request", "a response", "%s: %s" % (type(e).__name__, e))
            continue
        R.eq(path, "HTTP status", 200, status)
        R.ok(ctype.startswith("text/plain"), path, "Content-Type", "text/plain", ctype)
        if (sample, name) in EDITED:
            wl = [l.split() for l in want.decode("latin-1").splitlines()]
            gl = [l.split() for l in body.decode("latin-1").splitlines()]
            R.eq(path, "same tokens per line (edited fixture)", wl, gl)
        elif body != want:
            i = next((k for k in range(min(len(body), len(want))) if body[k] != want[k]),
                     min(len(body), len(want)))
            R.ok(False, path, "byte-identical (first difference at byte %d, sizes %d/%d)"
                 % (i, len(want), len(body)), want[max(0, i - 40):i + 40],
                 body[max(0, i - 40):i + 40])
        else:
            R.ok(True, path, "byte-identical")
    for path in ("/proc/../etc/passwd", "/proc/%2e%2e/etc/passwd", "/proc/self",
                 "/proc/meminfo"):
        get_json(port, path, 404)


def check_errors(port):
    get_json(port, "/api/v1/nope", 404)
    get_json(port, "/no/such/path", 404)
    get_json(port, "/api/v1/cpu", 405, method="POST")
    get_json(port, "/healthz", 405, method="DELETE")
    get_json(port, "/api/v1/kallsyms/lookup?addr=zz", 400)
    get_json(port, "/api/v1/kallsyms/lookup", 400)


def check_rates_doc(path, r, fx):
    st = fx["stat"]
    R.ok(is_num(r.get("interval_seconds")) and r["interval_seconds"] > 0, path,
         "rates.interval_seconds > 0", "> 0", r.get("interval_seconds", ABSENT))
    if st["total"] is not None:
        # the file does not change: no ticks elapsed, so every fraction is undefined
        ncols = min(len(st["total"]), len(CPU_MODES))
        R.eq(path, "rates.utilization", Exact({CPU_MODES[i]: None for i in range(ncols)}),
             r.get("utilization", ABSENT))
    R.eq(path, "rates.cpus", [{"cpu": c, "busy": None} for c, _ in st["cpus"]],
         r.get("cpus", ABSENT))
    for key, src in (("context_switches_per_second", "ctxt"), ("forks_per_second", "processes"),
                     ("interrupts_per_second", "intr"), ("softirqs_per_second", "softirq")):
        R.eq(path, "rates." + key, 0 if src in st else None, r.get(key, ABSENT))


def check_rates(port, fx, t0):
    """From 1.05 s after readiness (>= 2 samples at --interval 0.5) to 2.1 s, /api/v1/cpu is
    fetched every 50 ms: every answer must carry "rates" (contract: once two samples exist);
    the values of the first one and of one taken across a later sample are checked."""
    path = "/api/v1/cpu"
    time.sleep(max(0.0, t0 + 1.05 - time.monotonic()))
    seen, missing, checked = 0, [], set()
    while True:
        doc = get_json(port, path) if not seen else fetch_quiet(port, path)
        if not isinstance(doc, dict):
            break
        seen += 1
        r = doc.get("rates")
        if isinstance(r, dict):
            stamp = doc.get("sampled_at")
            if len(checked) < 2 and stamp not in checked:
                checked.add(stamp)
                check_rates_doc(path, r, fx)
        else:
            missing.append(str(doc.get("sampled_at")))
        if time.monotonic() >= t0 + 2.1:
            break
        time.sleep(0.05)
    R.ok(seen and not missing, path, "rates present in every answer after >= 2 samples "
         "(%d answers)" % seen, "all", "missing in %d (cpu.sampled_at %s)"
         % (len(missing), ", ".join(sorted(set(missing)))))
    R.ok(checked, path, "some answer with rates", "at least one", "none")


def fetch_quiet(port, path):
    try:
        status, _, body = request(port, path)
        return json.loads(body.decode("utf-8"), parse_float=Decimal) if status == 200 else None
    except Exception:  # noqa: BLE001
        return None


def check_once_result(sample, fx, proc):
    try:
        out, _ = proc.communicate(timeout=60)
    except subprocess.TimeoutExpired:
        proc.kill()
        proc.communicate()
        R.ok(False, "--once", "exits", "exit within 60 s", "still running")
        return
    R.eq("--once", "exit status", 0, proc.returncode)
    try:
        doc = json.loads(out.decode("utf-8"), parse_float=Decimal)
    except Exception as e:  # noqa: BLE001
        R.ok(False, "--once", "stdout is one JSON document", "JSON", "%s: %r" % (e, out[:200]))
        return
    check_snapshot_doc("--once", doc, fx)


def run_sample(binary, fixtures, sample):
    R.begin(sample)
    root = os.path.join(fixtures, sample, "proc")
    fx = load_fixture(root)
    once = subprocess.Popen([binary, "--once", "--procfs-root", root, "--page-size",
                             str(PAGE_SIZE), "--clock-ticks", str(CLOCK_TICKS)],
                            stdin=subprocess.DEVNULL, stdout=subprocess.PIPE,
                            stderr=subprocess.DEVNULL)
    d = daemon(binary, root)
    try:
        if not R.ok(d.start(), "-", "daemon starts and listens", "listening", d.stderr_tail()):
            return
        t0 = time.monotonic()
        port = d.port
        check_healthz(port, fx)
        check_endpoints(port, fx)
        check_lookups(port, fx, sample)
        check_proc(port, fx, sample)
        check_errors(port)
        if fx["stat"] is not None:
            check_rates(port, fx, t0)
        if not d.alive():
            log = d.stderr_tail()
            R.ok(False, "-", "daemon still running", "running", "exited %s%s: %s" % (
                d.proc.returncode, " (it logged an external SIGTERM: another process killed it)"
                if "received Terminated" in log else "", log))
            return
        R.ok(True, "-", "daemon still running")
        R.eq("SIGTERM", "exit status within 2 s", 0, d.sigterm_exit(2))
    except Exception as e:  # noqa: BLE001 - report, never leave the daemon behind
        R.ok(False, "-", "test harness", "no exception", "%s: %s" % (type(e).__name__, e))
    finally:
        d.kill()
        d.close()
        check_once_result(sample, fx, once)
        if once.poll() is None:
            once.kill()
            once.wait()
        print("%-36s %5d passed %4d failed" % ((sample,) + R.group_counts()), flush=True)


def main():
    if len(sys.argv) != 3:
        print("usage: test_api.py PROCINTROD FIXTURES_DIR", file=sys.stderr)
        return 2
    binary, fixtures = os.path.abspath(sys.argv[1]), os.path.abspath(sys.argv[2])
    samples = sorted(s for s in os.listdir(fixtures)
                     if os.path.isdir(os.path.join(fixtures, s, "proc")))
    t0 = time.monotonic()
    for sample in samples:
        run_sample(binary, fixtures, sample)
    R.where = "-"
    # --once on a root that does not exist: no source readable -> non-zero exit
    missing = os.path.join(tempfile.gettempdir(), "procintro-no-such-root-%d" % os.getpid())
    try:
        p = subprocess.run([binary, "--once", "--procfs-root", missing],
                           stdin=subprocess.DEVNULL, stdout=subprocess.DEVNULL,
                           stderr=subprocess.DEVNULL, timeout=30)
        R.ok(p.returncode != 0, "--once", "non-existent root exits non-zero", "non-zero",
             p.returncode)
    except subprocess.TimeoutExpired:
        R.ok(False, "--once", "non-existent root exits", "exit", "timeout")
    print("%d samples in %.1f s" % (len(samples), time.monotonic() - t0))
    return R.finish()


if __name__ == "__main__":
    sys.exit(main())
