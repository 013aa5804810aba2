package org.lanspread.discovery.mdns.internal;

import java.io.IOException;
import java.net.Inet4Address;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.NetworkInterface;
import java.net.SocketException;
import java.util.ArrayList;
import java.util.Collection;
import java.util.Collections;
import java.util.HashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.Optional;
import java.util.concurrent.TimeUnit;
import java.util.function.Function;
import java.util.function.Supplier;
import java.util.logging.Level;
import java.util.logging.Logger;

import javax.jmdns.JmDNS;
import javax.jmdns.ServiceEvent;
import javax.jmdns.ServiceInfo;
import javax.jmdns.ServiceListener;

import org.lanspread.api.discovery.DiscoveredPeer;
import org.lanspread.api.discovery.DiscoveryListener;
import org.lanspread.api.discovery.DiscoverySession;
import org.lanspread.api.transport.PeerId;

/**
 * mDNS discovery with jmdns: one JmDNS instance per IPv4 address (explicit addresses only: the no-argument
 * {@code JmDNS.create()} may pick a link-local IPv6 address or the wrong card), re-checked every few seconds so
 * that interfaces coming and going are followed. Announcements carry the peer id, protocol major and name in
 * their TXT record; our own are ignored, and resolutions with an empty TXT (jmdns reports those first) wait for the
 * next one.
 */
public final class MdnsPeerDiscovery implements DiscoverySession {

    private static final Logger LOG = Logger.getLogger(MdnsPeerDiscovery.class.getName());

    private final PeerId localId;
    private final int port;
    private final int protocolMajor;
    private final String name;
    private final Supplier<List<InetAddress>> addresses;
    private final Map<InetAddress, JmDNS> instances = new ConcurrentHashMap<>();
    /** mDNS announcements, by service name; at most {@link #MAX_RECORDS}. */
    private final AnnouncementTable peers = new AnnouncementTable(MAX_RECORDS);
    private final List<DiscoveryListener> listeners = new CopyOnWriteArrayList<>();
    private final ScheduledExecutorService worker;
    private final ScheduledExecutorService prober;
    private final Resolutions resolutions = new Resolutions(MAX_RECORDS);
    private final ProbeSchedule schedule = new ProbeSchedule();
    private final List<InetSocketAddress> manual;
    private final Function<InetSocketAddress, Optional<DiscoveredPeer>> probe;
    private final Map<InetSocketAddress, DiscoveredPeer> manualPeers = new ConcurrentHashMap<>();
    private final Map<PeerId, DiscoveredPeer> helloPeers = new ConcurrentHashMap<>();
    /** What listeners were last told, by peer id: every source merged. */
    private final Map<PeerId, DiscoveredPeer> reported = new HashMap<>();
    private volatile boolean closed;
    private long lastDropLog;

    /** The most mDNS announcements kept: a LAN that announces more cannot make this peer hold more. */
    static final int MAX_RECORDS = 256;

    /**
     * @param addresses the IPv4 addresses to work on, asked again every {@code recheckSeconds}
     */
    public MdnsPeerDiscovery(PeerId localId, int port, int protocolMajor, String name,
            Supplier<List<InetAddress>> addresses, long recheckSeconds) {
        this(localId, port, protocolMajor, name, addresses, recheckSeconds, List.of(), a -> Optional.empty());
    }

    /**
     * @param manual manually listed peer addresses, for networks where multicast is blocked: each is probed every
     *               {@code recheckSeconds} with {@code probe} (a transport hello), and reported like a discovered
     *               peer while it answers
     */
    public MdnsPeerDiscovery(PeerId localId, int port, int protocolMajor, String name,
            Supplier<List<InetAddress>> addresses, long recheckSeconds, List<InetSocketAddress> manual,
            Function<InetSocketAddress, Optional<DiscoveredPeer>> probe) {
        this.manual = List.copyOf(manual);
        this.probe = probe;
        this.localId = localId;
        this.port = port;
        this.protocolMajor = protocolMajor;
        this.name = name;
        this.addresses = addresses;
        this.worker = Executors.newSingleThreadScheduledExecutor(r -> {
            Thread thread = new Thread(r, "lanspread-mdns " + localId.shortForm());
            thread.setDaemon(true);
            return thread;
        });
        this.prober = this.manual.isEmpty() ? null : Executors.newSingleThreadScheduledExecutor(r -> {
            Thread thread = new Thread(r, "lanspread-mdns-probe " + localId.shortForm());
            thread.setDaemon(true);
            return thread;
        });
        worker.execute(this::followInterfaces);
        worker.scheduleWithFixedDelay(this::followInterfaces, recheckSeconds, recheckSeconds, TimeUnit.SECONDS);
        worker.scheduleWithFixedDelay(() -> resolutions.resolveSome(closed), Resolutions.TICK_MILLIS,
                Resolutions.TICK_MILLIS, TimeUnit.MILLISECONDS);
        if (prober != null) { // probes wait for answers: on their own thread, so that they hold up nothing else
            prober.scheduleWithFixedDelay(this::probeManualPeers, 0, recheckSeconds, TimeUnit.SECONDS);
        }
    }

