#!/usr/bin/env python3
"""The LAN-party case: one seed and N downloaders on a switched star (a namespace holding a Linux bridge; every peer
one port, shaped in both directions with tc tbf), the downloads started together. LanSpread's downloaders serve each
other the chunks they have verified while they download (partial offers), so the last should be done in about the
time one downloader alone takes, with the seed sending each chunk about once.

Printed: one downloader alone on the same star, the N together (first and last done, ratio last/alone), what the
seed sent (on the wire, over the game's size), every peer's bytes up and down, and the CPU time per MiB delivered.
Then the same with a BitTorrent swarm from Debian packages (opentracker, mktorrent, aria2c) unless --no-bittorrent.
Needs root; every address is inside the namespaces made here (10.213.60.0/24), removed at exit.

usage: party.py PRODUCT_ARCHIVE [--party-n N] [--party-rate 40mbit] [--party-mib 256] [--party-warm MIB]
                [--no-bittorrent]
(scripts/bench runs it as case 7 of bench/suite.py, which passes the same --party-* options.)
LANSPREAD_PARTY_VMARGS adds JVM options to every LanSpread peer (to compare JVM settings).
"""
import argparse
import hashlib
import os
import re
import shutil
import subprocess
import sys
import tarfile
import time

from lab import Lab, cpu_seconds, hold_lock, in_ns, sh, stamp, stop_process, thread_cpu
import rarwrite

HERE = os.path.dirname(os.path.abspath(__file__))
WORK = os.path.join(HERE, "target", "party")
PORT = 47800
GAME = "partygame"
WARM = "partywarm"  # the warm-up game (--party-warm): fetched first, so that the JVMs have compiled what a download runs
MIB = 1 << 20


LINES = []  # every line log() printed, for the suite's report


def log(message):
    LINES.append(message)
    print("[party] " + message, flush=True)


def make_game(games, mib, parts=4, name=GAME):
    """The game: `parts` stored RAR archives of random bytes, mib MiB in all, and version.ini."""
    folder = os.path.join(games, name)
    shutil.rmtree(folder, ignore_errors=True)
    os.makedirs(folder)
    rarwrite.random_game(folder, name, mib * MIB, parts, name)
    with open(os.path.join(folder, "version.ini"), "w") as f:
        f.write("1\n")
    return folder


def digests(folder):
    result = {}
    for name in sorted(os.listdir(folder)):
        path = os.path.join(folder, name)
        if os.path.isfile(path) and not name.startswith("."):
            h = hashlib.sha256()
            with open(path, "rb") as f:
                for block in iter(lambda: f.read(MIB), b""):
                    h.update(block)
            result[name] = h.hexdigest()
    return result


def folder_bytes(folder):
    return sum(os.path.getsize(os.path.join(folder, n)) for n in os.listdir(folder)
               if os.path.isfile(os.path.join(folder, n)))


