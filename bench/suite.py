#!/usr/bin/env python3
"""LanSpread against the tools users would pick instead, side by side in one run (issue 8). Called by scripts/bench,
which builds the product and the in-process benchmarks first; see bench/README.md.

usage: suite.py PRODUCT_ARCHIVE [--runs N] [--gib G] [--memory-gib G] [--cases 1,2,3,4,6,7] [--extra FILE ...]
                [--party-n 8] [--party-rate 40mbit] [--party-mib 256] [--party-warm 0]

Cases (numbers as in the issue; case 5, extraction, is the in-process benchmark whose table --extra adds):
  1  one seed, a G GiB game, over a veth link shaped to 1 Gbit: LanSpread, scp, Syncthing vs the line rate
  2  the same on unshaped loopback: LanSpread vs a JSSE TLS 1.3 copy, a plain TCP copy, iperf3, scp
  3  swarm: three seeds on their own 300 Mbit links, one downloader: LanSpread vs the 900 Mbit sum
  4  discovery: a peer's start to its appearance at another peer, in namespaces (bench/netns/discovery.py)
  6  memory: the downloader's peak RSS and heap during a 10 GiB download with -Xmx256m
  7  LAN party: a seed and --party-n downloaders together on a star of shaped ports, against a BitTorrent swarm
     (bench/netns/party.py)
When only some cases run, bench/results/latest.md keeps the other cases' rows and sections from its earlier run,
marked with that run's date.
Every address is inside namespaces this script makes (10.213.0.0/16) or on loopback. Needs root.
"""
import json
import os
import platform
import re
import resource
import shutil
import signal
import statistics
import subprocess
import sys
import tarfile
import threading
import time
import xml.etree.ElementTree as ET
from datetime import datetime, timezone

HERE = os.path.dirname(os.path.abspath(__file__))
sys.path.insert(0, os.path.join(HERE, "netns"))
from lab import Lab, cpu_seconds, hold_lock, in_ns, sh, stop_process  # noqa: E402
import rarwrite  # noqa: E402
from party_case import case7  # noqa: E402

WORK = os.path.join(HERE, "target", "suite")
GAME = "benchgame"
PORT = 47800
MIB = 1 << 20
ROWS = []  # (case, what, figures, ratio text, verdict)


def log(message):
    print("[%s] %s" % (datetime.now().strftime("%H:%M:%S"), message), flush=True)


# ------------------------------------------------------------------ data

def make_game(root, gib, parts=4):
    """A game of `gib` GiB of random bytes in `parts` stored RAR archives (plus version.ini), made once and reused.
    Real archives: a peer offers a game only once its archives pass their own CRC checks."""
    folder = os.path.join(root, GAME)
    size = int(gib * (1 << 30))
    marker = os.path.join(root, ".size")
    if os.path.exists(marker) and open(marker).read() == "rar4 %d" % size:
        return folder, tree_bytes(folder)
    shutil.rmtree(root, ignore_errors=True)
    os.makedirs(folder)
    with open(os.path.join(folder, "version.ini"), "w") as f:
        f.write("20261126\n")
    rarwrite.random_game(folder, GAME, size, parts, "lanspread")
    with open(marker, "w") as f:
        f.write("rar4 %d" % size)
    return folder, tree_bytes(folder)


def tree_bytes(path):
    total = 0
    for dirpath, _, files in os.walk(path):
        for name in files:
            if not name.startswith("."):
                total += os.path.getsize(os.path.join(dirpath, name))
    return total


def tree_cpu(pid):
    return sum(cpu_seconds(p) for p in process_tree(pid))


CPU = {}  # what -> list of (sender CPU s, receiver CPU s, bytes) per run, for the CPU-per-MiB figures


def record_cpu(what, sender, receiver, got):
    CPU.setdefault(what, []).append((sender, receiver, got))


def net_counters(ns):
    """Datagrams and segments this namespace received and sent so far (/proc/net/snmp is per namespace)."""
    lines = sh(*in_ns(ns, "cat", "/proc/net/snmp")).stdout.splitlines()
    counters = {}
    for head, values in zip(lines[::2], lines[1::2]):
        proto = head.split(":")[0]
        counters.update({proto + "." + k: int(v) for k, v in zip(head.split()[1:], values.split()[1:])})
    return counters["Udp.InDatagrams"] + counters["Tcp.InSegs"], counters["Udp.OutDatagrams"] + counters["Tcp.OutSegs"]


PACKETS = {}  # what -> list of (packets in, packets out, bytes) at the receiver, per run


def counting(ns, key, measure):
    """measure() with the receiving namespace's packets counted."""
    def run():
        before = net_counters(ns)
        seconds, got = measure()
        after = net_counters(ns)
        PACKETS.setdefault(key, []).append((after[0] - before[0], after[1] - before[1], got))
        return seconds, got
    return run


PAGE_REPORTING = "/sys/module/page_reporting/parameters/page_reporting_order"
SETTINGS = []  # what the run set on the machine, for the report


