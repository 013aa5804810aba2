"""A small network lab for the benchmarks: network namespaces joined by veth pairs, optionally shaped with tc tbf.

Every address lives only inside the namespaces this module creates (10.213.0.0/16); nothing is routed to any other
network (the namespaces have no default route). close() removes everything; so does a new Lab with the same prefix.
Needs root.
"""
import fcntl
import os
import re
import signal
import subprocess
import sys
from datetime import datetime

PREFIX = "lsb"
# One benchmark at a time: they all use the same namespace names and addresses, and a new Lab removes what it takes
# for an earlier run's leftovers. The lock is held by the first script of a run; the scripts it starts inherit
# LOCK_ENV and do not take it again.
LOCK = "/run/lanspread-bench.lock"
LOCK_ENV = "LANSPREAD_BENCH_LOCK_HELD"
_lock_fd = None


def hold_lock():
    """Takes the benchmarks' lock for this process (and the scripts it starts), or exits naming the benchmark that
    holds it, before anything of the other run is touched."""
    global _lock_fd
    if _lock_fd is not None or os.environ.get(LOCK_ENV):
        return
    fd = os.open(LOCK, os.O_RDWR | os.O_CREAT, 0o644)
    try:
        fcntl.flock(fd, fcntl.LOCK_EX | fcntl.LOCK_NB)
    except BlockingIOError:
        holder = os.read(fd, 500).decode(errors="replace").strip() or "a process"
        os.close(fd)
        raise SystemExit("%s: another benchmark is running (%s); they would remove each other's network namespaces: "
                         "run this one after it ends" % (os.path.basename(sys.argv[0]), holder))
    os.ftruncate(fd, 0)
    os.write(fd, ("pid %d, %s" % (os.getpid(), " ".join(os.path.basename(a) for a in sys.argv))).encode())
    _lock_fd = fd
    os.environ[LOCK_ENV] = str(os.getpid())


def sh(*cmd, check=True, **kwargs):
    """Runs a command; raises with its output when it fails (check)."""
    result = subprocess.run(cmd, capture_output=True, text=True, **kwargs)
    if check and result.returncode != 0:
        raise RuntimeError("%s failed (%d): %s%s" % (" ".join(cmd), result.returncode, result.stdout, result.stderr))
    return result


def existing_namespaces():
    out = sh("ip", "netns", "list", check=False).stdout
    return [line.split()[0] for line in out.splitlines() if line.strip()]


