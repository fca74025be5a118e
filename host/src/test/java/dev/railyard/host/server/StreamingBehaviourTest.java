package dev.railyard.host.server;

import static dev.railyard.host.server.HttpTestClient.obj;
import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import dev.railyard.host.engine.Engine;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.Semaphore;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;

/** Streams under load, clients that go away, a full queue and a graceful shutdown. */
@org.junit.jupiter.api.Timeout(value = 120, unit = TimeUnit.SECONDS)
class StreamingBehaviourTest {

    private record Served(OpenAiServer server, CountingBackend backend, Engine engine, HttpTestClient client) implements AutoCloseable {
        @Override
        public void close() {
            server.close();
        }
    }

    private static Served serve(int maxWaiting, long stepDelayMillis) {
        CountingBackend backend = TestEngines.backend();
        backend.stepDelayMillis = stepDelayMillis;
        Engine engine = TestEngines.engine(backend, maxWaiting);
        OpenAiServer server = OpenAiServer.start(ServedModel.of(TestEngines.MODEL, engine, ChatTemplate.defaultTemplate()),
                ServerSettings.defaults().withPort(0).withKeepAlive(Duration.ofMillis(100)));
        return new Served(server, backend, engine, new HttpTestClient(server.baseUri()));
    }

    @Test
    void twoHundredConcurrentStreamsAllCompleteWithNothingLost() throws Exception {
        int n = 200;
        int tokens = 32;
        try (Served s = serve(4096, 1); ExecutorService pool = Executors.newVirtualThreadPerTaskExecutor()) {
            List<Future<String>> futures = new ArrayList<>();
            for (int i = 0; i < n; i++) {
                char start = (char) ('a' + i % 26);
                boolean chat = i % 2 == 0;
                futures.add(pool.submit(() -> chat ? chatStream(s.client(), start, tokens) : completionStream(s.client(), start, tokens)));
            }
            for (int i = 0; i < n; i++) {
                char start = (char) ('a' + i % 26);
                String expected = i % 2 == 0 ? counting('\n', tokens) : counting(start, tokens);
                assertThat(futures.get(i).get(120, TimeUnit.SECONDS)).as("stream " + i).isEqualTo(expected);
            }
            assertThat(s.client().awaitMetric("railyard_requests_total{outcome=\"length\"}", v -> v >= n)).isEqualTo(n);
            assertThat(s.client().awaitMetric("railyard_kv_cache_used_blocks", v -> v == 0)).isZero();
            assertThat(s.client().metric("railyard_client_disconnects_total")).isZero();
        }
    }

    /** The text the counting backend produces after {@code last}. */
    private static String counting(char last, int n) {
        StringBuilder sb = new StringBuilder();
        char c = last;
        for (int i = 0; i < n; i++) {
            c = c >= 'a' && c < 'z' ? (char) (c + 1) : 'a';
            sb.append(c);
        }
        return sb.toString();
    }

    private static String completionStream(HttpTestClient client, char start, int tokens) {
        var r = client.post("/v1/completions", obj("prompt", String.valueOf(start), "max_tokens", tokens, "temperature", 0,
                "stream", true));
        assertThat(r.status()).isEqualTo(200);
        return collect(r, "text");
    }

    private static String chatStream(HttpTestClient client, char start, int tokens) {
        var r = client.post("/v1/chat/completions", obj("max_tokens", tokens, "temperature", 0, "stream", true,
                "messages", List.of(Map.of("role", "user", "content", String.valueOf(start)))));
        assertThat(r.status()).isEqualTo(200);
        return collect(r, "content");
    }

    private static String collect(HttpTestClient.Reply r, String field) {
        List<String> events = r.events();
        assertThat(events.getLast()).isEqualTo("[DONE]");
        StringBuilder sb = new StringBuilder();
        int tokenChunks = 0;
        for (String e : events.subList(0, events.size() - 1)) {
            JsonNode choice = HttpTestClient.readJson(e).get("choices").get(0);
            JsonNode holder = field.equals("text") ? choice : choice.get("delta");
            if (holder.has(field) && !holder.get(field).asText().isEmpty()) {
                sb.append(holder.get(field).asText());
                tokenChunks++;
            }
            if (!choice.get("finish_reason").isNull()) {
                assertThat(choice.get("finish_reason").asText()).isEqualTo("length");
            }
        }
        assertThat(tokenChunks).isEqualTo(sb.length());
        return sb.toString();
    }