class SteadyPageCache:
    """Holds off the VM's free page reporting for the run, and restores it after.

    On a VM with free page reporting (virtio-balloon), memory that is freed is given back to the host within seconds,
    and the next write into the page cache faults every page in again. Measured here: writing 2 GiB with dd takes
    0.27 s when it follows the removal of an earlier 2 GiB file at once, 3.5 s five seconds later and 7.1 s twenty
    seconds later. So a receiver that starts writing at once (the reference copies, scp: a fresh process of ~0.1 s)
    wrote into warm memory, while LanSpread's downloader (a JVM and framework start of ~3 s first) paid ~3.4 ms of CPU
    per MiB more, on the same 2 cores as both peers. Held off, every receiver writes into memory as on a machine
    without a balloon. LANSPREAD_BENCH_PAGE_REPORTING=keep leaves the setting alone."""

    HELD_OFF = "11"  # above the largest page order: no free block qualifies for reporting

    def __init__(self, gib):
        self.gib = gib
        self.before = None

    def __enter__(self):
        if os.environ.get("LANSPREAD_BENCH_PAGE_REPORTING") == "keep" or not os.path.exists(PAGE_REPORTING):
            SETTINGS.append("The VM's free page reporting was left as it was (see bench/suite.py, SteadyPageCache).")
            return self
        current = open(PAGE_REPORTING).read().strip()
        if current == self.HELD_OFF:  # scripts/bench holds it off for its whole run, and restores it
            told = "page_reporting_order %s" % current
        else:
            try:
                with open(PAGE_REPORTING, "w") as f:
                    f.write(self.HELD_OFF)
            except OSError as e:
                log("could not hold off free page reporting: %s" % e)
                SETTINGS.append("The VM's free page reporting could not be held off (%s)." % e)
                return self
            self.before = current
            told = "page_reporting_order %s -> %s, restored after" % (current, self.HELD_OFF)
        # Memory given back before the run is faulted in once, here, not in the first contender's first run.
        scratch = os.path.join(WORK, "page-cache-warmup")
        with open(scratch, "wb") as f:
            block = bytes(4 * MIB)
            for _ in range(int((self.gib + 1) * 256)):
                f.write(block)
        os.remove(scratch)
        SETTINGS.append("The VM's free page reporting was held off for the run (%s), so that every receiver writes "
                        "into memory the VM keeps: see bench/suite.py, SteadyPageCache." % told)
        return self

    def __exit__(self, *exc):
        if self.before is not None:
            with open(PAGE_REPORTING, "w") as f:
                f.write(self.before)
        return False


def drop_written():
    """Writes back what the previous run left dirty, so it does not land in the next one's time."""
    sh("sync")


# ------------------------------------------------------------------ LanSpread (the product's headless peer)

class Product:
    def __init__(self, archive):
        target = os.path.join(WORK, "product")
        shutil.rmtree(target, ignore_errors=True)
        os.makedirs(target)
        with tarfile.open(archive) as tar:
            tar.extractall(target)
        self.script = os.path.join(target, "lanspread", "lanspread")

    def env(self, games, data, vmargs):
        env = dict(os.environ)
        env["LANSPREAD_GAMES_DIR"] = games
        env["LANSPREAD_DATA"] = data
        # LANSPREAD_BENCH_VMARGS: extra JVM options for every LanSpread process of the run (e.g. to compare settings).
        env["LANSPREAD_VMARGS"] = (vmargs + " " + os.environ.get("LANSPREAD_BENCH_VMARGS", "")).strip()
        return env


class Seed:
    """`lanspread headless serve` in a namespace, serving a games folder."""

    def __init__(self, product, ns, address, games, name, extra_vmargs=""):
        self.address = address
        self.log = os.path.join(WORK, "%s.log" % name)
        data = os.path.join(WORK, "state", name)
        vmargs = ("-Dlanspread.transport.bind=%s:%d -Dlanspread.discovery=false -Dlanspread.peer.name=%s %s"
                  % (address, PORT, name, extra_vmargs))
        with open(self.log, "w") as out:
            self.process = subprocess.Popen(in_ns(ns, product.script, "headless", "serve"), stdout=out,
                                            stderr=subprocess.STDOUT, env=product.env(games, data, vmargs))
        wait_for_line(self.log, r"Z serving [1-9]", 90, self.process)

    def stop(self):
        stop(self.process)


def stop(process):
    stop_process(process, 15)


def wait_for_line(path, pattern, timeout, process=None):
    deadline = time.time() + timeout
    regex = re.compile(pattern)
    while time.time() < deadline:
        with open(path) as f:
            for line in f:
                if regex.search(line):
                    return line
        if process is not None and process.poll() is not None:
            raise RuntimeError("exited (%s) before /%s/:\n%s" % (process.returncode, pattern, open(path).read()))
        time.sleep(0.05)
    raise RuntimeError("no /%s/ within %d s in %s:\n%s" % (pattern, timeout, path, open(path).read()[-3000:]))


