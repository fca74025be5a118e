package dev.railyard.conformance.workload;

import java.util.Objects;

/**
 * A recipe for a workload: how many requests, when they arrive, how long their prompts and outputs
 * are, their priorities and sampling, all from one seed. Build with {@link #builder(String)} and
 * turn into requests with {@link WorkloadGenerator#generate(WorkloadSpec)}.
 *
 * @param name short name for messages
 * @param requests how many
 * @param arrivals arrival process
 * @param promptLengths prompt lengths
 * @param outputLengths output lengths (max tokens)
 * @param priorities priority mix
 * @param sampledFraction share of requests that sample (temperature {@code temperature}, top-p 0.95); the rest are greedy
 * @param temperature temperature of sampled requests
 * @param style how prompt tokens are drawn
 * @param vocab vocabulary size prompts are drawn from
 * @param ttftSloNanos TTFT SLO given to every request, or 0
 * @param tpotSloNanos TPOT SLO given to every request, or 0
 * @param seed the seed of everything
 */
public record WorkloadSpec(String name, int requests, ArrivalProcess arrivals, LengthDistribution promptLengths,
                           LengthDistribution outputLengths, PriorityMix priorities, double sampledFraction, double temperature,
                           PromptStyle style, int vocab, long ttftSloNanos, long tpotSloNanos, long seed) {

    public WorkloadSpec {
        Objects.requireNonNull(name);
        Objects.requireNonNull(arrivals);
        Objects.requireNonNull(promptLengths);
        Objects.requireNonNull(outputLengths);
        Objects.requireNonNull(priorities);
        Objects.requireNonNull(style);
        if (requests < 0 || vocab < 1) {
            throw new IllegalArgumentException("requests >= 0 and vocab >= 1");
        }
    }

    public static Builder builder(String name) {
        return new Builder(name);
    }

    /** A builder initialised from this spec. */
    public Builder toBuilder() {
        return new Builder(name).requests(requests).arrivals(arrivals).promptLengths(promptLengths).outputLengths(outputLengths)
                .priorities(priorities).sampled(sampledFraction, temperature).style(style).vocab(vocab)
                .slos(ttftSloNanos, tpotSloNanos).seed(seed);
    }

    /** Builds a {@link WorkloadSpec}; defaults: 100 greedy requests at once, prompt 16, output 16, vocab 256, seed 1. */
    public static final class Builder {
        private String name;
        private int requests = 100;
        private ArrivalProcess arrivals = ArrivalProcess.allAtOnce();
        private LengthDistribution promptLengths = LengthDistribution.fixed(16);
        private LengthDistribution outputLengths = LengthDistribution.fixed(16);
        private PriorityMix priorities = PriorityMix.NONE;
        private double sampledFraction;
        private double temperature = 1.0;
        private PromptStyle style = PromptStyle.RANDOM;
        private int vocab = 256;
        private long ttftSlo;
        private long tpotSlo;
        private long seed = 1;

        Builder(String name) {
            this.name = name;
        }

        public Builder name(String n) {
            this.name = n;
            return this;
        }

        public Builder requests(int n) {
            this.requests = n;
            return this;
        }

        public Builder arrivals(ArrivalProcess a) {
            this.arrivals = a;
            return this;
        }

        public Builder promptLengths(LengthDistribution d) {
            this.promptLengths = d;
            return this;
        }

        public Builder outputLengths(LengthDistribution d) {
            this.outputLengths = d;
            return this;
        }

        public Builder priorities(PriorityMix p) {
            this.priorities = p;
            return this;
        }

        /** {@code fraction} of the requests sample at {@code temp}; the rest are greedy. */
        public Builder sampled(double fraction, double temp) {
            this.sampledFraction = fraction;
            this.temperature = temp;
            return this;
        }

        public Builder style(PromptStyle s) {
            this.style = s;
            return this;
        }

        public Builder vocab(int v) {
            this.vocab = v;
            return this;
        }

        public Builder slos(long ttftNanos, long tpotNanos) {
            this.ttftSlo = ttftNanos;
            this.tpotSlo = tpotNanos;
            return this;
        }

        public Builder seed(long s) {
            this.seed = s;
            return this;
        }

        public WorkloadSpec build() {
            return new WorkloadSpec(name, requests, arrivals, promptLengths, outputLengths, priorities, sampledFraction, temperature,
                    style, vocab, ttftSlo, tpotSlo, seed);
        }
    }
}
