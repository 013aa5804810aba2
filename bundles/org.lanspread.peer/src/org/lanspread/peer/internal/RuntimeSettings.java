package org.lanspread.peer.internal;

import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.UnknownHostException;
import java.nio.file.Path;
import java.util.List;
import java.util.Locale;
import java.util.function.Function;

import org.lanspread.api.archive.ArchiveExtractor;
import org.lanspread.api.runtime.HostPorts;
import org.lanspread.api.runtime.PeerSettings;
import org.lanspread.api.transport.UploadLimits;

/**
 * Everything a runtime is started with, read from framework (or system) properties with errors that name the
 * property.
 *
 * @param gameDirectory      {@value #GAME_DIR} (default {@code ~/LanSpread/games})
 * @param stateDirectory     where the library database and the peer identity live
 * @param bind               {@value #BIND} (default {@value #DEFAULT_BIND})
 * @param name               {@value #NAME} (default: the host name)
 * @param discovery          {@value #DISCOVERY}: false turns mDNS off (manual peers still work)
 * @param discoveryAddresses {@value #ADDRESSES}: IPv4 addresses for mDNS; empty: every LAN address
 * @param manualPeers        {@value #MANUAL}: host:port list
 * @param uploads            {@value #UPLOAD_GLOBAL}, {@value #UPLOAD_PER_PEER} (bytes per second, with an optional
 *                           K/M/G suffix) and {@value #UPLOAD_CONCURRENT}
 * @param extractor          {@link ArchiveExtractor#PREFERENCE}: the preferred extractor id, or null
 * @param confirmed          whether the game directory was given (a property, or saved settings)
 */
