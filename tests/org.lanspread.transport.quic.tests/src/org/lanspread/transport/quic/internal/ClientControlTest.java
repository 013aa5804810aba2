package org.lanspread.transport.quic.internal;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;

import org.junit.jupiter.api.Test;

import com.fasterxml.jackson.databind.JsonNode;

import io.netty.buffer.Unpooled;
import io.netty.channel.embedded.EmbeddedChannel;
import io.netty.handler.codec.LengthFieldBasedFrameDecoder;

/** The connecting side's control stream, on a real Netty pipeline: a peer that breaks it fails waiters at once. */
class ClientControlTest {

    private static byte[] frame(String json) {
        byte[] body = json.getBytes(StandardCharsets.UTF_8);
        return ByteBuffer.allocate(4 + body.length).putInt(body.length).put(body).array();
    }

    @Test
    void aFrameOverTheLimitFailsEveryWaitingRequestWithTheReasonAndClosesTheStream() throws Exception {
        ClientControl control = new ClientControl();
        EmbeddedChannel channel = new EmbeddedChannel(new LengthFieldBasedFrameDecoder(100, 0, 4, 0, 4), control);
        channel.writeInbound(Unpooled.wrappedBuffer(frame("{\"type\":\"hello\"}")));
        assertEquals("hello", control.hello.get().path("type").asText());

        CompletableFuture<JsonNode> manifest = new CompletableFuture<>();
        control.pending.put(1L, manifest);
        channel.writeInbound(Unpooled.wrappedBuffer(frame("{\"id\":1,\"manifest\":\"" + "x".repeat(500) + "\"}")));

        assertTrue(manifest.isCompletedExceptionally(), "failed at once, not after the request timeout");
        try {
            manifest.get();
        } catch (ExecutionException e) {
            assertTrue(e.getCause().getMessage().startsWith("the peer broke the control stream: "),
                    e.getCause().getMessage());
            assertTrue(e.getCause().getMessage().contains("100"), "names the limit: " + e.getCause().getMessage());
        }
        assertFalse(channel.isActive(), "the broken stream is closed");
        assertTrue(control.pending.isEmpty());
    }
}
