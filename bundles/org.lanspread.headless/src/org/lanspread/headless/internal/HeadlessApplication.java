package org.lanspread.headless.internal;

import java.io.FileDescriptor;
import java.io.FileOutputStream;
import java.io.PrintStream;
import java.time.Duration;
import java.util.List;
import java.util.Locale;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;

import org.eclipse.equinox.app.IApplication;
import org.eclipse.equinox.app.IApplicationContext;
import org.lanspread.api.games.ActiveOperation;
import org.lanspread.api.games.GameView;
import org.lanspread.api.games.GamesSnapshot;
import org.lanspread.api.runtime.OperationOutcome;
import org.lanspread.api.runtime.OperationRefusedException;
import org.lanspread.api.runtime.PeerRuntime;
import org.lanspread.api.runtime.PeerSummary;
import org.lanspread.api.runtime.RuntimeCommand;
import org.lanspread.api.runtime.RuntimeStatus;
import org.lanspread.api.transport.AnnouncedGame;
import org.osgi.framework.BundleContext;
import org.osgi.framework.FrameworkUtil;
import org.osgi.util.tracker.ServiceTracker;

/**
 * The headless peer for LAN-party organisers and scripts: serves the game directory, lists peers and games, and runs
 * game operations with progress on standard output and an exit code that says how it ended (see {@link Cli#USAGE}).
 */
public class HeadlessApplication implements IApplication {

    static final int OK = 0;
    static final int FAILED = 1;
    static final int USAGE = 2;
    static final int NO_PEERS = 3;
    static final int REFUSED = 4;
    static final int CANCELLED = 5;
    static final int RUNTIME_FAILED = 6;

    /** Every line is flushed as it is printed: scripts that read a pipe see progress and outcomes when they happen. */
    private final PrintStream out = new PrintStream(new FileOutputStream(FileDescriptor.out), true,
            System.out.charset());
    private final CountDownLatch stop = new CountDownLatch(1);

    @Override
    public Object start(IApplicationContext context) throws Exception {
        String[] args = (String[]) context.getArguments().getOrDefault(IApplicationContext.APPLICATION_ARGS,
                new String[0]);
        context.applicationRunning();
        Cli cli;
        try {
            cli = Cli.parse(args);
        } catch (IllegalArgumentException e) {
            System.err.println("lanspread: " + e.getMessage());
            System.err.println(Cli.USAGE);
            return USAGE;
        }
        if (cli.command().equals("help")) {
            out.println(Cli.USAGE);
            return OK;
        }
        if (cli.command().equals("version")) {
            out.print(VersionReport.text(FrameworkUtil.getBundle(HeadlessApplication.class).getBundleContext()));
            return OK;
        }
        PeerRuntime runtime = awaitRuntime();
        if (runtime == null) {
            System.err.println("lanspread: the peer runtime did not start within 30 s");
            return RUNTIME_FAILED;
        }
        RuntimeStatus status = runtime.status();
        if (status.state() != RuntimeStatus.State.RUNNING) {
            System.err.println("lanspread: the peer runtime is " + status.state().name().toLowerCase(Locale.ROOT)
                    + (status.error() == null ? "" : ": " + status.component() + ": " + status.error()));
            // Another LanSpread uses this state directory: refused, not failed.
            return RuntimeStatus.STATE_LOCK.equals(status.component()) ? REFUSED : RUNTIME_FAILED;
        }
        status.notices().forEach(notice -> System.err.println("lanspread: " + notice));
        try {
            if (cli.gameId() != null) {
                org.lanspread.api.library.GameIds.requireValid(cli.gameId());
            }
            return switch (cli.command()) {
                case "serve" -> serve(runtime, cli);
                case "peers" -> peers(runtime, cli.waitSeconds());
                case "games" -> games(runtime, cli.waitSeconds());
                case "discard" -> discard(runtime, cli.gameId());
                case "delete" -> confirmed(runtime, cli) ? operate(runtime, cli) : CANCELLED;
                case "launchers" -> launchers();
                default -> operate(runtime, cli);
            };
        } catch (IllegalArgumentException e) {
            System.err.println("lanspread: " + e.getMessage());
            return USAGE;
        } finally {
            out.flush();
        }
    }

