package dev.railyard.conformance.workload;

import java.util.random.RandomGenerator;

/** Prompt or output lengths, in tokens. Seeded through the generator passed in. */
public sealed interface LengthDistribution {

    /** One length, at least 1. */
    int sample(RandomGenerator rng);

    /** The largest length it can return. */
    int max();

    /** Always {@code n}. */
    static LengthDistribution fixed(int n) {
        return new Fixed(n);
    }

    /** Uniform in {@code [min, max]}. */
    static LengthDistribution uniform(int min, int max) {
        return new Uniform(min, max);
    }

    /** Log-normal with parameters {@code mu}, {@code sigma} (of the log), clamped to {@code [min, max]}. */
    static LengthDistribution logNormal(double mu, double sigma, int min, int max) {
        return new LogNormal(mu, sigma, min, max);
    }

    /**
     * Prompt lengths shaped like ShareGPT conversations: a log-normal fit (median about 100 tokens,
     * sigma 1.1, a long tail), scaled by {@code scale} and clamped to {@code [1, max]}. Use a scale
     * below 1 to shrink a workload for small simulated models while keeping its shape.
     */
    static LengthDistribution shareGptPrompt(double scale, int max) {
        return new LogNormal(Math.log(100 * scale), 1.1, 1, max);
    }

    /** Output lengths shaped like ShareGPT replies: log-normal, median about 150 tokens, sigma 0.9, scaled and clamped. */
    static LengthDistribution shareGptOutput(double scale, int max) {
        return new LogNormal(Math.log(150 * scale), 0.9, 1, max);
    }

    /** Always {@code n}. */
    record Fixed(int n) implements LengthDistribution {
        public Fixed {
            if (n < 1) {
                throw new IllegalArgumentException("length must be at least 1, was " + n);
            }
        }

        @Override
        public int sample(RandomGenerator rng) {
            return n;
        }

        @Override
        public int max() {
            return n;
        }

        @Override
        public String toString() {
            return Integer.toString(n);
        }
    }

    /** Uniform in {@code [min, max]}. */
    record Uniform(int min, int max) implements LengthDistribution {
        public Uniform {
            if (min < 1 || max < min) {
                throw new IllegalArgumentException("need 1 <= min <= max, was " + min + ".." + max);
            }
        }

        @Override
        public int sample(RandomGenerator rng) {
            return min + rng.nextInt(max - min + 1);
        }

        @Override
        public String toString() {
            return "U[" + min + "," + max + "]";
        }
    }

    /** Log-normal, clamped. */
    record LogNormal(double mu, double sigma, int min, int max) implements LengthDistribution {
        public LogNormal {
            if (min < 1 || max < min || !(sigma >= 0)) {
                throw new IllegalArgumentException("need 1 <= min <= max and sigma >= 0");
            }
        }

        @Override
        public int sample(RandomGenerator rng) {
            double v = Math.exp(mu + sigma * rng.nextGaussian());
            return (int) Math.max(min, Math.min(max, Math.round(v)));
        }

        @Override
        public String toString() {
            return String.format("logN(median %.0f, σ %.1f)[%d,%d]", Math.exp(mu), sigma, min, max);
        }
    }
}