def lanspread_download(product, ns, address, seeds, name, xmx=None, sample=None):
    """Downloads GAME from the seeds with `lanspread headless download`. Returns the seconds from the command's
    start of the download (all seeds connected) to its completion, as the harness saw the output lines."""
    root = os.path.join(WORK, "dl", name)
    shutil.rmtree(root, ignore_errors=True)
    games, data = os.path.join(root, "games"), os.path.join(root, "data")
    os.makedirs(games)
    vmargs = ("-Dlanspread.transport.bind=%s:%d -Dlanspread.discovery=false -Dlanspread.peer.name=%s "
              "-Dlanspread.peers.manual=%s" % (address, PORT + 1, name, ",".join("%s:%d" % (s.address, PORT) for s in seeds)))
    if xmx:
        vmargs += " -Xmx%s -Xlog:gc:file=%s" % (xmx, os.path.join(root, "gc.log"))
    env = product.env(games, data, vmargs)
    command = in_ns(ns, product.script, "headless", "download", GAME, "--wait", "60", "--peers", str(len(seeds)))
    started = finished = None
    lines = []
    seed_cpu = [cpu_seconds(s.process.pid) for s in seeds]
    process = subprocess.Popen(command, stdout=subprocess.PIPE, stderr=subprocess.STDOUT, text=True, env=env)
    sampler = sample(process) if sample else None
    for line in process.stdout:
        lines.append(line)
        if line.strip() == "download " + GAME:  # printed when the download is submitted (progress lines follow)
            started = time.time()
        elif line.startswith("completed:"):
            finished = time.time()
    # ip netns exec and the start script exec: the child is the JVM, and its rusage is the downloader's CPU time.
    _, status, usage = os.wait4(process.pid, 0)
    process.returncode = os.waitstatus_to_exitcode(status)
    seed_cpu = sum(cpu_seconds(s.process.pid) - before for s, before in zip(seeds, seed_cpu))
    with open(os.path.join(WORK, "%s-download.log" % name), "w") as f:
        f.writelines(lines)
    if sampler:
        sampler.join()
    if process.returncode != 0 or started is None or finished is None:
        raise RuntimeError("the LanSpread download failed (exit %s):\n%s" % (process.returncode, "".join(lines[-30:])))
    got = tree_bytes(os.path.join(games, GAME))
    record_cpu(name, seed_cpu, usage.ru_utime + usage.ru_stime, got)
    return finished - started, got, root


# ------------------------------------------------------------------ the alternatives

class Sshd:
    """OpenSSH's sshd in a namespace, with a key made for this run (root logs in with it)."""

    def __init__(self, ns, address):
        self.dir = os.path.join(WORK, "ssh")
        shutil.rmtree(self.dir, ignore_errors=True)
        os.makedirs(self.dir)
        self.key = os.path.join(self.dir, "id")
        host_key = os.path.join(self.dir, "host")
        sh("ssh-keygen", "-q", "-t", "ed25519", "-N", "", "-f", self.key)
        sh("ssh-keygen", "-q", "-t", "ed25519", "-N", "", "-f", host_key)
        shutil.copy(self.key + ".pub", os.path.join(self.dir, "authorized_keys"))
        config = os.path.join(self.dir, "sshd_config")
        with open(config, "w") as f:
            f.write("ListenAddress %s:2222\nHostKey %s\nAuthorizedKeysFile %s\nPermitRootLogin prohibit-password\n"
                    "PasswordAuthentication no\nStrictModes no\nUsePAM no\nPidFile %s\nSubsystem sftp internal-sftp\n"
                    % (address, host_key, os.path.join(self.dir, "authorized_keys"), os.path.join(self.dir, "pid")))
        os.makedirs("/run/sshd", exist_ok=True)
        self.process = subprocess.Popen(in_ns(ns, "/usr/sbin/sshd", "-D", "-e", "-f", config),
                                        stdout=subprocess.DEVNULL, stderr=open(os.path.join(self.dir, "log"), "w"))
        time.sleep(0.5)
        self.address = address
        self.cpu_key = "scp-" + ns

    def scp(self, ns, source, target):
        shutil.rmtree(target, ignore_errors=True)
        os.makedirs(target)
        before = resource.getrusage(resource.RUSAGE_CHILDREN)
        start = time.time()
        sh(*in_ns(ns, "scp", "-q", "-r", "-P", "2222", "-i", self.key, "-o", "StrictHostKeyChecking=no",
                  "-o", "UserKnownHostsFile=/dev/null", "-o", "BatchMode=yes",
                  "root@%s:%s" % (self.address, source), target))
        seconds = time.time() - start
        after = resource.getrusage(resource.RUSAGE_CHILDREN)
        got = tree_bytes(target)
        record_cpu(self.cpu_key, 0.0, after.ru_utime + after.ru_stime - before.ru_utime - before.ru_stime, got)
        return seconds, got

    def stop(self):
        stop(self.process)