    /** The registered game launchers, highest ranking first (shows which plug-ins are active). */
    private int launchers() throws InterruptedException {
        BundleContext context = FrameworkUtil.getBundle(HeadlessApplication.class).getBundleContext();
        ServiceTracker<org.lanspread.api.launch.GameLaunching, org.lanspread.api.launch.GameLaunching> tracker =
                new ServiceTracker<>(context, org.lanspread.api.launch.GameLaunching.class, null);
        tracker.open();
        try {
            org.lanspread.api.launch.GameLaunching launching = tracker.waitForService(10_000);
            if (launching == null) {
                System.err.println("lanspread: no game launching service is installed");
                return FAILED;
            }
            Thread.sleep(500); // launchers of bundles still starting
            launching.launchers().forEach(out::println);
            return OK;
        } finally {
            tracker.close();
        }
    }

    /** The runtime once its start has returned (running or failed), or null after 30 s. */
    private static PeerRuntime awaitRuntime() throws InterruptedException {
        BundleContext context = FrameworkUtil.getBundle(HeadlessApplication.class).getBundleContext();
        ServiceTracker<PeerRuntime, PeerRuntime> tracker = new ServiceTracker<>(context, PeerRuntime.class, null);
        tracker.open();
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(30);
        try {
            PeerRuntime runtime = tracker.waitForService(30_000);
            while (runtime != null && runtime.status().state() == RuntimeStatus.State.STARTING) {
                if (System.nanoTime() > deadline) {
                    return null;
                }
                Thread.sleep(10);
            }
            return runtime;
        } finally {
            tracker.close();
        }
    }

