import java.io.BufferedInputStream;
import java.io.BufferedOutputStream;
import java.io.DataInputStream;
import java.io.DataOutputStream;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.nio.channels.Channels;
import java.nio.channels.FileChannel;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.security.KeyStore;
import java.security.cert.X509Certificate;
import java.util.List;
import java.util.Locale;
import java.util.stream.Stream;

import javax.net.ssl.KeyManagerFactory;
import javax.net.ssl.SSLContext;
import javax.net.ssl.SSLServerSocket;
import javax.net.ssl.SSLSocket;
import javax.net.ssl.TrustManager;
import javax.net.ssl.X509TrustManager;

/**
 * The benchmark's reference copies: every file of a folder sent over one TCP connection, plain or TLS 1.3 (JSSE),
 * and written to disk on the receiving side. A single-file program: {@code java Copy.java ...}.
 *
 * <pre>
 * java Copy.java serve tls|tcp HOST PORT DIR [KEYSTORE.p12]   serves DIR to each connection until killed
 * java Copy.java fetch tls|tcp HOST PORT OUTDIR               receives the files; prints "copied BYTES in MS ms"
 * </pre>
 *
 * The TLS server's key store is a PKCS#12 file with password "benchmark" (made with keytool); the receiver trusts any
 * certificate: this measures the cost of the encrypted copy, not a trust decision.
 */
public class Copy {
    private static final int BUFFER = 1 << 20;

    public static void main(String[] args) throws Exception {
        if (args.length < 5) {
            System.err.println("usage: Copy serve|fetch tls|tcp HOST PORT DIR [KEYSTORE.p12]");
            System.exit(2);
        }
        boolean tls = args[1].equals("tls");
        InetSocketAddress address = new InetSocketAddress(args[2], Integer.parseInt(args[3]));
        Path dir = Path.of(args[4]);
        if (args[0].equals("serve")) {
            serve(tls, address, dir, args.length > 5 ? Path.of(args[5]) : null);
        } else {
            fetch(tls, address, dir);
        }
    }

    private static void serve(boolean tls, InetSocketAddress address, Path dir, Path keyStore) throws Exception {
        List<Path> files;
        try (Stream<Path> walk = Files.walk(dir)) {
            files = walk.filter(Files::isRegularFile).sorted().toList();
        }
        ServerSocket server;
        if (tls) {
            KeyStore store = KeyStore.getInstance("PKCS12");
            try (InputStream in = Files.newInputStream(keyStore)) {
                store.load(in, "benchmark".toCharArray());
            }
            KeyManagerFactory keys = KeyManagerFactory.getInstance(KeyManagerFactory.getDefaultAlgorithm());
            keys.init(store, "benchmark".toCharArray());
            SSLContext context = SSLContext.getInstance("TLSv1.3");
            context.init(keys.getKeyManagers(), null, null);
            SSLServerSocket secure = (SSLServerSocket) context.getServerSocketFactory().createServerSocket();
            secure.setEnabledProtocols(new String[] { "TLSv1.3" });
            server = secure;
        } else {
            server = new ServerSocket();
        }
        server.setReuseAddress(true);
        server.bind(address);
        System.out.println("serving " + files.size() + " files on " + address);
        System.out.flush();
        while (true) {
            try (Socket socket = server.accept()) {
                socket.setTcpNoDelay(true);
                DataOutputStream out = new DataOutputStream(new BufferedOutputStream(socket.getOutputStream(), BUFFER));
                for (Path file : files) {
                    long size = Files.size(file);
                    out.writeUTF(dir.relativize(file).toString());
                    out.writeLong(size);
                    try (FileChannel channel = FileChannel.open(file)) {
                        if (tls) {
                            Channels.newInputStream(channel).transferTo(out);
                        } else {
                            out.flush(); // plain TCP: the kernel copies the file (sendfile)
                            long sent = 0;
                            var sink = Channels.newChannel(socket.getOutputStream());
                            while (sent < size) {
                                sent += channel.transferTo(sent, size - sent, sink);
                            }
                        }
                    }
                }
                out.writeUTF("");
                out.flush();
                socket.shutdownOutput();
                socket.getInputStream().read(); // until the receiver closes
            } catch (java.io.IOException e) {
                System.err.println("connection failed: " + e);
            }
        }
    }

    private static void fetch(boolean tls, InetSocketAddress address, Path out) throws Exception {
        long start = System.nanoTime();
        Socket socket;
        if (tls) {
            SSLContext context = SSLContext.getInstance("TLSv1.3");
            context.init(null, new TrustManager[] { new X509TrustManager() {
                @Override
                public void checkClientTrusted(X509Certificate[] chain, String type) {
                }

                @Override
                public void checkServerTrusted(X509Certificate[] chain, String type) {
                }

                @Override
                public X509Certificate[] getAcceptedIssuers() {
                    return new X509Certificate[0];
                }
            } }, null);
            SSLSocket secure = (SSLSocket) context.getSocketFactory().createSocket(address.getAddress(),
                    address.getPort());
            secure.setEnabledProtocols(new String[] { "TLSv1.3" });
            secure.startHandshake();
            socket = secure;
        } else {
            socket = new Socket(address.getAddress(), address.getPort());
        }
        long total = 0;
        try (socket) {
            DataInputStream in = new DataInputStream(new BufferedInputStream(socket.getInputStream(), BUFFER));
            byte[] buffer = new byte[BUFFER];
            while (true) {
                String name = in.readUTF();
                if (name.isEmpty()) {
                    break;
                }
                long size = in.readLong();
                Path target = out.resolve(name);
                Files.createDirectories(target.getParent());
                try (OutputStream file = Files.newOutputStream(target, StandardOpenOption.CREATE,
                        StandardOpenOption.TRUNCATE_EXISTING, StandardOpenOption.WRITE)) {
                    long left = size;
                    while (left > 0) {
                        int n = in.read(buffer, 0, (int) Math.min(buffer.length, left));
                        if (n < 0) {
                            throw new java.io.EOFException(name + " ended early");
                        }
                        file.write(buffer, 0, n);
                        left -= n;
                    }
                }
                total += size;
            }
        }
        long ms = (System.nanoTime() - start) / 1_000_000;
        System.out.printf(Locale.ROOT, "copied %d in %d ms%n", total, ms);
    }
}
