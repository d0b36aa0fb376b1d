#!/usr/bin/env python3
"""Running procintrod as a service: privilege drop, configuration and reload, remote-access
protection (token, TLS client certificates, refusal of an unprotected non-loopback bind),
the systemd unit (systemd-analyze verify and security), `meson install` and the .deb.

    test_service.py PROCINTROD FIXTURES SOURCE_ROOT BUILD_ROOT

Runs as root (CI does); the privilege-drop checks are skipped, and counted as failures,
otherwise. Loopback only. Prints 'N passed, N failed'."""
import json
import os
import re
import shutil
import signal
import socket
import ssl
import subprocess
import sys
import tempfile
import time
import urllib.error
import urllib.request

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
import daemonlib  # noqa: E402 - the shared scaffolding, next to this script

PI, FIX, SRC, BUILD = sys.argv[1:5]
C = daemonlib.Checks()


def check(cond, what, detail=""):
    return C.record(cond, lambda: f"FAIL: {what} {detail}")


free_port = daemonlib.free_port


def start(args, port, timeout=10):
    """The daemon with these arguments (they name the port), once it accepts on port, it
    exits or timeout passes."""
    d = daemonlib.Daemon(PI, args=args, port=port, listen=False, ready=None,
                         start_timeout=timeout, attempts=1)
    d.start()
    return d


def stop(d):
    """Stops the daemon (by its PID); -> what it wrote to stderr."""
    d.stop()
    err = d.log_text()
    d.close()
    return err


def get(url, headers=None, ctx=None):
    req = urllib.request.Request(url, headers=headers or {})
    try:
        with urllib.request.urlopen(req, timeout=5, context=ctx) as r:
            return r.status, r.read()
    except urllib.error.HTTPError as e:
        return e.code, e.read()
    except (urllib.error.URLError, ssl.SSLError, ConnectionError) as e:
        return None, str(e).encode()


def status_of(pid):
    out = {}
    with open(f"/proc/{pid}/status") as f:
        for line in f:
            k, _, v = line.partition(":")
            out[k] = v.strip()
    return out


def test_privilege_drop():
    if os.geteuid() != 0:
        check(False, "privilege drop", "needs root")
        return
    port = free_port()
    p = start(["--listen", f"127.0.0.1:{port}", "--user", "nobody", "--interval", "0.3"], port)
    try:
        st = status_of(p.pid)
        check(st["Uid"].split()[:2] == ["65534", "65534"], "drop: uid is nobody's", st["Uid"])
        check(int(st["CapEff"], 16) == 0 and int(st["CapPrm"], 16) == 0,
              "drop: no capabilities", st["CapEff"])
        check(st.get("NoNewPrivs") == "1", "drop: no_new_privs")
        time.sleep(0.8)  # a few samples after the drop
        code, body = get(f"http://127.0.0.1:{port}/healthz")
        h = json.loads(body)
        check(h["sources"]["pagetypeinfo"]["ok"], "drop: pagetypeinfo still read",
              h["sources"]["pagetypeinfo"])
        # the pageblocks root reads (per zone: a pageblock changes migrate type between
        # two reads on a busy machine, but a zone's count of them does not), and real
        # kallsyms addresses
        code, body = get(f"http://127.0.0.1:{port}/proc/pagetypeinfo")
        with open("/proc/pagetypeinfo") as f:
            root_view = f.read()

        def blocks(t):
            rows = re.findall(r"^(Node \d+, zone +\S+)((?: +\d+)+) *$",
                              t.split("Number of blocks type")[1], re.M)
            return [(z, sum(int(v) for v in counts.split())) for z, counts in rows]
        check(code == 200 and blocks(body.decode()) == blocks(root_view) != [],
              "drop: pageblocks per zone equal root's", (blocks(body.decode()), blocks(root_view)))
        code, body = get(f"http://127.0.0.1:{port}/api/v1/kallsyms")
        k = json.loads(body)
        check(k["addresses_hidden"] is False, "drop: kallsyms addresses visible")
        code, body = get(f"http://127.0.0.1:{port}/api/v1/kallsyms/lookup?name=_text")
        with open("/proc/kallsyms") as f:
            text = next(l.split()[0] for l in f if l.split()[2:3] == ["_text"])
        check(code == 200 and json.loads(body)["addr"] == "0x" + text.lstrip("0"),
              "drop: _text address as root sees it", body[:120])
        # a fresh open as that user would be refused: the kept descriptor is what works
        r = subprocess.run(["setpriv", "--reuid=65534", "--regid=65534", "--clear-groups",
                            "cat", "/proc/pagetypeinfo"], capture_output=True)
        check(r.returncode != 0, "drop: nobody cannot open pagetypeinfo itself")
    finally:
        stop(p)


