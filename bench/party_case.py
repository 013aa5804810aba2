"""Case 7 of the suite: the LAN party (bench/netns/party.py) as table rows and a section of the report."""
import party  # bench/netns, on the path the suite sets


def case7(archive, n, rate, mib, rows, with_bittorrent=True, warm_mib=0):
    """Runs the party case; appends its rows to `rows` and returns its section of the report (Markdown)."""
    del party.LINES[:]
    ours, theirs = party.run(archive, n, rate, mib, with_bittorrent, warm_mib)
    ratio = ours["last"] / ours["alone"]
    star = "%d downloaders + 1 seed, %s ports on a switch, %d MiB%s" % (
        n, rate, mib, ", every JVM warmed first with a %d MiB download" % warm_mib if warm_mib else "")
    rows.append(("7", "LAN party, LanSpread: last of the %d together against one alone (%s)" % (n, star),
                 "alone %.1f s; together first %.1f s, last %.1f s; CPU per MiB delivered %.1f ms; the JVMs kept"
                 " %.2f of 2 cores busy" % (ours["alone"], ours["first"], ours["last"], ours["cpu_ms_per_mib"],
                                            ours["cores_busy"]),
                 "%.2fx one alone" % ratio, "goal <= 1.3x: %s" % ("met" if ratio <= 1.3 else "NOT met")))
    rows.append(("7", "LAN party: what the seed sent (on the wire)", "", "%.2fx the game" % ours["seed_sent"],
                 "goal <= 1.5x: %s" % ("met" if ours["seed_sent"] <= 1.5 else "NOT met")))
    if theirs is not None:
        rows.append(("7", "LAN party, BitTorrent (opentracker, mktorrent, aria2c), same star and file",
                     "alone %.1f s; together first %.1f s, last %.1f s; the seed sent %.2fx; CPU per MiB %.1f ms"
                     % (theirs["alone"], theirs["first"], theirs["last"], theirs["seed_sent"],
                        theirs["cpu_ms_per_mib"]),
                     "LanSpread's last %.2fx BitTorrent's" % (ours["last"] / theirs["last"]),
                     "goal: ahead: %s" % ("met" if ours["last"] < theirs["last"] else "NOT met")))
    return "\n".join(["## LAN party: one seed, N downloaders together on a switched star (case 7)", ""]
                     + ["- " + line.strip() for line in party.LINES])
