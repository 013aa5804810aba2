package org.lanspread.product.tests;

import java.io.IOException;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;

import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpServer;

/**
 * An update site served over HTTP on loopback whose artifacts (the jars under {@code plugins/} and {@code features/})
 * are held: a request for one sends its headers and first bytes, then waits until {@link #release()}, so an update
 * stays in its download step for as long as a test needs. The metadata is served at once (a check is not held).
 */
final class HeldSite implements AutoCloseable {

    private final Path folder;
    private final HttpServer server;
    private final CountDownLatch released = new CountDownLatch(1);
    private final AtomicInteger held = new AtomicInteger();
    private final AtomicInteger aborted = new AtomicInteger();

    HeldSite(Path folder) throws IOException {
        this.folder = folder;
        server = HttpServer.create(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0), 0);
        server.setExecutor(Executors.newCachedThreadPool(r -> {
            Thread t = new Thread(r, "held-site");
            t.setDaemon(true);
            return t;
        }));
        server.createContext("/", this::serve);
        server.start();
    }

    /** The site's URL, e.g. {@code http://127.0.0.1:40123/}. */
    String url() {
        return "http://" + server.getAddress().getAddress().getHostAddress() + ":" + server.getAddress().getPort()
                + "/";
    }

    /** How many artifact downloads have been held so far. */
    int held() {
        return held.get();
    }

    /** Waits until more than {@code before} artifact downloads have been held; false when not in time. */
    boolean awaitHeld(int before, int seconds) throws InterruptedException {
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(seconds);
        while (held.get() <= before && System.nanoTime() < deadline) {
            Thread.sleep(100);
        }
        return held.get() > before;
    }

    /** How many held downloads ended with the client gone (it was stopped while it waited). */
    int aborted() {
        return aborted.get();
    }

    /** Lets the held downloads and every later one through. */
    void release() {
        released.countDown();
    }

    private void serve(HttpExchange exchange) throws IOException {
        try (exchange) {
            String path = exchange.getRequestURI().getPath();
            Path file = folder.resolve(path.substring(1)).normalize();
            if (!file.startsWith(folder) || !Files.isRegularFile(file)) {
                exchange.sendResponseHeaders(404, -1);
                return;
            }
            boolean artifact = path.startsWith("/plugins/") || path.startsWith("/features/");
            byte[] bytes = Files.readAllBytes(file);
            if ("HEAD".equals(exchange.getRequestMethod())) { // p2 asks a file's size first
                exchange.getResponseHeaders().set("Content-Length", Integer.toString(bytes.length));
                exchange.sendResponseHeaders(200, -1);
                return;
            }
            exchange.sendResponseHeaders(200, bytes.length);
            OutputStream body = exchange.getResponseBody();
            if (!artifact || released.getCount() == 0) {
                body.write(bytes);
                return;
            }
            int first = Math.min(bytes.length, 1024);
            body.write(bytes, 0, first);
            body.flush();
            held.incrementAndGet();
            try {
                // Held; every second a byte-free flush would not show a gone client, so one more byte does.
                int sent = first;
                while (!released.await(1, TimeUnit.SECONDS)) {
                    if (sent < bytes.length - 1) {
                        body.write(bytes, sent++, 1);
                        body.flush();
                    }
                }
                body.write(bytes, sent, bytes.length - sent);
            } catch (IOException e) {
                aborted.incrementAndGet();
                throw e;
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
        }
    }

    @Override
    public void close() {
        release();
        server.stop(0);
    }
}