def test_config_and_reload():
    d = tempfile.mkdtemp(prefix="pi-conf.")
    conf = os.path.join(d, "procintrod.conf")
    port = free_port()
    root = os.path.join(FIX, "local-6.18-x86_64", "proc")
    with open(conf, "w") as f:
        f.write(f"# test\nprocfs-root = {root}\nlisten = 127.0.0.1:{port}\ninterval = 0.2\n"
                "history = 60\n")
    p = start(["--config", conf], port)
    try:
        code, body = get(f"http://127.0.0.1:{port}/api/v1/buddy")
        check(code == 200 and json.loads(body)["zones"][2]["free_blocks"][10] == 23,
              "config: procfs-root and listen taken from the file")
        # flags win over the file
        p2port = free_port()
        p2 = start(["--config", conf, "--listen", f"127.0.0.1:{p2port}"], p2port)
        code, _ = get(f"http://127.0.0.1:{p2port}/healthz")
        check(code == 200, "config: a flag overrides the file's listen")
        stop(p2)
        # good reload: interval 0.2 -> 0.5
        with open(conf, "w") as f:
            f.write(f"procfs-root = {root}\nlisten = 127.0.0.1:{port}\ninterval = 0.5\nhistory = 60\n")
        # a client holds a keep-alive connection across the reload
        s = socket.create_connection(("127.0.0.1", port))
        p.proc.send_signal(signal.SIGHUP)
        time.sleep(0.6)
        s.sendall(b"GET /healthz HTTP/1.1\r\nHost: x\r\n\r\n")
        check(s.recv(100).startswith(b"HTTP/1.1 200"), "reload: open connections keep working")
        s.close()
        code, body = get(f"http://127.0.0.1:{port}/api/v1/history?series=cpu.load1")
        t = json.loads(body)["timestamps"]
        gaps = [round(b - a, 1) for a, b in zip(t, t[1:])][-3:]
        time.sleep(1.2)
        code, body = get(f"http://127.0.0.1:{port}/api/v1/history?series=cpu.load1")
        t = json.loads(body)["timestamps"]
        gaps = [round(b - a, 1) for a, b in zip(t, t[1:])][-2:]
        check(all(abs(g - 0.5) < 0.15 for g in gaps), "reload: the new interval is in force", gaps)
        # bad reload: the old configuration stays in force, and the daemon says why
        with open(conf, "w") as f:
            f.write("interval = -3\nbogus-key = 1\n")
        p.proc.send_signal(signal.SIGHUP)
        time.sleep(1.2)
        check(p.alive(), "reload: a bad file does not stop the daemon")
        code, body = get(f"http://127.0.0.1:{port}/api/v1/history?series=cpu.load1")
        t = json.loads(body)["timestamps"]
        gaps = [round(b - a, 1) for a, b in zip(t, t[1:])][-2:]
        check(code == 200 and all(abs(g - 0.5) < 0.15 for g in gaps),
              "reload: the old configuration stays", gaps)
    finally:
        err = stop(p)
    check("invalid value for --interval" in err and "keeping the running one" in err,
          "reload: the error is logged", err[-400:])
    # a bad file at start: clear error, exit 2
    with open(conf, "w") as f:
        f.write("listen 127.0.0.1:1\n")
    r = subprocess.run([PI, "--config", conf, "--once"], capture_output=True, text=True)
    check(r.returncode == 2 and f"{conf}:1:" in r.stderr, "config: syntax error names file:line",
          r.stderr)
    with open(conf, "w") as f:
        f.write("nosuch-option = 1\n")
    r = subprocess.run([PI, "--config", conf, "--once"], capture_output=True, text=True)
    check(r.returncode == 2 and "unknown key" in r.stderr, "config: unknown key refused", r.stderr)
    shutil.rmtree(d)


