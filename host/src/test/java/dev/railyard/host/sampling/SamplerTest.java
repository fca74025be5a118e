package dev.railyard.host.sampling;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.Arrays;
import java.util.Comparator;
import java.util.SplittableRandom;
import java.util.random.RandomGenerator;
import java.util.random.RandomGeneratorFactory;
import java.util.stream.IntStream;
import org.junit.jupiter.api.Test;

/** The sampler's filters against an independent float64 implementation of the same rules. */
class SamplerTest {

    private final Sampler sampler = new Sampler();

    @Test
    void greedyPicksTheArgmaxLowestIndexOnTies() {
        float[] logits = {0.1f, 3f, -2f, 3f};
        assertThat(sampler.sample(logits, 0, 4, SamplingParams.greedy(), rng(1), null, 0)).isEqualTo(1);
    }

    @Test
    void distributionsMatchAFloat64ReferenceForManyParameterSets() {
        SplittableRandom r = new SplittableRandom(3);
        for (int trial = 0; trial < 300; trial++) {
            int vocab = 2 + r.nextInt(60);
            float[] logits = new float[vocab];
            for (int i = 0; i < vocab; i++) {
                logits[i] = (float) (r.nextGaussian() * 2);
            }
            SamplingParams p = new SamplingParams(0.2 + r.nextDouble() * 1.5, r.nextInt(3) == 0 ? 0 : 1 + r.nextInt(vocab),
                    r.nextBoolean() ? 1.0 : 0.05 + r.nextDouble() * 0.95, r.nextBoolean() ? 0 : r.nextDouble() * 0.3,
                    r.nextBoolean() ? 1.0 : 0.5 + r.nextDouble() * 1.5, 0);
            int[] history = r.ints(5, 0, vocab).toArray();
            float[] ours = sampler.distribution(logits, 0, vocab, p, history, history.length);
            double[] ref = reference(logits, p, history);
            for (int i = 0; i < vocab; i++) {
                assertThat((double) ours[i]).as("trial %d token %d (%s)", trial, i, p).isCloseTo(ref[i], org.assertj.core.data.Offset.offset(2e-5));
            }
        }
    }

    @Test
    void topKKeepsExactlyTheKMostLikely() {
        float[] logits = {5f, 4f, 3f, 2f, 1f};
        float[] p = sampler.distribution(logits, 0, 5, new SamplingParams(1, 2, 1, 0, 1, 0), null, 0);
        assertThat(p[0]).isGreaterThan(0);
        assertThat(p[1]).isGreaterThan(0);
        assertThat(p[2]).isZero();
        assertThat(p[3]).isZero();
    }

    @Test
    void aSeededStreamReproducesItsSamples() {
        float[] logits = {0.5f, 0.2f, 0.1f, 0.9f, -0.3f};
        SamplingParams p = new SamplingParams(1.0, 0, 0.95, 0, 1.0, 9);
        int[] a = IntStream.range(0, 50).map(i -> 0).toArray();
        RandomGenerator r1 = rng(9);
        RandomGenerator r2 = rng(9);
        for (int i = 0; i < 50; i++) {
            a[i] = sampler.sample(logits, 0, 5, p, r1, null, 0);
            assertThat(sampler.sample(logits, 0, 5, p, r2, null, 0)).isEqualTo(a[i]);
        }
        assertThat(Arrays.stream(a).distinct().count()).as("it samples, not argmax").isGreaterThan(1);
    }

    @Test
    void repetitionPenaltyLowersRepeatedTokensHuggingFaceStyle() {
        float[] logits = {2f, -1f, 1.5f};
        SamplingParams greedyPenalised = new SamplingParams(0, 0, 1, 0, 2.0, 0);
        // token 0 seen: 2 / 2 = 1 < 1.5 -> argmax becomes token 2
        assertThat(sampler.sample(logits, 0, 3, greedyPenalised, rng(1), new int[] {0}, 1)).isEqualTo(2);
        assertThat(sampler.sample(logits, 0, 3, greedyPenalised, rng(1), new int[] {1}, 1)).isEqualTo(0);
    }

    /** Straightforward float64 implementation: penalty, temperature, top-k, softmax, top-p, min-p. */
    private static double[] reference(float[] logits, SamplingParams p, int[] history) {
        int v = logits.length;
        double[] x = new double[v];
        for (int i = 0; i < v; i++) {
            x[i] = logits[i];
        }
        if (p.repetitionPenalty() != 1.0) {
            boolean[] seen = new boolean[v];
            for (int t : history) {
                if (!seen[t]) {
                    seen[t] = true;
                    x[t] = x[t] > 0 ? x[t] / p.repetitionPenalty() : x[t] * p.repetitionPenalty();
                }
            }
        }
        for (int i = 0; i < v; i++) {
            x[i] /= p.temperature();
        }
        Integer[] order = IntStream.range(0, v).boxed().sorted(Comparator.comparingDouble((Integer i) -> -x[i])
                .thenComparingInt(i -> i)).toArray(Integer[]::new);
        boolean[] keep = new boolean[v];
        Arrays.fill(keep, true);
        if (p.topK() > 0 && p.topK() < v) {
            double kth = x[order[p.topK() - 1]];
            for (int i = 0; i < v; i++) {
                keep[i] = x[i] >= kth;
            }
        }
        double[] prob = softmax(x, keep);
        if (p.topP() < 1.0) {
            double cum = 0;
            boolean reached = false;
            for (Integer i : order) {
                if (!keep[i]) {
                    continue;
                }
                if (reached) {
                    keep[i] = false;
                } else {
                    cum += prob[i];
                    reached = cum >= p.topP();
                }
            }
            prob = renormalise(prob, keep);
        }
        if (p.minP() > 0) {
            double max = Arrays.stream(prob).max().orElse(0);
            for (int i = 0; i < v; i++) {
                if (prob[i] < p.minP() * max) {
                    keep[i] = false;
                }
            }
            prob = renormalise(prob, keep);
        }
        return prob;
    }

    private static double[] softmax(double[] x, boolean[] keep) {
        double max = Double.NEGATIVE_INFINITY;
        for (int i = 0; i < x.length; i++) {
            if (keep[i]) {
                max = Math.max(max, x[i]);
            }
        }
        double[] out = new double[x.length];
        for (int i = 0; i < x.length; i++) {
            out[i] = keep[i] ? Math.exp(x[i] - max) : 0;
        }
        return renormalise(out, keep);
    }

    private static double[] renormalise(double[] p, boolean[] keep) {
        double sum = 0;
        for (int i = 0; i < p.length; i++) {
            if (keep[i]) {
                sum += p[i];
            }
        }
        double[] out = new double[p.length];
        for (int i = 0; i < p.length; i++) {
            out[i] = keep[i] ? p[i] / sum : 0;
        }
        return out;
    }

    private static RandomGenerator rng(long seed) {
        return RandomGeneratorFactory.of("L64X128MixRandom").create(seed);
    }
}
