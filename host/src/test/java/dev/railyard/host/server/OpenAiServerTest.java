package dev.railyard.host.server;

import static dev.railyard.host.server.HttpTestClient.obj;
import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import dev.railyard.host.engine.Engine;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/** The endpoints, their JSON shapes and the stream's framing, on a real engine over a test backend. */
class OpenAiServerTest {

    private static OpenAiServer server;
    private static HttpTestClient client;

    @BeforeAll
    static void start() {
        Engine engine = TestEngines.engine(TestEngines.backend(), 4096);
        server = OpenAiServer.start(ServedModel.of(TestEngines.MODEL, engine, ChatTemplate.defaultTemplate()),
                ServerSettings.defaults().withPort(0));
        client = new HttpTestClient(server.baseUri());
    }

    @AfterAll
    static void stop() {
        server.close();
    }

    @Test
    void completionAnswersWithOpenAisShape() {
        var r = client.post("/v1/completions", obj("model", TestEngines.MODEL, "prompt", "abc", "max_tokens", 5, "temperature", 0));
        assertThat(r.status()).isEqualTo(200);
        assertThat(r.contentType()).startsWith("application/json");
        JsonNode j = r.json();
        assertThat(j.get("object").asText()).isEqualTo("text_completion");
        assertThat(j.get("id").asText()).startsWith("cmpl-");
        assertThat(j.get("model").asText()).isEqualTo(TestEngines.MODEL);
        assertThat(j.get("created").asLong()).isPositive();
        JsonNode c = j.get("choices").get(0);
        assertThat(c.get("index").asInt()).isZero();
        assertThat(c.get("text").asText()).isEqualTo("defgh");
        assertThat(c.get("finish_reason").asText()).isEqualTo("length");
        assertThat(c.has("logprobs")).isTrue();
        assertThat(j.get("usage")).isEqualTo(obj("prompt_tokens", 3, "completion_tokens", 5, "total_tokens", 8));
    }

    @Test
    void completionDefaultsToSixteenTokensAndAcceptsTokenIds() {
        var r = client.post("/v1/completions", obj("prompt", List.of(120, 121), "temperature", 0)).json();
        assertThat(r.get("choices").get(0).get("text").asText()).isEqualTo("zabcdefghijklmno");
        assertThat(r.get("usage").get("completion_tokens").asInt()).isEqualTo(16);
    }

    @Test
    void stopStringsEndTheTextWithFinishReasonStop() {
        var r = client.post("/v1/completions", obj("prompt", "abc", "max_tokens", 10, "temperature", 0, "stop", List.of("g", "zz")))
                .json();
        assertThat(r.get("choices").get(0).get("text").asText()).isEqualTo("def");
        assertThat(r.get("choices").get(0).get("finish_reason").asText()).isEqualTo("stop");
        var single = client.post("/v1/completions", obj("prompt", "abc", "max_tokens", 10, "temperature", 0, "stop", "f")).json();
        assertThat(single.get("choices").get(0).get("text").asText()).isEqualTo("de");
    }

    @Test
    void chatCompletionUsesTheChatTemplate() {
        var r = client.post("/v1/chat/completions", obj("model", TestEngines.MODEL, "max_tokens", 5, "temperature", 0, "seed", 7,
                "messages", List.of(Map.of("role", "system", "content", "be brief"), Map.of("role", "user", "content", "hi"))));
        assertThat(r.status()).isEqualTo(200);
        JsonNode j = r.json();
        assertThat(j.get("object").asText()).isEqualTo("chat.completion");
        assertThat(j.get("id").asText()).startsWith("chatcmpl-");
        JsonNode c = j.get("choices").get(0);
        assertThat(c.get("message")).isEqualTo(obj("role", "assistant", "content", "abcde"));
        assertThat(c.get("finish_reason").asText()).isEqualTo("length");
        int promptLength = "<|system|>\nbe brief\n<|user|>\nhi\n<|assistant|>\n".length();
        assertThat(j.get("usage").get("prompt_tokens").asInt()).isEqualTo(promptLength);
    }

