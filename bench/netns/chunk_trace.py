#!/usr/bin/env python3
"""Reads the chunk trace of a party run (peers started with -Dlanspread.trace.chunks=true, e.g.
LANSPREAD_PARTY_VMARGS=-Dlanspread.trace.chunks=true python3 bench/netns/party.py ...) and prints where the time went:
how often the seed sent each chunk (every copy past the first takes the seed's uplink from a chunk nobody has),
when the first copy of each chunk was verified, how long fetches took, and when each downloader was done.

usage: chunk_trace.py [DIR [GAME]]   (DIR: the run's folder of peer logs, bench/netns/target/party by default;
                                    GAME: the game traced, partygame by default, not the warm-up's partywarm)
"""
import collections
import glob
import os
import re
import statistics
import sys
from datetime import datetime

LINE = re.compile(r"chunk trace: (\S+Z) (?:(\S+) )?(\d+:\d+) from (\S+) (partial|complete) (\d+) ms")


def seed_id(folder):
    """The seed's short id, from its log ("running on ADDRESS as ID"); None without one."""
    path = os.path.join(folder, "seed.log")
    if os.path.exists(path):
        for line in open(path, encoding="utf-8", errors="replace"):
            m = re.search(r"running on \S+ as (\w+)", line)
            if m:
                return m.group(1)
    return None


def read(folder, game):
    """(verified at, downloader, chunk, from the seed?, fetch ms) of every chunk: from the seed means from the peer
    of seed.log; without that log, from any peer that held the whole version (a finished downloader too)."""
    seed = seed_id(folder)
    events = []
    for path in sorted(glob.glob(os.path.join(folder, "peer-*.log"))):
        for line in open(path, encoding="utf-8", errors="replace"):
            m = LINE.search(line)
            if m and m.group(2) in (None, game):  # (older traces name no game)
                at = datetime.fromisoformat(m.group(1).replace("Z", "+00:00")).timestamp()
                from_seed = m.group(4) == seed if seed else m.group(5) == "complete"
                events.append((at, os.path.basename(path)[:-4], m.group(3), from_seed, int(m.group(6))))
    return sorted(events)


def main():
    folder = sys.argv[1] if len(sys.argv) > 1 else os.path.join(os.path.dirname(os.path.abspath(__file__)),
                                                                "target", "party")
    events = read(folder, sys.argv[2] if len(sys.argv) > 2 else "partygame")
    if not events:
        sys.exit("no chunk trace in %s (run the peers with -Dlanspread.trace.chunks=true)" % folder)
    start = min(at - ms / 1000 for at, _, _, _, ms in events)
    from_seed = collections.defaultdict(list)
    for at, peer, chunk, complete, ms in events:
        if complete:
            from_seed[chunk].append((at - ms / 1000 - start, at - start, peer))
    chunks = {chunk for _, _, chunk, _, _ in events}
    sends = sum(len(copies) for copies in from_seed.values())
    print("%d chunks; the seed sent %d copies of %d of them (%d more than once)"
          % (len(chunks), sends, len(from_seed), sends - len(from_seed)))
    for copies in sorted((c for c in from_seed.values() if len(c) > 1), key=lambda c: min(c)[0]):
        print("  sent %dx: " % len(copies) + ", ".join("%s %.1f-%.1f s" % (peer, begun, done)
                                                    for begun, done, peer in sorted(copies)))
    firsts = sorted(min(done for _, done, _ in copies) for copies in from_seed.values())
    print("first copy from the seed verified at (s): " + " ".join("%.1f" % t for t in firsts))
    for kind, complete in (("another downloader", False), ("the seed", True)):
        took = [ms / 1000 for _, _, _, c, ms in events if c == complete]
        if took:
            print("a chunk from %s took %.1f s (median of %d)" % (kind, statistics.median(took), len(took)))
    done = collections.defaultdict(float)
    for at, peer, _, _, _ in events:
        done[peer] = max(done[peer], at - start)
    print("downloaders done at (s): " + " ".join("%.1f" % t for t in sorted(done.values())))
    buckets = collections.Counter(int((at - start) // 10) for at, _, _, _, _ in events)
    print("chunks verified per 10 s: " + " ".join(str(buckets[i]) for i in range(max(buckets) + 1)))


if __name__ == "__main__":
    main()