class Peer:
    """A `lanspread headless serve` in its namespace, on one switch port."""

    def __init__(self, script, ns, address, dev, name):
        self.script, self.ns, self.address, self.dev, self.name = script, ns, address, dev, name
        self.root = os.path.join(WORK, name)
        self.games = os.path.join(self.root, "games")
        self.log = os.path.join(WORK, name + ".log")
        self.process = None
        self.cpu_before = 0.0

    def start(self, manual, fetch_at=None, warm_at=None):
        os.makedirs(self.games, exist_ok=True)
        vmargs = ("-Dlanspread.transport.bind=%s:%d -Dlanspread.discovery=false -Dlanspread.peer.name=%s"
                  % (self.address, PORT, self.name))
        vmargs += " " + os.environ.get("LANSPREAD_PARTY_VMARGS", "")  # e.g. JVM flags to compare
        if manual:
            vmargs += " -Dlanspread.peers.manual=" + ",".join("%s:%d" % (m, PORT) for m in manual)
        env = dict(os.environ, LANSPREAD_GAMES_DIR=self.games, LANSPREAD_DATA=os.path.join(self.root, "data"),
                   LANSPREAD_VMARGS=vmargs)
        command = [self.script, "headless", "serve"]
        if warm_at is not None:  # the warm-up game first, then the game at its own time
            command += ["--fetch", WARM, "--fetch-at", str(int(warm_at * 1000))]
        if fetch_at is not None:
            command += ["--fetch", GAME, "--fetch-at", str(int(fetch_at * 1000)), "--wait", "120"]
        with open(self.log, "w") as out:
            self.process = subprocess.Popen(in_ns(self.ns, *command), stdout=out, stderr=subprocess.STDOUT, env=env)

    def line(self, pattern, timeout):
        """The first line of the log containing pattern (a regular expression), waiting up to timeout seconds."""
        deadline = time.time() + timeout
        while time.time() < deadline:
            with open(self.log) as f:
                for line in f:
                    if re.search(pattern, line):
                        return line
            if self.process.poll() is not None:
                break
            time.sleep(0.2)
        with open(self.log) as f:
            raise RuntimeError("%s: no '%s' within %d s:\n%s" % (self.name, pattern, timeout, f.read()[-3000:]))

    def counters(self):
        """(bytes received, bytes sent) on its switch port, frames included."""
        def read(what):
            return int(sh(*in_ns(self.ns, "cat", "/sys/class/net/%s/statistics/%s_bytes" % (self.dev, what))).stdout)
        return read("rx"), read("tx")

    def cpu(self):
        return cpu_seconds(self.process.pid)

    def stop(self):
        stop_process(self.process, 30)


def extract(archive):
    target = os.path.join(WORK, "product")
    shutil.rmtree(target, ignore_errors=True)
    os.makedirs(target)
    with tarfile.open(archive) as tar:
        tar.extractall(target)
    return os.path.join(target, "lanspread", "lanspread")


def by_kind(after, before):
    """The CPU seconds spent between two thread_cpu() snapshots of the same processes, by thread kind, most first."""
    total = {}
    for now, then in zip(after, before):
        for name, seconds in now.items():
            total[name] = total.get(name, 0.0) + seconds - then.get(name, 0.0)
    return sorted(total.items(), key=lambda item: -item[1])


def rate_mib(rate):
    """A tc rate ("40mbit", "1gbit", "500kbit") in MiB/s."""
    m = re.fullmatch(r"(\d+(?:\.\d+)?)([kmg]?)bit", rate)
    if not m:
        raise ValueError("a rate like 40mbit: " + rate)
    return float(m.group(1)) * {"": 1, "k": 1e3, "m": 1e6, "g": 1e9}[m.group(2)] / 8 / MIB


def warmed(peer, at, timeout):
    """Waits until the peer fetched the warm-up game; fails when that ends after `at` (the game's start)."""
    done = peer.line("fetched %s: " % WARM, timeout)
    if "completed" not in done or stamp(done) > at:
        raise RuntimeError("%s: the warm-up did not complete before the game's start (give it more time): %s"
                           % (peer.name, done.strip()))