class Syncthing:
    """Two Syncthing instances (the Debian package), one per namespace, configured through their config files and
    driven through their REST API: a send-only folder on the seed, a receive-only one on the downloader."""

    def __init__(self, name, ns, address, folder, folder_type, peers):
        self.ns, self.name = ns, name
        self.home = os.path.join(WORK, "syncthing", name)
        shutil.rmtree(self.home, ignore_errors=True)
        os.makedirs(self.home)
        self.address = address
        self.folder = folder
        self.folder_type = folder_type
        self.key = "lanspread-bench-" + name
        env = dict(os.environ, STNODEFAULTFOLDER="1")
        sh("syncthing", "generate", "--home=" + self.home, env=env)
        self.id = sh("syncthing", "--home=" + self.home, "--device-id").stdout.strip().splitlines()[-1]
        self.peers = peers
        self.process = None

    def configure(self, others):
        path = os.path.join(self.home, "config.xml")
        tree = ET.parse(path)
        root = tree.getroot()
        options = root.find("options")
        for key, value in {"listenAddress": "tcp://%s:22000" % self.address, "globalAnnounceEnabled": "false",
                           "localAnnounceEnabled": "false", "relaysEnabled": "false", "natEnabled": "false",
                           "urAccepted": "-1", "autoUpgradeIntervalH": "0", "crashReportingEnabled": "false",
                           "startBrowser": "false", "setLowPriority": "false"}.items():
            element = options.find(key)
            if element is None:
                element = ET.SubElement(options, key)
            element.text = value
        for folder in root.findall("folder"):
            root.remove(folder)
        folder = ET.SubElement(root, "folder", id="bench", label="bench", path=self.folder, type=self.folder_type,
                               rescanIntervalS="3600", fsWatcherEnabled="false", ignorePerms="true",
                               autoNormalize="true")
        for device_id in [self.id] + [o.id for o in others]:
            ET.SubElement(folder, "device", id=device_id, introducedBy="")
        for other in others:
            device = ET.SubElement(root, "device", id=other.id, name=other.name, compression="never",
                                   introducer="false", skipIntroductionRemovals="false", introducedBy="")
            ET.SubElement(device, "address").text = "tcp://%s:22000" % other.address
            ET.SubElement(device, "autoAcceptFolders").text = "false"
        root.find("gui").find("apikey").text = self.key
        tree.write(path)

    def start(self):
        self.process = subprocess.Popen(
            in_ns(self.ns, "syncthing", "serve", "--home=" + self.home, "--no-browser", "--no-restart",
                  "--no-upgrade", "--gui-address=127.0.0.1:8384", "--gui-apikey=" + self.key),
            stdout=open(os.path.join(self.home, "log"), "w"), stderr=subprocess.STDOUT,
            env=dict(os.environ, STNODEFAULTFOLDER="1", STNOUPGRADE="1", HOME=self.home))

    def rest(self, path):
        out = sh(*in_ns(self.ns, "curl", "-s", "-m", "5", "-H", "X-API-Key: " + self.key,
                        "http://127.0.0.1:8384" + path), check=False).stdout
        try:
            return json.loads(out)
        except ValueError:
            return None

    def wait_status(self, done, timeout, what):
        deadline = time.time() + timeout
        status = None
        while time.time() < deadline:
            status = self.rest("/rest/db/status?folder=bench")
            if status and done(status):
                return status
            if self.process.poll() is not None:
                raise RuntimeError("syncthing %s exited:\n%s" % (self.name, open(os.path.join(self.home, "log")).read()))
            time.sleep(0.1)
        raise RuntimeError("syncthing %s: %s not reached within %d s (last status %s)" % (self.name, what, timeout,
                                                                                        status))

    def stop(self):
        stop(self.process)


def syncthing_copy(seed_ns, seed_address, dl_ns, dl_address, source, size):
    """Seconds from the downloader's start to its folder holding every byte (the seed has indexed the folder)."""
    target = os.path.join(WORK, "syncthing-data")
    shutil.rmtree(target, ignore_errors=True)
    os.makedirs(target)
    seed = Syncthing("seed", seed_ns, seed_address, source, "sendonly", None)
    dl = Syncthing("downloader", dl_ns, dl_address, target, "receiveonly", None)
    seed.configure([dl])
    dl.configure([seed])
    try:
        seed.start()
        seed.wait_status(lambda s: s.get("state") == "idle" and s.get("localBytes", 0) >= size, 600, "indexed")
        drop_written()
        seed_cpu = tree_cpu(seed.process.pid)  # syncthing serve runs the daemon as a child of a monitor process
        start = time.time()
        dl.start()
        dl.wait_status(lambda s: s.get("state") == "idle" and s.get("globalBytes", 0) >= size
                       and s.get("needBytes", 1) == 0 and s.get("inSyncBytes", 0) >= size, 900, "in sync")
        seconds = time.time() - start
        got = tree_bytes(target)
        record_cpu("syncthing", tree_cpu(seed.process.pid) - seed_cpu, tree_cpu(dl.process.pid), got)
        return seconds, got
    finally:
        dl.stop()
        seed.stop()


