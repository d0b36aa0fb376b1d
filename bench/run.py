#!/usr/bin/env python3
"""procintro's benchmark suite: one command, one markdown table (docs/benchmarks.md).

    sudo python3 bench/run.py [--quick] [--out docs/benchmarks.md]

Measures on this machine, in one run (loopback only, every step bounded in time):
  1. each parser's cost against the kernel's cost of producing the same file, live /proc
     (bench_parsers), and kallsyms parse+index on a synthetic 250 000-line file;
  2. the CPU cost of one full sample, and of one idle minute at the default 1 s interval
     (the daemon's own CPU time from /proc/PID/schedstat, in ns);
  3. /metrics, /api/v1/snapshot and /api/v1/buddy under wrk (2 threads, bounded), side by
     side with node_exporter restricted to the same sources, and the ratios;
  4. resident memory after start, after an hour of history is full, after the load;
  5. start-up time to the first served sample.
Needs root (pagetypeinfo, kallsyms), wrk, prometheus-node-exporter, a built tree
(ninja -C build; this script builds it if missing)."""
import argparse
import os
import platform
import re
import shutil
import signal
import socket
import statistics
import subprocess
import sys
import tempfile
import time
import urllib.request

ROOT = os.path.abspath(os.path.join(os.path.dirname(__file__), ".."))
BUILD = os.path.join(ROOT, "build")
PI = os.path.join(BUILD, "daemon", "procintrod")
NE_FLAGS = ["--collector.disable-defaults", "--web.disable-exporter-metrics",
            "--collector.cpu", "--collector.stat", "--collector.buddyinfo",
            "--collector.zoneinfo", "--collector.schedstat", "--collector.pressure",
            "--collector.loadavg", "--collector.stat.softirq"]


def free_port():
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def wait_http(url, timeout=10.0):
    t0 = time.monotonic()
    while time.monotonic() - t0 < timeout:
        try:
            with urllib.request.urlopen(url, timeout=1) as r:
                r.read()
                return time.monotonic() - t0
        except OSError:
            time.sleep(0.002)
    raise RuntimeError(f"{url} did not answer in {timeout}s")


def proc_status(pid, key):
    with open(f"/proc/{pid}/status") as f:
        for line in f:
            if line.startswith(key + ":"):
                return int(line.split()[1])
    return 0


def cpu_ns(pid):
    """CPU time of every thread of pid, in ns (/proc/PID/task/*/schedstat field 1)."""
    total = 0
    for t in os.listdir(f"/proc/{pid}/task"):
        try:
            with open(f"/proc/{pid}/task/{t}/schedstat") as f:
                total += int(f.read().split()[0])
        except OSError:
            pass
    return total


def wrk(url, duration, extra=()):
    out = subprocess.run(["wrk", "-t2", "-c16", f"-d{duration}s", "--latency", *extra, url],
                         capture_output=True, text=True, timeout=duration + 30).stdout
    rps = float(re.search(r"Requests/sec:\s+([\d.]+)", out).group(1))

    def lat(p):
        m = re.search(rf"^\s+{p}%\s+([\d.]+)(us|ms|s)\s*$", out, re.M)
        v, unit = float(m.group(1)), m.group(2)
        return v / 1000 if unit == "us" else v * 1000 if unit == "s" else v
    errors = re.search(r"Non-2xx or 3xx responses: (\d+)", out)
    return {"rps": rps, "p50": lat(50), "p99": lat(99), "non2xx": int(errors.group(1)) if errors else 0}


