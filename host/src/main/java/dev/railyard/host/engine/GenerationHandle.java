package dev.railyard.host.engine;

import java.util.concurrent.BlockingQueue;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.function.LongConsumer;

/**
 * A submitted request: its id, its output as a stream of events, its final result, and a way to
 * cancel it. Thread-safe.
 */
public final class GenerationHandle {

    /**
     * One event of the output stream: a token ({@code token >= 0}), a tail of text released at the
     * end ({@code token == -1}, {@code result == null}), or the end ({@code result} set).
     */
    public record StreamEvent(int token, String textDelta, GenerationResult result) {
        public boolean isEnd() {
            return result != null;
        }
    }

    private final long id;
    private final CompletableFuture<GenerationResult> result = new CompletableFuture<>();
    private final BlockingQueue<StreamEvent> events = new LinkedBlockingQueue<>();
    private final LongConsumer canceller;
    private final boolean recordEvents;

    /**
     * @param recordEvents fill {@link #events()}; the engine turns it off for requests submitted
     *     with a listener, which receive their stream through the listener instead
     */
    GenerationHandle(long id, LongConsumer canceller, boolean recordEvents) {
        this.id = id;
        this.canceller = canceller;
        this.recordEvents = recordEvents;
    }

    public long id() {
        return id;
    }

    /** Completes with the result (also for cancelled, rejected and failed requests). */
    public CompletableFuture<GenerationResult> result() {
        return result;
    }

    /**
     * The output stream: one event per token in order, then one end event. Take from it with
     * {@code take()}. Filled only for requests submitted without a {@link TokenListener} (those
     * with one get their stream there); the end event is always added.
     */
    public BlockingQueue<StreamEvent> events() {
        return events;
    }

    /** Asks the engine to stop this request; its blocks are freed at the next iteration at the latest. */
    public void cancel() {
        canceller.accept(id);
    }

    void emitToken(int token, String textDelta) {
        if (recordEvents) {
            events.add(new StreamEvent(token, textDelta, null));
        }
    }

    /** Text held back until the end (a possible stop-string prefix, an incomplete character). */
    void emitTextTail(String text) {
        if (recordEvents) {
            events.add(new StreamEvent(-1, text, null));
        }
    }

    void complete(GenerationResult r) {
        events.add(new StreamEvent(-1, null, r));
        result.complete(r);
    }
}
