package dev.railyard.schedulers.testkit;

import dev.railyard.spi.scheduler.FinishReason;
import dev.railyard.spi.scheduler.SamplingView;
import dev.railyard.spi.scheduler.SequenceState;
import dev.railyard.spi.scheduler.SequenceView;
import java.util.Arrays;
import java.util.OptionalLong;

/** A sequence of the {@link FakeEngine}, mutated the way the host mutates its sequences. */
public final class FakeSequence implements SequenceView {

    final long id;
    int[] tokens;
    int size;
    final int promptLength;
    final int maxTokens;
    final int priority;
    final long arrivalNanos;
    final SamplingView sampling;

    SequenceState state = SequenceState.WAITING;
    int computed;
    int allocated;
    int preemptions;
    long firstScheduledIteration = -1;
    long firstScheduledNanos = -1;
    long finishedIteration = -1;
    FinishReason finishReason;
    String rejection;
    long firstTokenNanos = -1;
    long lastTokenNanos = -1;
    int drafted;
    int accepted;

    FakeSequence(long id, int[] prompt, int maxTokens, int priority, long arrivalNanos, SamplingView sampling) {
        this.id = id;
        this.tokens = Arrays.copyOf(prompt, Math.max(16, prompt.length * 2));
        this.size = prompt.length;
        this.promptLength = prompt.length;
        this.maxTokens = maxTokens;
        this.priority = priority;
        this.arrivalNanos = arrivalNanos;
        this.sampling = sampling;
    }

    void append(int token) {
        if (size == tokens.length) {
            tokens = Arrays.copyOf(tokens, size * 2);
        }
        tokens[size++] = token;
    }

    @Override public long id() { return id; }
    @Override public SequenceState state() { return state; }
    @Override public int promptLength() { return promptLength; }
    @Override public int generatedCount() { return size - promptLength; }
    @Override public int computedLength() { return computed; }
    @Override public int maxTokens() { return maxTokens; }

    @Override
    public int tokenAt(int i) {
        if (i < 0 || i >= size) {
            throw new IndexOutOfBoundsException("token " + i + " of a sequence of " + size);
        }
        return tokens[i];
    }

    @Override public int priority() { return priority; }
    @Override public long arrivalNanos() { return arrivalNanos; }
    @Override public OptionalLong firstTokenNanos() { return firstTokenNanos < 0 ? OptionalLong.empty() : OptionalLong.of(firstTokenNanos); }
    @Override public OptionalLong lastTokenNanos() { return lastTokenNanos < 0 ? OptionalLong.empty() : OptionalLong.of(lastTokenNanos); }
    @Override public OptionalLong firstTokenDeadlineNanos() { return OptionalLong.empty(); }
    @Override public OptionalLong timePerTokenTargetNanos() { return OptionalLong.empty(); }
    @Override public int allocatedBlocks() { return allocated; }
    @Override public int preemptionCount() { return preemptions; }
    @Override public SamplingView sampling() { return sampling; }

    /** The tokens so far (prompt then generated). */
    public int[] tokens() { return Arrays.copyOf(tokens, size); }
    /** Generated tokens. */
    public int[] output() { return Arrays.copyOfRange(tokens, promptLength, size); }
    public FinishReason finishReason() { return finishReason; }
    public String rejection() { return rejection; }
    public long firstScheduledIteration() { return firstScheduledIteration; }
    public long firstScheduledNanos() { return firstScheduledNanos; }
    public long finishedIteration() { return finishedIteration; }
    public int preemptions() { return preemptions; }
    public int drafted() { return drafted; }
    public int acceptedDrafts() { return accepted; }
    public boolean finished() { return finishReason != null; }

    @Override
    public String toString() {
        return "seq " + id + " (" + state + ", prio " + priority + ", " + computed + "/" + size + " computed, " + generatedCount()
                + "/" + maxTokens + " generated, " + allocated + " blocks)";
    }
}
