package dev.railyard.backend.cpu;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.railyard.spi.Clock;
import dev.railyard.spi.backend.Backend;
import dev.railyard.spi.backend.BackendContext;
import dev.railyard.spi.backend.InvalidStepException;
import dev.railyard.spi.backend.SequenceSlice;
import dev.railyard.spi.backend.StepBatch;
import dev.railyard.spi.model.DType;
import dev.railyard.spi.model.LoadedModel;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.function.Function;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * Every malformed step is refused with an {@link InvalidStepException} that says what is wrong,
 * and leaves the KV pool as it was: the steps below also carry a valid slice that would
 * overwrite the cached positions of sequence A, so any partial execution would show in A's
 * next logits.
 */
class InvalidStepTest {

    static final int BLOCK = 16;
    static final int NUM_BLOCKS = 40;
    static final int MAX_TOKENS = 200;
    static final int MAX_SEQS = 4;
    static final int VOCAB = 300;

    static LoadedModel model() {
        return BatchInvarianceTest.model(DType.F32);
    }

    static Backend open() {
        CpuBackendConfig cfg = new CpuBackendConfig();
        cfg.threads = 2;
        cfg.maxSequencesPerStep = MAX_SEQS;
        return new CpuReferenceBackendProvider().open(model(), cfg,
                new BackendContext(Clock.system(), BLOCK, NUM_BLOCKS, MAX_TOKENS, s -> { }));
    }

    static final int[] PROMPT_A = {5, 17, 42, 8, 99, 100, 7, 3, 250, 11, 12, 13, 14, 15, 16, 17, 18, 19, 20, 21};
    static final int[] TABLE_A = {0, 1};

    /** A clobbering slice: another sequence writing positions 0..19 of A's blocks with other tokens. */
    static SequenceSlice clobber(int offset) {
        return new SequenceSlice(99, offset, 20, 0, TABLE_A);
    }

    static int[] clobberTokens() {
        int[] t = new int[20];
        Arrays.fill(t, 77);
        return t;
    }

    static int[] positions(int from, int n) {
        int[] p = new int[n];
        for (int i = 0; i < n; i++) {
            p[i] = from + i;
        }
        return p;
    }

    static int[] concat(int[] a, int[] b) {
        int[] r = Arrays.copyOf(a, a.length + b.length);
        System.arraycopy(b, 0, r, a.length, b.length);
        return r;
    }

    static StepBatch withSecond(int[] tokens2, int[] pos2, SequenceSlice second, int[] logits) {
        int[] tokens = concat(clobberTokens(), tokens2);
        int[] pos = concat(positions(0, 20), pos2);
        List<SequenceSlice> slices = new ArrayList<>(List.of(clobber(0)));
        if (second != null) {
            slices.add(second);
        }
        return new StepBatch(tokens, pos, slices, logits);
    }

