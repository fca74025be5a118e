package dev.railyard.host.sampling;

import dev.railyard.spi.scheduler.SamplingView;

/**
 * How one request samples its tokens. Immutable; validate with {@link #validate()}.
 *
 * @param temperature 0 for greedy, else divides the logits
 * @param topK keep the k most likely tokens; 0 keeps all
 * @param topP keep the smallest set of tokens whose probability reaches p; 1 keeps all
 * @param minP drop tokens less likely than {@code minP} times the most likely; 0 keeps all
 * @param repetitionPenalty penalises tokens already in the sequence (Hugging Face rule); 1 is none
 * @param seed the seed of the request's own random stream
 */
public record SamplingParams(double temperature, int topK, double topP, double minP, double repetitionPenalty, long seed)
        implements SamplingView {

    /** Greedy decoding. */
    public static SamplingParams greedy() {
        return new SamplingParams(0, 0, 1, 0, 1, 0);
    }

    public SamplingParams withSeed(long newSeed) {
        return new SamplingParams(temperature, topK, topP, minP, repetitionPenalty, newSeed);
    }

    /**
     * @throws IllegalArgumentException naming the parameter, its value and the allowed range
     */
    public SamplingParams validate() {
        require(Double.isFinite(temperature) && temperature >= 0, "temperature must be >= 0, was " + temperature);
        require(topK >= 0, "top_k must be >= 0 (0 disables it), was " + topK);
        require(topP > 0 && topP <= 1, "top_p must be in (0, 1], was " + topP);
        require(minP >= 0 && minP <= 1, "min_p must be in [0, 1], was " + minP);
        require(Double.isFinite(repetitionPenalty) && repetitionPenalty > 0, "repetition_penalty must be > 0, was " + repetitionPenalty);
        return this;
    }

    private static void require(boolean ok, String message) {
        if (!ok) {
            throw new IllegalArgumentException(message);
        }
    }
}
