package dev.railyard.host.loadgen;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.Arrays;
import java.util.Iterator;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.stream.Stream;

/**
 * Sends streamed requests to an OpenAI-compatible server ({@code railyard serve}, vLLM,
 * llama.cpp's {@code llama-server}, ...) with {@link HttpClient}, timing each server-sent event:
 * the first chunk with text is the first token, every chunk with text is a token arrival. The
 * token count comes from the usage chunk ({@code stream_options.include_usage}) when the server
 * sends one, else from the chunks. Requests ask for {@code ignore_eos} so that outputs have their
 * intended lengths on servers that support it.
 */
public final class HttpTarget implements LoadTarget {

    /** Which endpoint to load. */
    public enum Endpoint { COMPLETIONS, CHAT }

    private static final ObjectMapper JSON = new ObjectMapper();

    private final URI base;
    private final Endpoint endpoint;
    private final double temperature;
    private final Duration timeout;
    private final ExecutorService executor = Executors.newVirtualThreadPerTaskExecutor();
    private final HttpClient http;
    private final String model;
    private final int maxContext;

    /**
     * Connects and asks {@code /v1/models} for the model (and its {@code max_model_len}, when the
     * server says).
     *
     * @param base the server's base URL, e.g. {@code http://127.0.0.1:8000} (a trailing {@code /v1} is fine)
     * @param model the model to ask for, or null for the first one the server lists
     * @throws IllegalStateException when the server cannot be reached and no model was given
     */
    public HttpTarget(URI base, String model, Endpoint endpoint, double temperature, Duration timeout) {
        String b = base.toString().replaceAll("/+$", "").replaceAll("/v1$", "");
        this.base = URI.create(b + "/");
        this.endpoint = endpoint;
        this.temperature = temperature;
        this.timeout = timeout;
        this.http = HttpClient.newBuilder().version(HttpClient.Version.HTTP_1_1).executor(executor)
                .connectTimeout(Duration.ofSeconds(10)).build();
        JsonNode listed = listModels(model == null);
        JsonNode entry = null;
        if (listed != null) {
            for (JsonNode m : listed.path("data")) {
                if (model == null || model.equals(m.path("id").asText())) {
                    entry = m;
                    break;
                }
            }
        }
        if (model == null && entry == null) {
            throw new IllegalStateException("the server at " + b + " lists no model: pass the model name");
        }
        this.model = model != null ? model : entry.path("id").asText();
        this.maxContext = entry == null ? 0 : entry.path("max_model_len").asInt(0);
    }

    private JsonNode listModels(boolean required) {
        try {
            HttpResponse<String> r = http.send(HttpRequest.newBuilder(base.resolve("v1/models")).timeout(Duration.ofSeconds(30))
                    .GET().build(), HttpResponse.BodyHandlers.ofString());
            if (r.statusCode() == 200) {
                return JSON.readTree(r.body());
            }
            if (required) {
                throw new IllegalStateException("GET " + base + "v1/models answered " + r.statusCode() + ": " + r.body());
            }
        } catch (IOException e) {
            if (required) {
                throw new IllegalStateException("cannot reach " + base + "v1/models: " + e, e);
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException("interrupted", e);
        }
        return null;
    }

    public String model() {
        return model;
    }

    @Override
    public RequestRecord send(WorkItem item) {
        ObjectNode body = JSON.createObjectNode();
        body.put("model", model);
        body.put("max_tokens", item.maxTokens());
        body.put("temperature", temperature);
        body.put("stream", true);
        body.putObject("stream_options").put("include_usage", true);
        body.put("ignore_eos", true);
        if (endpoint == Endpoint.CHAT) {
            if (item.promptText() == null) {
                throw new IllegalArgumentException("the chat endpoint needs text prompts");
            }
            ObjectNode m = body.putArray("messages").addObject();
            m.put("role", "user");
            m.put("content", item.promptText());
        } else if (item.promptTokens() != null) {
            var arr = body.putArray("prompt");
            for (int t : item.promptTokens()) {
                arr.add(t);
            }
        } else {
            body.put("prompt", item.promptText());
        }
        HttpRequest req = HttpRequest.newBuilder(base.resolve(endpoint == Endpoint.CHAT ? "v1/chat/completions" : "v1/completions"))
                .timeout(timeout).header("Content-Type", "application/json")
                .POST(HttpRequest.BodyPublishers.ofString(body.toString())).build();
        long start = System.nanoTime();
        try {
            HttpResponse<Stream<String>> r = http.send(req, HttpResponse.BodyHandlers.ofLines());
            try (Stream<String> lines = r.body()) {
                if (r.statusCode() != 200) {
                    return RequestRecord.failed(item.index(), start, "HTTP " + r.statusCode() + ": " + errorOf(String.join("\n",
                            lines.toList())));
                }
                return readStream(item, start, lines.iterator());
            }
        } catch (IOException | RuntimeException e) {
            return RequestRecord.failed(item.index(), start, e.toString());
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return RequestRecord.failed(item.index(), start, "interrupted");
        }
    }

    private RequestRecord readStream(WorkItem item, long start, Iterator<String> lines) throws IOException {
        long[] times = new long[Math.max(4, item.maxTokens())];
        int chunks = 0;
        int promptTokens = item.promptLength();
        int outputTokens = -1;
        String error = null;
        boolean done = false;
        while (lines.hasNext()) {
            String line = lines.next();
            if (!line.startsWith("data:")) {
                continue;
            }
            long now = System.nanoTime();
            String data = line.substring(5).trim();
            if (data.equals("[DONE]")) {
                done = true;
                break;
            }
            JsonNode chunk = JSON.readTree(data);
            if (chunk.has("error")) {
                error = chunk.get("error").path("message").asText(chunk.get("error").toString());
                continue;
            }
            for (JsonNode choice : chunk.path("choices")) {
                String text = endpoint == Endpoint.CHAT ? choice.path("delta").path("content").asText("") : choice.path("text").asText("");
                if (!text.isEmpty()) {
                    if (chunks == times.length) {
                        times = Arrays.copyOf(times, chunks * 2);
                    }
                    times[chunks++] = now;
                }
            }
            JsonNode usage = chunk.get("usage");
            if (usage != null && usage.isObject()) {
                promptTokens = usage.path("prompt_tokens").asInt(promptTokens);
                outputTokens = usage.path("completion_tokens").asInt(-1);
            }
        }
        long end = System.nanoTime();
        if (error == null && !done) {
            error = "the stream ended without [DONE]";
        }
        long[] t = Arrays.copyOf(times, chunks);
        return new RequestRecord(item.index(), error == null, error, start, chunks == 0 ? -1 : t[0], end, promptTokens,
                outputTokens >= 0 ? outputTokens : chunks, t);
    }

    private static String errorOf(String body) {
        try {
            JsonNode n = JSON.readTree(body);
            if (n.has("error")) {
                return n.get("error").path("message").asText(n.get("error").toString());
            }
        } catch (IOException | RuntimeException ignored) {
            // not JSON
        }
        return body.length() > 200 ? body.substring(0, 200) + "..." : body;
    }

    @Override
    public String describe() {
        return base + " (" + (endpoint == Endpoint.CHAT ? "/v1/chat/completions" : "/v1/completions") + "), model " + model;
    }

    @Override
    public int maxContextLength() {
        return maxContext;
    }

    @Override
    public void close() {
        http.close();
        executor.close();
    }
}
