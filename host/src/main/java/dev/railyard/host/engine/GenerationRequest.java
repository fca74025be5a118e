package dev.railyard.host.engine;

import dev.railyard.host.sampling.SamplingParams;
import java.util.List;
import java.util.Objects;
import java.util.OptionalLong;

/**
 * One request to generate tokens. Build it with {@link #builder()}; the engine validates it on
 * submit and refuses a bad one with an {@link InvalidRequestException}.
 *
 * @param promptTokens the prompt as token ids, or null when {@code promptText} is given
 * @param promptText the prompt as text (needs a tokenizer), or null
 * @param maxTokens the most tokens to generate; at least 1
 * @param sampling sampling parameters; a null {@code seed} means "pick one"
 * @param seed the seed, or null to let the engine choose (reported in the result)
 * @param priority smaller values are served first (0 default)
 * @param stopStrings generation stops when the text contains one of them (excluded from the text)
 * @param ignoreEos keep generating past EOS tokens
 * @param ttftSloNanos the wanted time to first token, or empty
 * @param tpotSloNanos the wanted time per output token, or empty
 * @param timeoutNanos the request is cancelled with TIMEOUT after this long, or empty
 * @param addSpecialTokens when encoding text: add BOS as the tokenizer says
 */
public record GenerationRequest(int[] promptTokens, String promptText, int maxTokens, SamplingParams sampling, Long seed,
                                int priority, List<String> stopStrings, boolean ignoreEos, OptionalLong ttftSloNanos,
                                OptionalLong tpotSloNanos, OptionalLong timeoutNanos, boolean addSpecialTokens) {

    public GenerationRequest {
        Objects.requireNonNull(sampling, "sampling");
        stopStrings = List.copyOf(stopStrings);
        Objects.requireNonNull(ttftSloNanos);
        Objects.requireNonNull(tpotSloNanos);
        Objects.requireNonNull(timeoutNanos);
    }

    public static Builder builder() {
        return new Builder();
    }

    /** Builder with defaults: 16 tokens, greedy, priority 0. */
    public static final class Builder {
        private int[] promptTokens;
        private String promptText;
        private int maxTokens = 16;
        private double temperature = 0;
        private int topK = 0;
        private double topP = 1;
        private double minP = 0;
        private double repetitionPenalty = 1;
        private Long seed;
        private int priority;
        private List<String> stopStrings = List.of();
        private boolean ignoreEos;
        private OptionalLong ttftSlo = OptionalLong.empty();
        private OptionalLong tpotSlo = OptionalLong.empty();
        private OptionalLong timeout = OptionalLong.empty();
        private boolean addSpecialTokens = true;

        public Builder promptTokens(int... tokens) {
            this.promptTokens = tokens.clone();
            return this;
        }

        public Builder promptText(String text) {
            this.promptText = text;
            return this;
        }

        public Builder maxTokens(int n) {
            this.maxTokens = n;
            return this;
        }

        public Builder temperature(double t) {
            this.temperature = t;
            return this;
        }

        public Builder topK(int k) {
            this.topK = k;
            return this;
        }

        public Builder topP(double p) {
            this.topP = p;
            return this;
        }

        public Builder minP(double p) {
            this.minP = p;
            return this;
        }

        public Builder repetitionPenalty(double p) {
            this.repetitionPenalty = p;
            return this;
        }

        public Builder seed(Long s) {
            this.seed = s;
            return this;
        }

        public Builder priority(int p) {
            this.priority = p;
            return this;
        }

        public Builder stopStrings(List<String> stops) {
            this.stopStrings = List.copyOf(stops);
            return this;
        }

        public Builder ignoreEos(boolean ignore) {
            this.ignoreEos = ignore;
            return this;
        }

        public Builder ttftSloNanos(long nanos) {
            this.ttftSlo = OptionalLong.of(nanos);
            return this;
        }

        public Builder tpotSloNanos(long nanos) {
            this.tpotSlo = OptionalLong.of(nanos);
            return this;
        }

        public Builder timeoutNanos(long nanos) {
            this.timeout = OptionalLong.of(nanos);
            return this;
        }

        public Builder addSpecialTokens(boolean add) {
            this.addSpecialTokens = add;
            return this;
        }

        public GenerationRequest build() {
            SamplingParams sp = new SamplingParams(temperature, topK, topP, minP, repetitionPenalty, seed == null ? 0 : seed);
            return new GenerationRequest(promptTokens, promptText, maxTokens, sp, seed, priority, stopStrings, ignoreEos,
                    ttftSlo, tpotSlo, timeout, addSpecialTokens);
        }
    }
}
