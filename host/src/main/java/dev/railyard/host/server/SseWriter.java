package dev.railyard.host.server;

import com.fasterxml.jackson.databind.JsonNode;
import java.io.IOException;
import java.io.OutputStream;
import java.nio.charset.StandardCharsets;

/**
 * Writes server-sent events the way OpenAI streams them: {@code data: {json}\n\n} per chunk,
 * {@code data: [DONE]\n\n} at the end, and {@code : comment\n\n} lines as keep-alives (clients
 * ignore them; writing one is how a quiet stream finds out that its client went away).
 */
final class SseWriter {

    private static final byte[] DATA = "data: ".getBytes(StandardCharsets.US_ASCII);
    private static final byte[] END = "\n\n".getBytes(StandardCharsets.US_ASCII);
    private static final byte[] DONE = "data: [DONE]\n\n".getBytes(StandardCharsets.US_ASCII);
    private static final byte[] KEEP_ALIVE = ": keep-alive\n\n".getBytes(StandardCharsets.US_ASCII);

    private final OutputStream out;

    SseWriter(OutputStream out) {
        this.out = out;
    }

    void data(JsonNode chunk) throws IOException {
        out.write(DATA);
        out.write(JsonBody.MAPPER.writeValueAsBytes(chunk));
        out.write(END);
    }

    void done() throws IOException {
        out.write(DONE);
        out.flush();
    }

    void keepAlive() throws IOException {
        out.write(KEEP_ALIVE);
        out.flush();
    }

    void flush() throws IOException {
        out.flush();
    }
}
