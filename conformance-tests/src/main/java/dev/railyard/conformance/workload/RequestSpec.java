package dev.railyard.conformance.workload;

import dev.railyard.host.engine.GenerationRequest;
import java.util.Arrays;
import java.util.Objects;

/**
 * One request of a workload: when it arrives (virtual nanoseconds from the start of the run), its
 * prompt, how many tokens it wants and how they are sampled. Always seeded, so that every run of
 * the same spec produces the same output.
 *
 * @param index position in its workload (0-based, in arrival order)
 * @param arrivalNanos arrival time, from the start of the run
 * @param prompt prompt token ids; at least one
 * @param maxTokens tokens to generate; EOS is ignored, so exactly this many unless the context ends
 * @param temperature 0 for greedy
 * @param topP nucleus filter (1 for none)
 * @param seed the request's sampling seed
 * @param priority smaller is served first (0 default)
 * @param ttftSloNanos wanted time to first token, or 0 for none
 * @param tpotSloNanos wanted time per output token, or 0 for none
 * @param timeoutNanos the engine ends the request with TIMEOUT after this long, or 0 for none
 */
public record RequestSpec(int index, long arrivalNanos, int[] prompt, int maxTokens, double temperature, double topP, long seed,
                          int priority, long ttftSloNanos, long tpotSloNanos, long timeoutNanos) {

    public RequestSpec {
        Objects.requireNonNull(prompt, "prompt");
        if (prompt.length == 0 || maxTokens < 1) {
            throw new IllegalArgumentException("a request needs a prompt and at least one output token");
        }
    }

    /** A greedy request arriving at time 0. */
    public static RequestSpec greedy(int index, int[] prompt, int maxTokens) {
        return new RequestSpec(index, 0, prompt, maxTokens, 0, 1, index, 0, 0, 0, 0);
    }

    public boolean isGreedy() {
        return temperature == 0;
    }

    public int promptLength() {
        return prompt.length;
    }

    /** The engine request (EOS ignored so lengths are exact). */
    public GenerationRequest toRequest() {
        GenerationRequest.Builder b = GenerationRequest.builder().promptTokens(prompt).maxTokens(maxTokens)
                .temperature(temperature).topP(topP).seed(seed).priority(priority).ignoreEos(true);
        if (ttftSloNanos > 0) {
            b.ttftSloNanos(ttftSloNanos);
        }
        if (tpotSloNanos > 0) {
            b.tpotSloNanos(tpotSloNanos);
        }
        if (timeoutNanos > 0) {
            b.timeoutNanos(timeoutNanos);
        }
        return b.build();
    }

    /** What determines the output (prompt, length, sampling), for caching reference outputs. */
    public String outputKey() {
        return Arrays.hashCode(prompt) + ":" + prompt.length + ":" + maxTokens + ":" + temperature + ":" + topP + ":"
                + (temperature == 0 ? 0 : seed);
    }

    public RequestSpec withIndex(int newIndex) {
        return new RequestSpec(newIndex, arrivalNanos, prompt, maxTokens, temperature, topP, seed, priority, ttftSloNanos,
                tpotSloNanos, timeoutNanos);
    }

    public RequestSpec withArrival(long nanos) {
        return new RequestSpec(index, nanos, prompt, maxTokens, temperature, topP, seed, priority, ttftSloNanos,
                tpotSloNanos, timeoutNanos);
    }

    public RequestSpec withPriority(int p) {
        return new RequestSpec(index, arrivalNanos, prompt, maxTokens, temperature, topP, seed, p, ttftSloNanos,
                tpotSloNanos, timeoutNanos);
    }

    public RequestSpec withTimeout(long nanos) {
        return new RequestSpec(index, arrivalNanos, prompt, maxTokens, temperature, topP, seed, priority, ttftSloNanos,
                tpotSloNanos, nanos);
    }

    public RequestSpec withSlos(long ttftNanos, long tpotNanos) {
        return new RequestSpec(index, arrivalNanos, prompt, maxTokens, temperature, topP, seed, priority, ttftNanos,
                tpotNanos, timeoutNanos);
    }

    public RequestSpec withSampling(double newTemperature, double newTopP, long newSeed) {
        return new RequestSpec(index, arrivalNanos, prompt, maxTokens, newTemperature, newTopP, newSeed, priority,
                ttftSloNanos, tpotSloNanos, timeoutNanos);
    }

    @Override
    public String toString() {
        return "request #" + index + " (prompt " + prompt.length + " tokens, " + maxTokens + " out, "
                + (isGreedy() ? "greedy" : "T=" + temperature + " seed " + seed) + (priority != 0 ? ", priority " + priority : "")
                + ", arrives at " + arrivalNanos / 1000 + " µs)";
    }
}
