package dev.railyard.schedulers.drafters;

import dev.railyard.spi.scheduler.SamplingView;
import java.util.Arrays;
import java.util.SplittableRandom;

/**
 * How the draft model picks a token: greedy requests take the argmax; sampled requests draw from
 * the draft's distribution after the request's temperature, top-k, top-p and min-p (in the host
 * sampler's order), with a random stream seeded by the request's seed and the token's position,
 * so that proposals are reproducible.
 */
final class DraftSampling {

    private DraftSampling() {
    }

    /** The random value for the draft token at {@code position} of a request seeded {@code seed}. */
    static double uniform(long seed, int position) {
        return new SplittableRandom(seed * 0x9E3779B97F4A7C15L + position).nextDouble();
    }

    /**
     * Softmax probability of {@code token} among {@code row[offset .. offset + n)}, at temperature
     * 1. Logits more than 30 below the largest are left out of the denominator (each would add
     * less than 1e-13).
     */
    static double probability(float[] row, int offset, int n, int token) {
        float max = max(row, offset, n);
        float floor = max - 30f;
        double sum = 0;
        for (int i = 0; i < n; i++) {
            float v = row[offset + i];
            if (v > floor) {
                sum += Math.exp(v - max);
            }
        }
        return Math.exp(row[offset + token] - max) / sum;
    }

    /** The largest of {@code row[offset .. offset+n)}. */
    private static float max(float[] row, int offset, int n) {
        float max = Float.NEGATIVE_INFINITY;
        for (int i = 0; i < n; i++) {
            max = Math.max(max, row[offset + i]);
        }
        return max;
    }

    /** Argmax of {@code row[offset .. offset+n)}; the lowest index wins ties. */
    static int argmax(float[] row, int offset, int n) {
        int best = 0;
        float bestValue = row[offset];
        for (int i = 1; i < n; i++) {
            if (row[offset + i] > bestValue) {
                bestValue = row[offset + i];
                best = i;
            }
        }
        return best;
    }

    /**
     * The proposal distribution over {@code row[offset .. offset+n)}, as a new array of {@code
     * vocab} probabilities (zero beyond {@code n}); {@code p} must not be greedy.
     */
    static float[] distribution(float[] row, int offset, int n, int vocab, SamplingView p) {
        float[] q = new float[vocab];
        double invT = 1.0 / p.temperature();
        float max = max(row, offset, n);
        float kth = Float.NEGATIVE_INFINITY;
        if (p.topK() > 0 && p.topK() < n) {
            float[] copy = Arrays.copyOfRange(row, offset, offset + n);
            Arrays.sort(copy);
            kth = copy[n - p.topK()];
        }
        double sum = 0;
        for (int i = 0; i < n; i++) {
            float v = row[offset + i];
            if (v >= kth) {
                float e = (float) Math.exp((v - max) * invT);
                q[i] = e;
                sum += e;
            }
        }
        normalise(q, n, sum);
        if (p.topP() < 1.0) {
            topP(q, n, p.topP());
        }
        if (p.minP() > 0) {
            float top = 0;
            for (int i = 0; i < n; i++) {
                top = Math.max(top, q[i]);
            }
            float threshold = (float) (p.minP() * top);
            double s = 0;
            for (int i = 0; i < n; i++) {
                if (q[i] < threshold) {
                    q[i] = 0f;
                } else {
                    s += q[i];
                }
            }
            normalise(q, n, s);
        }
        return q;
    }

    /** Draws an index from {@code q} with the uniform value {@code u}. */
    static int draw(float[] q, int n, double u) {
        double acc = 0;
        int last = -1;
        for (int i = 0; i < n; i++) {
            if (q[i] > 0) {
                acc += q[i];
                last = i;
                if (u < acc) {
                    return i;
                }
            }
        }
        return Math.max(last, 0);
    }

    private static void normalise(float[] q, int n, double sum) {
        float inv = (float) (1.0 / sum);
        for (int i = 0; i < n; i++) {
            q[i] *= inv;
        }
    }

    private static void topP(float[] q, int n, double topP) {
        Integer[] live = new Integer[n];
        int m = 0;
        for (int i = 0; i < n; i++) {
            if (q[i] > 0) {
                live[m++] = i;
            }
        }
        Integer[] order = Arrays.copyOf(live, m);
        Arrays.sort(order, (a, b) -> q[a] != q[b] ? Float.compare(q[b], q[a]) : Integer.compare(a, b));
        double cum = 0;
        int keep = m;
        for (int i = 0; i < m; i++) {
            cum += q[order[i]];
            if (cum >= topP) {
                keep = i + 1;
                break;
            }
        }
        double sum = 0;
        for (int i = 0; i < m; i++) {
            if (i >= keep) {
                q[order[i]] = 0f;
            } else {
                sum += q[order[i]];
            }
        }
        normalise(q, n, sum);
    }
}
