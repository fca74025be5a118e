package dev.railyard.spi.scheduler;

import java.util.Arrays;
import java.util.Objects;

/**
 * Draft tokens proposed for one decoding sequence, to be verified by the target model.
 *
 * <p>For exact speculative sampling the host needs the distribution {@code q} each draft token
 * was drawn from. A deterministic proposer (prompt lookup, greedy draft model) passes {@code
 * probabilities == null}: {@code q} is then a point mass on the proposed token. Otherwise {@code
 * probabilities[i]} is the full distribution (vocabulary-sized, summing to 1) that {@code
 * tokens[i]} was sampled from.
 *
 * @param tokens the draft token ids; never null, at least one
 * @param probabilities per-position proposal distributions, or {@code null} for point masses
 */
public record DraftProposal(int[] tokens, float[][] probabilities) {

    public DraftProposal {
        Objects.requireNonNull(tokens, "tokens");
        if (tokens.length == 0) {
            throw new IllegalArgumentException("a draft has at least one token");
        }
        if (probabilities != null && probabilities.length != tokens.length) {
            throw new IllegalArgumentException("draft has " + tokens.length + " tokens but " + probabilities.length + " distributions");
        }
    }

    /** A deterministic draft (point-mass proposals). */
    public static DraftProposal deterministic(int... tokens) {
        return new DraftProposal(tokens, null);
    }

    public int length() {
        return tokens.length;
    }

    /**
     * The first {@code n} tokens of this proposal and their distributions; this proposal itself
     * when it has no more than {@code n}.
     *
     * @param n at least 1
     */
    public DraftProposal prefix(int n) {
        if (n < 1) {
            throw new IllegalArgumentException("a draft has at least one token, asked for " + n);
        }
        if (tokens.length <= n) {
            return this;
        }
        return new DraftProposal(Arrays.copyOf(tokens, n), probabilities == null ? null : Arrays.copyOf(probabilities, n));
    }
}
