"""Scaffolding shared by the integration tests in this directory (Python standard library only).

- free_port(): a free TCP port on 127.0.0.1;
- Daemon: procintrod (or, through `prefix`, a wrapper that execs it: same PID) on a loopback
  port, stderr in a file, started until it answers (a TCP connect, or HTTP 200 on a path) with
  up to `attempts` fresh ports, stopped by its own PID only (SIGTERM, then SIGKILL); also a
  context manager (`with Daemon(...) as d:` stops it and removes a log file it made itself);
- stop_process(), wait_listening(): the same for any child process (Prometheus, ...);
- http_get(): one request on a fresh loopback connection -> (status, headers, body);
- wait_for(): bounded polling;
- pid_status_kib(), fd_count(), sanitized(): what /proc and the binary say;
- Checks: the pass/fail counter every script prints as "N passed, N failed" at the end.

The scripts import it from their own directory: meson runs them as
`python3 tests/integration/test_X.py ...`, and each inserts its directory in sys.path first.
"""
import http.client
import os
import signal
import socket
import subprocess
import sys
import tempfile
import time

LOOPBACK = "127.0.0.1"
SANITIZER_MARKERS = (b"__asan_init", b"__ubsan_handle")


# ------------------------------------------------------------------------------------------
# checks

class Checks:
    """Counts checks. ok() prints a failure as "FAIL [where] what: expected E, got G"
    (without "[where]" when where is None); subclasses with another signature call record().
    begin() starts a group (a sample, a case) whose own counts group_counts() gives."""

    def __init__(self, where="-", limit=400, echo_passes=False):
        self.passed = 0
        self.failed = 0
        self.where = where
        self.limit = limit
        self.echo_passes = echo_passes
        self._p0 = self._f0 = 0

    def short(self, v):
        s = repr(v)
        return s if len(s) <= self.limit else s[:self.limit] + "...(%d chars)" % len(s)

    def record(self, cond, failure, what=None):
        """Counts one check; on failure prints failure (a string or a function making it)."""
        if cond:
            self.passed += 1
            if self.echo_passes and what is not None:
                print("ok   %s" % what, flush=True)
            return True
        self.failed += 1
        print(failure() if callable(failure) else failure, flush=True)
        return False

    def ok(self, cond, what, expected="true", got="false"):
        return self.record(cond, lambda: "FAIL %s%s: expected %s, got %s" % (
            "" if self.where is None else "[%s] " % self.where, what, expected, self.short(got)),
            what)

    def begin(self, where):
        self.where = where
        self._p0, self._f0 = self.passed, self.failed

    def group_counts(self):
        """(passed, failed) since the last begin()."""
        return self.passed - self._p0, self.failed - self._f0

    def finish(self):
        """Prints "N passed, N failed"; returns the exit status (1 if any check failed)."""
        print("%d passed, %d failed" % (self.passed, self.failed), flush=True)
        return 1 if self.failed else 0


# ------------------------------------------------------------------------------------------
# processes

def parse_args(argv, opts, usage, positional=2):
    """`--name value` options over the defaults in opts (updated in place), then exactly
    `positional` arguments, returned made absolute; None (usage printed) otherwise."""
    args = list(argv)
    for k in list(opts):
        if k in args:
            i = args.index(k)
            if i + 1 == len(args):
                break
            opts[k] = args[i + 1]
            del args[i:i + 2]
    if len(args) != positional:
        print(usage, file=sys.stderr)
        return None
    return [os.path.abspath(a) for a in args]


def free_port():
    s = socket.socket(socket.AF_INET, socket.SOCK_STREAM)
    try:
        s.bind((LOOPBACK, 0))
        return s.getsockname()[1]
    finally:
        s.close()


def sanitized(binary, markers=SANITIZER_MARKERS):
    """True for a sanitizer build (ASan keeps freed memory: RSS bounds do not hold)."""
    with open(binary, "rb") as f:
        data = f.read()
    return any(m in data for m in markers)


def pid_status_kib(pid, key):
    """A "Key:   N kB" field of /proc/PID/status, or None."""
    try:
        with open("/proc/%d/status" % pid) as f:
            for line in f:
                if line.startswith(key + ":"):
                    return int(line.split()[1])
    except OSError:
        return None
    return None


def fd_count(pid):
    try:
        return len(os.listdir("/proc/%d/fd" % pid))
    except OSError:
        return None


def stop_process(proc, timeout=5, sig=signal.SIGTERM):
    """Signals this child by its PID (SIGTERM by default), waits up to timeout, then SIGKILL.
    Returns the exit status (None if it is somehow still there)."""
    if proc is None:
        return None
    if proc.poll() is None:
        proc.send_signal(sig)
        try:
            proc.wait(timeout)
        except subprocess.TimeoutExpired:
            proc.kill()
            try:
                proc.wait(5)
            except subprocess.TimeoutExpired:
                pass
    return proc.returncode


def tcp_open(port, timeout=1):
    try:
        socket.create_connection((LOOPBACK, port), timeout=timeout).close()
        return True
    except OSError:
        return False


def wait_listening(port, proc, deadline, step=0.02):
    """Until the monotonic deadline: True once port accepts, False if proc exits first."""
    while time.monotonic() < deadline:
        if proc.poll() is not None:
            return False
        if tcp_open(port):
            return True
        time.sleep(step)
    return False


