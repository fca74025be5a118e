package dev.railyard.host.sampling;

import static org.assertj.core.api.Assertions.assertThat;

import dev.railyard.spi.scheduler.DraftProposal;
import java.util.random.RandomGenerator;
import java.util.random.RandomGeneratorFactory;
import org.junit.jupiter.api.Test;

/**
 * The acceptance rule is exact: with a deliberately poor drafter, the tokens that speculative
 * verification emits follow the target's distribution (a chi-square test passes), while a
 * deliberately wrong rule (resampling from p instead of norm(max(0, p - q)) on rejection) fails
 * the same test.
 */
class SpeculativeVerifierTest {

    private static final int VOCAB = 6;
    private static final int SAMPLES = 40_000;
    /** Chi-square critical value for 5 degrees of freedom at p = 0.001. */
    private static final double CRITICAL = 20.515;

    private final float[] targetLogits = {2.0f, 1.2f, 0.3f, -0.5f, 0.9f, -1.5f};
    private final float[] poorDraft = {0.05f, 0.05f, 0.40f, 0.30f, 0.05f, 0.15f};
    private final SamplingParams params = new SamplingParams(1.0, 0, 1.0, 0, 1.0, 1);

    @Test
    void greedyVerificationEmitsTheTargetsArgmaxAtTheFirstMismatch() {
        SpeculativeVerifier v = new SpeculativeVerifier(new Sampler());
        float[] rows = new float[3 * VOCAB];
        rows[2] = 5; // row 0 argmax 2
        rows[VOCAB + 4] = 5; // row 1 argmax 4
        rows[2 * VOCAB + 1] = 5; // row 2 argmax 1 (bonus)
        SamplingParams greedy = SamplingParams.greedy();
        RandomGenerator rnd = RandomGeneratorFactory.of("L64X128MixRandom").create(1);
        var all = v.verify(rows, 0, VOCAB, DraftProposal.deterministic(2, 4), greedy, rnd, null, 0);
        assertThat(all.acceptedDrafts()).isEqualTo(2);
        assertThat(all.emitted()).containsExactly(2, 4, 1);
        var partial = v.verify(rows, 0, VOCAB, DraftProposal.deterministic(2, 3), greedy, rnd, null, 0);
        assertThat(partial.acceptedDrafts()).isEqualTo(1);
        assertThat(partial.emitted()).containsExactly(2, 4);
    }

    @Test
    void theRealRulePreservesTheTargetDistribution() {
        double chi2 = chiSquareOfFirstToken(false);
        assertThat(chi2).as("chi-square of emitted tokens vs the target distribution").isLessThan(CRITICAL);
    }

    @Test
    void aWrongRuleIsCaughtByTheSameTest() {
        double chi2 = chiSquareOfFirstToken(true);
        assertThat(chi2).as("a wrong acceptance rule must be detected").isGreaterThan(CRITICAL);
    }

    @Test
    void deterministicDraftsAreVerifiedAsPointMasses() {
        SpeculativeVerifier v = new SpeculativeVerifier(new Sampler());
        float[] p = new Sampler().distribution(targetLogits, 0, VOCAB, params, null, 0);
        RandomGenerator rnd = RandomGeneratorFactory.of("L64X128MixRandom").create(5);
        long[] counts = new long[VOCAB];
        float[] rows = new float[2 * VOCAB];
        System.arraycopy(targetLogits, 0, rows, 0, VOCAB);
        System.arraycopy(targetLogits, 0, rows, VOCAB, VOCAB);
        for (int i = 0; i < SAMPLES; i++) {
            counts[v.verify(rows, 0, VOCAB, DraftProposal.deterministic(3), params, rnd, null, 0).emitted()[0]]++;
        }
        assertThat(chiSquare(counts, p)).isLessThan(CRITICAL);
    }

    /** Draws a draft token from the poor drafter, verifies it, and tallies the first emitted token. */
    private double chiSquareOfFirstToken(boolean wrongRule) {
        float[] p = new Sampler().distribution(targetLogits, 0, VOCAB, params, null, 0);
        RandomGenerator rnd = RandomGeneratorFactory.of("L64X128MixRandom").create(42);
        SpeculativeVerifier real = new SpeculativeVerifier(new Sampler());
        float[] rows = new float[2 * VOCAB];
        System.arraycopy(targetLogits, 0, rows, 0, VOCAB);
        System.arraycopy(targetLogits, 0, rows, VOCAB, VOCAB);
        long[] counts = new long[VOCAB];
        for (int i = 0; i < SAMPLES; i++) {
            int x = Sampler.draw(poorDraft, VOCAB, rnd.nextDouble());
            DraftProposal d = new DraftProposal(new int[] {x}, new float[][] {poorDraft});
            int first = wrongRule ? wrongVerify(p, x, rnd) : real.verify(rows, 0, VOCAB, d, params, rnd, null, 0).emitted()[0];
            counts[first]++;
        }
        return chiSquare(counts, p);
    }

    /** A common bug: on rejection, resample from p instead of the residual norm(max(0, p - q)). */
    private int wrongVerify(float[] p, int x, RandomGenerator rnd) {
        double accept = Math.min(1.0, p[x] / poorDraft[x]);
        if (rnd.nextDouble() < accept) {
            return x;
        }
        return Sampler.draw(p, VOCAB, rnd.nextDouble());
    }

    private static double chiSquare(long[] counts, float[] p) {
        double chi2 = 0;
        for (int i = 0; i < counts.length; i++) {
            double expected = SAMPLES * (double) p[i];
            chi2 += (counts[i] - expected) * (counts[i] - expected) / expected;
        }
        return chi2;
    }
}
