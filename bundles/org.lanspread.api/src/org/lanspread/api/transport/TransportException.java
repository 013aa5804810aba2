package org.lanspread.api.transport;

/** A connection that could not be made or was refused; the message says by whom and why. */
public class TransportException extends Exception {
    private static final long serialVersionUID = 1L;

    /** Why. */
    public enum Reason {
        /** The remote certificate does not belong to the peer id that was expected or announced. */
        IDENTITY_MISMATCH,
        /** The peers speak incompatible protocol major versions. */
        VERSION_MISMATCH,
        /** Nothing answered, or the connection broke. */
        UNREACHABLE,
        /** The peer sent something the protocol does not allow. */
        PROTOCOL,
        /** The peer refused a request (not served, not in the manifest, out of range); the message says why. */
        REFUSED
    }

    private final Reason reason;

    public TransportException(Reason reason, String message, Throwable cause) {
        super(message, cause);
        this.reason = reason;
    }

    public TransportException(Reason reason, String message) {
        this(reason, message, null);
    }

    public Reason reason() {
        return reason;
    }
}