    private int serve(PeerRuntime runtime, Cli cli) throws InterruptedException {
        // SIGTERM or Ctrl-C: the loop below stops the runtime (goodbyes, files closed); then this process ends with
        // what the loop returned (0 for a clean stop), not with the signal's 143 or 130.
        CountDownLatch served = new CountDownLatch(1);
        java.util.concurrent.atomic.AtomicInteger result = new java.util.concurrent.atomic.AtomicInteger(OK);
        java.util.concurrent.atomic.AtomicBoolean signalled = new java.util.concurrent.atomic.AtomicBoolean();
        Thread hook = new Thread(() -> {
            signalled.set(true);
            stop.countDown();
            try {
                if (served.await(10, TimeUnit.SECONDS)) {
                    out.flush();
                    Runtime.getRuntime().halt(result.get());
                }
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
        }, "lanspread headless stop");
        Runtime.getRuntime().addShutdownHook(hook);
        try {
            result.set(serveUntilStopped(runtime, cli));
            return result.get();
        } finally {
            served.countDown();
            if (!signalled.get()) {
                try {
                    Runtime.getRuntime().removeShutdownHook(hook);
                } catch (IllegalStateException e) {
                    // already shutting down
                }
            }
        }
    }

    private int serveUntilStopped(PeerRuntime runtime, Cli cli) throws InterruptedException {
        out.println(stamp() + " serving " + runtime.snapshot().games().stream().filter(g -> g.localVersion() != null)
                .count() + " local game(s) (runtime running since " + since(runtime) + "); stop with Ctrl-C");
        out.flush();
        Fetches fetches = new Fetches(runtime, cli, out);
        fetches.start();
        try {
            return serveLoop(runtime);
        } finally {
            fetches.stop();
        }
    }

    private int serveLoop(PeerRuntime runtime) throws InterruptedException {
        long lastRevision = -1;
        java.util.Set<String> lastPeers = java.util.Set.of();
        PeerActivity activity = new PeerActivity();
        while (!stop.await(100, TimeUnit.MILLISECONDS)) {
            RuntimeStatus status = runtime.status();
            if (status.state() == RuntimeStatus.State.FAILED) {
                out.println(stamp() + " runtime failed: " + status.component() + ": " + status.error());
                return RUNTIME_FAILED;
            }
            java.util.Set<String> peers = new java.util.TreeSet<>();
            List<PeerSummary> summaries = peerList(runtime);
            summaries.forEach(p -> peers.add(p.name() + " (" + p.id().shortForm() + ")"));
            for (String peer : peers) {
                if (!lastPeers.contains(peer)) {
                    out.println(stamp() + " peer joined: " + peer);
                }
            }
            for (String peer : lastPeers) {
                if (!peers.contains(peer)) {
                    out.println(stamp() + " peer left: " + peer);
                }
            }
            lastPeers = peers;
            activity.lines(summaries, System.nanoTime()).forEach(line -> out.println(stamp() + " " + line));
            GamesSnapshot snapshot = runtime.snapshot();
            if (snapshot.revision() != lastRevision) {
                snapshot.operations().forEach(o -> out.println(stamp() + " " + progress(o)));
                lastRevision = snapshot.revision();
            }
            out.flush();
        }
        runtime.shutdown();
        runtime.awaitStopped(Duration.ofSeconds(3));
        return OK;
    }

    /** When the runtime started running, to the millisecond (UTC). */
    private static java.time.Instant since(PeerRuntime runtime) {
        return runtime.status().since().truncatedTo(java.time.temporal.ChronoUnit.MILLIS);
    }

    /** The wall-clock time, to the millisecond (UTC), so that logs of several peers can be lined up. */
    static String stamp() {
        return java.time.Instant.now().truncatedTo(java.time.temporal.ChronoUnit.MILLIS).toString();
    }

    private static List<PeerSummary> peerList(PeerRuntime runtime) {
        try {
            return runtime.submit(new RuntimeCommand.ListPeers()).get(10, TimeUnit.SECONDS);
        } catch (Exception e) {
            return List.of();
        }
    }

    private int peers(PeerRuntime runtime, int waitSeconds) throws InterruptedException {
        Thread.sleep(waitSeconds * 1000L);
        List<PeerSummary> peers = peerList(runtime);
        out.println(peers.size() + " peer(s)");
        for (PeerSummary peer : peers) {
            out.printf(Locale.ROOT, "%-24s %-12s %-22s %d game(s): %s%n", peer.name(), peer.id().shortForm(),
                    peer.address() == null ? "?" : peer.address().getAddress().getHostAddress() + ":"
                            + peer.address().getPort(),
                    peer.games().size(), String.join(", ", peer.games().stream().map(AnnouncedGame::id).toList()));
        }
        return OK;
    }

    private int games(PeerRuntime runtime, int waitSeconds) throws InterruptedException {
        Thread.sleep(waitSeconds * 1000L);
        GamesSnapshot snapshot = runtime.snapshot();
        out.printf(Locale.ROOT, "%-20s %-32s %-17s %-12s %-12s %s%n", "ID", "NAME", "STATE", "LOCAL", "ON PEERS",
                "PEERS");
        for (GameView game : snapshot.games()) {
            out.printf(Locale.ROOT, "%-20s %-32s %-17s %-12s %-12s %d%s%n", game.id(), game.name(),
                    game.state().name().toLowerCase(Locale.ROOT).replace('_', ' '), dash(game.localVersion()),
                    dash(game.peerVersion()), game.peerCount(), game.problem() == null ? "" : "  " + game.problem());
        }
        return OK;
    }

    private int discard(PeerRuntime runtime, String id) throws InterruptedException {
        try {
            long freed = runtime.submit(new RuntimeCommand.DiscardPartialDownload(id)).get(60, TimeUnit.SECONDS);
            out.println("discarded the partial download of " + id + ": " + freed + " bytes freed");
            return OK;
        } catch (ExecutionException | java.util.concurrent.TimeoutException e) {
            Throwable cause = e instanceof ExecutionException ? e.getCause() : e;
            System.err.println("lanspread: " + cause.getMessage());
            return cause instanceof OperationRefusedException ? REFUSED : FAILED;
        }
    }

    /**
     * Whether a delete may go ahead: --yes, or "y" at the terminal's question. Without either there is no way to
     * ask: refused with how to confirm (a usage error, before anything is removed).
     */
    private boolean confirmed(PeerRuntime runtime, Cli cli) {
        if (cli.yes()) {
            return true;
        }
        String id = cli.gameId();
        GameView game = runtime.snapshot().games().stream().filter(g -> g.id().equals(id)).findFirst().orElse(null);
        String what = id + " (" + (game == null ? "not on this machine" : game.state().name().toLowerCase(Locale.ROOT)
                .replace('_', ' ') + ", " + game.sizeBytes() + " bytes of archives") + ") from "
                + runtime.gameDirectory().resolve(id);
        java.io.Console console = System.console();
        if (console == null) {
            throw new IllegalArgumentException("delete removes " + what + ", install and download, for good: "
                    + "add --yes to confirm");
        }
        String answer = console.readLine("Delete %s, install and download? [y/N] ", what);
        if (answer != null && answer.strip().matches("(?i)y|yes")) {
            return true;
        }
        out.println("not deleted: " + id);
        return false;
    }

    private static String dash(String value) {
        return value == null ? "-" : value;
    }

    private int operate(PeerRuntime runtime, Cli cli) throws InterruptedException {
        String id = cli.gameId();
        boolean needsPeers = cli.waitSeconds() > 0;
        if (needsPeers && !localOnly(runtime, cli)) {
            out.println(stamp() + " waiting up to " + cli.waitSeconds() + " s for " + cli.peers()
                    + " peer(s) offering " + id + " (runtime running since " + since(runtime) + ")");
            long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(cli.waitSeconds());
            int offering;
            while ((offering = offeredBy(runtime, id)) < cli.peers() && System.nanoTime() < deadline
                    && !localOnly(runtime, cli)) {
                Thread.sleep(100);
            }
            out.println(stamp() + " " + offering + " peer(s) offer " + id);
        }
        RuntimeCommand<OperationOutcome> command = switch (cli.command()) {
            case "download" -> new RuntimeCommand.Download(id);
            case "install" -> new RuntimeCommand.Install(id);
            case "update" -> new RuntimeCommand.Update(id);
            case "delete" -> new RuntimeCommand.Delete(id);
            case "verify" -> new RuntimeCommand.Verify(id);
            case "repair" -> new RuntimeCommand.Repair(id);
            default -> new RuntimeCommand.Uninstall(id);
        };
        out.println(cli.command() + " " + id);
        CompletableFuture<OperationOutcome> pending = runtime.submit(command);
        Thread hook = new Thread(() -> {
            runtime.submit(new RuntimeCommand.Cancel(id));
            try {
                pending.get(10, TimeUnit.SECONDS);
            } catch (Exception e) {
                // exiting anyway
            }
        }, "lanspread headless cancel");
        Runtime.getRuntime().addShutdownHook(hook);
        String last = "";
        try {
            while (true) {
                try {
                    OperationOutcome outcome = pending.get(100, TimeUnit.MILLISECONDS);
                    out.println(outcome.result().name().toLowerCase(Locale.ROOT).replace('_', ' ') + ": "
                            + outcome.message());
                    return switch (outcome.result()) {
                        case COMPLETED, NOTHING_TO_DO -> OK;
                        case CANCELLED -> CANCELLED;
                        case ALL_PEERS_GONE -> NO_PEERS;
                        case FAILED -> FAILED;
                    };
                } catch (java.util.concurrent.TimeoutException e) {
                    ActiveOperation operation = runtime.snapshot().operations().stream()
                            .filter(o -> o.gameId().equals(id)).findFirst().orElse(null);
                    if (operation != null) {
                        String line = progress(operation);
                        if (!line.equals(last)) {
                            out.println(line);
                            last = line;
                        }
                    }
                } catch (ExecutionException e) {
                    Throwable cause = e.getCause();
                    System.err.println("lanspread: " + cause.getMessage());
                    if (cause instanceof OperationRefusedException refused) {
                        return refused.getMessage().startsWith("no connected peer offers") ? NO_PEERS : REFUSED;
                    }
                    return cause instanceof IllegalStateException ? RUNTIME_FAILED : FAILED;
                }
            }
        } finally {
            try {
                Runtime.getRuntime().removeShutdownHook(hook);
            } catch (IllegalStateException e) {
                // already shutting down
            }
        }
    }

    static int offeredBy(PeerRuntime runtime, String id) {
        return runtime.snapshot().games().stream().filter(g -> g.id().equals(id)).mapToInt(g -> g.peerCount())
                .findFirst().orElse(0);
    }

    /** An install or update that needs no peer (the download is here already). */
    private static boolean localOnly(PeerRuntime runtime, Cli cli) {
        return cli.command().equals("install") && runtime.snapshot().games().stream()
                .anyMatch(g -> g.id().equals(id(cli)) && g.localVersion() != null && g.operation() == null
                        && (g.state() == org.lanspread.api.games.GameState.DOWNLOADED
                                || g.state() == org.lanspread.api.games.GameState.INSTALLED));
    }

    private static String id(Cli cli) {
        return cli.gameId();
    }

    static String progress(ActiveOperation o) {
        String kind = o.kind().name().toLowerCase(Locale.ROOT);
        if (!o.determinate()) {
            return String.format(Locale.ROOT, "%s %s: %s", kind, o.gameId(), o.phase());
        }
        double percent = 100.0 * o.bytesDone() / o.bytesTotal();
        return String.format(Locale.ROOT, "%s %s: %s %5.1f%% %d/%d MiB %.1f MiB/s%s", kind, o.gameId(), o.phase(),
                percent, o.bytesDone() >> 20, o.bytesTotal() >> 20, o.bytesPerSecond() / 1048576.0,
                o.peers() > 0 ? " from " + o.peers() + " peer(s)" : "");
    }

    @Override
    public void stop() {
        stop.countDown();
    }
}