class CopyHarness:
    """bench/harness/Copy.java: the JSSE TLS 1.3 and plain TCP reference copies."""

    def __init__(self):
        self.classes = os.path.join(WORK, "harness")
        sh(os.path.join(java_home(), "bin", "javac"), "-d", self.classes, os.path.join(HERE, "harness", "Copy.java"))
        self.java = [os.path.join(java_home(), "bin", "java"), "-cp", self.classes, "Copy"]
        self.store = os.path.join(WORK, "copy.p12")
        if os.path.exists(self.store):
            os.remove(self.store)
        sh(os.path.join(java_home(), "bin", "keytool"), "-genkeypair", "-alias", "bench", "-keyalg", "EC",
           "-groupname", "secp256r1", "-dname", "CN=bench", "-validity", "2", "-storetype", "PKCS12",
           "-keystore", self.store, "-storepass", "benchmark", "-keypass", "benchmark")

    def copy(self, mode, ns, address, source, target):
        shutil.rmtree(target, ignore_errors=True)
        os.makedirs(target)
        server = subprocess.Popen(in_ns(ns, *self.java, "serve", mode, address, "47900", source, self.store), stdout=subprocess.PIPE, stderr=subprocess.STDOUT, text=True)
        try:
            line = server.stdout.readline()
            if not line.startswith("serving"):
                raise RuntimeError("the copy server did not start: " + line + server.stdout.read())
            server_cpu = cpu_seconds(server.pid)
            before = resource.getrusage(resource.RUSAGE_CHILDREN)
            out = sh(*in_ns(ns, *self.java, "fetch", mode, address, "47900", target)).stdout
            after = resource.getrusage(resource.RUSAGE_CHILDREN)
            copied, ms = re.search(r"copied (\d+) in (\d+) ms", out).groups()
            record_cpu("copy-" + mode, cpu_seconds(server.pid) - server_cpu,
                       after.ru_utime + after.ru_stime - before.ru_utime - before.ru_stime, int(copied))
            return int(ms) / 1000.0, int(copied)
        finally:
            stop(server)


def java_home():
    for candidate in sorted(os.listdir("/usr/lib/jvm"), reverse=True):
        release = os.path.join("/usr/lib/jvm", candidate, "release")
        if os.path.exists(release):
            version = re.search(r'JAVA_VERSION="(\d+)', open(release).read())
            if version and int(version.group(1)) >= 21:
                return os.path.join("/usr/lib/jvm", candidate)
    raise RuntimeError("no JDK >= 21 under /usr/lib/jvm")


def iperf3(ns_server, ns_client, address, seconds=5):
    server = subprocess.Popen(in_ns(ns_server, "iperf3", "-s", "-1", "-B", address), stdout=subprocess.DEVNULL,
                              stderr=subprocess.DEVNULL)
    try:
        time.sleep(0.5)
        out = sh(*in_ns(ns_client, "iperf3", "-c", address, "-t", str(seconds), "-J")).stdout
        bits = json.loads(out)["end"]["sum_received"]["bits_per_second"]
        return bits / 8
    finally:
        stop(server)


# ------------------------------------------------------------------ figures

def runs_of(n, measure):
    """n runs of measure() -> (seconds, bytes); returns the rates in bytes/s."""
    rates = []
    for i in range(n):
        drop_written()
        seconds, got = measure()
        rates.append(got / seconds)
        log("  run %d: %.1f MiB in %.2f s = %.1f MiB/s" % (i + 1, got / MIB, seconds, got / MIB / seconds))
    return rates


def fmt_rates(rates):
    med = statistics.median(rates)
    return "%.1f MiB/s (%.1f-%.1f, %d runs)" % (med / MIB, min(rates) / MIB, max(rates) / MIB, len(rates))


def row(case, what, rates, reference=None, reference_name=None, goal=None, cpu=None, packets=None):
    med = statistics.median(rates)
    figures = fmt_rates(rates)
    if packets in PACKETS:
        runs = PACKETS[packets]
        figures += "; the receiver's packets (UDP datagrams or TCP segments) per MiB: %.0f in, %.0f out" % (
            statistics.median(r[0] / (r[2] / MIB) for r in runs), statistics.median(r[1] / (r[2] / MIB) for r in runs))
    if cpu in CPU:
        runs = CPU[cpu]
        sender = statistics.median(r[0] * 1000 / (r[2] / MIB) for r in runs)
        receiver = statistics.median(r[1] * 1000 / (r[2] / MIB) for r in runs)
        figures += "; CPU per MiB: sender %s, receiver %.1f ms" % ("%.1f ms" % sender if sender else "-", receiver)
    ratio, verdict = "", ""
    if reference:
        value = med / reference
        ratio = "%.2fx %s" % (value, reference_name)
        if goal is not None:
            verdict = "goal >= %.2f: %s" % (goal, "met" if value >= goal else "NOT met")
    ROWS.append((case, what, figures, ratio, verdict))
    log("%s | %s | %s | %s" % (what, figures, ratio, verdict))


# ------------------------------------------------------------------ the cases

