package dev.railyard.host.sampling;

import dev.railyard.spi.scheduler.DraftProposal;
import java.util.Arrays;
import java.util.random.RandomGenerator;

/**
 * Accepts or rejects draft tokens against the target model's logits, exactly:
 * <ul>
 *   <li>greedy: a draft token is accepted when it is the target's argmax; at the first mismatch
 *       the target's argmax is emitted instead, so the output equals plain greedy decoding;</li>
 *   <li>sampled: draft token {@code x} drawn from {@code q} is accepted with probability {@code
 *       min(1, p(x)/q(x))}; on rejection a token is drawn from {@code norm(max(0, p - q))}; when
 *       all are accepted a bonus token is drawn from the last row. The output distribution is
 *       then exactly the target's (Leviathan et al. 2023; Chen et al. 2023).</li>
 * </ul>
 * {@code p} is the distribution the {@link Sampler} would draw from for the request (its
 * temperature and filters applied).
 */
public final class SpeculativeVerifier {

    /** What verification produced: the tokens to append (accepted drafts then one more). */
    public record Verdict(int acceptedDrafts, int[] emitted) {
    }

    private final Sampler sampler;

    public SpeculativeVerifier(Sampler sampler) {
        this.sampler = sampler;
    }

    /**
     * @param logits rows {@code firstRow .. firstRow + k} hold the target's logits after the
     *     pending token and after each draft token
     * @param history the sequence's tokens, for the repetition penalty; may be null when the
     *     request has no penalty
     * @param historyLength tokens of {@code history} before the drafts
     */
    public Verdict verify(float[] logits, int firstRowOffset, int vocab, DraftProposal draft, SamplingParams params,
                          RandomGenerator random, int[] history, int historyLength) {
        int k = draft.length();
        int[] emitted = new int[k + 1];
        int[] hist = history == null ? null : Arrays.copyOf(history, historyLength + k + 1);
        int histLen = historyLength;
        for (int i = 0; i < k; i++) {
            int rowOffset = firstRowOffset + i * vocab;
            int x = draft.tokens()[i];
            if (params.temperature() == 0.0) {
                int best = sampler.sample(logits, rowOffset, vocab, params, random, hist, histLen);
                emitted[i] = best;
                if (best != x) {
                    return new Verdict(i, Arrays.copyOf(emitted, i + 1));
                }
            } else {
                float[] p = sampler.distribution(logits, rowOffset, vocab, params, hist, histLen);
                float[] q = draft.probabilities() == null ? null : draft.probabilities()[i];
                double qx = q == null ? 1.0 : q[x];
                double acceptProbability = qx <= 0 ? 1.0 : Math.min(1.0, p[x] / qx);
                if (random.nextDouble() >= acceptProbability) {
                    emitted[i] = Sampler.draw(residual(p, q, x, vocab), vocab, random.nextDouble());
                    return new Verdict(i, Arrays.copyOf(emitted, i + 1));
                }
                emitted[i] = x;
            }
            if (hist != null) {
                hist[histLen] = x;
            }
            histLen++;
        }
        emitted[k] = sampler.sample(logits, firstRowOffset + k * vocab, vocab, params, random, hist, histLen);
        return new Verdict(k, emitted);
    }

    /** norm(max(0, p - q)); q null means a point mass on {@code x}. */
    static float[] residual(float[] p, float[] q, int x, int vocab) {
        float[] r = new float[vocab];
        double sum = 0;
        for (int i = 0; i < vocab; i++) {
            double qi = q == null ? (i == x ? 1.0 : 0.0) : q[i];
            double v = Math.max(0.0, p[i] - qi);
            r[i] = (float) v;
            sum += v;
        }
        if (sum <= 0) {
            return p; // p == q: rejection has probability 0; fall back to p
        }
        float inv = (float) (1.0 / sum);
        for (int i = 0; i < vocab; i++) {
            r[i] *= inv;
        }
        return r;
    }
}