    @Test
    void chatStreamHasOpenAisFraming() {
        var r = client.post("/v1/chat/completions", obj("model", TestEngines.MODEL, "max_completion_tokens", 8, "temperature", 0,
                "stream", true, "stream_options", Map.of("include_usage", true),
                "messages", List.of(Map.of("role", "user", "content", List.of(Map.of("type", "text", "text", "hi"))))));
        assertThat(r.status()).isEqualTo(200);
        assertThat(r.contentType()).startsWith("text/event-stream");
        List<String> events = r.events();
        assertThat(events.getLast()).isEqualTo("[DONE]");
        List<JsonNode> chunks = events.subList(0, events.size() - 1).stream().map(HttpTestClient::readJson).toList();
        String id = chunks.getFirst().get("id").asText();
        StringBuilder content = new StringBuilder();
        for (JsonNode c : chunks) {
            assertThat(c.get("object").asText()).isEqualTo("chat.completion.chunk");
            assertThat(c.get("id").asText()).isEqualTo(id);
            assertThat(c.has("usage")).isTrue();
        }
        JsonNode first = chunks.getFirst().get("choices").get(0);
        assertThat(first.get("delta")).isEqualTo(obj("role", "assistant", "content", ""));
        for (JsonNode c : chunks.subList(1, chunks.size() - 2)) {
            JsonNode choice = c.get("choices").get(0);
            assertThat(choice.get("finish_reason").isNull()).isTrue();
            assertThat(c.get("usage").isNull()).isTrue();
            content.append(choice.get("delta").get("content").asText());
        }
        assertThat(content).hasToString("abcdefgh");
        JsonNode finish = chunks.get(chunks.size() - 2).get("choices").get(0);
        assertThat(finish.get("delta")).isEqualTo(obj());
        assertThat(finish.get("finish_reason").asText()).isEqualTo("length");
        JsonNode usage = chunks.getLast();
        assertThat(usage.get("choices")).isEmpty();
        assertThat(usage.get("usage").get("completion_tokens").asInt()).isEqualTo(8);
    }

    @Test
    void completionStreamSendsOneChunkPerToken() {
        var r = client.post("/v1/completions", obj("prompt", "abc", "max_tokens", 4, "temperature", 0, "stream", true));
        List<String> events = r.events();
        assertThat(events).hasSize(4 + 1 + 1);
        assertThat(events.getLast()).isEqualTo("[DONE]");
        StringBuilder text = new StringBuilder();
        for (String e : events.subList(0, 4)) {
            JsonNode c = HttpTestClient.readJson(e);
            assertThat(c.get("object").asText()).isEqualTo("text_completion");
            assertThat(c.has("usage")).isFalse();
            text.append(c.get("choices").get(0).get("text").asText());
        }
        assertThat(text).hasToString("defg");
        JsonNode finish = HttpTestClient.readJson(events.get(4)).get("choices").get(0);
        assertThat(finish.get("text").asText()).isEmpty();
        assertThat(finish.get("finish_reason").asText()).isEqualTo("length");
    }

    @Test
    void sampledRequestsWithASeedRepeat() {
        JsonNode body = obj("prompt", "abc", "max_tokens", 12, "temperature", 1.5, "top_k", 40, "top_p", 0.95, "min_p", 0.0,
                "repetition_penalty", 1.1, "seed", 42, "priority", 1);
        var a = client.post("/v1/completions", body).json();
        var b = client.post("/v1/completions", body).json();
        assertThat(a.get("choices").get(0).get("text")).isEqualTo(b.get("choices").get(0).get("text"));
    }

