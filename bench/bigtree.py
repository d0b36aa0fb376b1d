#!/usr/bin/env python3
"""Write a synthetic procfs tree of a large machine, in the kernel's formats, for memory and
cost measurements: bigtree.py DIR [--cpus 256] [--nodes 8].

Each node has DMA32 (node 0 only), Normal and an unpopulated Movable zone; zoneinfo carries a
pageset for every CPU in every populated zone (the file grows with CPUs x zones)."""
import argparse
import os
import random

a = argparse.ArgumentParser()
a.add_argument("dir")
a.add_argument("--cpus", type=int, default=256)
a.add_argument("--nodes", type=int, default=8)
o = a.parse_args()
rnd = random.Random(1)
os.makedirs(os.path.join(o.dir, "pressure"), exist_ok=True)
zones = [(n, z) for n in range(o.nodes) for z in (["DMA32", "Normal"] if n == 0 else ["Normal"])]

with open(os.path.join(o.dir, "stat"), "w") as f:
    cols = lambda: " ".join(str(rnd.randrange(10**6)) for _ in range(10))
    f.write("cpu  " + cols() + "\n")
    for c in range(o.cpus):
        f.write(f"cpu{c} " + cols() + "\n")
    f.write("intr 123456 " + " ".join(str(rnd.randrange(1000)) for _ in range(4096)) + "\n")
    f.write("ctxt 987654321\nbtime 1700000000\nprocesses 123456\nprocs_running 5\nprocs_blocked 0\n")
    f.write("softirq 1000 " + " ".join(str(rnd.randrange(100)) for _ in range(10)) + "\n")

with open(os.path.join(o.dir, "buddyinfo"), "w") as f:
    for n, z in zones:
        f.write(f"Node {n}, zone {z:>8} " + "".join(f"{rnd.randrange(5000):6d} " for _ in range(11)) + "\n")

types = ["Unmovable", "Movable", "Reclaimable", "HighAtomic", "Isolate"]
with open(os.path.join(o.dir, "pagetypeinfo"), "w") as f:
    for n in range(o.nodes):
        f.write("Page block order: 9\nPages per block:  512\n\n")
        f.write(f"{'Free pages count per migrate type at order':<43} " + "".join(f"{k:6d} " for k in range(11)) + "\n")
        for nn, z in zones:
            if nn != n:
                continue
            for t in types:
                f.write(f"Node {n:4d}, zone {z:>8}, type {t:>12} " + "".join(f"{rnd.randrange(900):6d} " for _ in range(11)) + "\n")
        f.write(f"\n{'Number of blocks type ':<23}" + "".join(f"{t:>12} " for t in types) + "\n")
        for nn, z in zones:
            if nn == n:
                f.write(f"Node {n}, zone {z:>8} " + "".join(f"{rnd.randrange(9000):12d} " for _ in types) + "\n")

with open(os.path.join(o.dir, "zoneinfo"), "w") as f:
    pfn = 1 << 20
    for n in range(o.nodes):
        for i, z in enumerate(["DMA32", "Normal", "Movable"] if n == 0 else ["Normal", "Movable"]):
            populated = z != "Movable"
            f.write(f"Node {n}, zone {z:>8}")
            if populated and (i == 0):
                f.write("\n  per-node stats")
                for k in ["nr_inactive_anon", "nr_active_anon", "nr_inactive_file", "nr_active_file"]:
                    f.write(f"\n      {k:<12} {rnd.randrange(10**6)}")
            span = 4194304 if populated else 0
            f.write(f"\n  pages free     {rnd.randrange(10**6)}\n        boost    0\n        min      11000\n"
                    f"        low      13750\n        high     16500\n        promo    19250\n"
                    f"        spanned  {span}\n        present  {span}\n        managed  {span - 1000 if span else 0}\n"
                    f"        cma      0\n        protection: (0, 0, 0, 0, 0)")
            if populated:
                for k in ["nr_free_pages", "nr_zone_inactive_anon", "nr_free_cma"]:
                    f.write(f"\n      {k:<12} {rnd.randrange(10**6) if k != 'nr_free_cma' else 0}")
                f.write("\n  pagesets")
                for c in range(o.cpus):
                    f.write(f"\n    cpu: {c}\n              count:    {rnd.randrange(500)}\n"
                            f"              high:     4464\n              batch:    63\n"
                            f"              high_min: 2133\n              high_max: 12288\n"
                            f"  vm stats threshold: 16")
                f.write(f"\n  node_unreclaimable:  0\n  start_pfn:           {pfn}")
                pfn += span
            f.write("\n")

with open(os.path.join(o.dir, "schedstat"), "w") as f:
    f.write("version 15\ntimestamp 4295000000\n")
    for c in range(o.cpus):
        f.write(f"cpu{c} 0 0 0 0 0 0 {rnd.randrange(10**12)} {rnd.randrange(10**10)} {rnd.randrange(10**7)}\n")
with open(os.path.join(o.dir, "loadavg"), "w") as f:
    f.write("12.50 10.25 8.00 17/4321 99999\n")
for r in ["cpu", "memory", "io"]:
    with open(os.path.join(o.dir, "pressure", r), "w") as f:
        f.write("some avg10=1.00 avg60=0.50 avg300=0.25 total=123456\n")
        if r != "cpu":
            f.write("full avg10=0.50 avg60=0.25 avg300=0.10 total=65432\n")
