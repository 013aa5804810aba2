package org.lanspread.headless.internal;

import java.util.ArrayList;
import java.util.List;
import java.util.Set;

/**
 * The headless command line: {@code <command> [game] [--wait seconds] [--peers n]}.
 *
 * @param command     serve, peers, games, download, install, update, uninstall, discard, delete, launchers or help
 * @param gameId      the game, for the game commands
 * @param waitSeconds how long to wait for peers first (0: not at all)
 * @param peers       how many peers offering the game a game command waits for (within waitSeconds) before it starts
 * @param fetch       for serve: games to download while serving (and serve on)
 * @param fetchAt     for serve --fetch: when each of those downloads starts (epoch milliseconds), or 0 for at once
 * @param yes         for delete: confirmed on the command line (--yes), so not asked
 */
record Cli(String command, String gameId, int waitSeconds, int peers, List<String> fetch, List<Long> fetchAt,
        boolean yes) {

    Cli {
        fetch = List.copyOf(fetch);
        fetchAt = List.copyOf(fetchAt);
        if (fetchAt.size() != fetch.size()) {
            throw new IllegalArgumentException("one start time per --fetch");
        }
    }

    Cli(String command, String gameId, int waitSeconds, int peers) {
        this(command, gameId, waitSeconds, peers, List.of(), List.of(), false);
    }

    static final Set<String> GAME_COMMANDS = Set.of("download", "install", "update", "uninstall", "discard",
            "delete", "verify", "repair");
    static final Set<String> COMMANDS = Set.of("serve", "peers", "games", "help", "download", "install", "update",
            "uninstall", "discard", "delete", "verify", "repair", "launchers", "version");

    static final String USAGE = """
            usage: lanspread headless <command> [game] [--wait SECONDS] [--peers N]
              serve                 serve the game directory until stopped (Ctrl-C / SIGTERM)
                [--fetch GAME ...]  and download GAME meanwhile (repeatable), serving it on (also while it arrives)
                [--fetch-at MILLIS] start the downloads named before it at this time (epoch milliseconds): several
                                    peers together; repeated, one game after the other (those after the last start
                                    at once)
              peers                 list the peers found within --wait seconds (default 5)
              games                 list the games here and on peers (after --wait seconds, default 5)
              download GAME         fetch GAME from the peers offering it
              install GAME          install GAME (downloading it first when needed)
              update GAME           fetch the newest version of GAME and reinstall it
              uninstall GAME        remove GAME's install (the download stays)
              discard GAME          remove what an interrupted download of GAME left (e.g. after a full disk)
              verify GAME           read GAME's download files again and check every chunk against its manifest,
                                    and its install against its archives (files the game added are listed, kept)
              repair GAME           verify GAME, fetch only its damaged chunks from peers, and unpack it again
                                    when its install differed (keeping the files the game added)
              delete GAME [--yes]   remove GAME from this machine: its install and its download (asks first;
                                    without a terminal, --yes confirms)
              version               the product's version, Java's, and every LanSpread bundle this runs
              launchers             list the game launchers installed (plug-ins included), the one Play tries first first
            Game commands wait up to --wait seconds (default 20) for --peers peers (default 1) offering the game;
            when fewer come, they start with those there are.
            Settings are -D properties in LANSPREAD_VMARGS (e.g. -Dlanspread.peers.manual=host:port).
            Exit codes: 0 done, 1 failed, 2 usage, 3 no peer offers the game / all peers left, 4 refused,
            5 cancelled, 6 the runtime failed.""";

    /** Parses the application arguments; throws with a message naming the problem. */
    static Cli parse(String[] args) {
        List<String> words = new ArrayList<>();
        int wait = -1;
        int peers = 1;
        List<String> fetch = new ArrayList<>();
        List<Long> fetchAt = new ArrayList<>(); // per --fetch; null until a --fetch-at after it
        boolean yes = false;
        for (int i = 0; i < args.length; i++) {
            String arg = args[i];
            if (arg.equals("--yes")) {
                yes = true;
            } else if (arg.equals("--wait")) {
                if (i + 1 >= args.length || !args[i + 1].matches("\\d{1,4}")) {
                    throw new IllegalArgumentException("--wait needs a number of seconds");
                }
                wait = Integer.parseInt(args[++i]);
            } else if (arg.equals("--peers")) {
                if (i + 1 >= args.length || !args[i + 1].matches("[1-9]\\d{0,2}")) {
                    throw new IllegalArgumentException("--peers needs a number of peers from 1 to 999");
                }
                peers = Integer.parseInt(args[++i]);
            } else if (arg.equals("--fetch")) {
                if (i + 1 >= args.length || args[i + 1].startsWith("-")) {
                    throw new IllegalArgumentException("--fetch needs a game id");
                }
                fetch.add(args[++i]);
                fetchAt.add(null);
            } else if (arg.equals("--fetch-at")) {
                if (i + 1 >= args.length || !args[i + 1].matches("\\d{1,15}")) {
                    throw new IllegalArgumentException("--fetch-at needs a time in epoch milliseconds");
                }
                long at = Long.parseLong(args[++i]);
                if (!fetchAt.contains(null)) {
                    throw new IllegalArgumentException("--fetch-at " + at + " needs a --fetch GAME before it"
                            + (fetch.isEmpty() ? "" : " that has no start time yet"));
                }
                fetchAt.replaceAll(t -> t == null ? at : t);
            } else if (arg.equals("--help") || arg.equals("-h")) {
                words.add(0, "help");
            } else if (arg.startsWith("-")) {
                continue; // launcher options Equinox passes on (e.g. -consoleLog)
            } else {
                words.add(arg);
            }
        }
        if (words.isEmpty()) {
            throw new IllegalArgumentException("no command given");
        }
        String command = words.get(0);
        if (!COMMANDS.contains(command)) {
            throw new IllegalArgumentException("unknown command '" + command + "'");
        }
        String game = null;
        if (GAME_COMMANDS.contains(command)) {
            if (words.size() != 2) {
                throw new IllegalArgumentException(command + " needs exactly one game id");
            }
            game = words.get(1);
        } else if (words.size() > 1 && !command.equals("help")) {
            throw new IllegalArgumentException(command + " takes no game id ('" + words.get(1) + "')");
        }
        if (!fetch.isEmpty() && !command.equals("serve")) {
            throw new IllegalArgumentException("--fetch and --fetch-at go with serve, not " + command);
        }
        if (yes && !command.equals("delete")) {
            throw new IllegalArgumentException("--yes goes with delete, not " + command);
        }
        fetchAt.replaceAll(t -> t == null ? 0L : t); // named after the last --fetch-at: at once
        for (String id : fetch) {
            String problem = org.lanspread.api.library.GameIds.problem(id);
            if (problem != null) {
                throw new IllegalArgumentException("--fetch " + id + ": " + problem);
            }
        }
        if (wait < 0) {
            wait = Set.of("uninstall", "discard", "delete", "verify").contains(command) ? 0
                    : GAME_COMMANDS.contains(command) ? 20 : command.equals("serve") ? fetch.isEmpty() ? 0 : 20 : 5;
        }
        return new Cli(command, game, wait, peers, fetch, fetchAt, yes);
    }
}
