#!/usr/bin/env python3
"""Soak: two real peers (`lanspread headless serve`, mDNS on) in two network namespaces joined by a veth pair,
for MINUTES minutes. Meanwhile each peer's library changes every 30 s (a game folder added, the previous one
removed: library deltas to the other peer), and short-lived downloaders fetch a small game from one peer, then
the other, checking every byte. Both peers' thread count, open file descriptors and resident memory are sampled
every 5 s; printed at the end: their maxima and their slopes over the second half (per minute; goal: flat).
Needs root (ip netns). Traffic stays inside the namespaces this script makes.

usage: soak.py PRODUCT_ARCHIVE [--minutes M]
"""
import hashlib
import os
import shutil
import subprocess
import sys
import tarfile
import threading
import time

from lab import Lab, hold_lock, in_ns, stop_process
import rarwrite

HERE = os.path.dirname(os.path.abspath(__file__))
WORK = os.path.join(HERE, "target", "soak")
PORT = 47800
MIB = 1024 * 1024


def make_game(games, game_id, size, seed):
    """A game: one stored RAR archive of `size` pseudo-random bytes (a real archive: peers offer only games whose
    archives pass their own CRC checks), and version.ini."""
    folder = os.path.join(games, game_id)
    os.makedirs(folder, exist_ok=True)
    rng = hashlib.sha256(b"%d" % seed)

    def blocks():
        written = 0
        while True:
            yield hashlib.sha256(rng.digest() + written.to_bytes(8, "little")).digest() * 2048
            written += 65536

    rarwrite.write(os.path.join(folder, game_id + ".rar"), "game/data.bin", blocks(), size)
    with open(os.path.join(folder, "version.ini"), "w") as f:
        f.write("1\n")


def digest(path):
    h = hashlib.sha256()
    with open(path, "rb") as f:
        for block in iter(lambda: f.read(MIB), b""):
            h.update(block)
    return h.hexdigest()


class Peer:
    def __init__(self, script, ns, address, name):
        self.ns, self.address, self.name = ns, address, name
        self.games = os.path.join(WORK, name, "games")
        self.data = os.path.join(WORK, name, "data")
        os.makedirs(self.games, exist_ok=True)
        self.log = os.path.join(WORK, name + ".log")
        self.script = script
        self.process = None
        self.samples = []

    def env(self, games, data, vmargs):
        env = dict(os.environ)
        # LANSPREAD_SOAK_VMARGS: extra JVM options for both peers (e.g. -XX:NativeMemoryTracking=summary)
        vmargs = (vmargs + " " + os.environ.get("LANSPREAD_SOAK_VMARGS", "")).strip()
        env.update(LANSPREAD_GAMES_DIR=games, LANSPREAD_DATA=data, LANSPREAD_VMARGS=vmargs)
        return env

    def serve(self):
        vmargs = ("-Dlanspread.transport.bind=%s:%d -Dlanspread.discovery.addresses=%s -Dlanspread.peer.name=%s"
                  % (self.address, PORT, self.address, self.name))
        with open(self.log, "w") as out:
            self.process = subprocess.Popen(in_ns(self.ns, self.script, "headless", "serve"), stdout=out,
                                            stderr=subprocess.STDOUT, env=self.env(self.games, self.data, vmargs))
        deadline = time.time() + 90
        while "Z serving " not in open(self.log).read():
            if time.time() > deadline or self.process.poll() is not None:
                raise RuntimeError("%s did not start:\n%s" % (self.name, open(self.log).read()[-3000:]))
            time.sleep(0.1)

    def sample(self, elapsed):
        pid = self.process.pid
        status = open("/proc/%d/status" % pid).read().splitlines()
        threads = next(int(l.split()[1]) for l in status if l.startswith("Threads:"))
        rss = next(int(l.split()[1]) for l in status if l.startswith("VmRSS:")) / 1024
        fds = len(os.listdir("/proc/%d/fd" % pid))
        self.samples.append((elapsed, threads, fds, rss))

    def stop(self):
        stop_process(self.process, 15)


