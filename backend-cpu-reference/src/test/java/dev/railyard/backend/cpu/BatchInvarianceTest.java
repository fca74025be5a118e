package dev.railyard.backend.cpu;

import static org.assertj.core.api.Assertions.assertThat;

import dev.railyard.spi.backend.Backend;
import dev.railyard.spi.backend.BackendCapability;
import dev.railyard.spi.model.DType;
import dev.railyard.spi.model.LoadedModel;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Random;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * A sequence's logits are bit-for-bit the same alone, among 31 other sequences, with its prompt
 * chunked any way, and with any number of threads.
 */
class BatchInvarianceTest {

    static final int PROMPT = 45;
    static final int DECODE = 6;
    static final int OTHERS = 31;

    /** Shared with {@link PagingTest} and {@link InvalidStepTest}; kept (in native memory) until the JVM exits. */
    static final java.util.Map<DType, LoadedModel> MODELS = new java.util.EnumMap<>(DType.class);
    static final java.util.Map<DType, List<float[]>> BASELINE = new java.util.EnumMap<>(DType.class);

    static int[] tokens(int vocab) {
        Random r = new Random(11);
        int[] t = new int[PROMPT + DECODE];
        for (int i = 0; i < t.length; i++) {
            t[i] = r.nextInt(vocab);
        }
        return t;
    }

    static synchronized LoadedModel model(DType dtype) {
        return MODELS.computeIfAbsent(dtype, d -> {
            RandomModel m = new RandomModel();
            m.vocab = 300;
            m.hidden = 128;
            m.intermediate = 224;
            m.heads = 6;
            m.kvHeads = 2;
            m.headDim = 64; // SmolLM2's head shape: the prompt's tokens are attended in runs of up to four
            m.layers = 2;
            m.dtype = d;
            m.qkvBias = true;
            return m.build();
        });
    }

    /** Whole prompt in one step, decode one token per step, alone, one thread. */
    static synchronized List<float[]> baseline(DType dtype) {
        return BASELINE.computeIfAbsent(dtype, d -> {
            try (Backend b = TestBackends.open(model(d), 1, 16, 512)) {
                assertThat(b.info().has(BackendCapability.BATCH_INVARIANT)).isTrue();
                assertThat(b.info().logitsTolerance()).isZero();
                return runChunked(b, tokens(300), PROMPT);
            }
        });
    }

    /** Runs the prompt in chunks of {@code chunk} tokens (all logits), then decodes one token per step. */
    static List<float[]> runChunked(Backend b, int[] all, int chunk) {
        Driver d = Driver.sequential(b);
        Driver.Seq s = d.newSequence();
        List<float[]> rows = new ArrayList<>();
        for (int p = 0; p < PROMPT; p += chunk) {
            int n = Math.min(chunk, PROMPT - p);
            int[] idx = new int[n];
            for (int i = 0; i < n; i++) {
                idx[i] = i;
            }
            rows.addAll(d.step(List.of(new Driver.Chunk(s, Arrays.copyOfRange(all, p, p + n), idx))));
        }
        for (int i = PROMPT; i < all.length; i++) {
            rows.addAll(d.step(List.of(Driver.Chunk.last(s, all[i]))));
        }
        return rows;
    }

    static void assertSameBits(List<float[]> actual, List<float[]> expected, String what) {
        assertThat(actual).hasSameSizeAs(expected);
        for (int i = 0; i < expected.size(); i++) {
            int pos = i;
            assertThat(Arrays.equals(actual.get(i), expected.get(i)))
                    .as(() -> what + ": logits at position " + pos + " differ (first index "
                            + Arrays.mismatch(actual.get(pos), expected.get(pos)) + ")")
                    .isTrue();
        }
    }

