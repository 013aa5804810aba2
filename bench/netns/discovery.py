#!/usr/bin/env python3
"""Discovery benchmark: time from a peer's start to its appearance at another peer, over mDNS, between two
network namespaces joined by a veth pair that this script creates (and removes). Each peer is the installed
product's headless mode in its own namespace. Needs root (ip netns).

usage: discovery.py PRODUCT_ARCHIVE [--runs N]
"""
import os
import re
import shutil
import statistics
import subprocess
import sys
import tarfile
import time
from datetime import datetime

from lab import Lab, hold_lock, in_ns, stamp, stop_process

GOAL_SECONDS = 1.5
HERE = os.path.dirname(os.path.abspath(__file__))
WORK = os.path.join(HERE, "target")


def install(archive):
    target = os.path.join(WORK, "product")
    shutil.rmtree(target, ignore_errors=True)
    os.makedirs(target)
    with tarfile.open(archive) as tar:
        tar.extractall(target)
    return os.path.join(target, "lanspread", "lanspread")


class Peer:
    def __init__(self, script, ns, address, name):
        self.script, self.ns, self.address, self.name = script, ns, address, name
        self.dir = os.path.join(WORK, name)
        os.makedirs(os.path.join(self.dir, "games"), exist_ok=True)
        self.log = None
        self.process = None

    def start(self, run):
        self.log = os.path.join(self.dir, "serve-%d.log" % run)
        env = dict(os.environ)
        env["LANSPREAD_GAMES_DIR"] = os.path.join(self.dir, "games")
        env["LANSPREAD_DATA"] = os.path.join(self.dir, "data")
        env["LANSPREAD_VMARGS"] = ("-Dlanspread.transport.bind=%s:47800 -Dlanspread.discovery.addresses=%s "
                                   "-Dlanspread.peer.name=%s" % (self.address, self.address, self.name))
        self.launched = time.time()
        with open(self.log, "w") as out:
            self.process = subprocess.Popen(in_ns(self.ns, self.script, "headless", "serve"), stdout=out,
                                            stderr=subprocess.STDOUT, env=env)

    def wait_line(self, pattern, timeout):
        deadline = time.time() + timeout
        regex = re.compile(pattern)
        while time.time() < deadline:
            with open(self.log) as f:
                for line in f:
                    if regex.search(line):
                        return line
            if self.process.poll() is not None:
                raise RuntimeError("%s exited: %s" % (self.name, open(self.log).read()))
            time.sleep(0.05)
        raise RuntimeError("%s printed no /%s/ within %d s:\n%s" % (self.name, pattern, timeout, open(self.log).read()))

    def stop(self):
        stop_process(self.process, 10)




def main():
    if os.geteuid() != 0:
        sys.exit("discovery.py: needs root for ip netns")
    hold_lock()
    archive = sys.argv[1]
    runs = int(sys.argv[sys.argv.index("--runs") + 1]) if "--runs" in sys.argv else 10
    script = install(archive)
    lab = Lab()
    ns = (lab.namespace("a"), lab.namespace("b"))
    addresses = lab.link(ns[0], ns[1], 7)
    a = Peer(script, ns[0], addresses[0], "peer-a")
    b = Peer(script, ns[1], addresses[1], "peer-b")
    a_sees_b, b_sees_a, from_launch = [], [], []
    try:
        a.start(0)
        a.wait_line(r"Z serving ", 60)
        time.sleep(2)  # a is settled: its own announcements are done
        for run in range(1, runs + 1):
            b.start(run)
            serving = b.wait_line(r"Z serving ", 60)
            # From the moment the new peer's runtime was running (its transport listening, discovery started).
            started = datetime.fromisoformat(re.search(r"running since (\S+)\)", serving).group(1)
                                             .replace("Z", "+00:00")).timestamp()
            seen_by_a = stamp(wait_nth(a, r"peer joined: peer-b", run, 30))
            seen_by_b = stamp(b.wait_line(r"peer joined: peer-a", 30))
            a_sees_b.append(seen_by_a - started)
            b_sees_a.append(seen_by_b - started)
            from_launch.append(seen_by_a - b.launched)
            print("run %2d: a sees the new peer %.3f s after its runtime started (%.3f s after its JVM was launched);"
                  " the new peer sees a after %.3f s" % (run, a_sees_b[-1], from_launch[-1], b_sees_a[-1]), flush=True)
            b.stop()
            wait_nth(a, r"peer left: peer-b", run, 30)
            time.sleep(1)
    finally:
        b.stop()
        a.stop()
        lab.close()
    report("existing peer sees a new one", a_sees_b)
    report("new peer sees an existing one", b_sees_a)
    report("... counted from the JVM launch", from_launch, goal=False)


def wait_nth(peer, pattern, n, timeout):
    deadline = time.time() + timeout
    regex = re.compile(pattern)
    while time.time() < deadline:
        with open(peer.log) as f:
            hits = [line for line in f if regex.search(line)]
        if len(hits) >= n:
            return hits[n - 1]
        time.sleep(0.05)
    raise RuntimeError("%s: fewer than %d lines /%s/ within %d s" % (peer.name, n, pattern, timeout))


def report(what, values, goal=True):
    median = statistics.median(values)
    verdict = ("  goal <= %.1f s: %s" % (GOAL_SECONDS, "met" if median <= GOAL_SECONDS else "NOT met")) if goal else ""
    print("%-32s median %.3f s  min %.3f s  max %.3f s  (%d runs)%s"
          % (what, median, min(values), max(values), len(values), verdict))


if __name__ == "__main__":
    main()