def download(peer, seed, game_id, run):
    """A downloader in the peer's namespace (its own port and state) fetches the game from the seed."""
    root = os.path.join(WORK, "dl")
    shutil.rmtree(root, ignore_errors=True)
    games, data = os.path.join(root, "games"), os.path.join(root, "data")
    os.makedirs(games)
    vmargs = ("-Dlanspread.transport.bind=%s:%d -Dlanspread.discovery=false -Dlanspread.peers.manual=%s:%d "
              "-Dlanspread.peer.name=dl-%d" % (peer.address, PORT + 1, seed.address, PORT, run))
    result = subprocess.run(in_ns(peer.ns, peer.script, "headless", "download", game_id, "--wait", "30"),
                            capture_output=True, text=True, env=peer.env(games, data, vmargs))
    got = os.path.join(games, game_id, game_id + ".rar")
    want = os.path.join(seed.games, game_id, game_id + ".rar")
    if result.returncode != 0 or not os.path.exists(got) or digest(got) != digest(want):
        raise RuntimeError("download %d of %s from %s failed (exit %d):\n%s" % (run, game_id, seed.name,
                                                                               result.returncode, result.stdout[-3000:]))


def slope(points):
    """Least-squares slope of (t seconds, v) points, per minute."""
    n = len(points)
    if n < 2:
        return 0.0
    mt = sum(t for t, _ in points) / n
    mv = sum(v for _, v in points) / n
    den = sum((t - mt) ** 2 for t, _ in points)
    return 0.0 if den == 0 else 60 * sum((t - mt) * (v - mv) for t, v in points) / den


def main():
    if os.geteuid() != 0:
        sys.exit("soak.py: needs root for ip netns")
    hold_lock()
    archive = sys.argv[1]
    minutes = float(sys.argv[sys.argv.index("--minutes") + 1]) if "--minutes" in sys.argv else 10
    shutil.rmtree(WORK, ignore_errors=True)
    os.makedirs(WORK)
    with tarfile.open(archive) as tar:
        tar.extractall(os.path.join(WORK, "product"))
    script = os.path.join(WORK, "product", "lanspread", "lanspread")
    lab = Lab()
    ns = (lab.namespace("soak-a"), lab.namespace("soak-b"))
    addresses = lab.link(ns[0], ns[1], 9)
    a, b = Peer(script, ns[0], addresses[0], "soak-a"), Peer(script, ns[1], addresses[1], "soak-b")
    make_game(a.games, "game-a", 8 * MIB, 1)
    make_game(b.games, "game-b", 8 * MIB, 2)
    stop = threading.Event()
    started = time.time()

    def sampler():
        while not stop.wait(5):
            for peer in (a, b):
                peer.sample(time.time() - started)

    downloads = changes = 0
    try:
        a.serve()
        b.serve()
        started = time.time()
        for peer in (a, b):
            peer.sample(0)
        threading.Thread(target=sampler, daemon=True).start()
        end = started + minutes * 60
        next_change = started + 30
        while time.time() < end:
            if time.time() >= next_change:  # library deltas: one folder added, the previous one removed, per peer
                for peer in (a, b):
                    shutil.rmtree(os.path.join(peer.games, "extra-%d" % (changes - 1)), ignore_errors=True)
                    make_game(peer.games, "extra-%d" % changes, 1 * MIB, 100 + changes)
                changes += 1
                next_change += 30
            seed, other = (a, b) if downloads % 2 == 0 else (b, a)
            download(other, seed, "game-" + seed.name[-1], downloads)
            downloads += 1
        time.sleep(5)
    finally:
        stop.set()
        a.stop()
        b.stop()
        lab.close()
    print("soak: %.1f minutes, %d byte-exact downloads (8 MiB each, alternating), %d library changes per peer"
          % (minutes, downloads, changes))
    for peer in (a, b):
        half = [s for s in peer.samples if s[0] >= minutes * 30]
        print("  %s: %d samples; max threads %d, fds %d, RSS %.0f MiB; second-half slopes per minute: threads %+.2f,"
              " fds %+.2f, RSS %+.2f MiB" % (peer.name, len(peer.samples), max(s[1] for s in peer.samples),
                                             max(s[2] for s in peer.samples), max(s[3] for s in peer.samples),
                                             slope([(s[0], s[1]) for s in half]), slope([(s[0], s[2]) for s in half]),
                                             slope([(s[0], s[3]) for s in half])))
        # RSS at every tenth of the run: a heap still growing to its working size levels off, a leak does not
        tenths = [min(peer.samples, key=lambda s: abs(s[0] - minutes * 6 * i)) for i in range(1, 11)]
        print("    RSS at each tenth: " + ", ".join("%.0f" % s[3] for s in tenths) + " MiB")
        with open(os.path.join(WORK, peer.name + "-samples.csv"), "w") as out:
            out.write("seconds,threads,fds,rss_mib\n")
            out.writelines("%.0f,%d,%d,%.1f\n" % s for s in peer.samples)


if __name__ == "__main__":
    main()
