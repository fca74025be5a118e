package dev.railyard.host.server;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.helidon.http.HeaderNames;
import io.helidon.webserver.WebServer;
import io.helidon.webserver.http.ServerRequest;
import io.helidon.webserver.http.ServerResponse;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.URI;
import java.time.Duration;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.logging.Level;
import java.util.logging.Logger;

/**
 * The OpenAI-compatible HTTP server: a Helidon SE web server (one virtual thread per request)
 * in front of one {@link ServedModel}.
 *
 * <pre>{@code
 * try (OpenAiServer server = OpenAiServer.start(ServedModel.of(runtime, null, "auto"), ServerSettings.defaults())) {
 *     System.out.println(server.baseUri());   // http://127.0.0.1:8000
 *     ...
 * }
 * }</pre>
 *
 * <p>{@link #shutdown(Duration)} is graceful: new requests get 503, the engine lets in-flight
 * requests finish for the grace period and cancels the rest (their streams end with an error
 * chunk and {@code [DONE]}), then the listener closes.
 */
public final class OpenAiServer implements AutoCloseable {

    private static final Logger LOG = Logger.getLogger(OpenAiServer.class.getName());

    private final ServedModel model;
    private final ServerMetrics metrics;
    private final GenerationResponder responder;
    private final CompletionsEndpoint completions;
    private final ChatCompletionsEndpoint chat;
    private final AtomicInteger inFlight = new AtomicInteger();
    private final String host;
    private volatile boolean draining;
    private WebServer web;

    private OpenAiServer(ServedModel model, ServerSettings settings) {
        this.model = model;
        this.host = settings.host();
        this.metrics = new ServerMetrics(model.engine());
        this.responder = new GenerationResponder(model, metrics, settings.keepAlive());
        this.completions = new CompletionsEndpoint(model, responder);
        this.chat = new ChatCompletionsEndpoint(model, responder);
    }

    /**
     * Starts serving {@code model} on {@code settings.host():settings.port()} (port 0: a free one).
     *
     * @throws IllegalStateException when the address cannot be bound
     */
    public static OpenAiServer start(ServedModel model, ServerSettings settings) {
        checkBindable(settings);
        OpenAiServer s = new OpenAiServer(model, settings);
        s.web = WebServer.builder()
                .host(settings.host())
                .port(settings.port())
                .shutdownHook(false)
                .connectionOptions(o -> o.tcpNoDelay(true))
                .routing(r -> r
                        .get("/health", (req, res) -> sendJson(res, 200, status("ok")))
                        .get("/ready", s::ready)
                        .get("/metrics", s::metrics)
                        .get("/v1/models", s::models)
                        .get("/v1/models/*", s::oneModel)
                        .post("/v1/completions", (req, res) -> s.generation(req, res, s.completions::handle))
                        .post("/v1/chat/completions", (req, res) -> s.generation(req, res, s.chat::handle))
                        .any((req, res) -> sendError(res, ApiError.unknownPath(req.prologue().method().text(),
                                req.path().path()))))
                .build()
                .start();
        if (!s.web.isRunning() || s.web.port() <= 0) {
            s.web.stop();
            throw new IllegalStateException("could not listen on " + settings.host() + ":" + settings.port()
                    + " (is the port in use, or the address not local?)");
        }
        return s;
    }

    /** Fails early, with one clear line, when the address is taken (Helidon would log a stack trace). */
    private static void checkBindable(ServerSettings settings) {
        if (settings.port() == 0) {
            return;
        }
        try (java.net.ServerSocket probe = new java.net.ServerSocket()) {
            probe.setReuseAddress(true);
            probe.bind(new java.net.InetSocketAddress(settings.host(), settings.port()));
        } catch (IOException e) {
            throw new IllegalStateException("could not listen on " + settings.host() + ":" + settings.port() + ": " + e.getMessage()
                    + " (is the port in use, or the address not local?)");
        }
    }

    /** The port it listens on (the one picked when started with port 0). */
    public int port() {
        return web.port();
    }

    /** {@code http://host:port}. */
    public URI baseUri() {
        String h = host.equals("0.0.0.0") || host.equals("::") ? "127.0.0.1" : host.contains(":") ? "[" + host + "]" : host;
        return URI.create("http://" + h + ":" + port());
    }

    public ServedModel model() {
        return model;
    }

    public ServerMetrics metrics() {
        return metrics;
    }