    /** Every non-loopback, up IPv4 address of this machine. */
    public static List<InetAddress> lanAddresses() {
        List<InetAddress> found = new ArrayList<>();
        try {
            for (NetworkInterface nic : Collections.list(NetworkInterface.getNetworkInterfaces())) {
                if (nic.isUp() && !nic.isLoopback() && nic.supportsMulticast()) {
                    for (InetAddress address : Collections.list(nic.getInetAddresses())) {
                        if (address instanceof Inet4Address) {
                            found.add(address);
                        }
                    }
                }
            }
        } catch (SocketException e) {
            LOG.log(Level.WARNING, "cannot list network interfaces", e);
        }
        return found;
    }

    /** Starts JmDNS on new addresses and stops it on vanished ones (worker thread). */
    private void followInterfaces() {
        if (closed) {
            return;
        }
        Set<InetAddress> wanted = new LinkedHashSet<>(addresses.get());
        for (InetAddress gone : new ArrayList<>(instances.keySet())) {
            if (!wanted.contains(gone)) {
                closeLater(List.of(instances.remove(gone)));
            }
        }
        for (InetAddress address : wanted) {
            if (!instances.containsKey(address) && !closed) {
                try {
                    instances.put(address, start(address));
                    if (closed) {
                        closeLater(List.of(instances.remove(address)));
                    }
                } catch (IOException | RuntimeException e) {
                    LOG.log(Level.WARNING, "mDNS cannot start on " + address + ": " + e.getMessage(), e);
                }
            }
        }
    }

    /** Asks the manually listed addresses that are due who is there (probe thread). */
    private void probeManualPeers() {
        for (InetSocketAddress address : schedule.due(manual, System.nanoTime())) {
            if (closed) {
                return;
            }
            Optional<DiscoveredPeer> answer = ask(address);
            if (answer.isPresent()) {
                schedule.answered(address);
            } else {
                schedule.silent(address, System.nanoTime());
            }
            DiscoveredPeer previous = answer.isPresent() ? manualPeers.put(address, answer.get())
                    : manualPeers.remove(address);
            if (previous != null) {
                refresh(previous.id());
            }
            answer.ifPresent(peer -> refresh(peer.id()));
        }
    }

    /** A peer that connected to us said where it listens: it is discovered at once (no mDNS round). */
    public void learned(DiscoveredPeer peer) {
        if (!closed && !peer.id().equals(localId)) {
            helloPeers.put(peer.id(), peer);
            refresh(peer.id());
        }
    }

    /** A peer learned from a hello has gone. */
    public void forget(PeerId peer) {
        if (helloPeers.remove(peer) != null) {
            refresh(peer);
        }
    }

    /** Recomputes what is known of {@code id} from every source and tells listeners what changed. */
    private synchronized void refresh(PeerId id) {
        Optional<DiscoveredPeer> announced = peers.find(id);
        DiscoveredPeer now = announced.or(() -> manualPeers.values().stream().filter(p -> p.id().equals(id)).findFirst())
                .orElse(helloPeers.get(id));
        DiscoveredPeer before = now == null ? reported.remove(id) : reported.put(id, now);
        if (before != null && !before.equals(now)) {
            listeners.forEach(l -> tell(() -> l.peerDisappeared(before)));
        }
        if (now != null && !now.equals(before)) {
            listeners.forEach(l -> tell(() -> l.peerAppeared(now)));
        }
    }

    private Optional<DiscoveredPeer> ask(InetSocketAddress address) {
        try {
            return probe.apply(address).filter(p -> !p.id().equals(localId));
        } catch (RuntimeException e) {
            return Optional.empty();
        }
    }

