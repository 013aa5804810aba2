package org.lanspread.transport.quic.internal;

import java.net.Socket;
import java.security.cert.Certificate;
import java.security.cert.CertificateEncodingException;
import java.security.cert.CertificateException;
import java.security.cert.X509Certificate;
import java.util.concurrent.atomic.AtomicReference;

import javax.net.ssl.SSLEngine;
import javax.net.ssl.SSLPeerUnverifiedException;
import javax.net.ssl.X509ExtendedTrustManager;

import org.lanspread.api.transport.PeerId;

import io.netty.handler.codec.quic.QuicChannel;

/**
 * Who a peer is: the fingerprint of the certificate it presents. Servers accept any client certificate (the hello
 * must then claim exactly the id it proves); clients accept exactly the certificate of the peer they expect.
 */
final class PeerTrust {

    private PeerTrust() {
    }

    /** The peer id the other side of {@code connection} proved with its certificate. */
    static PeerId certificateId(QuicChannel connection) throws SSLPeerUnverifiedException, CertificateEncodingException {
        Certificate[] chain = connection.sslEngine().getSession().getPeerCertificates();
        return PeerId.ofCertificate(chain[0].getEncoded());
    }

    /**
     * Peers are identified by certificate fingerprints, not host names: the extended variants (which would run
     * host-name checks) decide exactly like the plain ones.
     */
    abstract static class FingerprintTrust extends X509ExtendedTrustManager {
        @Override
        public void checkClientTrusted(X509Certificate[] chain, String authType, Socket socket)
                throws CertificateException {
            checkClientTrusted(chain, authType);
        }

        @Override
        public void checkClientTrusted(X509Certificate[] chain, String authType, SSLEngine engine)
                throws CertificateException {
            checkClientTrusted(chain, authType);
        }

        @Override
        public void checkServerTrusted(X509Certificate[] chain, String authType, Socket socket)
                throws CertificateException {
            checkServerTrusted(chain, authType);
        }

        @Override
        public void checkServerTrusted(X509Certificate[] chain, String authType, SSLEngine engine)
                throws CertificateException {
            checkServerTrusted(chain, authType);
        }

        @Override
        public X509Certificate[] getAcceptedIssuers() {
            return new X509Certificate[0];
        }
    }

    /** Servers accept any client certificate: the hello must then claim exactly the id it proves. */
    static final class AnyCertificate extends FingerprintTrust {
        @Override
        public void checkClientTrusted(X509Certificate[] chain, String authType) throws CertificateException {
            if (chain == null || chain.length == 0) {
                throw new CertificateException("a peer must present its certificate");
            }
        }

        @Override
        public void checkServerTrusted(X509Certificate[] chain, String authType) throws CertificateException {
            throw new CertificateException("not a client");
        }
    }

    /** Clients accept exactly the certificate of the peer they expect. */
    static final class PinnedCertificate extends FingerprintTrust {
        private final PeerId expected;
        private final AtomicReference<String> mismatch;

        PinnedCertificate(PeerId expected, AtomicReference<String> mismatch) {
            this.expected = expected;
            this.mismatch = mismatch;
        }

        @Override
        public void checkServerTrusted(X509Certificate[] chain, String authType) throws CertificateException {
            PeerId actual = PeerId.ofCertificate(chain[0].getEncoded());
            if (expected != null && !actual.equals(expected)) {
                String text = "expected peer " + expected + " but the certificate presented is peer " + actual;
                mismatch.set(text);
                throw new CertificateException(text);
            }
        }

        @Override
        public void checkClientTrusted(X509Certificate[] chain, String authType) throws CertificateException {
            throw new CertificateException("not a server");
        }
    }
}
