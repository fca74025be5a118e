package dev.railyard.host.server;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.Executors;

/** A small JSON/SSE client over {@link HttpClient} for the server tests. */
public final class HttpTestClient {

    public static final ObjectMapper JSON = new ObjectMapper();

    private final URI base;
    private final HttpClient http = HttpClient.newBuilder().version(HttpClient.Version.HTTP_1_1)
            .executor(Executors.newVirtualThreadPerTaskExecutor()).connectTimeout(Duration.ofSeconds(5)).build();

    public HttpTestClient(URI base) {
        this.base = base;
    }

    /** A response: status, raw body, and the body as JSON when it is JSON. */
    public record Reply(int status, String contentType, String body) {
        public JsonNode json() {
            try {
                return JSON.readTree(body);
            } catch (IOException e) {
                throw new UncheckedIOException("not JSON: " + body, e);
            }
        }

        /** The {@code data:} payloads of an SSE body, in order ({@code [DONE]} included). */
        public List<String> events() {
            List<String> out = new ArrayList<>();
            for (String block : body.split("\n\n")) {
                if (block.isEmpty() || block.startsWith(":")) {
                    continue;
                }
                if (!block.startsWith("data: ") || block.contains("\n")) {
                    throw new AssertionError("malformed SSE event: '" + block + "'");
                }
                out.add(block.substring("data: ".length()));
            }
            return out;
        }
    }

    public Reply post(String path, String body) {
        return send(HttpRequest.newBuilder(base.resolve(path)).timeout(Duration.ofSeconds(60))
                .header("Content-Type", "application/json").POST(HttpRequest.BodyPublishers.ofString(body)).build());
    }

    public Reply post(String path, JsonNode body) {
        return post(path, body.toString());
    }

    public Reply get(String path) {
        return send(HttpRequest.newBuilder(base.resolve(path)).timeout(Duration.ofSeconds(30)).GET().build());
    }

    /** A metric's value from /metrics ({@code name} with its labels as printed), or NaN if absent. */
    public double metric(String nameWithLabels) {
        return metric(get("/metrics").body(), nameWithLabels);
    }

    /**
     * Polls /metrics (up to 10 s) until {@code nameWithLabels} satisfies {@code ok}; returns the
     * last value seen. Request metrics are recorded on the engine thread just after the response
     * is released, so a test that has its answer may look a moment too early.
     */
    public double awaitMetric(String nameWithLabels, java.util.function.DoublePredicate ok) {
        long deadline = System.nanoTime() + 10_000_000_000L;
        double v = metric(nameWithLabels);
        while (!ok.test(v) && System.nanoTime() < deadline) {
            try {
                Thread.sleep(20);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                break;
            }
            v = metric(nameWithLabels);
        }
        return v;
    }

    public static double metric(String text, String nameWithLabels) {
        for (String line : text.split("\n")) {
            if (line.startsWith(nameWithLabels + " ")) {
                return Double.parseDouble(line.substring(nameWithLabels.length() + 1).trim());
            }
        }
        return Double.NaN;
    }

    private Reply send(HttpRequest req) {
        try {
            HttpResponse<String> r = http.send(req, HttpResponse.BodyHandlers.ofString());
            return new Reply(r.statusCode(), r.headers().firstValue("content-type").orElse(""), r.body());
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException(e);
        }
    }

    public static JsonNode readJson(String text) {
        try {
            return JSON.readTree(text);
        } catch (IOException e) {
            throw new UncheckedIOException("not JSON: " + text, e);
        }
    }

    /** Builds a JSON object from alternating keys and values. */
    public static JsonNode obj(Object... kv) {
        var o = JSON.createObjectNode();
        for (int i = 0; i < kv.length; i += 2) {
            o.set((String) kv[i], JSON.valueToTree(kv[i + 1]));
        }
        return o;
    }
}