    static Stream<Arguments> cases() {
        int[] b = {2, 3};
        return Stream.of(
                Arguments.of("token id out of vocabulary", (Function<Void, StepBatch>) v ->
                        withSecond(new int[] {1, VOCAB}, positions(0, 2), new SequenceSlice(2, 20, 2, 0, b), new int[] {21}),
                        "outside the vocabulary"),
                Arguments.of("negative token id", (Function<Void, StepBatch>) v ->
                        withSecond(new int[] {-1}, positions(0, 1), new SequenceSlice(2, 20, 1, 0, b), new int[] {20}),
                        "outside the vocabulary"),
                Arguments.of("block id out of range", (Function<Void, StepBatch>) v ->
                        withSecond(new int[] {1, 2}, positions(0, 2), new SequenceSlice(2, 20, 2, 0, new int[] {NUM_BLOCKS}), new int[] {21}),
                        "outside the pool"),
                Arguments.of("negative block id", (Function<Void, StepBatch>) v ->
                        withSecond(new int[] {1, 2}, positions(15, 2), new SequenceSlice(2, 20, 2, 15, new int[] {2, -3}), new int[] {21}),
                        "outside the pool"),
                Arguments.of("block table too short", (Function<Void, StepBatch>) v ->
                        withSecond(new int[] {1, 2}, positions(15, 2), new SequenceSlice(2, 20, 2, 15, new int[] {2}), new int[] {21}),
                        "need 2 blocks"),
                Arguments.of("position inconsistent with context length", (Function<Void, StepBatch>) v ->
                        withSecond(new int[] {1, 2}, new int[] {3, 5}, new SequenceSlice(2, 20, 2, 3, b), new int[] {21}),
                        "has position 5, expected 4"),
                Arguments.of("logit index out of range", (Function<Void, StepBatch>) v ->
                        withSecond(new int[] {1, 2}, positions(0, 2), new SequenceSlice(2, 20, 2, 0, b), new int[] {22}),
                        "logit index 22"),
                Arguments.of("negative logit index", (Function<Void, StepBatch>) v ->
                        withSecond(new int[] {1, 2}, positions(0, 2), new SequenceSlice(2, 20, 2, 0, b), new int[] {-1}),
                        "logit index -1"),
                Arguments.of("gap between slices", (Function<Void, StepBatch>) v ->
                        withSecond(new int[] {1, 2}, positions(0, 2), new SequenceSlice(2, 21, 1, 0, b), new int[] {21}),
                        "starts at flat index 21, expected 20"),
                Arguments.of("overlapping slices", (Function<Void, StepBatch>) v ->
                        withSecond(new int[] {1, 2}, positions(0, 2), new SequenceSlice(2, 19, 3, 0, b), new int[] {21}),
                        "starts at flat index 19, expected 20"),
                Arguments.of("slices not covering the batch", (Function<Void, StepBatch>) v ->
                        withSecond(new int[] {1, 2}, positions(0, 2), new SequenceSlice(2, 20, 1, 0, b), new int[] {20}),
                        "cover flat indices [0, 21)"),
                Arguments.of("slice past the end", (Function<Void, StepBatch>) v ->
                        withSecond(new int[] {1, 2}, positions(0, 2), new SequenceSlice(2, 20, 3, 0, b), new int[] {20}),
                        "runs past"),
                Arguments.of("zero-length slice", (Function<Void, StepBatch>) v ->
                        withSecond(new int[] {}, new int[] {}, new SequenceSlice(2, 20, 0, 0, b), new int[] {0}),
                        "length must be at least 1"),
                Arguments.of("negative context length", (Function<Void, StepBatch>) v ->
                        withSecond(new int[] {1}, new int[] {-1}, new SequenceSlice(2, 20, 1, -1, b), new int[] {20}),
                        "negative context length"),
                Arguments.of("context beyond the maximum", (Function<Void, StepBatch>) v ->
                        withSecond(new int[] {1}, new int[] {NUM_BLOCKS * BLOCK}, new SequenceSlice(2, 20, 1, NUM_BLOCKS * BLOCK, b), new int[] {20}),
                        "exceeds the maximum context length"),
                Arguments.of("more tokens than max-tokens-per-step", (Function<Void, StepBatch>) v ->
                        withSecond(new int[MAX_TOKENS], positions(0, MAX_TOKENS), new SequenceSlice(2, 20, MAX_TOKENS, 0, new int[] {2, 3, 4, 5, 6, 7, 8, 9, 10, 11, 12, 13, 14}), new int[] {20}),
                        "max-tokens-per-step 200"),
                Arguments.of("more sequences than max-sequences-per-step", (Function<Void, StepBatch>) v -> {
                    List<SequenceSlice> s = new ArrayList<>(List.of(clobber(0)));
                    int[] tokens = concat(clobberTokens(), new int[MAX_SEQS]);
                    int[] pos = concat(positions(0, 20), new int[MAX_SEQS]);
                    for (int i = 0; i < MAX_SEQS; i++) {
                        s.add(new SequenceSlice(10 + i, 20 + i, 1, 0, new int[] {5 + i}));
                    }
                    return new StepBatch(tokens, pos, s, new int[] {20});
                }, "max-sequences-per-step 4"),
                Arguments.of("positions array of the wrong length", (Function<Void, StepBatch>) v ->
                        new StepBatch(clobberTokens(), positions(0, 19), List.of(clobber(0)), new int[] {0}),
                        "19 positions"),
                Arguments.of("empty batch", (Function<Void, StepBatch>) v ->
                        new StepBatch(new int[0], new int[0], List.of(), new int[0]),
                        "empty step"));
    }

    /** A's logits for one decode token after its prompt, from a fresh backend. */
    static float[] expectedNext(int next) {
        try (Backend b = open()) {
            b.execute(new StepBatch(PROMPT_A, positions(0, 20), List.of(new SequenceSlice(1, 0, 20, 0, TABLE_A)), new int[] {19}));
            return b.execute(new StepBatch(new int[] {next}, new int[] {20}, List.of(new SequenceSlice(1, 0, 1, 20, TABLE_A)),
                    new int[] {0})).row(0);
        }
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("cases")
    void malformedStepIsRefusedAndLeavesThePoolUnchanged(String name, Function<Void, StepBatch> make, String message) {
        float[] expected = expectedNext(33);
        try (Backend b = open()) {
            StepBatch bad = make.apply(null);
            b.execute(new StepBatch(PROMPT_A, positions(0, 20), List.of(new SequenceSlice(1, 0, 20, 0, TABLE_A)), new int[] {19}));
            assertThatThrownBy(() -> b.execute(bad)).isInstanceOf(InvalidStepException.class)
                    .hasMessageContaining(message);
            float[] next = b.execute(new StepBatch(new int[] {33}, new int[] {20},
                    List.of(new SequenceSlice(1, 0, 1, 20, TABLE_A)), new int[] {0})).row(0);
            assertThat(Arrays.equals(next, expected)).as("A's logits after the refused step").isTrue();
        }
    }

    @Test
    void theClobberingSliceAloneWouldChangeA() {
        // proves the test above can see a partial execution
        float[] expected = expectedNext(33);
        try (Backend b = open()) {
            b.execute(new StepBatch(PROMPT_A, positions(0, 20), List.of(new SequenceSlice(1, 0, 20, 0, TABLE_A)), new int[] {19}));
            b.execute(new StepBatch(clobberTokens(), positions(0, 20), List.of(clobber(0)), new int[] {0}));
            float[] next = b.execute(new StepBatch(new int[] {33}, new int[] {20},
                    List.of(new SequenceSlice(1, 0, 1, 20, TABLE_A)), new int[] {0})).row(0);
            assertThat(Arrays.equals(next, expected)).isFalse();
        }
    }
}