def lanspread(script, lab, switch, n, rate, mib, warm_mib=0):
    seed_ns = lab.namespace("p0")
    seed_addr, seed_dev = lab.port(switch, seed_ns, 0, rate)
    seed = Peer(script, seed_ns, seed_addr, seed_dev, "seed")
    if warm_mib:
        make_game(seed.games, warm_mib, name=WARM)
    # Time a warm-up download needs at most: 2.5 times what the link allows, and 15 s for the JVM's compiler.
    warm_gap = 2.5 * warm_mib / rate_mib(rate) + 15 if warm_mib else 0
    source = make_game(seed.games, mib)
    size = folder_bytes(source)
    expected = digests(source)
    downloaders = []
    for i in range(1, n + 1):
        ns = lab.namespace("p%d" % i)
        address, dev = lab.port(switch, ns, i, rate)
        downloaders.append(Peer(script, ns, address, dev, "peer-%d" % i))
    seed.start([])
    seed.line("Z serving %d local game" % (2 if warm_mib else 1), 120)
    results = {}
    try:
        # One downloader alone on the same star.
        alone = downloaders[0]
        now = time.time()
        alone.start([seed.address], fetch_at=now + warm_gap, warm_at=now if warm_mib else None)
        begun = stamp(alone.line("fetch %s: .* offer it" % GAME, 120 + warm_gap))
        if warm_mib:
            warmed(alone, begun, 1)
        alone_cpu = seed.cpu() + alone.cpu()  # from the fetch's start: the JVM's start left out
        done = alone.line("fetched %s: " % GAME, 900)
        if "completed" not in done:
            raise RuntimeError("the single download did not complete: " + done)
        results["alone"] = stamp(done) - begun
        alone_cpu = seed.cpu() + alone.cpu() - alone_cpu
        alone.stop()
        if digests(os.path.join(alone.games, GAME)) != expected:
            raise RuntimeError("the single download is not byte-exact")
        shutil.rmtree(alone.root)
        log("one downloader alone: %.1f s (%.1f MiB/s), CPU %.1f ms per MiB (seed and downloader)"
            % (results["alone"], size / MIB / results["alone"], alone_cpu * 1000 / (size / MIB)))

        # N together: each knows the seed and the others; all downloads start at the same instant.
        warm_at = time.time() + 20 + 4 * n
        start_at = warm_at + warm_gap * (1.5 if warm_mib else 0)  # the N together take longer than one alone
        for peer in downloaders:
            peer.start([seed.address] + [p.address for p in downloaders if p is not peer], fetch_at=start_at,
                       warm_at=warm_at if warm_mib else None)
        late = []
        for peer in downloaders:
            serving = stamp(peer.line("Z serving", 180))
            late += [peer.name] if serving > start_at else []
        time.sleep(max(0.0, start_at - time.time()))
        if warm_mib:
            for peer in downloaders:
                warmed(peer, start_at, 1)
        seed_before = seed.counters()
        ports_before = {peer.name: peer.counters() for peer in downloaders}
        cpu_before = seed.cpu() + sum(p.cpu() for p in downloaders)  # from the start: JVM starts left out
        threads_before = [thread_cpu(p.process.pid) for p in [seed] + downloaders]
        times = []
        for peer in downloaders:
            done = peer.line("fetched %s: " % GAME, 1800)
            if "completed" not in done:
                raise RuntimeError("%s did not complete: %s" % (peer.name, done))
            times.append(stamp(done) - start_at)
        seed_after = seed.counters()
        threads = by_kind([thread_cpu(p.process.pid) for p in [seed] + downloaders], threads_before)
        cpu = seed.cpu() - cpu_before + sum(p.cpu() for p in downloaders)
        for peer in downloaders:
            if digests(os.path.join(peer.games, GAME)) != expected:
                raise RuntimeError("%s's download is not byte-exact" % peer.name)
        sent = seed_after[1] - seed_before[1]
        results.update(first=min(times), last=max(times), seed_sent=sent / size, late=late)
        log("%d downloaders together: first %.1f s, last %.1f s: %.2fx one alone (goal <= 1.3x: %s)%s"
            % (n, min(times), max(times), max(times) / results["alone"],
               "met" if max(times) <= 1.3 * results["alone"] else "NOT met",
               "" if not late else "; started late (runtime not up at the start): " + ", ".join(late)))
        log("the seed sent %.0f MiB on the wire: %.2fx the game (goal <= 1.5x: %s)"
            % (sent / MIB, sent / size, "met" if sent <= 1.5 * size else "NOT met"))
        for peer in downloaders:
            down, up = peer.counters()
            log("  %s: down %.0f MiB, up %.0f MiB" % (peer.name, (down - ports_before[peer.name][0]) / MIB,
                                                     (up - ports_before[peer.name][1]) / MIB))
        delivered = n * size / MIB
        results["cpu_ms_per_mib"] = cpu * 1000 / delivered
        log("CPU: %.1f s in all JVMs for %.0f MiB delivered: %.1f ms per MiB (2 cores shared by all %d peers)"
            % (cpu, delivered, results["cpu_ms_per_mib"], n + 1))
        # Whether the machine, not the swarm, set the pace: the cores the JVMs kept busy on average, and the
        # shortest time 2 cores allow for that much CPU (one peer per machine at a real party has a core of its own).
        results["cores_busy"] = cpu / max(times)
        log("the JVMs kept %.2f of the 2 cores busy on average; 2 cores need at least %.1f s for that CPU: %.2fx one"
            " alone%s" % (results["cores_busy"], cpu / 2, cpu / 2 / results["alone"],
                          " (CPU-bound: the ratio above measures this machine more than the swarm)"
                          if results["cores_busy"] > 1.5 else ""))
        ended = cpu - sum(seconds for _, seconds in threads)
        log("CPU by thread kind, all JVMs: " + ", ".join("%s %.1f s" % (name, seconds)
                                                       for name, seconds in threads[:8])
            + "; threads that ended before the last download (its fetch workers) %.1f s" % ended)
    finally:
        for peer in downloaders + [seed]:
            peer.stop()
    return results, source, size