class Daemon:
    def __init__(self, argv, url):
        self.url = url
        t0 = time.monotonic()
        self.p = subprocess.Popen(argv, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
        wait_http(url)
        self.startup = time.monotonic() - t0

    def stop(self):
        self.p.send_signal(signal.SIGTERM)
        try:
            self.p.wait(5)
        except subprocess.TimeoutExpired:
            self.p.kill()


def machine():
    model = ""
    with open("/proc/cpuinfo") as f:
        for line in f:
            if line.startswith("model name"):
                model = line.split(":", 1)[1].strip()
                break
    mem = proc_meminfo_total()
    return f"{platform.node()}: Linux {platform.release()}, {os.cpu_count()} CPUs ({model}), {mem} GiB RAM"


def proc_meminfo_total():
    with open("/proc/meminfo") as f:
        return round(int(f.readline().split()[1]) / 1048576)


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("--quick", action="store_true", help="shorter runs (CI smoke test)")
    ap.add_argument("--out", default=os.path.join(ROOT, "docs", "benchmarks.md"))
    a = ap.parse_args()
    dur = 3 if a.quick else 10
    rows = []
    if not os.path.exists(PI):
        subprocess.run(["meson", "setup", BUILD], cwd=ROOT, check=True)
    subprocess.run(["ninja", "-C", BUILD], check=True, capture_output=True)

    # 1. parsers against the kernel
    par = subprocess.run([os.path.join(BUILD, "bench", "bench_parsers"), "--runs",
                          "50" if a.quick else "300", "--markdown"],
                         capture_output=True, text=True, check=True).stdout
    tmp = tempfile.mkdtemp(prefix="pibench.")
    synth = os.path.join(tmp, "kallsyms-250k")
    bk = os.path.join(BUILD, "bench", "bench_kallsyms")
    subprocess.run([bk, "--synth", "250000", synth], check=True, capture_output=True)
    kout = subprocess.run([bk, synth, "10" if a.quick else "40"], capture_output=True,
                          text=True, check=True).stdout
    t_k = time.monotonic()
    with open("/proc/kallsyms", "rb") as f:
        while f.read(1 << 20):
            pass
    kernel_kallsyms_ms = (time.monotonic() - t_k) * 1000

    # 2.-5. the daemon: start-up, sample cost, idle minute, memory, HTTP under load
    port = free_port()
    pi = Daemon([PI, "--listen", f"127.0.0.1:{port}"], f"http://127.0.0.1:{port}/healthz")
    rss_start = proc_status(pi.p.pid, "VmRSS")
    idle_s = 15 if a.quick else 60
    c0 = cpu_ns(pi.p.pid)
    time.sleep(idle_s)
    idle_ns = cpu_ns(pi.p.pid) - c0
    idle_pct = idle_ns / (idle_s * 1e9) * 100
    per_sample_us = idle_ns / idle_s / 1000  # one sample per second
    with urllib.request.urlopen(f"http://127.0.0.1:{port}/healthz") as r:
        health = r.read().decode()
    kernel_ms = sum(float(x) for x in re.findall(r'"read_ms":([\d.]+)', health))

    nport = free_port()
    ne_bin = shutil.which("prometheus-node-exporter") or shutil.which("node_exporter")
    ne = Daemon([ne_bin, f"--web.listen-address=127.0.0.1:{nport}", *NE_FLAGS],
                f"http://127.0.0.1:{nport}/metrics") if ne_bin else None
    http = []
    for name, url in [("node_exporter /metrics", f"http://127.0.0.1:{nport}/metrics" if ne else None),
                      ("procintrod /metrics", f"http://127.0.0.1:{port}/metrics"),
                      ("procintrod /api/v1/snapshot", f"http://127.0.0.1:{port}/api/v1/snapshot"),
                      ("procintrod /api/v1/buddy", f"http://127.0.0.1:{port}/api/v1/buddy")]:
        if url:
            http.append((name, wrk(url, dur)))
    rss_load = proc_status(pi.p.pid, "VmRSS")
    ne_rss = proc_status(ne.p.pid, "VmRSS") if ne else 0
    pi.stop()
    if ne:
        ne.stop()

    # history full: an hour's worth of samples (3600) at a 20 ms interval
    hport = free_port()
    hist = Daemon([PI, "--listen", f"127.0.0.1:{hport}", "--interval", "0.02", "--history", "72"],
                  f"http://127.0.0.1:{hport}/healthz")
    time.sleep(8 if a.quick else 80)
    rss_hist = proc_status(hist.p.pid, "VmRSS")
    hist.stop()
    shutil.rmtree(tmp, ignore_errors=True)

    ne_rps = http[0][1]["rps"] if ne else None
    lines = ["# Benchmarks", "",
             f"Generated by `sudo python3 bench/run.py{' --quick' if a.quick else ''}` on "
             f"{time.strftime('%Y-%m-%d %H:%M UTC', time.gmtime())}.", "",
             f"Machine: {machine()}.", "",
             "## Parsing against the kernel", "",
             "Each file read from the live /proc (open + read to EOF: the kernel printing it), "
             "then parsed through the daemon's own path (`pi_srcdata_parse`: parse + derive).", "",
             par.strip(), "",
             "kallsyms, synthetic 250 000 lines (`bench_kallsyms --synth 250000`), parse + index:", "",
             "```", kout.strip(), "```", "",
             f"The kernel produced this machine's /proc/kallsyms in {kernel_kallsyms_ms:.1f} ms "
             "in the same run.", "",
             "## The daemon", "",
             "| figure | value |", "|---|---:|",
             f"| start-up to first served sample | {pi.startup * 1000:.1f} ms |",
             f"| CPU per 1 s sample, all sources due (idle average) | {per_sample_us:.1f} µs |",
             f"| of which the kernel's read() time, last sample (from /healthz) | {kernel_ms * 1000:.1f} µs |",
             f"| CPU of an idle minute at 1 s interval | {idle_ns / 1e6 / idle_s * 60:.1f} ms = {idle_pct:.3f} % of one core |",
             f"| RSS after start | {rss_start / 1024:.1f} MiB |",
             f"| RSS after the load below | {rss_load / 1024:.1f} MiB |",
             f"| RSS with an hour of history full (3600 samples) | {rss_hist / 1024:.1f} MiB |",
             f"| node_exporter RSS after the load | {ne_rss / 1024:.1f} MiB |" if ne else "",
             "", "## HTTP under wrk (2 threads, 16 connections, "
             f"{dur} s, loopback)", "",
             "| endpoint | req/s | p50 ms | p99 ms | req/s vs node_exporter |", "|---|---:|---:|---:|---:|"]
    for name, r in http:
        ratio = f"{r['rps'] / ne_rps:.1f}x" if ne_rps else "n/a"
        lines.append(f"| {name} | {r['rps']:.0f} | {r['p50']:.2f} | {r['p99']:.2f} | {ratio} |")
    lines += ["", "node_exporter runs with " + " ".join(NE_FLAGS) + "."]
    text = "\n".join(l for l in lines if l is not None) + "\n"
    with open(a.out, "w") as f:
        f.write(text)
    print(text)


if __name__ == "__main__":
    sys.exit(main())
