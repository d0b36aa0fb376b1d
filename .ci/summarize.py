#!/usr/bin/env python3
"""Counts test cases across meson test logs (testlog.json) and prints 'N passed, N failed'.

A cmocka binary reports '[  PASSED  ] N test(s).' / '[  FAILED  ] N test(s)'; the
integration test prints its own 'N passed, N failed'. A test that printed neither counts as
one case, passed or failed by its exit status."""
import json
import re
import sys

passed = failed = 0
for path in sys.argv[1:]:
    try:
        lines = open(path, encoding="utf-8", errors="replace").read().splitlines()
    except OSError as e:
        print(f"missing test log {path}: {e}")
        failed += 1
        continue
    for line in lines:
        t = json.loads(line)
        out = t.get("stdout", "") or ""
        ok = t.get("result") == "OK"
        if t.get("result") == "SKIP":
            continue
        m = re.findall(r"^(\d+) passed, (\d+) failed", out, re.M)
        cp = re.findall(r"\[  PASSED  \] (\d+) test", out)
        cf = re.findall(r"\[  FAILED  \] (\d+) test", out)
        if m:
            p, f = map(int, m[-1])
        elif cp or cf:
            p = sum(map(int, cp))
            f = sum(map(int, cf))
        else:
            p, f = (1, 0) if ok else (0, 1)
        if not ok and f == 0:
            f = 1  # crashed or timed out after its summary
        passed += p
        failed += f
print(f"{passed} passed, {failed} failed")
sys.exit(1 if failed else 0)