def test_remote_access():
    d = tempfile.mkdtemp(prefix="pi-auth.")
    root = os.path.join(FIX, "local-6.18-x86_64", "proc")
    # an unprotected non-loopback bind is refused (nothing is bound: the check comes first)
    r = subprocess.run([PI, "--procfs-root", root, "--listen", "0.0.0.0:0"], capture_output=True,
                       text=True, timeout=10)
    check(r.returncode == 2 and "refusing to listen" in r.stderr, "non-loopback refused", r.stderr)
    # token
    tok = os.path.join(d, "token")
    with open(tok, "w") as f:
        f.write("s3cret-token-0123456789\n")
    port = free_port()
    p = start(["--procfs-root", root, "--listen", f"127.0.0.1:{port}", "--auth-token-file", tok], port)
    try:
        code, body = get(f"http://127.0.0.1:{port}/healthz")
        check(code == 401 and json.loads(body)["error"]["status"] == 401, "token: missing -> 401")
        code, _ = get(f"http://127.0.0.1:{port}/healthz", {"Authorization": "Bearer wrong-token-0123456789x"})
        check(code == 401, "token: wrong -> 401")
        code, _ = get(f"http://127.0.0.1:{port}/healthz", {"Authorization": "Bearer s3cret-token-012345678"})
        check(code == 401, "token: a prefix -> 401")
        code, _ = get(f"http://127.0.0.1:{port}/healthz", {"Authorization": "Bearer s3cret-token-0123456789"})
        check(code == 200, "token: right -> 200")
    finally:
        stop(p)
    # TLS with client certificates
    def ossl(*a):
        subprocess.run(["openssl", *a], cwd=d, check=True, capture_output=True)
    ossl("req", "-x509", "-newkey", "rsa:2048", "-nodes", "-keyout", "ca.key", "-out", "ca.pem",
         "-days", "2", "-subj", "/CN=procintro test CA")
    for name, cn in [("server", "127.0.0.1"), ("client", "client"), ("rogue", "rogue")]:
        ossl("req", "-newkey", "rsa:2048", "-nodes", "-keyout", f"{name}.key", "-out",
             f"{name}.csr", "-subj", f"/CN={cn}")
    with open(os.path.join(d, "san.ext"), "w") as f:
        f.write("subjectAltName=IP:127.0.0.1\n")
    ossl("x509", "-req", "-in", "server.csr", "-CA", "ca.pem", "-CAkey", "ca.key",
         "-CAcreateserial", "-out", "server.pem", "-days", "2", "-extfile", "san.ext")
    ossl("x509", "-req", "-in", "client.csr", "-CA", "ca.pem", "-CAkey", "ca.key",
         "-CAcreateserial", "-out", "client.pem", "-days", "2")
    ossl("x509", "-req", "-in", "rogue.csr", "-signkey", "rogue.key", "-out", "rogue.pem", "-days", "2")
    port = free_port()
    p = start(["--procfs-root", root, "--listen", f"127.0.0.1:{port}",
               "--tls-cert", os.path.join(d, "server.pem"), "--tls-key", os.path.join(d, "server.key"),
               "--tls-client-ca", os.path.join(d, "ca.pem")], port)
    try:
        def ctx(cert=None):
            c = ssl.create_default_context(cafile=os.path.join(d, "ca.pem"))
            if cert:
                c.load_cert_chain(os.path.join(d, f"{cert}.pem"), os.path.join(d, f"{cert}.key"))
            return c
        code, body = get(f"https://127.0.0.1:{port}/healthz", ctx=ctx("client"))
        check(code == 200 and json.loads(body)["status"] in ("ok", "degraded"), "tls: client cert -> 200", code)
        code, _ = get(f"https://127.0.0.1:{port}/healthz", ctx=ctx())
        check(code != 200, "tls: no client cert refused", code)
        code, _ = get(f"https://127.0.0.1:{port}/healthz", ctx=ctx("rogue"))
        check(code != 200, "tls: a certificate from another CA refused", code)
        code, _ = get(f"http://127.0.0.1:{port}/healthz")
        check(code != 200, "tls: plain HTTP refused", code)
    finally:
        stop(p)
    shutil.rmtree(d)


