package org.lanspread.transport.quic.internal;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.util.Arrays;
import java.util.Random;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;

import org.junit.jupiter.api.Test;

import com.fasterxml.jackson.databind.ObjectMapper;

import io.netty.buffer.Unpooled;
import io.netty.channel.embedded.EmbeddedChannel;

/**
 * The answer to a chunk request, read as it arrives on a real Netty pipeline: however the bytes are split into
 * reads, the data lands once in the caller's buffer, and a peer that breaks the framing is named for it.
 */
class ChunkReceiverTest {

    private static final ObjectMapper JSON = new ObjectMapper();

    private static byte[] frame(byte[] body) {
        return ByteBuffer.allocate(4 + body.length).putInt(body.length).put(body).array();
    }

    private static byte[] answer(String header, byte[] data) throws IOException {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        out.write(frame(header.getBytes(StandardCharsets.UTF_8)));
        out.write(frame(data));
        return out.toByteArray();
    }

    /** Feeds {@code bytes} in reads of random sizes (1 byte up to 64 KiB). */
    private static void feed(EmbeddedChannel channel, byte[] bytes, Random random) {
        for (int at = 0; at < bytes.length;) {
            int n = Math.min(bytes.length - at, 1 + random.nextInt(random.nextBoolean() ? 16 : 65536));
            channel.writeInbound(Unpooled.wrappedBuffer(bytes, at, n));
            at += n;
        }
    }

    private static Throwable failure(CompletableFuture<?> future) {
        assertTrue(future.isCompletedExceptionally(), "failed");
        try {
            future.get();
            throw new AssertionError("not failed");
        } catch (ExecutionException e) {
            return e.getCause();
        } catch (InterruptedException e) {
            throw new AssertionError(e);
        }
    }

    @Test
    void theDataLandsInTheCallersBufferHoweverItIsSplit() throws Exception {
        Random random = new Random(7);
        byte[] data = new byte[300_000];
        random.nextBytes(data);
        for (int round = 0; round < 20; round++) {
            ByteBuffer into = ByteBuffer.allocate(data.length + 10).position(5);
            ChunkReceiver receiver = new ChunkReceiver(JSON, 65536, into, data.length);
            EmbeddedChannel channel = new EmbeddedChannel(receiver);
            feed(channel, answer("{\"type\":\"chunk-data\",\"length\":" + data.length + "}", data), random);
            assertEquals(data.length, receiver.header().get().path("length").asInt());
            assertTrue(receiver.done().isDone() && !receiver.done().isCompletedExceptionally(), "round " + round);
            assertEquals(5 + data.length, into.position(), "the position moves past the data, as a read does");
            assertArrayEquals(data, Arrays.copyOfRange(into.array(), 5, 5 + data.length), "round " + round);
            assertEquals(into.capacity(), into.limit(), "the limit is left as it was");
            channel.finishAndReleaseAll();
        }
    }

    @Test
    void anErrorHeaderEndsTheAnswerWithoutData() throws Exception {
        ChunkReceiver receiver = new ChunkReceiver(JSON, 65536, ByteBuffer.allocate(10), 10);
        EmbeddedChannel channel = new EmbeddedChannel(receiver);
        channel.writeInbound(Unpooled.wrappedBuffer(frame(
                "{\"type\":\"error\",\"code\":\"refused\",\"message\":\"no such file\"}".getBytes(StandardCharsets.UTF_8))));
        assertEquals("no such file", receiver.header().get().path("message").asText());
        assertTrue(receiver.done().isDone());
        channel.finishAndReleaseAll();
    }

    @Test
    void aPeerThatBreaksTheFramingIsNamedAndNothingIsWrittenPastTheChunk() throws Exception {
        byte[] data = new byte[1000];
        String header = "{\"type\":\"chunk-data\",\"length\":1000}";

        ByteBuffer into = ByteBuffer.allocate(2000);
        ChunkReceiver tooLong = new ChunkReceiver(JSON, 65536, into, 1000);
        new EmbeddedChannel(tooLong).writeInbound(Unpooled.wrappedBuffer(answer(header, new byte[1500])));
        assertInstanceOf(ChunkReceiver.Violation.class, failure(tooLong.done()));
        assertEquals("sent 1500 bytes for a request of 1000", failure(tooLong.done()).getMessage());
        assertEquals(0, into.position(), "nothing was written");

        Arrays.fill(data, (byte) 1);
        ByteBuffer roomy = ByteBuffer.allocate(2000);
        ChunkReceiver trailing = new ChunkReceiver(JSON, 65536, roomy, 1000);
        byte[] extra = Arrays.copyOf(answer(header, data), answer(header, data).length + 3);
        extra[extra.length - 1] = 9;
        new EmbeddedChannel(trailing).writeInbound(Unpooled.wrappedBuffer(extra));
        trailing.done().get();
        assertEquals(1000, roomy.position(), "bytes after the chunk are dropped, never written");
        assertEquals(0, roomy.get(1000));

        ChunkReceiver hugeHeader = new ChunkReceiver(JSON, 100, ByteBuffer.allocate(2000), 1000);
        new EmbeddedChannel(hugeHeader).writeInbound(Unpooled.wrappedBuffer(answer("{\"pad\":\"" + "x".repeat(200)
                + "\"}", data)));
        assertInstanceOf(ChunkReceiver.Violation.class, failure(hugeHeader.header()));

        ChunkReceiver cut = new ChunkReceiver(JSON, 65536, ByteBuffer.allocate(2000), 1000);
        EmbeddedChannel channel = new EmbeddedChannel(cut);
        byte[] whole = answer(header, data);
        channel.writeInbound(Unpooled.wrappedBuffer(whole, 0, whole.length - 10));
        channel.close();
        Throwable closed = failure(cut.done());
        assertEquals("the peer closed the stream", closed.getMessage());
        assertTrue(!(closed instanceof ChunkReceiver.Violation), "an early end is not a protocol violation");
    }
}