def wait_for(fn, timeout, step=0.05):
    """Polls fn() until it returns something truthy; returns it, or None after timeout."""
    deadline = time.monotonic() + timeout
    while True:
        v = fn()
        if v:
            return v
        if time.monotonic() >= deadline:
            return None
        time.sleep(step)


# ------------------------------------------------------------------------------------------
# HTTP

def http_get(port, path, method="GET", body=None, headers=None, timeout=5):
    """One request on a new connection to 127.0.0.1:port -> (status, {lower-case header:
    value}, body bytes). Transport errors raise (OSError, http.client.HTTPException)."""
    c = http.client.HTTPConnection(LOOPBACK, port, timeout=timeout)
    try:
        c.request(method, path, body=body, headers=headers or {})
        r = c.getresponse()
        return r.status, {k.lower(): v for k, v in r.getheaders()}, r.read()
    finally:
        c.close()


# ------------------------------------------------------------------------------------------
# the daemon

class Daemon:
    """procintrod on a loopback port.

    Command: prefix + [binary, "--procfs-root", root, "--listen", "127.0.0.1:PORT"] + args,
    without --procfs-root when root is None and without --listen when listen is False (the
    caller's args or configuration name the port, which it then passes as port=). stdin and
    stdout are /dev/null, stderr goes to logpath (a temporary file removed by close() when
    None). ready: a path answered with HTTP 200 (e.g. "/healthz"), or None for a TCP connect.
    start() tries up to `attempts` times, each on a fresh free port unless port= is fixed,
    each within start_timeout seconds; it returns whether the daemon answered."""

    def __init__(self, binary, root=None, args=(), prefix=(), logpath=None, ready="/healthz",
                 start_timeout=30, attempts=3, port=None, listen=True, stop_timeout=5):
        self.binary, self.root = binary, root
        self.args, self.prefix = list(args), list(prefix)
        self.ready, self.start_timeout, self.attempts = ready, start_timeout, attempts
        self.fixed_port, self.listen, self.stop_timeout = port, listen, stop_timeout
        self.port = port
        self.proc = None
        self._own_log = logpath is None
        if logpath is None:
            fd, logpath = tempfile.mkstemp(prefix="procintrod-", suffix=".stderr")
            os.close(fd)
        self.logpath = logpath

    def __enter__(self):
        return self

    def __exit__(self, *exc):
        self.close()
        return False

    def command(self):
        cmd = self.prefix + [self.binary]
        if self.root is not None:
            cmd += ["--procfs-root", self.root]
        if self.listen:
            cmd += ["--listen", "%s:%d" % (LOOPBACK, self.port)]
        return cmd + self.args

    @property
    def pid(self):
        return self.proc.pid if self.proc is not None else None  # a prefix execs: same pid

    def answers(self):
        if self.ready is None:
            return tcp_open(self.port)
        try:
            return http_get(self.port, self.ready)[0] == 200
        except (OSError, http.client.HTTPException):
            return False

    def start(self):
        for _ in range(self.attempts):
            self.port = self.fixed_port if self.fixed_port is not None else free_port()
            with open(self.logpath, "wb") as log:
                self.proc = subprocess.Popen(self.command(), stdin=subprocess.DEVNULL,
                                             stdout=subprocess.DEVNULL, stderr=log)
            step = 0.02 if self.ready is None else 0.05
            deadline = time.monotonic() + self.start_timeout
            while time.monotonic() < deadline and self.proc.poll() is None:
                if self.answers():
                    return True
                time.sleep(step)
            self.stop()
        return False

    def alive(self):
        return self.proc is not None and self.proc.poll() is None

    def stop(self, sig=signal.SIGTERM):
        """Signals the daemon by its PID, SIGKILL after stop_timeout; -> exit status."""
        return stop_process(self.proc, self.stop_timeout, sig)

    def kill(self):
        return self.stop(signal.SIGKILL)

    def sigterm_exit(self, timeout):
        """SIGTERM, then the exit status within timeout seconds, or a "still running" text
        (the daemon is left running: stop() or close() ends it)."""
        self.proc.send_signal(signal.SIGTERM)
        try:
            return self.proc.wait(timeout)
        except subprocess.TimeoutExpired:
            return "still running after %g s" % timeout

    def close(self):
        self.stop()
        if self._own_log:
            try:
                os.unlink(self.logpath)
            except OSError:
                pass

    # what the daemon shows of itself

    def log_bytes(self):
        try:
            with open(self.logpath, "rb") as f:
                return f.read()
        except OSError:
            return b""

    def log_text(self):
        return self.log_bytes().decode("utf-8", "replace")

    def stderr_tail(self, n=2000):
        return self.log_text()[-n:]

    def status_kib(self, key):
        return pid_status_kib(self.pid, key) if self.pid is not None else None

    def rss(self):
        v = self.status_kib("VmRSS")
        return v * 1024 if v is not None else None

    def hwm(self):
        v = self.status_kib("VmHWM")
        return v * 1024 if v is not None else None

    def fds(self):
        return fd_count(self.pid) if self.pid is not None else None
