package org.lanspread.api.transport;

import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.HexFormat;
import java.util.Objects;

/**
 * A peer's identity: the SHA-256 fingerprint of its certificate (64 lowercase hex digits). A connection whose
 * certificate does not hash to the id a peer announced is refused.
 */
public record PeerId(String hex) {

    public PeerId {
        Objects.requireNonNull(hex, "hex");
        if (!hex.matches("[0-9a-f]{64}")) {
            throw new IllegalArgumentException("a peer id is 64 lowercase hex digits, not '" + hex + "'");
        }
    }

    /** The id of the peer holding the certificate with this DER encoding. */
    public static PeerId ofCertificate(byte[] der) {
        try {
            return new PeerId(HexFormat.of().formatHex(MessageDigest.getInstance("SHA-256").digest(der)));
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException("SHA-256 is part of every Java runtime", e);
        }
    }

    /** The first 12 digits, for logs and the UI. */
    public String shortForm() {
        return hex.substring(0, 12);
    }

    @Override
    public String toString() {
        return hex;
    }
}