def case1(product, runs, gib):
    log("case 1: one seed, %g GiB, veth shaped to 1 Gbit" % gib)
    source_root = os.path.join(WORK, "data", "games")
    folder, size = make_game(source_root, gib)
    lab = Lab()
    try:
        seed_ns, dl_ns = lab.namespace("seed"), lab.namespace("dl")
        seed_addr, dl_addr = lab.link(seed_ns, dl_ns, 11, rate="1gbit")
        line = 1e9 / 8
        tcp = iperf3(seed_ns, dl_ns, seed_addr)
        ROWS.append(("1", "line rate (tc tbf 1 Gbit)", "%.1f MiB/s" % (line / MIB), "", ""))
        row("1", "iperf3 TCP (reference: what TCP gets through the shaper)", [tcp], line, "line rate")
        seed = Seed(product, seed_ns, seed_addr, source_root, "seed1")
        try:
            rates = runs_of(runs, counting(dl_ns, "case1", lambda: lanspread_download(product, dl_ns, dl_addr, [seed],
                                                                                     "case1")[:2]))
            row("1", "LanSpread download (QUIC, SHA-256 per chunk)", rates, line, "line rate", 0.95, cpu="case1",
                packets="case1")
        finally:
            seed.stop()
        sshd = Sshd(seed_ns, seed_addr)
        try:
            rates = runs_of(runs, counting(dl_ns, "scp1", lambda: sshd.scp(dl_ns, folder, os.path.join(WORK, "scp-data"))))
            row("1", "scp -r (OpenSSH %s)" % openssh_version(), rates, line, "line rate", cpu=sshd.cpu_key,
                packets="scp1")
        finally:
            sshd.stop()
        rates = runs_of(runs, counting(dl_ns, "syncthing1",
                                       lambda: syncthing_copy(seed_ns, seed_addr, dl_ns, dl_addr, folder, size)))
        row("1", "Syncthing %s (send-only -> receive-only folder)" % syncthing_version(), rates, line, "line rate",
            cpu="syncthing", packets="syncthing1")
    finally:
        lab.close()
        shutil.rmtree(os.path.join(WORK, "syncthing-data"), ignore_errors=True)
        shutil.rmtree(os.path.join(WORK, "scp-data"), ignore_errors=True)


def case2(product, runs, gib):
    log("case 2: one seed, %g GiB, unshaped loopback" % gib)
    source_root = os.path.join(WORK, "data", "games")
    folder, size = make_game(source_root, gib)
    harness = CopyHarness()
    target = os.path.join(WORK, "copy-data")
    tls = runs_of(runs, lambda: harness.copy("tls", None, "127.0.0.1", folder, target))
    row("2", "JSSE TLS 1.3 over TCP copy (reference)", tls, cpu="copy-tls")
    tls_median = statistics.median(tls)
    tcp = runs_of(runs, lambda: harness.copy("tcp", None, "127.0.0.1", folder, target))
    row("2", "plain TCP copy (sendfile)", tcp, tls_median, "TLS", cpu="copy-tcp")
    row("2", "iperf3 TCP, memory to memory", [iperf3(None, None, "127.0.0.1")], tls_median, "TLS")
    seed = Seed(product, None, "127.0.0.1", source_root, "seed-loopback")
    try:
        rates = runs_of(runs, lambda: lanspread_download(product, None, "127.0.0.2", [seed], "case2")[:2])
        row("2", "LanSpread download (QUIC, SHA-256 per chunk)", rates, tls_median, "TLS", 1.0, cpu="case2")
    finally:
        seed.stop()
    # What the seed's check of every chunk against its manifest before sending costs (goal: at most 5 % slower).
    seed = Seed(product, None, "127.0.0.1", source_root, "seed-unchecked", "-Dlanspread.serve.verify=false")
    try:
        unchecked = runs_of(runs, lambda: lanspread_download(product, None, "127.0.0.2", [seed], "case2u")[:2])
        row("2", "LanSpread download, the seed not checking chunks before sending (-Dlanspread.serve.verify=false)",
            unchecked, tls_median, "TLS", cpu="case2u")
        log("the seed's send-side check: %.2fx the unchecked rate (medians; goal >= 0.95x)"
            % (statistics.median(rates) / statistics.median(unchecked)))
    finally:
        seed.stop()
    lab = Lab()  # sshd on loopback inside a namespace of our own, so no host sshd is touched
    try:
        ns = lab.namespace("lo")
        sshd = Sshd(ns, "127.0.0.1")
        try:
            rates = runs_of(runs, lambda: sshd.scp(ns, folder, os.path.join(WORK, "scp-data")))
            row("2", "scp -r (OpenSSH %s)" % openssh_version(), rates, tls_median, "TLS", cpu=sshd.cpu_key)
        finally:
            sshd.stop()
    finally:
        lab.close()
        shutil.rmtree(target, ignore_errors=True)
        shutil.rmtree(os.path.join(WORK, "scp-data"), ignore_errors=True)


