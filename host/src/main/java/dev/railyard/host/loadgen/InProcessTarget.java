package dev.railyard.host.loadgen;

import dev.railyard.host.engine.Engine;
import dev.railyard.host.engine.GenerationRequest;
import dev.railyard.host.engine.GenerationResult;
import dev.railyard.host.engine.InvalidRequestException;
import dev.railyard.host.engine.TokenListener;
import dev.railyard.spi.scheduler.FinishReason;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;

/**
 * Submits straight to an {@link Engine} in this process: no HTTP, so the numbers are the engine's
 * own. Token arrival times are taken in the token listener, on the engine thread, as each token
 * is produced. EOS is ignored so that every request produces exactly its output length.
 */
public final class InProcessTarget implements LoadTarget {

    private final Engine engine;
    private final String name;
    private final double temperature;

    /**
     * @param name the model's name, for the report
     * @param temperature sampling temperature (0: greedy)
     */
    public InProcessTarget(Engine engine, String name, double temperature) {
        this.engine = engine;
        this.name = name;
        this.temperature = temperature;
    }

    @Override
    public RequestRecord send(WorkItem item) {
        GenerationRequest.Builder b = GenerationRequest.builder().maxTokens(item.maxTokens()).temperature(temperature)
                .seed((long) item.index()).ignoreEos(true);
        if (item.promptTokens() != null) {
            b.promptTokens(item.promptTokens());
        } else {
            b.promptText(item.promptText());
        }
        Recorder rec = new Recorder(item.maxTokens());
        long start = System.nanoTime();
        try {
            engine.submit(b.build(), rec);
        } catch (InvalidRequestException e) {
            return RequestRecord.failed(item.index(), start, e.kind().name().toLowerCase() + ": " + e.getMessage());
        }
        GenerationResult r;
        try {
            r = rec.done.get();
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return RequestRecord.failed(item.index(), start, "interrupted");
        } catch (ExecutionException e) {
            return RequestRecord.failed(item.index(), start, String.valueOf(e.getCause()));
        }
        long[] times = java.util.Arrays.copyOf(rec.times, rec.count);
        boolean ok = r.finishReason() == FinishReason.STOP || r.finishReason() == FinishReason.LENGTH;
        String error = ok ? null : r.finishReason().name().toLowerCase() + (r.error() != null ? ": " + r.error() : "");
        return new RequestRecord(item.index(), ok, error, start, times.length == 0 ? -1 : times[0], rec.endNanos,
                r.promptTokens().length, r.tokens().length, times);
    }

    /** Takes token times on the engine thread. */
    private static final class Recorder implements TokenListener {
        final CompletableFuture<GenerationResult> done = new CompletableFuture<>();
        long[] times;
        int count;
        long endNanos;

        Recorder(int expected) {
            times = new long[Math.max(1, Math.min(expected, 1 << 16))];
        }

        @Override
        public void onToken(int token, String textDelta) {
            if (token < 0) {
                return;
            }
            if (count == times.length) {
                times = java.util.Arrays.copyOf(times, count * 2);
            }
            times[count++] = System.nanoTime();
        }

        @Override
        public void onComplete(GenerationResult result) {
            endNanos = System.nanoTime();
            done.complete(result);
        }
    }

    @Override
    public String describe() {
        return "in-process engine (" + engine.core().schedulerName() + " scheduler, " + engine.core().backendInfo().name()
                + " backend), model " + name;
    }

    @Override
    public int maxContextLength() {
        return engine.core().backendInfo().maxContextLength();
    }

    @Override
    public void close() {
        // the engine belongs to the caller
    }
}
