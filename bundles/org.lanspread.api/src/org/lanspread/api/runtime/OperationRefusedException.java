package org.lanspread.api.runtime;

/** A command the runtime will not carry out now; the message says why, for people. */
public class OperationRefusedException extends Exception {
    private static final long serialVersionUID = 1L;

    public OperationRefusedException(String message) {
        super(message);
    }
}
