#!/usr/bin/env python3
"""Runs one libFuzzer target for a bounded time (meson test suite `fuzz`).

usage: run_fuzz.py FUZZER TARGET MAX_LEN FIXTURES_DIR FUZZ_SRC_DIR FUZZ_BUILD_DIR

Corpus directories given to libFuzzer, in order:
  <build>/corpus/<target>    read-write: new interesting inputs accumulate here across runs
  <build>/seeds/<target>     the fixture files of that kind, rebuilt on every run; files longer
                             than MAX_LEN are cut at line boundaries into head/middle/tail pieces
  <src>/regressions/<target> read-only: past crashes and hand-made hostile inputs (replayed first)
Environment: FUZZ_SECONDS (default 20) bounds the run, FUZZ_ARGS adds libFuzzer flags.
The full libFuzzer output goes to <build>/logs/fuzz-<target>.log; stdout gets the seed and exec
counts, the final "Done N runs in S second(s)" line and, on a crash, the report and the
reproducer's path (copy it into <src>/regressions/<target>/)."""
import os
import re
import shlex
import shutil
import subprocess
import sys

KINDS = {
    "pressure": ["pressure/cpu", "pressure/memory", "pressure/io", "pressure/irq"],
    "route": [],
}


def chunks(data, max_len):
    """Whole file if it fits, else up to three pieces of whole lines (head, middle, tail)."""
    if len(data) <= max_len:
        return [("", data)]
    lines = data.splitlines(keepends=True)
    out = []

    def take(start):
        size, i = 0, start
        while i < len(lines) and size + len(lines[i]) <= max_len:
            size += len(lines[i])
            i += 1
        return b"".join(lines[start:i])

    head = take(0)
    mid = take(len(lines) // 2)
    size, i = 0, len(lines)
    while i > 0 and size + len(lines[i - 1]) <= max_len:
        size += len(lines[i - 1])
        i -= 1
    tail = b"".join(lines[i:])
    for name, piece in (("head", head), ("middle", mid), ("tail", tail)):
        if piece:
            out.append(("." + name, piece))
    return out


def make_seeds(target, max_len, fixtures, seeds):
    shutil.rmtree(seeds, ignore_errors=True)
    os.makedirs(seeds)
    n = 0
    files = KINDS.get(target, [target])
    for sample in sorted(os.listdir(fixtures)) if os.path.isdir(fixtures) else []:
        for f in files:
            path = os.path.join(fixtures, sample, "proc", f)
            if not os.path.isfile(path):
                continue
            with open(path, "rb") as fh:
                data = fh.read()
            for suffix, piece in chunks(data, max_len):
                name = f"{sample}-{f.replace('/', '-')}{suffix}"
                with open(os.path.join(seeds, name), "wb") as out:
                    out.write(piece)
                n += 1
    return n


def main():
    exe, target, max_len, fixtures, src, build = sys.argv[1:7]
    max_len = int(max_len)
    seconds = int(os.environ.get("FUZZ_SECONDS", "20"))
    corpus = os.path.join(build, "corpus", target)
    seeds = os.path.join(build, "seeds", target)
    regress = os.path.join(src, "regressions", target)
    artifacts = os.path.join(build, "artifacts", target)
    logdir = os.path.join(build, "logs")
    for d in (corpus, artifacts, logdir):
        os.makedirs(d, exist_ok=True)
    nseeds = make_seeds(target, max_len, fixtures, seeds)
    log = os.path.join(logdir, f"fuzz-{target}.log")

    cmd = [exe, f"-max_total_time={seconds}", "-rss_limit_mb=2048", f"-max_len={max_len}",
           "-timeout=25", "-print_final_stats=1", "-print_pcs=0",
           f"-artifact_prefix={artifacts}/"]
    dictionary = os.path.join(src, f"{target}.dict")
    if os.path.isfile(dictionary):
        cmd.append(f"-dict={dictionary}")
    cmd += shlex.split(os.environ.get("FUZZ_ARGS", ""))
    cmd += [corpus, seeds]
    if os.path.isdir(regress):
        cmd.append(regress)

    env = dict(os.environ)
    env.setdefault("ASAN_OPTIONS", "detect_leaks=1:abort_on_error=1:symbolize=1")
    env.setdefault("UBSAN_OPTIONS", "halt_on_error=1:print_stacktrace=1")
    before = set(os.listdir(artifacts))
    print(f"fuzz-{target}: {nseeds} fixture seeds, {seconds} s, log {log}")
    print("$ " + " ".join(shlex.quote(c) for c in cmd), flush=True)
    with open(log, "wb") as fh:
        try:
            rc = subprocess.run(cmd, stdout=fh, stderr=subprocess.STDOUT, env=env,
                                timeout=2 * seconds + 300).returncode
        except subprocess.TimeoutExpired:
            rc = None
    with open(log, encoding="utf-8", errors="replace") as fh:
        lines = fh.read().splitlines()

    done = [l for l in lines if re.match(r"Done \d+ runs in \d+ second", l)]
    if rc == 0 and done:
        keep = re.compile(r"^(INFO: seed corpus|#\d+\s+(INITED|DONE)|Done \d+ runs|stat::)")
        for line in lines:
            if keep.search(line):
                print(line)
        print(f"fuzz-{target}: OK")
        return 0
    new = sorted(set(os.listdir(artifacts)) - before)
    print(f"fuzz-{target}: FAILED (exit {'timeout' if rc is None else rc})")
    print(f"---- last 120 lines of {log} ----")
    print("\n".join(lines[-120:]))
    for a in new:
        print(f"reproducer: {os.path.join(artifacts, a)}\n  keep it: cp {os.path.join(artifacts, a)}"
              f" {regress}/  (then test_regressions replays it)")
    return 1


if __name__ == "__main__":
    sys.exit(main())
