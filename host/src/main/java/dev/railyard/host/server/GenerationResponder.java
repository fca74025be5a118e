package dev.railyard.host.server;

import dev.railyard.host.engine.GenerationHandle;
import dev.railyard.host.engine.GenerationHandle.StreamEvent;
import dev.railyard.host.engine.GenerationRequest;
import dev.railyard.host.engine.GenerationResult;
import dev.railyard.host.engine.InvalidRequestException;
import dev.railyard.spi.scheduler.FinishReason;
import io.helidon.http.HeaderNames;
import io.helidon.webserver.http.ServerResponse;
import java.io.IOException;
import java.io.OutputStream;
import java.io.UncheckedIOException;
import java.time.Duration;
import java.util.concurrent.ThreadLocalRandom;
import java.util.concurrent.TimeUnit;
import java.util.logging.Level;
import java.util.logging.Logger;

/**
 * Submits one request to the engine and answers it: as one JSON object, or as a stream of
 * server-sent events (one chunk per token as the engine produces it, the finish chunk, the
 * usage chunk when asked, {@code [DONE]}). A client that goes away mid-stream has its request
 * cancelled, which frees its KV blocks at once.
 */
final class GenerationResponder {

    private static final Logger LOG = Logger.getLogger(GenerationResponder.class.getName());

    private final ServedModel model;
    private final ServerMetrics metrics;
    private final long keepAliveMillis;
    private final String idTag = Long.toHexString(ThreadLocalRandom.current().nextLong() >>> 16);

    GenerationResponder(ServedModel model, ServerMetrics metrics, Duration keepAlive) {
        this.model = model;
        this.metrics = metrics;
        this.keepAliveMillis = Math.max(1, keepAlive.toMillis());
    }

    /**
     * Runs {@code request} and writes the answer.
     *
     * @param promptParam the parameter that holds the prompt ({@code prompt} or {@code messages}),
     *     named in prompt errors
     * @throws ApiError when the engine refuses the request or it fails before a stream began
     */
    void respond(ResponseShape shape, GenerationParams params, GenerationRequest request, String promptParam,
                 ServerResponse res) throws InterruptedException {
        GenerationHandle handle;
        try {
            handle = model.engine().submit(request, null);
        } catch (InvalidRequestException e) {
            throw ApiError.fromEngine(e, promptParam);
        }
        ResponseShape.Ids ids = new ResponseShape.Ids(shape.idPrefix() + "-" + idTag + Long.toHexString(handle.id()),
                System.currentTimeMillis() / 1000, model.name(), params.stream() && params.includeUsage());
        if (params.stream()) {
            stream(shape, ids, params.includeUsage(), handle, res);
        } else {
            whole(shape, ids, handle, res);
        }
    }

    private void whole(ResponseShape shape, ResponseShape.Ids ids, GenerationHandle handle, ServerResponse res)
            throws InterruptedException {
        GenerationResult r;
        try {
            r = handle.result().get();
        } catch (InterruptedException e) {
            handle.cancel();
            throw e;
        } catch (java.util.concurrent.ExecutionException e) {
            throw ApiError.internal("the request failed: " + e.getCause());
        }
        String reason = openAiFinishReason(r.finishReason());
        if (reason == null) {
            throw failure(r);
        }
        OpenAiServer.sendJson(res, 200, shape.complete(ids, textOf(r), reason, usageOf(r)));
    }

    private void stream(ResponseShape shape, ResponseShape.Ids ids, boolean includeUsage, GenerationHandle handle,
                        ServerResponse res) throws InterruptedException {
        res.status(200);
        res.header(HeaderNames.CONTENT_TYPE, "text/event-stream; charset=utf-8");
        res.header(HeaderNames.CACHE_CONTROL, "no-cache");
        res.header("X-Accel-Buffering", "no");
        boolean finished = false;
        try (OutputStream out = res.outputStream()) {
            SseWriter sse = new SseWriter(out);
            var opening = shape.opening(ids);
            if (opening != null) {
                sse.data(opening);
            }
            sse.flush();
            while (!finished) {
                StreamEvent ev = handle.events().poll(keepAliveMillis, TimeUnit.MILLISECONDS);
                if (ev == null) {
                    sse.keepAlive();
                    continue;
                }
                do {
                    finished = write(sse, shape, ids, includeUsage, ev);
                } while (!finished && (ev = handle.events().poll()) != null);
                if (!finished) {
                    sse.flush();
                }
            }
        } catch (IOException | UncheckedIOException e) {
            clientGone(handle, finished, e);
        } catch (InterruptedException e) {
            handle.cancel();
            throw e;
        } catch (RuntimeException e) {
            // Helidon reports a closed connection with its own unchecked exceptions
            clientGone(handle, finished, e);
        }
    }

    /** Writes one event; returns whether it was the end. */
    private boolean write(SseWriter sse, ResponseShape shape, ResponseShape.Ids ids, boolean includeUsage, StreamEvent ev)
            throws IOException {
        if (!ev.isEnd()) {
            sse.data(shape.delta(ids, ev.textDelta() == null ? "" : ev.textDelta()));
            return false;
        }
        GenerationResult r = ev.result();
        String reason = openAiFinishReason(r.finishReason());
        if (reason == null) {
            sse.data(failure(r).toJson());
        } else {
            sse.data(shape.finish(ids, reason));
            if (includeUsage) {
                sse.data(shape.usage(ids, usageOf(r)));
            }
        }
        sse.done();
        return true;
    }

    private void clientGone(GenerationHandle handle, boolean finished, Exception e) {
        if (finished) {
            return;
        }
        handle.cancel();
        metrics.clientDisconnected();
        LOG.log(Level.FINE, "client went away mid-stream; request " + handle.id() + " cancelled", e);
    }

    /** {@code stop} or {@code length}; null for outcomes that are errors. */
    static String openAiFinishReason(FinishReason r) {
        return switch (r) {
            case STOP -> "stop";
            case LENGTH -> "length";
            default -> null;
        };
    }

    /** The error for a request that ended without a normal finish. Counted already by the observer. */
    static ApiError failure(GenerationResult r) {
        String why = r.error() != null ? r.error() : r.finishReason().name().toLowerCase();
        return switch (r.finishReason()) {
            case CANCELLED -> new ApiError(503, "server_error", null, "cancelled", null, "the request was cancelled: " + why);
            case TIMEOUT -> new ApiError(408, "timeout_error", null, "timeout", null, "the request timed out: " + why);
            case REJECTED -> new ApiError(400, "invalid_request_error", null, "rejected", null,
                    "the scheduler rejected the request: " + why);
            default -> new ApiError(500, "server_error", null, "internal_error", null, "the request failed: " + why);
        };
    }

    private static String textOf(GenerationResult r) {
        return r.text() == null ? "" : r.text();
    }

    private static ResponseShape.Usage usageOf(GenerationResult r) {
        return new ResponseShape.Usage(r.promptTokens().length, r.tokens().length);
    }
}