    @Test
    void errorsHaveOpenAisShapeAndStatus() {
        expectError(client.post("/v1/completions", "{\"prompt\": \"abc\", "), 400, "invalid_request_error", null, null);
        expectError(client.post("/v1/completions", "[1, 2]"), 400, "invalid_request_error", null, null);
        expectError(client.post("/v1/completions", obj("model", "gpt-17", "prompt", "abc")), 404, "invalid_request_error",
                "model", "model_not_found");
        expectError(client.post("/v1/completions", obj("prompt", "a".repeat(TestEngines.CONTEXT + 10))), 400,
                "invalid_request_error", "prompt", "context_length_exceeded");
        expectError(client.post("/v1/chat/completions", obj("messages", List.of(Map.of("role", "user",
                "content", "a".repeat(TestEngines.CONTEXT + 10))))), 400, "invalid_request_error", "messages", "context_length_exceeded");
        expectError(client.post("/v1/completions", obj("prompt", "abc", "temperature", -1)), 400, "invalid_request_error",
                "temperature", "invalid_value");
        expectError(client.post("/v1/completions", obj("prompt", "abc", "temperature", "hot")), 400, "invalid_request_error",
                "temperature", "invalid_type");
        expectError(client.post("/v1/completions", obj("prompt", "abc", "max_tokens", 0)), 400, "invalid_request_error",
                "max_tokens", "invalid_value");
        expectError(client.post("/v1/completions", obj("prompt", "abc", "top_p", 0)), 400, "invalid_request_error", "top_p", null);
        expectError(client.post("/v1/completions", obj("prompt", "abc", "n", 2)), 400, "invalid_request_error", "n", "unsupported_value");
        expectError(client.post("/v1/completions", obj("prompt", "abc", "presence_penalty", 0.5)), 400, "invalid_request_error",
                "presence_penalty", "unsupported_value");
        expectError(client.post("/v1/completions", obj("prompt", List.of("a", "b"))), 400, "invalid_request_error", "prompt", null);
        expectError(client.post("/v1/completions", obj("max_tokens", 3)), 400, "invalid_request_error", "prompt",
                "missing_required_parameter");
        expectError(client.post("/v1/completions", obj("prompt", "")), 400, "invalid_request_error", "prompt", "invalid_value");
        expectError(client.post("/v1/completions", obj("prompt", List.of(1, 999))), 400, "invalid_request_error", "prompt", null);
        expectError(client.post("/v1/chat/completions", obj("messages", List.of())), 400, "invalid_request_error", "messages", null);
        expectError(client.post("/v1/chat/completions", obj("messages", List.of(Map.of("role", "wizard", "content", "x")))), 400,
                "invalid_request_error", "messages[0].role", null);
        expectError(client.post("/v1/chat/completions", obj("messages", List.of(Map.of("role", "user", "content", "x")),
                "tools", List.of(Map.of("type", "function")))), 400, "invalid_request_error", "tools", null);
        expectError(client.get("/v1/nothing-here"), 404, "invalid_request_error", null, "unknown_url");
        expectError(client.get("/v1/models/gpt-17"), 404, "invalid_request_error", "model", "model_not_found");

        var ok = client.post("/v1/completions", obj("prompt", "abc", "max_tokens", 2, "temperature", 0));
        assertThat(ok.status()).as("the server keeps serving after errors").isEqualTo(200);
        assertThat(ok.json().get("choices").get(0).get("text").asText()).isEqualTo("de");
        client.awaitMetric("railyard_requests_total{outcome=\"length\"}", v -> v >= 1);
        String metrics = client.get("/metrics").body();
        assertThat(HttpTestClient.metric(metrics, "railyard_requests_total{outcome=\"model_not_found\"}")).isGreaterThanOrEqualTo(1);
        assertThat(HttpTestClient.metric(metrics, "railyard_requests_total{outcome=\"context_length_exceeded\"}"))
                .isGreaterThanOrEqualTo(2);
        assertThat(HttpTestClient.metric(metrics, "railyard_requests_total{outcome=\"invalid_request\"}")).isGreaterThanOrEqualTo(10);
    }