    /**
     * Stops gracefully: refuses new requests (503), lets the engine finish in-flight requests
     * for up to {@code grace} and cancels the rest, waits for their responses to be written,
     * then closes the listener. The engine is shut down; the caller closes the runtime.
     */
    public void shutdown(Duration grace) {
        if (draining && web != null && !web.isRunning()) {
            return;
        }
        draining = true;
        model.engine().shutdown(grace);
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(5);
        while (inFlight.get() > 0 && System.nanoTime() < deadline) {
            try {
                Thread.sleep(10);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                break;
            }
        }
        if (web != null && web.isRunning()) {
            web.stop();
        }
    }

    /** {@link #shutdown} with no grace: in-flight requests are cancelled. */
    @Override
    public void close() {
        shutdown(Duration.ZERO);
    }

    /** Whether {@link #shutdown} has begun. */
    public boolean isDraining() {
        return draining;
    }

    @FunctionalInterface
    interface BodyHandler {
        void handle(JsonBody body, ServerResponse res) throws Exception;
    }

    private void generation(ServerRequest req, ServerResponse res, BodyHandler handler) {
        inFlight.incrementAndGet();
        try {
            if (draining) {
                throw ApiError.shuttingDown();
            }
            byte[] bytes;
            try {
                bytes = req.content().inputStream().readAllBytes();
            } catch (IOException | UncheckedIOException e) {
                return;
            }
            handler.handle(JsonBody.parse(bytes), res);
        } catch (ApiError e) {
            if (e.outcome() != null) {
                metrics.refused(e.outcome());
            }
            sendError(res, e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        } catch (Exception e) {
            LOG.log(Level.WARNING, "request failed", e);
            sendError(res, ApiError.internal("internal error: " + e));
        } finally {
            inFlight.decrementAndGet();
        }
    }

    /** 404 unless {@code requested} is null or the served model's name. */
    static void checkModel(ServedModel model, String requested) {
        if (requested != null && !requested.equals(model.name())) {
            throw ApiError.modelNotFound(requested, model.name());
        }
    }

    private void ready(ServerRequest req, ServerResponse res) {
        String why = null;
        if (draining) {
            why = "shutting down";
        } else {
            try {
                model.engine().runOnLoop(() -> { }).get(2, TimeUnit.SECONDS);
            } catch (TimeoutException e) {
                why = "the engine loop did not answer within 2 s";
            } catch (Exception e) {
                why = "the engine loop failed: " + e;
            }
        }
        if (why == null) {
            sendJson(res, 200, status("ready"));
        } else {
            ObjectNode o = status("not ready");
            o.put("reason", why);
            sendJson(res, 503, o);
        }
    }

    private void metrics(ServerRequest req, ServerResponse res) throws IOException {
        ByteArrayOutputStream out = new ByteArrayOutputStream(16 * 1024);
        metrics.write(out);
        res.header(HeaderNames.CONTENT_TYPE, metrics.contentType());
        res.send(out.toByteArray());
    }

    private void models(ServerRequest req, ServerResponse res) {
        ObjectNode o = JsonBody.MAPPER.createObjectNode();
        o.put("object", "list");
        ArrayNode data = o.putArray("data");
        data.add(modelJson());
        sendJson(res, 200, o);
    }

    private void oneModel(ServerRequest req, ServerResponse res) {
        String id = req.path().path().substring("/v1/models/".length());
        if (!id.equals(model.name())) {
            sendError(res, ApiError.modelNotFound(id, model.name()));
            return;
        }
        sendJson(res, 200, modelJson());
    }

    private ObjectNode modelJson() {
        ObjectNode m = JsonBody.MAPPER.createObjectNode();
        m.put("id", model.name());
        m.put("object", "model");
        m.put("created", model.createdEpochSeconds());
        m.put("owned_by", "railyard");
        m.put("max_model_len", model.maxContextLength());
        return m;
    }

    private static ObjectNode status(String s) {
        ObjectNode o = JsonBody.MAPPER.createObjectNode();
        o.put("status", s);
        return o;
    }

    static void sendError(ServerResponse res, ApiError e) {
        if (!res.isSent()) {
            sendJson(res, e.status(), e.toJson());
        }
    }

    static void sendJson(ServerResponse res, int status, JsonNode body) {
        byte[] bytes;
        try {
            bytes = JsonBody.MAPPER.writeValueAsBytes(body);
        } catch (JsonProcessingException e) {
            throw new UncheckedIOException(e);
        }
        res.status(status);
        res.header(HeaderNames.CONTENT_TYPE, "application/json");
        res.send(bytes);
    }
}