def case3(product, runs, gib):
    log("case 3: swarm, three seeds on 300 Mbit links, %g GiB" % gib)
    source_root = os.path.join(WORK, "data", "games")
    make_game(source_root, gib)
    lab = Lab()
    seeds = []
    try:
        dl_ns = lab.namespace("dl")
        addresses = []
        for i in range(3):
            ns = lab.namespace("seed%d" % (i + 1))
            seed_addr, dl_addr = lab.link(ns, dl_ns, 21 + i, rate="300mbit")
            addresses.append((ns, seed_addr, dl_addr))
        for i, (ns, seed_addr, _) in enumerate(addresses):
            seeds.append(Seed(product, ns, seed_addr, source_root, "swarm-seed%d" % (i + 1)))
        total = 3 * 300e6 / 8
        ROWS.append(("3", "sum of the three links (3 x 300 Mbit)", "%.1f MiB/s" % (total / MIB), "", ""))
        # The downloader listens on its first link's address; it reaches each seed over that seed's own link.
        rates = runs_of(runs, counting(dl_ns, "case3", lambda: lanspread_download(product, dl_ns, addresses[0][2],
                                                                                  seeds, "case3")[:2]))
        row("3", "LanSpread swarm download", rates, total, "sum", 0.90, cpu="case3", packets="case3")
    finally:
        for seed in seeds:
            seed.stop()
        lab.close()


def case4(archive, runs):
    log("case 4: discovery in namespaces, %d runs" % runs)
    out = sh(sys.executable, os.path.join(HERE, "netns", "discovery.py"), archive, "--runs", str(runs)).stdout
    print(out, flush=True)
    for line in out.splitlines():
        m = re.match(r"(existing peer sees a new one|new peer sees an existing one)\s+median ([\d.]+) s\s+"
                     r"min ([\d.]+) s\s+max ([\d.]+) s\s+\((\d+) runs\)(.*)", line)
        if m:
            ROWS.append(("4", "discovery: " + m.group(1), "%s s (%s-%s, %s runs)" % m.group(2, 3, 4, 5), "",
                         m.group(6).strip()))


def case6(product, gib):
    log("case 6: memory, %g GiB download with -Xmx256m" % gib)
    source_root = os.path.join(WORK, "data", "games-memory")
    make_game(source_root, gib, parts=10)
    peaks = {"rss": 0}

    def sample(process):
        def loop():
            while process.poll() is None:
                for pid in process_tree(process.pid):
                    try:
                        with open("/proc/%d/status" % pid) as f:
                            for line in f:
                                if line.startswith("VmHWM:"):
                                    peaks["rss"] = max(peaks["rss"], int(line.split()[1]) * 1024)
                    except OSError:
                        pass
                time.sleep(0.2)
        thread = threading.Thread(target=loop, daemon=True)
        thread.start()
        return thread

    seed = Seed(product, None, "127.0.0.1", source_root, "seed-memory")
    try:
        seconds, got, root = lanspread_download(product, None, "127.0.0.2", [seed], "case6", xmx="256m",
                                                sample=sample)
    finally:
        seed.stop()
    heap = peak_heap(os.path.join(root, "gc.log"))
    shutil.rmtree(root, ignore_errors=True)
    ROWS.append(("6", "LanSpread download of %g GiB with -Xmx256m" % round(got / (1 << 30), 2),
                 "completed in %.0f s (%.1f MiB/s)" % (seconds, got / MIB / seconds),
                 "peak RSS %.0f MiB, peak heap %.0f MiB" % (peaks["rss"] / MIB, heap / MIB), "must complete: met"))


def process_tree(root):
    """The process and its descendants (a JVM the start script exec'd, Syncthing's monitor and its daemon)."""
    pids, frontier = [], [root]
    while frontier:
        pid = frontier.pop()
        pids.append(pid)
        try:
            for task in os.listdir("/proc/%d/task" % pid):  # any thread may have started a child (Go does)
                with open("/proc/%d/task/%s/children" % (pid, task)) as f:
                    frontier += [int(c) for c in f.read().split()]
        except OSError:
            pass
    return pids


def peak_heap(gc_log):
    """The largest heap occupancy before a collection in a -Xlog:gc log ("... 120M->30M(256M) ...")."""
    peak = 0
    units = {"K": 1 << 10, "M": 1 << 20, "G": 1 << 30}
    with open(gc_log) as f:
        for line in f:
            m = re.search(r"(\d+)([KMG])->(\d+)([KMG])\(", line)
            if m:
                peak = max(peak, int(m.group(1)) * units[m.group(2)])
    return peak


def openssh_version():
    return re.search(r"OpenSSH_([\w.]+)", sh("ssh", "-V", check=False).stderr).group(1)


def syncthing_version():
    return sh("syncthing", "--version").stdout.split()[1]


# ------------------------------------------------------------------ report

def machine():
    cpu = "unknown CPU"
    with open("/proc/cpuinfo") as f:
        for line in f:
            if line.startswith("model name"):
                cpu = line.split(":", 1)[1].strip()
                break
    mem = int(open("/proc/meminfo").readline().split()[1]) // (1 << 20)
    java = sh(os.path.join(java_home(), "bin", "java"), "-version", check=False).stderr.splitlines()[0]
    return "%d cores (%s), %d GiB RAM, Linux %s, %s" % (os.cpu_count(), cpu, mem, platform.release(), java)