record RuntimeSettings(Path gameDirectory, Path stateDirectory, InetSocketAddress bind, String name, boolean discovery,
        List<InetAddress> discoveryAddresses, List<InetSocketAddress> manualPeers, UploadLimits uploads,
        String extractor, boolean confirmed) {

    static final String GAME_DIR = "lanspread.gamedir";
    static final String BIND = "lanspread.transport.bind";
    static final String NAME = "lanspread.peer.name";
    static final String DISCOVERY = "lanspread.discovery";
    static final String ADDRESSES = "lanspread.discovery.addresses";
    static final String MANUAL = "lanspread.peers.manual";
    static final String UPLOAD_GLOBAL = "lanspread.upload.max";
    static final String UPLOAD_PER_PEER = "lanspread.upload.perpeer";
    static final String UPLOAD_CONCURRENT = "lanspread.upload.concurrent";
    static final String DEFAULT_BIND = "0.0.0.0:47800";

    /** The most manually listed peers: each is probed in turn, so a longer list is refused rather than starved. */
    static final int MAX_MANUAL_PEERS = 256;

    RuntimeSettings {
        discoveryAddresses = List.copyOf(discoveryAddresses);
        manualPeers = List.copyOf(manualPeers);
        String tooMany = tooManyManualPeers(manualPeers);
        if (tooMany != null) {
            throw new IllegalArgumentException(tooMany);
        }
    }

    /** Why {@code peers} is too long a manual peer list, or null. */
    static String tooManyManualPeers(List<InetSocketAddress> peers) {
        return peers.size() <= MAX_MANUAL_PEERS ? null : MANUAL + " lists " + peers.size() + " peers; at most "
                + MAX_MANUAL_PEERS + " can be listed (peers on the same LAN are found by mDNS without a list)";
    }

    /** Reads the settings; {@code properties} looks up a framework property. */
    static RuntimeSettings read(Function<String, String> properties, Path stateDirectory) {
        String dir = properties.apply(GAME_DIR);
        Path games = dir != null && !dir.isBlank() ? Path.of(dir.strip()).toAbsolutePath()
                : Path.of(System.getProperty("user.home"), "LanSpread", "games");
        String bind = properties.apply(BIND);
        String discovery = properties.apply(DISCOVERY);
        if (discovery != null && !discovery.isBlank() && !discovery.strip().matches("(?i)true|false")) {
            throw new IllegalArgumentException(DISCOVERY + ": '" + discovery + "' is neither true nor false");
        }
        return new RuntimeSettings(games, stateDirectory,
                HostPorts.parse(BIND, bind == null || bind.isBlank() ? DEFAULT_BIND : bind, 0),
                name(properties.apply(NAME)), discovery == null || !discovery.strip().equalsIgnoreCase("false"),
                HostPorts.parseIpv4List(ADDRESSES, properties.apply(ADDRESSES)),
                HostPorts.parseList(MANUAL, properties.apply(MANUAL), 1),
                new UploadLimits(rate(UPLOAD_GLOBAL, properties.apply(UPLOAD_GLOBAL)),
                        rate(UPLOAD_PER_PEER, properties.apply(UPLOAD_PER_PEER)),
                        (int) count(UPLOAD_CONCURRENT, properties.apply(UPLOAD_CONCURRENT))),
                blankToNull(properties.apply(ArchiveExtractor.PREFERENCE)), dir != null && !dir.isBlank());
    }

    /** Reads the framework properties over the settings saved in the state location. */
    static RuntimeSettings readWithSaved(Function<String, String> properties, Path stateDirectory) {
        java.util.Properties saved = SavedSettings.load(stateDirectory);
        try {
            return read(SavedSettings.over(properties, saved), stateDirectory);
        } catch (IllegalArgumentException e) {
            if (saved.isEmpty()) {
                throw e;
            }
            read(properties, stateDirectory); // throws the same error when the bad value was given at start
            throw new IllegalArgumentException(e.getMessage() + " (saved in "
                    + stateDirectory.resolve(SavedSettings.FILE) + ")", e);
        }
    }

    RuntimeSettings withGameDirectory(Path directory) {
        return new RuntimeSettings(directory, stateDirectory, bind, name, discovery, discoveryAddresses, manualPeers,
                uploads, extractor, confirmed);
    }

    /** These settings with what a user applied (the game directory is then confirmed). */
    RuntimeSettings with(PeerSettings applied) {
        return new RuntimeSettings(applied.gameDirectory(), stateDirectory, bind, name, discovery, discoveryAddresses,
                applied.manualPeers(), applied.uploads(), applied.extractor(), true);
    }

    PeerSettings peerSettings() {
        return new PeerSettings(gameDirectory, uploads, extractor, manualPeers, confirmed);
    }

    /** The user-changeable part, under the property keys, for {@link SavedSettings}. */
    java.util.Properties toSaved() {
        java.util.Properties saved = new java.util.Properties();
        saved.setProperty(GAME_DIR, gameDirectory.toString());
        saved.setProperty(UPLOAD_GLOBAL, Long.toString(uploads.globalBytesPerSecond()));
        saved.setProperty(UPLOAD_PER_PEER, Long.toString(uploads.perPeerBytesPerSecond()));
        saved.setProperty(UPLOAD_CONCURRENT, Integer.toString(uploads.maxConcurrentUploads()));
        saved.setProperty(ArchiveExtractor.PREFERENCE, extractor == null ? "" : extractor);
        saved.setProperty(MANUAL, String.join(",", manualPeers.stream().map(HostPorts::format).toList()));
        return saved;
    }

    private static String blankToNull(String value) {
        return value == null || value.isBlank() ? null : value.strip();
    }

    /** Bytes per second: digits with an optional K, M or G (powers of 1024); blank or 0: unlimited. */
    static long rate(String property, String value) {
        if (value == null || value.isBlank()) {
            return 0;
        }
        String text = value.strip().toUpperCase(Locale.ROOT);
        long unit = 1;
        char last = text.charAt(text.length() - 1);
        if (last == 'K' || last == 'M' || last == 'G') {
            unit = last == 'K' ? 1L << 10 : last == 'M' ? 1L << 20 : 1L << 30;
            text = text.substring(0, text.length() - 1);
        }
        if (!text.matches("\\d{1,12}")) {
            throw new IllegalArgumentException(property + ": '" + value
                    + "' is not a rate in bytes per second (e.g. 50M; 0 for unlimited)");
        }
        return Long.parseLong(text) * unit;
    }

    private static long count(String property, String value) {
        if (value == null || value.isBlank()) {
            return 0;
        }
        if (!value.strip().matches("\\d{1,4}")) {
            throw new IllegalArgumentException(property + ": '" + value + "' is not a number (0 for unlimited)");
        }
        return Long.parseLong(value.strip());
    }

    private static String name(String configured) {
        if (configured != null && !configured.isBlank()) {
            return configured.strip();
        }
        try {
            return InetAddress.getLocalHost().getHostName();
        } catch (UnknownHostException e) {
            return "lanspread";
        }
    }
}
