package dev.railyard.conformance.sim;

import dev.railyard.spi.config.InvalidConfigException;
import dev.railyard.spi.config.PluginConfig;

/**
 * Configuration of the {@code simulated} backend (YAML keys in kebab-case). The model the host
 * passes is ignored, except for its vocabulary when {@code vocab-size} is 0.
 */
public class SimulatedConfig implements PluginConfig {

    /** Vocabulary size; 0 (the default) takes the model's, so that the model's tokenizer works. */
    public int vocabSize = 0;
    /** KV blocks in the pool when the host asks for 0 (the backend sizes it). */
    public int numBlocks = 4096;
    /** Longest sequence, prompt plus output. */
    public int maxContext = 4096;
    /** Most tokens in one step, when the host asks for 0. */
    public int maxTokensPerStep = 512;
    /** Most sequences in one step. */
    public int maxSequencesPerStep = 256;
    /** Declare chunked-prefill support. */
    public boolean chunkedPrefill = true;
    /** Declare multi-position logits (needed for speculative decoding). */
    public boolean multiPositionLogits = true;
    /** Seed of the pseudo-model: two backends with the same seed compute the same logits. */
    public long seed = 0;
    /**
     * Logit boost of the token that followed the previous occurrence of the current token (an
     * "induction head"): makes repetitive text predictable, as real models do; 0 turns it off.
     */
    public double copyBias = 6.0;
    /** How far back (in positions) the induction head looks. */
    public int copyWindow = 64;
    /** Cost model: fixed cost of a step, in microseconds. */
    public double stepFixedMicros = CostModel.DEFAULT.fixedNanos() / 1000;
    /** Cost model: cost of each token computed, in microseconds. */
    public double perTokenMicros = CostModel.DEFAULT.perTokenNanos() / 1000;
    /** Cost model: cost of each KV position read, in nanoseconds. */
    public double perKvReadNanos = CostModel.DEFAULT.perKvReadNanos();
    /** On a wall clock (not virtual), sleep for the modelled step time so that latencies look real. */
    public boolean sleepOnWallClock = true;

    /** Defaults everywhere. */
    public SimulatedConfig() {
    }

    /** The cost model these keys describe. */
    public CostModel costModel() {
        return new CostModel(stepFixedMicros * 1000, perTokenMicros * 1000, perKvReadNanos);
    }

    /** Sets the cost-model keys from {@code model}; returns this. */
    public SimulatedConfig withCostModel(CostModel model) {
        stepFixedMicros = model.fixedNanos() / 1000;
        perTokenMicros = model.perTokenNanos() / 1000;
        perKvReadNanos = model.perKvReadNanos();
        return this;
    }

    @Override
    public void validate() {
        InvalidConfigException.check(vocabSize >= 0, "vocab-size must be 0 (the model's) or positive, was " + vocabSize);
        InvalidConfigException.check(numBlocks >= 1, "num-blocks must be at least 1, was " + numBlocks);
        InvalidConfigException.check(maxContext >= 2, "max-context must be at least 2, was " + maxContext);
        InvalidConfigException.check(maxTokensPerStep >= 1, "max-tokens-per-step must be at least 1, was " + maxTokensPerStep);
        InvalidConfigException.check(maxSequencesPerStep >= 1,
                "max-sequences-per-step must be at least 1, was " + maxSequencesPerStep);
        InvalidConfigException.check(copyBias >= 0, "copy-bias must not be negative, was " + copyBias);
        InvalidConfigException.check(copyWindow >= 0, "copy-window must not be negative, was " + copyWindow);
        InvalidConfigException.check(stepFixedMicros >= 0 && perTokenMicros >= 0 && perKvReadNanos >= 0,
                "cost-model keys (step-fixed-micros, per-token-micros, per-kv-read-nanos) must not be negative");
    }
}
