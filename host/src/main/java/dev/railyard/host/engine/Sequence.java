package dev.railyard.host.engine;

import dev.railyard.host.sampling.SamplingParams;
import dev.railyard.spi.scheduler.SamplingView;
import dev.railyard.spi.scheduler.SequenceState;
import dev.railyard.spi.scheduler.SequenceView;
import java.util.OptionalLong;
import java.util.random.RandomGenerator;
import java.util.random.RandomGeneratorFactory;

/**
 * The engine's state of one request. Mutated only on the engine thread. Schedulers see it
 * through {@link SequenceView} (read-only: they cannot reach this class, which lives outside the
 * SPI).
 */
final class Sequence implements SequenceView {

    private static final RandomGeneratorFactory<RandomGenerator> RNG = RandomGeneratorFactory.of("L64X128MixRandom");

    final long id;
    final GenerationRequest request;
    final SamplingParams sampling;
    final RandomGenerator random;
    final TokenListener listener;
    final GenerationHandle handle;
    final IntList tokens;
    final int promptLength;
    final int maxTokens;
    final IntList blockTable = new IntList(8);
    final long arrivalNanos;
    final TextCodec.Detokenizer detokenizer;
    final StringBuilder text;
    final LongListBuilder tokenTimes = new LongListBuilder();

    SequenceState state = SequenceState.WAITING;
    int computed;
    int preemptions;
    long firstScheduledNanos = -1;
    long draftedTokens;
    long acceptedDraftTokens;
    boolean finished;
    /** Set when the last token ended the request; applied after the step. */
    dev.railyard.spi.scheduler.FinishReason finishReason;
    /** A stop string matched; the text was cut before it. */
    boolean stopStringHit;
    /** Stamp of the last plan that named this sequence (duplicate detection). */
    int planStamp;
    /** Index in the text of the first character not yet streamed (held back for stop strings). */
    int streamedChars;

    Sequence(long id, GenerationRequest request, int[] prompt, SamplingParams sampling, int maxTokens, long arrivalNanos,
             TokenListener listener, GenerationHandle handle, TextCodec codec) {
        this.id = id;
        this.request = request;
        this.sampling = sampling;
        this.random = RNG.create(sampling.seed());
        this.listener = listener;
        this.handle = handle;
        this.tokens = IntList.of(prompt);
        this.promptLength = prompt.length;
        this.maxTokens = maxTokens;
        this.arrivalNanos = arrivalNanos;
        this.detokenizer = codec == null ? null : codec.newDetokenizer();
        this.text = codec == null ? null : new StringBuilder();
    }

    @Override
    public long id() {
        return id;
    }

    @Override
    public SequenceState state() {
        return state;
    }

    @Override
    public int promptLength() {
        return promptLength;
    }

    @Override
    public int generatedCount() {
        return tokens.size() - promptLength;
    }

    @Override
    public int totalLength() {
        return tokens.size();
    }

    @Override
    public int computedLength() {
        return computed;
    }

    @Override
    public int maxTokens() {
        return maxTokens;
    }

    @Override
    public int tokenAt(int i) {
        return tokens.get(i);
    }

    @Override
    public int priority() {
        return request.priority();
    }

    @Override
    public long arrivalNanos() {
        return arrivalNanos;
    }

    @Override
    public OptionalLong firstTokenNanos() {
        return tokenTimes.size() == 0 ? OptionalLong.empty() : OptionalLong.of(tokenTimes.get(0));
    }

    @Override
    public OptionalLong lastTokenNanos() {
        return tokenTimes.size() == 0 ? OptionalLong.empty() : OptionalLong.of(tokenTimes.get(tokenTimes.size() - 1));
    }

    @Override
    public OptionalLong firstTokenDeadlineNanos() {
        OptionalLong slo = request.ttftSloNanos();
        return slo.isPresent() ? OptionalLong.of(arrivalNanos + slo.getAsLong()) : OptionalLong.empty();
    }

    @Override
    public OptionalLong timePerTokenTargetNanos() {
        return request.tpotSloNanos();
    }

    @Override
    public int allocatedBlocks() {
        return blockTable.size();
    }

    @Override
    public int preemptionCount() {
        return preemptions;
    }

    @Override
    public SamplingView sampling() {
        return sampling;
    }

    @Override
    public String toString() {
        return "seq " + id + " (" + state + ", " + computed + "/" + tokens.size() + " computed, " + generatedCount() + " generated)";
    }

    /** A growable list of longs. */
    static final class LongListBuilder {
        private long[] items = new long[16];
        private int size;

        void add(long v) {
            if (size == items.length) {
                items = java.util.Arrays.copyOf(items, size * 2);
            }
            items[size++] = v;
        }

        long get(int i) {
            return items[i];
        }

        int size() {
            return size;
        }
    }
}
