package dev.railyard.host.sampling;

import java.util.Arrays;
import java.util.random.RandomGenerator;

/**
 * Turns one row of logits into a token, following a request's {@link SamplingParams}.
 *
 * <p>Order of operations (as in Hugging Face transformers): repetition penalty, then greedy
 * argmax when temperature is 0; else temperature, top-k, softmax, top-p, min-p, and one draw
 * from the request's random stream. Exactly one {@code nextDouble()} is drawn per sampled token,
 * so a request's output never depends on what it was batched with.
 *
 * <p>Instances hold scratch space: one per thread (the engine thread).
 */
public final class Sampler {

    private float[] scratch = new float[0];

    /** The index of the largest value; the lowest index wins ties. */
    public static int argmax(float[] row, int offset, int length) {
        int best = 0;
        float bestValue = row[offset];
        for (int i = 1; i < length; i++) {
            float v = row[offset + i];
            if (v > bestValue) {
                bestValue = v;
                best = i;
            }
        }
        return best;
    }

    /**
     * Samples a token from {@code logits[offset .. offset+vocab)}.
     *
     * @param history tokens already in the sequence, for the repetition penalty (may be null when
     *     the penalty is 1)
     * @param historyLength how many of {@code history} count
     */
    public int sample(float[] logits, int offset, int vocab, SamplingParams params, RandomGenerator random,
                      int[] history, int historyLength) {
        float[] row = logits;
        int rowOffset = offset;
        if (params.repetitionPenalty() != 1.0) {
            row = copyRow(logits, offset, vocab);
            rowOffset = 0;
            applyRepetitionPenalty(row, params.repetitionPenalty(), history, historyLength);
        }
        if (params.temperature() == 0.0) {
            return argmax(row, rowOffset, vocab);
        }
        float[] probs = probabilities(row, rowOffset, vocab, params);
        return draw(probs, vocab, random.nextDouble());
    }

    /**
     * The distribution the sampler draws from (after temperature and all filters), as a new
     * array of {@code vocab} probabilities summing to 1. For greedy params: a point mass on the
     * argmax. Speculative decoding verifies draft tokens against it.
     */
    public float[] distribution(float[] logits, int offset, int vocab, SamplingParams params, int[] history, int historyLength) {
        float[] row = copyRow(logits, offset, vocab);
        if (params.repetitionPenalty() != 1.0) {
            applyRepetitionPenalty(row, params.repetitionPenalty(), history, historyLength);
        }
        if (params.temperature() == 0.0) {
            float[] p = new float[vocab];
            p[argmax(row, 0, vocab)] = 1f;
            return p;
        }
        return Arrays.copyOf(probabilities(row, 0, vocab, params), vocab);
    }

    /** Draws an index from {@code probs} (summing to 1) with the uniform value {@code u} in [0,1). */
    public static int draw(float[] probs, int vocab, double u) {
        double acc = 0;
        int lastNonZero = -1;
        for (int i = 0; i < vocab; i++) {
            float p = probs[i];
            if (p > 0) {
                acc += p;
                lastNonZero = i;
                if (u < acc) {
                    return i;
                }
            }
        }
        return lastNonZero; // rounding: u landed past the accumulated total
    }

    private float[] copyRow(float[] logits, int offset, int vocab) {
        float[] row = new float[vocab];
        System.arraycopy(logits, offset, row, 0, vocab);
        return row;
    }

    private static void applyRepetitionPenalty(float[] row, double penalty, int[] history, int historyLength) {
        if (history == null) {
            return;
        }
        boolean[] seen = new boolean[row.length];
        for (int i = 0; i < historyLength; i++) {
            int t = history[i];
            if (t >= 0 && t < row.length && !seen[t]) {
                seen[t] = true;
                float v = row[t];
                row[t] = (float) (v > 0 ? v / penalty : v * penalty);
            }
        }
    }

    /** Temperature, top-k, softmax, top-p, min-p; returns scratch holding normalised probabilities. */
    private float[] probabilities(float[] row, int offset, int vocab, SamplingParams params) {
        ensureCapacity(vocab);
        float[] p = scratch;
        double invT = 1.0 / params.temperature();
        float max = Float.NEGATIVE_INFINITY;
        for (int i = 0; i < vocab; i++) {
            max = Math.max(max, row[offset + i]);
        }
        float kthValue = Float.NEGATIVE_INFINITY;
        if (params.topK() > 0 && params.topK() < vocab) {
            kthValue = kthLargest(row, offset, vocab, params.topK());
        }
        double sum = 0;
        for (int i = 0; i < vocab; i++) {
            float v = row[offset + i];
            if (v < kthValue) {
                p[i] = 0f;
            } else {
                float e = (float) Math.exp((v - max) * invT);
                p[i] = e;
                sum += e;
            }
        }
        normalise(p, vocab, sum);
        if (params.topP() < 1.0) {
            applyTopP(p, vocab, params.topP());
        }
        if (params.minP() > 0) {
            applyMinP(p, vocab, params.minP());
        }
        return p;
    }

    private static void normalise(float[] p, int vocab, double sum) {
        float inv = (float) (1.0 / sum);
        for (int i = 0; i < vocab; i++) {
            p[i] *= inv;
        }
    }

    private void applyTopP(float[] p, int vocab, double topP) {
        Integer[] idx = new Integer[vocab];
        int n = 0;
        for (int i = 0; i < vocab; i++) {
            if (p[i] > 0) {
                idx[n++] = i;
            }
        }
        Integer[] live = Arrays.copyOf(idx, n);
        Arrays.sort(live, (a, b) -> a.equals(b) ? 0 : (p[a] != p[b] ? Float.compare(p[b], p[a]) : Integer.compare(a, b)));
        double cum = 0;
        int keep = n;
        for (int i = 0; i < n; i++) {
            cum += p[live[i]];
            if (cum >= topP) {
                keep = i + 1;
                break;
            }
        }
        double sum = 0;
        for (int i = 0; i < n; i++) {
            if (i >= keep) {
                p[live[i]] = 0f;
            } else {
                sum += p[live[i]];
            }
        }
        normalise(p, vocab, sum);
    }

    private static void applyMinP(float[] p, int vocab, double minP) {
        float max = 0;
        for (int i = 0; i < vocab; i++) {
            max = Math.max(max, p[i]);
        }
        float threshold = (float) (minP * max);
        double sum = 0;
        for (int i = 0; i < vocab; i++) {
            if (p[i] < threshold) {
                p[i] = 0f;
            } else {
                sum += p[i];
            }
        }
        normalise(p, vocab, sum);
    }

    private float kthLargest(float[] row, int offset, int vocab, int k) {
        float[] copy = Arrays.copyOfRange(row, offset, offset + vocab);
        Arrays.sort(copy);
        return copy[vocab - k];
    }

    private void ensureCapacity(int vocab) {
        if (scratch.length < vocab) {
            scratch = new float[vocab];
        }
    }
}
