package dev.railyard.schedulers.drafters;

import dev.railyard.spi.config.InvalidConfigException;
import dev.railyard.spi.config.PluginConfig;

/**
 * Configuration of the {@code draft-model} drafter (YAML keys in kebab-case).
 *
 * <ul>
 *   <li>{@code model}: the draft model's directory (required; the speculative scheduler passes
 *       its {@code draft-model} key here);</li>
 *   <li>{@code kv-blocks}: blocks of the draft model's own KV pool (1024);</li>
 *   <li>{@code block-size}: tokens per draft KV block (16);</li>
 *   <li>{@code confidence-threshold}: stop drafting a sequence after a draft token whose
 *       probability under the draft model is below this (0, the default, always drafts the k
 *       tokens the scheduler asks for). Tokens the draft itself doubts are seldom accepted, and
 *       each costs a draft step and a verified position; Hugging Face's assisted generation
 *       uses 0.4.</li>
 * </ul>
 */
public class DraftModelConfig implements PluginConfig {

    /** The draft model's directory. */
    public String model;
    /** Blocks of the draft model's KV pool. */
    public int kvBlocks = 1024;
    /** Tokens per draft KV block. */
    public int blockSize = 16;
    /** Stop drafting after a token the draft gives less than this probability; 0 never stops early. */
    public double confidenceThreshold = 0.0;

    /** Defaults everywhere ({@code model} has none). */
    public DraftModelConfig() {
    }

    @Override
    public void validate() {
        InvalidConfigException.check(model != null && !model.isBlank(),
                "model is required: the draft model's directory (the speculative scheduler's draft-model key, or --draft-model)");
        InvalidConfigException.check(kvBlocks >= 1, "kv-blocks must be at least 1, was " + kvBlocks);
        InvalidConfigException.check(blockSize >= 1, "block-size must be at least 1, was " + blockSize);
        InvalidConfigException.check(confidenceThreshold >= 0 && confidenceThreshold < 1,
                "confidence-threshold must be in [0, 1), was " + confidenceThreshold);
    }
}