def earlier_results(path, cases, sections):
    """From an earlier latest.md: its date, the table rows of cases not in `cases`, and its sections whose headings
    are not in `sections` (each marked with that date)."""
    if not os.path.exists(path):
        return None, [], []
    text = open(path).read()
    date = re.search(r"^Run on (\S+ \S+)", text, re.M)
    date = date.group(1) if date else "an earlier run"
    rows = [line for line in text.splitlines() if re.match(r"\| (\d+) ", line)
            and re.match(r"\| (\d+) ", line).group(1) not in cases]
    rows = [line if "(run of" in line else line[:line.index("|", 2)] + "(run of %s) " % date + line[line.index("|", 2):]
            for line in rows]
    kept = []
    for part in re.split(r"\n(?=## )", text)[1:]:
        heading = part.splitlines()[0]
        base = re.sub(r" \(run of [^)]*\)$", "", heading)
        if base != "## Transfers, discovery and memory" and base not in sections:
            kept.append(part.strip() if "(run of" in heading else part.strip().replace(heading,
                        heading + " (run of %s)" % date, 1))
    return date, rows, kept


def write_section(name, text):
    """A section of the report made by a case, kept as a file beside the others; returns its path."""
    path = os.path.join(WORK, name + ".md")
    with open(path, "w") as f:
        f.write(text + "\n")
    return path


def report(started, extras, options, cases=None):
    out = os.path.join(HERE, "results", "latest.md")
    texts = [open(path).read().strip() for path in extras if os.path.exists(path)]
    date, kept_rows, kept_sections = None, [], []
    if cases is not None:  # some cases only: the others' figures stay, marked with the date they were measured
        date, kept_rows, kept_sections = earlier_results(out, cases, {t.splitlines()[0] for t in texts})
    lines = ["# LanSpread benchmark results", "",
             "Run on %s (UTC), %s, by `scripts/bench` (bench/suite.py %s)."
             % (started.strftime("%Y-%m-%d %H:%M"), machine(), " ".join(options)),
             "Each figure is the median of the runs, the range in brackets; ratios compare medians of the same run.",
             ] + SETTINGS + (["Only cases %s ran now; the rows and sections of earlier runs are marked \"run of\""
                              " with the date of the run that measured them." % ",".join(cases)] if date else []) + [
             "", "## Transfers, discovery and memory", "",
             "| case | what | figures | ratio | goal |", "|---|---|---|---|---|"]
    for r in ROWS:
        lines.append("| %s | %s | %s | %s | %s |" % r)
    lines += kept_rows
    for text in texts + kept_sections:
        lines += ["", text]
    text = "\n".join(lines) + "\n"
    os.makedirs(os.path.dirname(out), exist_ok=True)
    with open(out, "w") as f:
        f.write(text)
    print("\n" + text, flush=True)
    print("written to %s" % os.path.relpath(out, os.path.dirname(HERE)))


def main():
    args = sys.argv[1:]
    if not args or args[0].startswith("-"):
        sys.exit(__doc__)
    if os.geteuid() != 0:
        sys.exit("suite.py: needs root (network namespaces, tc, sshd)")
    hold_lock()
    archive = os.path.abspath(args[0])

    def option(name, default):
        return args[args.index(name) + 1] if name in args else default

    runs = int(option("--runs", "3"))
    gib = float(option("--gib", "2"))
    memory_gib = float(option("--memory-gib", "10"))
    cases = option("--cases", "1,2,3,4,6,7").split(",")
    party = (int(option("--party-n", "8")), option("--party-rate", "40mbit"), int(option("--party-mib", "256")))
    party_warm = int(option("--party-warm", "0"))
    extras = [args[i + 1] for i, a in enumerate(args) if a == "--extra"]
    extras_made = []
    os.makedirs(WORK, exist_ok=True)
    started = datetime.now(timezone.utc)
    product = Product(archive)
    failures = []
    signal.signal(signal.SIGTERM, lambda *_: sys.exit("suite.py: terminated"))  # so that the settings are restored
    with SteadyPageCache(gib):
        for case, run in (("1", lambda: case1(product, runs, gib)), ("2", lambda: case2(product, runs, gib)),
                          ("3", lambda: case3(product, runs, gib)), ("4", lambda: case4(archive, 10)),
                          ("6", lambda: case6(product, memory_gib)),
                          ("7", lambda: extras_made.append(write_section("party", case7(archive, *party, ROWS,
                                                                                    warm_mib=party_warm))))):
            if case in cases:
                try:
                    run()
                except Exception as e:  # one case's failure is reported; the others still run
                    log("case %s FAILED: %s" % (case, e))
                    ROWS.append((case, "case %s failed" % case, str(e).splitlines()[0][:200], "", "FAILED"))
                    failures.append(case)
    every = {"1", "2", "3", "4", "6", "7"}
    report(started, extras + extras_made, args[1:], None if every <= set(cases) else cases)
    Lab.cleanup_stale()
    sys.exit(1 if failures else 0)


if __name__ == "__main__":
    main()