class Torrent:
    """aria2c in a namespace, seeding or downloading the game's torrent, seeding on until stopped."""

    def __init__(self, ns, address, dev, name, torrent, games):
        self.ns, self.address, self.dev, self.name, self.torrent, self.games = ns, address, dev, name, torrent, games
        self.done = os.path.join(WORK, name + ".done")
        self.log = os.path.join(WORK, name + ".aria2.log")
        self.process = None

    def start(self, seeding):
        hook = os.path.join(WORK, "bt-done.sh")
        with open(hook, "w") as f:
            f.write('#!/bin/sh\ndate +%s.%N > "$PARTY_DONE"\n')
        os.chmod(hook, 0o755)
        command = ["aria2c", "--dir=" + self.games, "--seed-ratio=0.0", "--enable-dht=false", "--enable-dht6=false",
                   "--bt-enable-lpd=false", "--listen-port=6881", "--file-allocation=none", "--summary-interval=0",
                   "--console-log-level=warn", "--on-bt-download-complete=" + hook, "--bt-stop-timeout=0"]
        if seeding:
            command += ["--check-integrity=true"]
        command.append(self.torrent)
        env = dict(os.environ, PARTY_DONE=self.done)
        with open(self.log, "w") as out:
            self.process = subprocess.Popen(in_ns(self.ns, *command), stdout=out, stderr=subprocess.STDOUT, env=env)

    def finished(self, timeout):
        deadline = time.time() + timeout
        while not os.path.exists(self.done) or os.path.getsize(self.done) == 0:
            if time.time() > deadline or self.process.poll() is not None:
                with open(self.log) as f:
                    raise RuntimeError("%s: aria2c did not finish:\n%s" % (self.name, f.read()[-3000:]))
            time.sleep(0.1)
        with open(self.done) as f:
            return float(f.read().strip())

    def counters(self):
        return Peer.counters(self)

    def cpu(self):
        return cpu_seconds(self.process.pid)

    def stop(self):
        Peer.stop(self)