    @Test
    void aClientThatDisconnectsMidStreamCancelsItsRequestAndFreesItsBlocks() throws Exception {
        try (Served s = serve(4096, 20)) {
            String body = obj("prompt", "abc", "max_tokens", 200, "temperature", 0, "stream", true).toString();
            try (Socket socket = new Socket("127.0.0.1", s.server().port())) {
                OutputStream out = socket.getOutputStream();
                out.write(("POST /v1/completions HTTP/1.1\r\nHost: 127.0.0.1\r\nContent-Type: application/json\r\nContent-Length: "
                        + body.getBytes(StandardCharsets.UTF_8).length + "\r\n\r\n" + body).getBytes(StandardCharsets.UTF_8));
                out.flush();
                InputStream in = socket.getInputStream();
                StringBuilder seen = new StringBuilder();
                byte[] buf = new byte[4096];
                while (count(seen, "data: ") < 3) {
                    int k = in.read(buf);
                    assertThat(k).as("stream ended early: " + seen).isPositive();
                    seen.append(new String(buf, 0, k, StandardCharsets.UTF_8));
                }
                assertThat(seen).startsWith("HTTP/1.1 200");
                assertThat(s.client().metric("railyard_kv_cache_used_blocks")).as("the stream holds blocks").isPositive();
                assertThat(s.client().metric("railyard_num_requests_running")).isEqualTo(1);
            }
            assertThat(s.client().awaitMetric("railyard_kv_cache_used_blocks", v -> v == 0)).as("blocks freed").isZero();
            assertThat(s.client().awaitMetric("railyard_requests_total{outcome=\"cancelled\"}", v -> v == 1)).isEqualTo(1);
            assertThat(s.client().metric("railyard_client_disconnects_total")).isEqualTo(1);
            assertThat(s.client().metric("railyard_num_requests_running")).isZero();
            var after = s.client().post("/v1/completions", obj("prompt", "abc", "max_tokens", 2, "temperature", 0));
            assertThat(after.json().get("choices").get(0).get("text").asText()).isEqualTo("de");
        }
    }

    private static int count(CharSequence s, String what) {
        int n = 0;
        for (int i = s.toString().indexOf(what); i >= 0; i = s.toString().indexOf(what, i + 1)) {
            n++;
        }
        return n;
    }

    @Test
    void aFullQueueAnswers429AndTheServerRecovers() throws Exception {
        try (Served s = serve(1, 0); ExecutorService pool = Executors.newVirtualThreadPerTaskExecutor()) {
            Semaphore gate = new Semaphore(0);
            s.backend().gate = gate;
            try {
                queueFills(s, gate, pool);
            } finally {
                gate.release(1_000_000);
            }
        }
    }

    /**
     * The backend is held inside its first step, so requests pile up in front of the engine: with
     * room for one waiting request, later ones are refused with 429 at once.
     */
    private static void queueFills(Served s, Semaphore gate, ExecutorService pool) throws Exception {
        JsonNode body = obj("prompt", "abc", "max_tokens", 3, "temperature", 0);
        Future<HttpTestClient.Reply> first = pool.submit(() -> s.client().post("/v1/completions", body));
        assertThat(s.backend().stepStarted.await(10, TimeUnit.SECONDS)).isTrue();
        List<Future<HttpTestClient.Reply>> more = new ArrayList<>();
        HttpTestClient.Reply refused = null;
        for (int i = 0; i < 100 && refused == null; i++) {
            more.add(pool.submit(() -> s.client().post("/v1/completions", body)));
            Thread.sleep(20);
            for (Future<HttpTestClient.Reply> f : more) {
                if (f.isDone() && f.get().status() == 429) {
                    refused = f.get();
                }
            }
        }
        assertThat(refused).as("a request was refused with 429").isNotNull();
        OpenAiServerTest.expectError(refused, 429, "rate_limit_error", null, "queue_full");
        gate.release(1_000_000);
        assertThat(first.get(30, TimeUnit.SECONDS).json().get("choices").get(0).get("text").asText()).isEqualTo("def");
        int ok = 0;
        for (Future<HttpTestClient.Reply> f : more) {
            int status = f.get(30, TimeUnit.SECONDS).status();
            assertThat(status).isIn(200, 429);
            ok += status == 200 ? 1 : 0;
        }
        assertThat(ok).as("one request fits the queue").isGreaterThanOrEqualTo(1);
        var later = s.client().post("/v1/completions", body);
        assertThat(later.status()).isEqualTo(200);
        assertThat(s.client().awaitMetric("railyard_requests_total{outcome=\"queue_full\"}", v -> v >= 1)).isGreaterThanOrEqualTo(1);
    }

    @Test
    void gracefulShutdownLetsInFlightStreamsFinish() throws Exception {
        Served s = serve(4096, 10);
        try (ExecutorService pool = Executors.newVirtualThreadPerTaskExecutor()) {
            Future<String> stream = pool.submit(() -> completionStream(s.client(), 'a', 40));
            while (s.client().metric("railyard_num_requests_running") < 1) {
                Thread.sleep(5);
            }
            s.server().shutdown(Duration.ofSeconds(20));
            assertThat(stream.get(30, TimeUnit.SECONDS)).isEqualTo(counting('a', 40));
            assertThat(s.server().isDraining()).isTrue();
        } finally {
            s.close();
        }
    }

    @Test
    void shutdownWithoutGraceEndsStreamsWithAnErrorAndDone() throws Exception {
        Served s = serve(4096, 20);
        try (ExecutorService pool = Executors.newVirtualThreadPerTaskExecutor()) {
            Future<HttpTestClient.Reply> stream = pool.submit(() -> s.client().post("/v1/completions",
                    obj("prompt", "abc", "max_tokens", 200, "temperature", 0, "stream", true)));
            while (s.client().metric("railyard_num_requests_running") < 1) {
                Thread.sleep(5);
            }
            s.server().shutdown(Duration.ZERO);
            HttpTestClient.Reply r = stream.get(30, TimeUnit.SECONDS);
            List<String> events = r.events();
            assertThat(events.getLast()).isEqualTo("[DONE]");
            JsonNode error = HttpTestClient.readJson(events.get(events.size() - 2)).get("error");
            assertThat(error.get("code").asText()).isEqualTo("cancelled");
        } finally {
            s.close();
        }
    }
}