def test_unit():
    unit = os.path.join(BUILD, "systemd", "procintrod.service")
    check(os.path.exists(unit), "unit generated")
    if not shutil.which("systemd-analyze"):
        check(False, "systemd-analyze available")
        return
    d = tempfile.mkdtemp(prefix="pi-unit.")
    r = subprocess.run(["meson", "install", "-C", BUILD, "--destdir", d, "--no-rebuild"],
                       capture_output=True, text=True)
    check(r.returncode == 0, "meson install into a DESTDIR", r.stderr[-300:])
    files = sorted(os.path.relpath(os.path.join(a, f), d) for a, _, fs in os.walk(d) for f in fs)
    prefix = subprocess.run(["meson", "introspect", BUILD, "--buildoptions"], capture_output=True,
                            text=True).stdout
    opts = {o["name"]: o["value"] for o in json.loads(prefix)}
    pre = opts["prefix"].lstrip("/")
    for want in [f"{pre}/{opts['sbindir']}/procintrod", f"{pre}/{opts['mandir']}/man8/procintrod.8"]:
        check(want in files, f"installed {want}", files)
    check(any(f.endswith("/procintrod.service") for f in files), "installed the service unit", files)
    check(any(f.endswith("/procintrod.socket") for f in files), "installed the socket unit", files)
    check(any(f.endswith("sysusers.d/procintro.conf") for f in files), "installed the sysusers entry")
    check(any(f.endswith("procintro/procintrod.conf") for f in files), "installed the sample config")
    svc = next(os.path.join(d, f) for f in files if f.endswith("/procintrod.service"))
    unitdir = os.path.dirname(svc)
    # verify on the host, with ExecStart pointing at the binary installed into DESTDIR
    vdir = os.path.join(d, "verify")
    os.makedirs(vdir)
    for name in ["procintrod.service", "procintrod.socket"]:
        with open(os.path.join(unitdir, name)) as f:
            text = f.read()
        binpath = "/" + f"{pre}/{opts['sbindir']}/procintrod"
        with open(os.path.join(vdir, name), "w") as f:
            f.write(text.replace(binpath, os.path.join(d, binpath.lstrip("/"))))
    r = subprocess.run(["systemd-analyze", "verify", "--man=no",
                        os.path.join(vdir, "procintrod.service"), os.path.join(vdir, "procintrod.socket")],
                       capture_output=True, text=True)
    noise = [l for l in (r.stderr + r.stdout).splitlines() if l.strip()]
    check(r.returncode == 0 and not noise, "systemd-analyze verify is clean", (r.stderr + r.stdout)[-500:])
    r = subprocess.run(["systemd-analyze", "security", "--offline=true", f"--root={d}", svc],
                       capture_output=True, text=True)
    m = re.search(r"Overall exposure level for \S+: ([\d.]+) (\S+)", r.stdout + r.stderr)
    check(m is not None and float(m.group(1)) <= 2.0, "systemd-analyze security exposure <= 2.0",
          m.group(0) if m else (r.stdout + r.stderr)[-300:])
    print(f"unit: {m.group(0) if m else 'no exposure figure'}")
    shutil.rmtree(d)


def test_deb():
    if not shutil.which("dpkg-buildpackage") or not shutil.which("dh"):
        check(False, "dpkg-buildpackage and debhelper available")
        return
    d = tempfile.mkdtemp(prefix="pi-deb.")
    tree = os.path.join(d, "procintro")
    shutil.copytree(SRC, tree, ignore=shutil.ignore_patterns("build*", ".git", "node_modules", "obj-*"))
    r = subprocess.run(["dpkg-buildpackage", "-b", "-us", "-uc"], cwd=tree, capture_output=True, text=True,
                       env={**os.environ, "DEB_BUILD_OPTIONS": "nocheck"}, timeout=900)
    debs = [f for f in os.listdir(d) if f.endswith(".deb")]
    check(r.returncode == 0 and debs, "dpkg-buildpackage -b builds a .deb", (r.stdout + r.stderr)[-800:])
    if debs:
        contents = subprocess.run(["dpkg-deb", "-c", os.path.join(d, debs[0])], capture_output=True,
                                  text=True).stdout
        for want in ["./usr/sbin/procintrod", "procintrod.service", "procintrod.socket",
                     "./etc/procintro/procintrod.conf", "man8/procintrod.8"]:
            check(want in contents, f".deb contains {want}")
        scripts = subprocess.run(["dpkg-deb", "-I", os.path.join(d, debs[0]), "postinst"],
                                 capture_output=True, text=True).stdout
        check("adduser" in scripts and "deb-systemd-helper" in scripts and "enable" in scripts,
              ".deb creates the user and enables the service", scripts[-400:])
    shutil.rmtree(d)


for t in [test_privilege_drop, test_config_and_reload, test_remote_access, test_unit, test_deb]:
    before = C.failed
    try:
        t()
    except Exception as e:  # a crash in a test is a failure, not an abort
        check(False, t.__name__, repr(e))
    print(f"{t.__name__}: {'ok' if C.failed == before else 'FAILED'}")
sys.exit(C.finish())