    private JmDNS start(InetAddress address) throws IOException {
        JmDNS jmdns = JmDNS.create(address, "lanspread-" + localId.shortForm());
        jmdns.addServiceListener(SERVICE_TYPE, new Listener(jmdns));
        Map<String, String> txt = new HashMap<>();
        txt.put("id", localId.hex());
        txt.put("v", Integer.toString(protocolMajor));
        txt.put("port", Integer.toString(port));
        txt.put("name", name);
        jmdns.registerService(ServiceInfo.create(SERVICE_TYPE, serviceName(), port, 0, 0, txt));
        // Ask at once instead of waiting for periodic announcements.
        jmdns.requestServiceInfo(SERVICE_TYPE, serviceName(), false, 1);
        return jmdns;
    }

    private String serviceName() {
        return "LanSpread " + localId.shortForm();
    }

    private final class Listener implements ServiceListener {
        private final JmDNS jmdns;

        Listener(JmDNS jmdns) {
            this.jmdns = jmdns;
        }

        @Override
        public void serviceAdded(ServiceEvent event) {
            if (!event.getName().equals(serviceName())) {
                resolutions.add(jmdns, event.getType(), event.getName());
            }
        }

        @Override
        public void serviceResolved(ServiceEvent event) {
            if (closed) {
                return;
            }
            DiscoveredPeer peer = Announcements.read(event.getInfo(), protocolMajor);
            if (peer == null || peer.id().equals(localId)) {
                return; // not ours to report: see Announcements (jmdns also resolves first without the TXT record)
            }
            long evictedBefore = peers.evicted();
            DiscoveredPeer previous = peers.put(event.getName(), peer).orElse(null);
            if (peers.evicted() > evictedBefore) {
                dropLog("mDNS: more than " + MAX_RECORDS + " LanSpread announcements on the LAN; forgetting the "
                        + "oldest of the host announcing most (" + peers.evicted() + " so far)");
            }
            if (previous != null && !previous.id().equals(peer.id())) {
                refresh(previous.id());
            }
            refresh(peer.id());
        }

        @Override
        public void serviceRemoved(ServiceEvent event) {
            DiscoveredPeer gone = peers.remove(event.getName());
            if (gone != null) {
                refresh(gone.id());
            }
        }
    }

    /** A warning at most once a minute (a flood must not flood the log too). */
    private void dropLog(String message) {
        long now = System.nanoTime();
        if (lastDropLog == 0 || now - lastDropLog > 60_000_000_000L) {
            lastDropLog = now;
            LOG.warning(message);
        }
    }

    private static void tell(Runnable call) {
        try {
            call.run();
        } catch (RuntimeException e) {
            LOG.log(Level.WARNING, "a discovery listener failed", e);
        }
    }

    @Override
    public synchronized Collection<DiscoveredPeer> peers() {
        return List.copyOf(reported.values());
    }

    @Override
    public synchronized AutoCloseable addListener(DiscoveryListener listener) {
        listeners.add(listener);
        reported.values().forEach(peer -> tell(() -> listener.peerAppeared(peer)));
        return () -> listeners.remove(listener);
    }

    /**
     * Stops at once for the caller: JmDNS needs seconds to unregister and close, so that runs on a separate
     * thread that ends by itself.
     */
    @Override
    public void close() {
        closed = true;
        worker.shutdownNow();
        if (prober != null) {
            prober.shutdownNow();
        }
        try {
            worker.awaitTermination(200, TimeUnit.MILLISECONDS);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
        List<JmDNS> running = new ArrayList<>(instances.values());
        instances.clear();
        peers.clear();
        manualPeers.clear();
        helloPeers.clear();
        synchronized (this) {
            reported.clear();
        }
        closeLater(running);
    }

    private void closeLater(List<JmDNS> running) {
        if (running.isEmpty()) {
            return;
        }
        Thread closer = new Thread(() -> {
            for (JmDNS jmdns : running) {
                try {
                    jmdns.unregisterAllServices();
                    jmdns.close();
                } catch (IOException | RuntimeException e) {
                    LOG.log(Level.FINE, "closing mDNS", e);
                }
            }
        }, "lanspread-mdns-close " + localId.shortForm());
        closer.setDaemon(true);
        closer.start();
    }
}