class Lab:
    def __init__(self):
        if os.geteuid() != 0:
            raise PermissionError("network namespaces need root")
        self.namespaces = []
        self.cleanup_stale()

    @staticmethod
    def cleanup_stale():
        """Removes what an interrupted earlier run left (namespaces take their veth ends with them)."""
        hold_lock()
        for ns in existing_namespaces():
            if ns.startswith(PREFIX + "-"):
                sh("ip", "netns", "del", ns, check=False)

    def namespace(self, name):
        ns = "%s-%s" % (PREFIX, name)
        sh("ip", "netns", "add", ns)
        sh("ip", "-n", ns, "link", "set", "lo", "up")
        self.namespaces.append(ns)
        return ns

    def link(self, ns_a, ns_b, subnet, rate=None):
        """Joins two namespaces with a veth pair on 10.213.SUBNET.0/24 (.1 in ns_a, .2 in ns_b); with rate
        (e.g. "1gbit"), both directions are shaped with tc tbf. Returns (address in ns_a, address in ns_b)."""
        a_dev, b_dev = "lsb%da" % subnet, "lsb%db" % subnet
        sh("ip", "link", "add", a_dev, "netns", ns_a, "type", "veth", "peer", "name", b_dev, "netns", ns_b)
        addresses = ("10.213.%d.1" % subnet, "10.213.%d.2" % subnet)
        for ns, dev, addr in ((ns_a, a_dev, addresses[0]), (ns_b, b_dev, addresses[1])):
            sh("ip", "-n", ns, "addr", "add", addr + "/24", "dev", dev)
            sh("ip", "-n", ns, "link", "set", dev, "up", "multicast", "on")
            if rate:
                # A token bucket: the line rate, a burst of 1 ms at that rate (at least 64 KiB, one GSO packet),
                # and a queue of at most 20 ms before packets are dropped, like a switch port's buffer.
                bits = parse_rate(rate)
                burst = max(65536, bits // 8 // 1000)
                sh("tc", "-n", ns, "qdisc", "add", "dev", dev, "root", "tbf", "rate", rate, "burst", str(burst),
                   "latency", "20ms")
        return addresses

    def switch(self, name):
        """A namespace holding a Linux bridge: a switch that ports join (see port)."""
        ns = self.namespace(name)
        sh("ip", "-n", ns, "link", "add", "br0", "type", "bridge")
        sh("ip", "-n", ns, "link", "set", "br0", "up")
        return ns

    def port(self, switch_ns, ns, index, rate, subnet=60):
        """Joins namespace ns to the switch with a veth pair, both directions shaped to rate with tc tbf (ns's side:
        what it sends; the switch's side: what it receives). Its address: 10.213.SUBNET.(10 + index)/24."""
        peer_dev, switch_dev = "lsp%d" % index, "lsw%d" % index
        sh("ip", "link", "add", peer_dev, "netns", ns, "type", "veth", "peer", "name", switch_dev, "netns", switch_ns)
        address = "10.213.%d.%d" % (subnet, 10 + index)
        sh("ip", "-n", ns, "addr", "add", address + "/24", "dev", peer_dev)
        sh("ip", "-n", ns, "link", "set", peer_dev, "up", "multicast", "on")
        sh("ip", "-n", switch_ns, "link", "set", switch_dev, "master", "br0")
        sh("ip", "-n", switch_ns, "link", "set", switch_dev, "up")
        bits = parse_rate(rate)
        burst = max(65536, bits // 8 // 1000)
        for n, dev in ((ns, peer_dev), (switch_ns, switch_dev)):
            sh("tc", "-n", n, "qdisc", "add", "dev", dev, "root", "tbf", "rate", rate, "burst", str(burst),
               "latency", "20ms")
        return address, peer_dev

    def close(self):
        for ns in reversed(self.namespaces):
            sh("ip", "netns", "del", ns, check=False)
        self.namespaces = []


def parse_rate(rate):
    units = {"kbit": 10 ** 3, "mbit": 10 ** 6, "gbit": 10 ** 9}
    for unit, factor in units.items():
        if rate.endswith(unit):
            return int(float(rate[: -len(unit)]) * factor)
    raise ValueError("unknown rate %r (use kbit, mbit or gbit)" % rate)


def in_ns(ns, *cmd):
    """The command line that runs cmd inside namespace ns (or as it is when ns is None: the host's loopback)."""
    return (["ip", "netns", "exec", ns] if ns else []) + list(cmd)


def cpu_seconds(pid):
    """User plus system CPU time of a running process (utime + stime in /proc/PID/stat); 0 once it is gone."""
    try:
        with open("/proc/%d/stat" % pid) as f:
            fields = f.read().rsplit(")", 1)[1].split()
        return (int(fields[11]) + int(fields[12])) / os.sysconf("SC_CLK_TCK")
    except OSError:
        return 0.0


def thread_cpu(pid):
    """CPU seconds of a running process by thread kind: its threads' names (comm) with digits as '#', summed."""
    kinds = {}
    try:
        tasks = os.listdir("/proc/%d/task" % pid)
    except OSError:
        return kinds
    for task in tasks:
        try:
            with open("/proc/%d/task/%s/stat" % (pid, task)) as f:
                text = f.read()
        except OSError:
            continue  # ended meanwhile
        name = re.sub(r"\d+", "#", text[text.index("(") + 1:text.rindex(")")])
        fields = text.rsplit(")", 1)[1].split()
        kinds[name] = kinds.get(name, 0.0) + (int(fields[11]) + int(fields[12])) / os.sysconf("SC_CLK_TCK")
    return kinds


def stamp(line):
    """The epoch seconds of the ISO instant a `lanspread headless` output line starts with."""
    return datetime.fromisoformat(line.split()[0].replace("Z", "+00:00")).timestamp()


def stop_process(process, timeout):
    """SIGTERM (a peer says goodbye), then SIGKILL if it still runs after timeout seconds."""
    if process and process.poll() is None:
        process.send_signal(signal.SIGTERM)
        try:
            process.wait(timeout)
        except subprocess.TimeoutExpired:
            process.kill()
            process.wait()
