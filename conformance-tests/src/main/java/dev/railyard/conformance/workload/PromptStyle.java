package dev.railyard.conformance.workload;

import java.util.random.RandomGenerator;

/** How prompt tokens are drawn. */
public enum PromptStyle {
    /** Independent uniform tokens. */
    RANDOM,
    /**
     * A short random phrase repeated (with an occasional changed token), like code or templated text:
     * prompt-lookup drafters find matches and models that copy (such as the simulated backend's)
     * continue the pattern.
     */
    REPETITIVE;

    /** A prompt of {@code length} tokens from a vocabulary of {@code vocab}. */
    public int[] draw(int length, int vocab, RandomGenerator rng) {
        int[] p = new int[length];
        if (this == RANDOM) {
            for (int i = 0; i < length; i++) {
                p[i] = rng.nextInt(vocab);
            }
            return p;
        }
        int period = 4 + rng.nextInt(9);
        int[] phrase = new int[period];
        for (int i = 0; i < period; i++) {
            phrase[i] = rng.nextInt(vocab);
        }
        for (int i = 0; i < length; i++) {
            p[i] = rng.nextInt(16) == 0 ? rng.nextInt(vocab) : phrase[i % period];
        }
        return p;
    }
}