    @Test
    void modelsHealthReadyAndMetrics() {
        JsonNode models = client.get("/v1/models").json();
        assertThat(models.get("object").asText()).isEqualTo("list");
        assertThat(models.get("data").get(0).get("id").asText()).isEqualTo(TestEngines.MODEL);
        assertThat(models.get("data").get(0).get("object").asText()).isEqualTo("model");
        assertThat(client.get("/v1/models/" + TestEngines.MODEL).json().get("id").asText()).isEqualTo(TestEngines.MODEL);
        assertThat(client.get("/health").status()).isEqualTo(200);
        assertThat(client.get("/ready").json().get("status").asText()).isEqualTo("ready");

        client.post("/v1/completions", obj("prompt", "abc", "max_tokens", 3, "temperature", 0));
        client.awaitMetric("railyard_time_to_first_token_seconds_count", v -> v >= 1);
        var m = client.get("/metrics");
        assertThat(m.status()).isEqualTo(200);
        assertThat(m.contentType()).startsWith("text/plain");
        String text = m.body();
        assertThat(text).contains("# TYPE railyard_time_to_first_token_seconds histogram",
                "# TYPE railyard_time_per_output_token_seconds histogram", "# TYPE railyard_inter_token_latency_seconds histogram",
                "# TYPE railyard_e2e_request_latency_seconds histogram", "# TYPE railyard_tokens_per_step histogram",
                "# TYPE railyard_requests_total counter", "railyard_num_requests_waiting ", "railyard_num_requests_running ",
                "railyard_kv_cache_used_blocks ", "railyard_kv_cache_total_blocks 2048", "railyard_spec_decode_draft_tokens_total ",
                "railyard_spec_decode_accepted_tokens_total ", "railyard_spec_decode_acceptance_rate ");
        assertThat(HttpTestClient.metric(text, "railyard_requests_total{outcome=\"length\"}")).isGreaterThanOrEqualTo(1);
        assertThat(HttpTestClient.metric(text, "railyard_time_to_first_token_seconds_count")).isGreaterThanOrEqualTo(1);
        assertThat(HttpTestClient.metric(text, "railyard_generation_tokens_total")).isGreaterThanOrEqualTo(3);
    }

    @Test
    void shutdownRefusesNewRequestsWith503() {
        Engine engine = TestEngines.engine(TestEngines.backend(), 16);
        OpenAiServer s = OpenAiServer.start(ServedModel.of(TestEngines.MODEL, engine, ChatTemplate.defaultTemplate()),
                ServerSettings.defaults().withPort(0));
        try {
            HttpTestClient c = new HttpTestClient(s.baseUri());
            engine.shutdown(Duration.ZERO);
            expectError(c.post("/v1/completions", obj("prompt", "abc")), 503, "server_error", null, "shutting_down");
            assertThat(c.get("/ready").status()).isEqualTo(503);
            assertThat(c.get("/health").status()).isEqualTo(200);
        } finally {
            s.close();
        }
    }

    @Test
    void aPortInUseIsReportedNotIgnored() {
        Engine engine = TestEngines.engine(TestEngines.backend(), 16);
        try {
            org.assertj.core.api.Assertions.assertThatThrownBy(() -> OpenAiServer.start(
                    ServedModel.of(TestEngines.MODEL, engine, ChatTemplate.defaultTemplate()),
                    ServerSettings.defaults().withPort(server.port()))).isInstanceOf(IllegalStateException.class)
                    .hasMessageContaining("could not listen on 127.0.0.1:" + server.port());
        } finally {
            engine.close();
        }
    }

    static void expectError(HttpTestClient.Reply r, int status, String type, String param, String code) {
        assertThat(r.status()).as(r.body()).isEqualTo(status);
        JsonNode e = r.json().get("error");
        assertThat(e).as(r.body()).isNotNull();
        assertThat(e.get("message").asText()).isNotBlank();
        assertThat(e.get("type").asText()).isEqualTo(type);
        assertThat(e.has("param") && e.has("code")).isTrue();
        if (param != null) {
            assertThat(e.get("param").asText()).as(r.body()).isEqualTo(param);
        }
        if (code != null) {
            assertThat(e.get("code").asText()).as(r.body()).isEqualTo(code);
        }
    }
}