    @ParameterizedTest
    @ValueSource(ints = {1, 3, 7, 16, PROMPT})
    void chunkingThePromptChangesNoBit(int chunk) {
        for (DType dt : List.of(DType.F32, DType.BF16, DType.F16)) {
            try (Backend b = TestBackends.open(model(dt), 2, 16, 512)) {
                assertSameBits(runChunked(b, tokens(300), chunk), baseline(dt), dt + ", chunks of " + chunk);
            }
        }
    }

    @ParameterizedTest
    @ValueSource(ints = {1, 2, 3, 4})
    void threadCountChangesNoBit(int threads) {
        for (DType dt : List.of(DType.F32, DType.BF16, DType.F16)) {
            try (Backend b = TestBackends.open(model(dt), threads, 16, 512)) {
                assertSameBits(runChunked(b, tokens(300), 9), baseline(dt), dt + ", " + threads + " threads");
            }
        }
    }

    @ParameterizedTest
    @EnumSource(value = DType.class, names = {"F32", "BF16", "F16"})
    void otherSequencesInTheStepChangeNoBit(DType dtype) {
        int[] all = tokens(300);
        try (Backend b = TestBackends.open(model(dtype), 2, 16, 1024)) {
            Driver d = Driver.sequential(b);
            Random r = new Random(3);
            // 31 other sequences, each with its own prompt length; some already have context
            List<Driver.Seq> others = new ArrayList<>();
            List<int[]> otherTokens = new ArrayList<>();
            for (int i = 0; i < OTHERS; i++) {
                others.add(d.newSequence());
                int[] t = new int[1 + r.nextInt(70)];
                for (int j = 0; j < t.length; j++) {
                    t[j] = r.nextInt(300);
                }
                otherTokens.add(t);
            }
            // give half of them some context first
            List<Driver.Chunk> warm = new ArrayList<>();
            for (int i = 0; i < OTHERS; i += 2) {
                warm.add(Driver.Chunk.last(others.get(i), Arrays.copyOf(otherTokens.get(i), 1 + otherTokens.get(i).length / 2)));
            }
            d.step(warm);

            Driver.Seq target = d.newSequence();
            List<float[]> rows = new ArrayList<>();
            // the target's prompt in uneven chunks, every step shared with the others
            int[] cuts = {0, 5, 6, 23, PROMPT};
            for (int step = 0; step < cuts.length - 1 + DECODE; step++) {
                List<Driver.Chunk> chunks = new ArrayList<>();
                int targetAt = step % 3 == 0 ? 0 : chunks.size();
                for (int i = 0; i < OTHERS; i++) {
                    Driver.Seq o = others.get(i);
                    int n = 1 + r.nextInt(step % 2 == 0 ? 4 : 12);
                    int[] t = new int[n];
                    for (int j = 0; j < n; j++) {
                        t[j] = r.nextInt(300);
                    }
                    int[] at = r.nextBoolean() ? new int[] {n - 1} : new int[0];
                    chunks.add(new Driver.Chunk(o, t, at));
                    if (i == 14 && step % 3 == 1) {
                        targetAt = chunks.size();
                    }
                }
                int[] piece;
                if (step < cuts.length - 1) {
                    piece = Arrays.copyOfRange(all, cuts[step], cuts[step + 1]);
                } else {
                    piece = new int[] {all[PROMPT + step - (cuts.length - 1)]};
                }
                int[] idx = new int[piece.length];
                for (int i = 0; i < idx.length; i++) {
                    idx[i] = i;
                }
                if (step % 3 == 2) {
                    targetAt = chunks.size();
                }
                chunks.add(targetAt, new Driver.Chunk(target, piece, idx));
                List<float[]> out = d.step(chunks);
                // pick the target's rows out of the step's rows
                int row = 0;
                for (int c = 0; c < targetAt; c++) {
                    row += chunks.get(c).logitsAt().length;
                }
                rows.addAll(out.subList(row, row + piece.length));
            }
            assertSameBits(rows, baseline(dtype), dtype + " among " + OTHERS + " other sequences");
        }
    }
}
