package dev.railyard.examples.slo;

import dev.railyard.spi.config.InvalidConfigException;
import dev.railyard.spi.config.PluginConfig;

/**
 * Configuration of the {@code slo-aware} scheduler (YAML keys in kebab-case):
 * <ul>
 *   <li>{@code max-batched-tokens}: tokens one step may compute (2048; capped by the engine);</li>
 *   <li>{@code max-num-seqs}: sequences one step may hold (256; capped by the engine);</li>
 *   <li>{@code admission-control}: reject a request whose TTFT deadline can no longer be met (true);</li>
 *   <li>{@code initial-step-ms}: the step time assumed until one has been measured (10).</li>
 * </ul>
 */
public class SloAwareConfig implements PluginConfig {

    /** Tokens one step may compute. */
    public int maxBatchedTokens = 2048;
    /** Sequences one step may hold. */
    public int maxNumSeqs = 256;
    /** Reject requests whose TTFT deadline can no longer be met. */
    public boolean admissionControl = true;
    /** Step time assumed before the first measurement, in milliseconds. */
    public double initialStepMs = 10;

    /** Defaults everywhere. */
    public SloAwareConfig() {
    }

    @Override
    public void validate() {
        InvalidConfigException.check(maxBatchedTokens >= 1, "max-batched-tokens must be at least 1, was " + maxBatchedTokens);
        InvalidConfigException.check(maxNumSeqs >= 1, "max-num-seqs must be at least 1, was " + maxNumSeqs);
        InvalidConfigException.check(initialStepMs > 0, "initial-step-ms must be positive, was " + initialStepMs);
    }
}
