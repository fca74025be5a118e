package dev.railyard.conformance.driver;

import dev.railyard.conformance.workload.RequestSpec;
import dev.railyard.host.engine.GenerationResult;
import dev.railyard.spi.scheduler.FinishReason;
import java.util.ArrayList;
import java.util.List;

/**
 * What happened to one request of a run, on the virtual clock and in engine steps. Times are -1
 * (and steps -1) when they never happened.
 */
public final class RequestMetrics {

    private final RequestSpec spec;
    long engineId = -1;
    long submittedNanos = -1;
    long submittedStep = -1;
    long firstTokenNanos = -1;
    long firstTokenStep = -1;
    long lastTokenNanos = -1;
    long endNanos = -1;
    long endStep = -1;
    int completions;
    String submitError;
    final List<Integer> streamed = new ArrayList<>();
    GenerationResult result;

    RequestMetrics(RequestSpec spec) {
        this.spec = spec;
    }

    public RequestSpec spec() {
        return spec;
    }

    public int index() {
        return spec.index();
    }

    /** The engine's id, or -1 when the engine refused the submission. */
    public long engineId() {
        return engineId;
    }

    /** Why the engine refused the submission, or null. */
    public String submitError() {
        return submitError;
    }

    /** The result, or null when the request never ended. */
    public GenerationResult result() {
        return result;
    }

    public boolean ended() {
        return result != null;
    }

    /** How often the engine reported the end (1 when right). */
    public int completions() {
        return completions;
    }

    public FinishReason finishReason() {
        return result == null ? null : result.finishReason();
    }

    /** Ended normally (LENGTH or STOP). */
    public boolean completedNormally() {
        return result != null && (result.finishReason() == FinishReason.LENGTH || result.finishReason() == FinishReason.STOP);
    }

    /** The generated tokens, or an empty array when it never ended. */
    public int[] tokens() {
        return result == null ? new int[0] : result.tokens();
    }

    /** Tokens as they were streamed to the listener. */
    public List<Integer> streamed() {
        return streamed;
    }

    public boolean hasFirstToken() {
        return firstTokenNanos >= 0;
    }

    public long arrivalNanos() {
        return submittedNanos;
    }

    /** Virtual time to first token, or -1. */
    public long ttftNanos() {
        return firstTokenNanos < 0 ? -1 : firstTokenNanos - submittedNanos;
    }

    /** Engine steps from arrival to the step that produced the first token (1: the very next step), or -1. */
    public long ttftSteps() {
        return firstTokenStep < 0 ? -1 : firstTokenStep - submittedStep;
    }

    /** When the first token came, on the virtual clock, or -1. */
    public long firstTokenNanos() {
        return firstTokenNanos;
    }

    /** Mean virtual time between output tokens after the first, or -1 with fewer than 2 tokens. */
    public double tpotNanos() {
        int n = streamed.size();
        return n < 2 ? -1 : (double) (lastTokenNanos - firstTokenNanos) / (n - 1);
    }

    /** Mean engine steps between output tokens after the first, or -1 with fewer than 2 tokens. */
    public double tpotSteps() {
        int n = streamed.size();
        return n < 2 || endStep < 0 ? -1 : (double) (endStep - firstTokenStep) / (n - 1);
    }

    /** Virtual time from arrival to the end, or -1. */
    public long endToEndNanos() {
        return endNanos < 0 ? -1 : endNanos - submittedNanos;
    }

    /** Engine steps from arrival to the end, or -1. */
    public long endToEndSteps() {
        return endStep < 0 ? -1 : endStep - submittedStep;
    }

    /** The step count when it arrived. */
    public long arrivalStep() {
        return submittedStep;
    }

    /** The step that produced its first token, or -1. */
    public long firstTokenStep() {
        return firstTokenStep;
    }

    @Override
    public String toString() {
        return spec + (result == null ? " (never ended)" : " ended " + result.finishReason());
    }
}