def bittorrent(lab, switch, n, rate, source, size):
    """The same star, the same game, as a BitTorrent swarm: opentracker and an aria2c seed in the seed's namespace,
    aria2c downloaders (4 MiB pieces, as LanSpread's chunks)."""
    for tool, package in (("mktorrent", "mktorrent"), ("opentracker", "opentracker"), ("aria2c", "aria2")):
        if shutil.which(tool) is None:
            raise RuntimeError("%s is missing (Debian package %s; scripts/bench installs it)" % (tool, package))
    seed_ns = lab.namespace("b0")
    seed_addr, seed_dev = lab.port(switch, seed_ns, 100, rate)
    torrent = os.path.join(WORK, GAME + ".torrent")
    sh("mktorrent", "-a", "http://%s:6969/announce" % seed_addr, "-l", "22", "-o", torrent, source)
    # Debian's opentracker serves only the torrents on its whitelist (info hashes in hex, one a line).
    info = [l for l in sh("aria2c", "-S", torrent).stdout.splitlines() if l.startswith("Info Hash:")]
    with open(os.path.join(WORK, "whitelist"), "w") as f:
        f.write(info[0].split(":", 1)[1].strip() + "\n")
    tracker = subprocess.Popen(in_ns(seed_ns, "opentracker", "-i", seed_addr, "-p", "6969", "-P", "6969",
                                     "-d", WORK, "-w", "whitelist"),
                               stdout=subprocess.DEVNULL, stderr=open(os.path.join(WORK, "tracker.log"), "w"))
    time.sleep(0.5)
    expected = digests(source)
    seed = Torrent(seed_ns, seed_addr, seed_dev, "bt-seed", torrent, os.path.dirname(source))
    peers = []
    for i in range(1, n + 1):
        ns = lab.namespace("b%d" % i)
        address, dev = lab.port(switch, ns, 100 + i, rate)
        games = os.path.join(WORK, "bt-%d" % i)
        os.makedirs(games, exist_ok=True)
        peers.append(Torrent(ns, address, dev, "bt-%d" % i, torrent, games))
    results = {}
    try:
        seed.start(seeding=True)
        seed.finished(300)  # checked its files: seeding
        alone = peers[0]
        begun = time.time()
        alone.start(seeding=False)
        results["alone"] = alone.finished(1800) - begun
        alone.stop()
        if digests(os.path.join(alone.games, GAME)) != expected:
            raise RuntimeError("the BitTorrent single download is not byte-exact")
        shutil.rmtree(alone.games)
        os.makedirs(alone.games)
        os.remove(alone.done)
        log("BitTorrent (aria2c %s), one downloader alone: %.1f s" % (aria2_version(), results["alone"]))
        seed_before = seed.counters()
        cpu_before = seed.cpu()
        begun = time.time()
        for peer in peers:
            peer.start(seeding=False)
        times = [peer.finished(1800) - begun for peer in peers]
        sent = seed.counters()[1] - seed_before[1]
        cpu = seed.cpu() - cpu_before + sum(p.cpu() for p in peers)
        for peer in peers:
            if digests(os.path.join(peer.games, GAME)) != expected:
                raise RuntimeError("%s's BitTorrent download is not byte-exact" % peer.name)
        results.update(first=min(times), last=max(times), seed_sent=sent / size,
                       cpu_ms_per_mib=cpu * 1000 / (n * size / MIB))
        log("BitTorrent, %d together: first %.1f s, last %.1f s: %.2fx one alone; the seed sent %.2fx the game; "
            "CPU %.1f ms per MiB" % (n, results["first"], results["last"], results["last"] / results["alone"],
                                      results["seed_sent"], results["cpu_ms_per_mib"]))
    finally:
        for peer in peers + [seed]:
            peer.stop()
        tracker.terminate()
        tracker.wait()
    return results


def aria2_version():
    return sh("aria2c", "--version").stdout.split()[2]


def run(product, n=8, rate="40mbit", mib=256, with_bittorrent=True, warm_mib=0):
    """The whole case; returns LanSpread's results and BitTorrent's (None without it). Lines go through log()."""
    shutil.rmtree(WORK, ignore_errors=True)
    os.makedirs(WORK)
    script = extract(product)
    log("%d downloaders and a seed, one %s port each on a switch, a %d MiB game%s"
        % (n, rate, mib, "; every LanSpread JVM warmed first by fetching a %d MiB game the same way (its JIT compiler"
           " past most of the download's code, as on a machine that fetched before)" % warm_mib if warm_mib else ""))
    lab = Lab()
    try:
        switch = lab.switch("sw")
        ours, source, size = lanspread(script, lab, switch, n, rate, mib, warm_mib)
        theirs = None
        if with_bittorrent:
            theirs = bittorrent(lab, switch, n, rate, source, size)
            log("LanSpread against BitTorrent, last of %d done: %.1f s against %.1f s: %.2fx its time (goal: ahead)"
                % (n, ours["last"], theirs["last"], ours["last"] / theirs["last"]))
        return ours, theirs
    finally:
        lab.close()


def main():
    parser = argparse.ArgumentParser()
    parser.add_argument("product")
    parser.add_argument("--party-n", type=int, default=8)
    parser.add_argument("--party-rate", default="40mbit")
    parser.add_argument("--party-mib", type=int, default=256)
    parser.add_argument("--no-bittorrent", action="store_true")
    parser.add_argument("--party-warm", type=int, default=0, metavar="MIB",
                        help="warm every LanSpread JVM up first with a download of MIB MiB (0: cold JVMs)")
    options = parser.parse_args()
    hold_lock()
    run(options.product, options.party_n, options.party_rate, options.party_mib, not options.no_bittorrent,
        options.party_warm)


if __name__ == "__main__":
    sys.exit(main())
