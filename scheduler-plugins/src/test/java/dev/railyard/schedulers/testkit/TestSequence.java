package dev.railyard.schedulers.testkit;

import dev.railyard.spi.scheduler.SamplingView;
import dev.railyard.spi.scheduler.SequenceState;
import dev.railyard.spi.scheduler.SequenceView;
import java.util.Arrays;
import java.util.OptionalLong;

/** A decoding sequence for drafter tests: its tokens, all but the last (pending) computed. */
public final class TestSequence implements SequenceView {

    private final long id;
    private final int promptLength;
    private final SamplingView sampling;
    private int[] tokens;
    private int size;
    private int maxTokens = 1_000_000;

    public TestSequence(long id, int[] prompt, SamplingView sampling) {
        this.id = id;
        this.promptLength = prompt.length;
        this.sampling = sampling;
        this.tokens = Arrays.copyOf(prompt, Math.max(16, prompt.length * 2));
        this.size = prompt.length;
    }

    public TestSequence(long id, int... prompt) {
        this(id, prompt, Sampling.greedy());
    }

    public TestSequence append(int... more) {
        for (int t : more) {
            if (size == tokens.length) {
                tokens = Arrays.copyOf(tokens, size * 2);
            }
            tokens[size++] = t;
        }
        return this;
    }

    public TestSequence maxTokens(int m) {
        this.maxTokens = m;
        return this;
    }

    public int[] tokens() {
        return Arrays.copyOf(tokens, size);
    }

    @Override public long id() { return id; }
    @Override public SequenceState state() { return SequenceState.RUNNING; }
    @Override public int promptLength() { return promptLength; }
    @Override public int generatedCount() { return size - promptLength; }
    @Override public int totalLength() { return size; }
    @Override public int computedLength() { return size - 1; }
    @Override public int maxTokens() { return maxTokens; }

    @Override
    public int tokenAt(int i) {
        if (i < 0 || i >= size) {
            throw new IndexOutOfBoundsException(i);
        }
        return tokens[i];
    }

    @Override public int priority() { return 0; }
    @Override public long arrivalNanos() { return 0; }
    @Override public OptionalLong firstTokenNanos() { return OptionalLong.empty(); }
    @Override public OptionalLong lastTokenNanos() { return OptionalLong.empty(); }
    @Override public OptionalLong firstTokenDeadlineNanos() { return OptionalLong.empty(); }
    @Override public OptionalLong timePerTokenTargetNanos() { return OptionalLong.empty(); }
    @Override public int allocatedBlocks() { return 0; }
    @Override public int preemptionCount() { return 0; }
    @Override public SamplingView sampling() { return sampling; }
}
