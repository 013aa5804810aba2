package org.lanspread.api.runtime;

/**
 * The OSGi EventAdmin topics the peer runtime posts (asynchronously) and their properties. Every event is a hint;
 * the {@link #SNAPSHOT} is the truth.
 */
public final class RuntimeTopics {

    /** Prefix of every topic; subscribe to {@code org/lanspread/*} for all of them. */
    public static final String PREFIX = "org/lanspread/";

    /**
     * The authoritative {@link org.lanspread.api.games.GamesSnapshot} ({@link #SNAPSHOT_PROPERTY}): posted with every
     * library update, every operation start and end, and every progress step (at most 4 per second).
     */
    public static final String SNAPSHOT = PREFIX + "games/SNAPSHOT";

    /** The {@link RuntimeStatus} changed ({@link #STATUS_PROPERTY}). */
    public static final String STATUS = PREFIX + "runtime/STATUS";

    /**
     * A Required service failed and the runtime stopped: {@link #COMPONENT} and {@link #ERROR}. Not posted for a
     * requested shutdown.
     */
    public static final String RUNTIME_FAILED = PREFIX + "runtime/FAILED";

    /** An operation began: {@link #GAME_ID}, {@link #KIND}. */
    public static final String OPERATION_STARTED = PREFIX + "operation/STARTED";

    /**
     * An operation ended: {@link #GAME_ID}, {@link #KIND}, {@link #OUTCOME_PROPERTY} (an
     * {@link OperationOutcome}), {@link #RESULT} (its result's name) and {@link #MESSAGE}. Exactly one per
     * operation; a download whose peers all left ends with {@code ALL_PEERS_GONE} only.
     */
    public static final String OPERATION_ENDED = PREFIX + "operation/ENDED";

    /** A peer sent data that failed verification too often and was dropped from a download: {@link #GAME_ID}, {@link #PEER}, {@link #MESSAGE}. */
    public static final String PEER_DROPPED = PREFIX + "download/PEER_DROPPED";

    /**
     * Peers offering the version a download fetches disagree about its content (their manifests differ): the
     * download takes the majority's. {@link #GAME_ID}, {@link #MESSAGE} (names the peers and contents) and
     * {@link #PEERS_PROPERTY} (the hex ids of the peers whose content was not taken, a list of strings).
     *
     * @since 0.4
     */
    public static final String PEERS_DISAGREE = PREFIX + "download/PEERS_DISAGREE";

    /** The set of connected peers or what they offer changed: {@link #PEERS_PROPERTY} (a list of {@link PeerSummary}). */
    public static final String PEERS = PREFIX + "peers/CHANGED";

    /**
     * The event's main value (the snapshot, the status) is also under this key, the one Eclipse 4's event broker
     * reads: a part receives it directly with {@code @UIEventTopic(RuntimeTopics.SNAPSHOT) GamesSnapshot s}.
     */
    public static final String E4_DATA = "org.eclipse.e4.data";

    public static final String SNAPSHOT_PROPERTY = "snapshot";
    public static final String STATUS_PROPERTY = "status";
    public static final String PEERS_PROPERTY = "peers";
    public static final String OUTCOME_PROPERTY = "outcome";
    public static final String COMPONENT = "component";
    public static final String ERROR = "error";
    public static final String GAME_ID = "gameId";
    public static final String KIND = "kind";
    public static final String RESULT = "result";
    public static final String MESSAGE = "message";
    public static final String PEER = "peer";

    private RuntimeTopics() {
    }
}
