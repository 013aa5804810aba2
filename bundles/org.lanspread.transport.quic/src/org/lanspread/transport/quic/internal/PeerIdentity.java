package org.lanspread.transport.quic.internal;

import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.math.BigInteger;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.attribute.PosixFilePermissions;
import java.security.GeneralSecurityException;
import java.security.KeyPair;
import java.security.KeyPairGenerator;
import java.security.KeyStore;
import java.security.PrivateKey;
import java.security.SecureRandom;
import java.security.cert.Certificate;
import java.security.cert.X509Certificate;
import java.security.spec.ECGenParameterSpec;
import java.time.Duration;
import java.time.Instant;
import java.util.Date;

import org.bouncycastle.asn1.x500.X500Name;
import org.bouncycastle.cert.jcajce.JcaX509CertificateConverter;
import org.bouncycastle.cert.jcajce.JcaX509v3CertificateBuilder;
import org.bouncycastle.operator.OperatorCreationException;
import org.bouncycastle.operator.jcajce.JcaContentSignerBuilder;
import org.lanspread.api.transport.PeerId;

/**
 * A peer's persistent key pair (EC P-256) and self-signed certificate, kept in {@code peer.p12} in the state
 * directory. The peer id is the SHA-256 of the certificate, so it stays the same across restarts.
 */
final class PeerIdentity {

    static final String FILE = "peer.p12";
    private static final char[] PASSWORD = "lanspread".toCharArray(); // the file is private (0600), not secret
    private static final String ALIAS = "peer";

    private final PrivateKey privateKey; // read from the store once: each read derives a key (PBKDF2, 10,000 rounds)
    private final X509Certificate certificate;
    private final PeerId id;

    private PeerIdentity(PrivateKey privateKey, X509Certificate certificate) throws GeneralSecurityException {
        this.privateKey = privateKey;
        this.certificate = certificate;
        this.id = PeerId.ofCertificate(certificate.getEncoded());
    }

    /** Loads the identity from {@code stateDir}, creating it on first use. */
    static PeerIdentity loadOrCreate(Path stateDir) throws IOException {
        Path file = stateDir.resolve(FILE);
        try {
            KeyStore store = KeyStore.getInstance("PKCS12");
            if (Files.isRegularFile(file)) {
                try (InputStream in = Files.newInputStream(file)) {
                    store.load(in, PASSWORD);
                }
                if (!(store.getKey(ALIAS, PASSWORD) instanceof PrivateKey key)
                        || !(store.getCertificate(ALIAS) instanceof X509Certificate certificate)) {
                    throw new IOException(file + " holds no peer key; move it away to create a new identity");
                }
                return new PeerIdentity(key, certificate);
            }
            store.load(null, null);
            KeyPairGenerator generator = KeyPairGenerator.getInstance("EC");
            generator.initialize(new ECGenParameterSpec("secp256r1"));
            KeyPair pair = generator.generateKeyPair();
            X509Certificate certificate = selfSigned(pair);
            store.setKeyEntry(ALIAS, pair.getPrivate(), PASSWORD, new Certificate[] { certificate });
            Files.createDirectories(stateDir);
            Path tmp = Files.createTempFile(stateDir, ".peer", ".p12.tmp");
            try {
                Files.setPosixFilePermissions(tmp, PosixFilePermissions.fromString("rw-------"));
            } catch (UnsupportedOperationException e) {
                // not a POSIX file system
            }
            try (OutputStream out = Files.newOutputStream(tmp)) {
                store.store(out, PASSWORD);
            }
            Files.move(tmp, file, StandardCopyOption.ATOMIC_MOVE);
            return new PeerIdentity(pair.getPrivate(), certificate);
        } catch (GeneralSecurityException | OperatorCreationException e) {
            throw new IOException("cannot load or create the peer identity " + file + ": " + e.getMessage(), e);
        }
    }

    private static X509Certificate selfSigned(KeyPair pair) throws OperatorCreationException, GeneralSecurityException {
        X500Name name = new X500Name("CN=LanSpread peer");
        Instant now = Instant.now();
        JcaX509v3CertificateBuilder builder = new JcaX509v3CertificateBuilder(name,
                new BigInteger(64, new SecureRandom()), Date.from(now.minus(Duration.ofDays(1))),
                Date.from(now.plus(Duration.ofDays(365L * 100))), name, pair.getPublic());
        return new JcaX509CertificateConverter()
                .getCertificate(builder.build(new JcaContentSignerBuilder("SHA256withECDSA").build(pair.getPrivate())));
    }

    PeerId id() {
        return id;
    }

    X509Certificate certificate() {
        return certificate;
    }

    PrivateKey privateKey() {
        return privateKey;
    }
}
