package dev.railyard.schedulers.continuous;

import dev.railyard.spi.config.InvalidConfigException;
import dev.railyard.spi.config.PluginConfig;

/**
 * Configuration of the {@code continuous} scheduler (YAML keys in kebab-case).
 *
 * <ul>
 *   <li>{@code policy}: {@code fcfs} (default) or {@code priority} (smaller priority value first,
 *       then arrival);</li>
 *   <li>{@code max-batched-tokens}: tokens one step may compute (2048; capped by the engine's
 *       limit);</li>
 *   <li>{@code max-num-seqs}: sequences one step may hold (256; capped by the engine's limit and
 *       by the token budget);</li>
 *   <li>{@code enable-chunked-prefill}: split long prompts over several steps (true; effective
 *       only when the backend supports it);</li>
 *   <li>{@code long-prefill-token-threshold}: the most prompt tokens one sequence may compute in
 *       one step, so that decodes are not starved (0: no cap beyond the step budget).</li>
 * </ul>
 */
public class ContinuousConfig implements PluginConfig {

    /** {@code fcfs} or {@code priority}. */
    public String policy = "fcfs";
    /** Tokens one step may compute. */
    public int maxBatchedTokens = 2048;
    /** Sequences one step may hold. */
    public int maxNumSeqs = 256;
    /** Split long prompts over several steps when the backend supports it. */
    public boolean enableChunkedPrefill = true;
    /** Cap on one prompt's chunk per step; 0 for none. */
    public int longPrefillTokenThreshold = 0;

    /** Defaults everywhere. */
    public ContinuousConfig() {
    }

    @Override
    public void validate() {
        InvalidConfigException.check(policy != null && (policy.equals("fcfs") || policy.equals("priority")),
                "policy must be 'fcfs' or 'priority', was '" + policy + "'");
        InvalidConfigException.check(maxBatchedTokens >= 1, "max-batched-tokens must be at least 1, was " + maxBatchedTokens);
        InvalidConfigException.check(maxNumSeqs >= 1, "max-num-seqs must be at least 1, was " + maxNumSeqs);
        InvalidConfigException.check(longPrefillTokenThreshold >= 0,
                "long-prefill-token-threshold must be 0 (off) or positive, was " + longPrefillTokenThreshold);
    }

    /** {@code true} under the {@code priority} policy. */
    public boolean usesPriorityPolicy() {
        return "priority".equals(policy);
    }
}
