package dev.railyard.schedulers.dynamic;

import dev.railyard.spi.config.InvalidConfigException;
import dev.railyard.spi.config.PluginConfig;
import java.util.ArrayList;
import java.util.List;

/**
 * Configuration of the {@code dynamic} scheduler (YAML keys in kebab-case), after Triton's
 * {@code dynamic_batching} block.
 *
 * <ul>
 *   <li>{@code max-batch-size}: requests in one batch (8; capped by the engine's sequences and
 *       tokens per step);</li>
 *   <li>{@code preferred-batch-sizes}: batch sizes sent as soon as they can be formed (none);</li>
 *   <li>{@code max-queue-delay-ms}: how long the oldest request may wait for a batch to fill
 *       (100; 0: never wait);</li>
 *   <li>{@code priority-levels}: number of priority levels, 1 the highest (0: no levels, one
 *       FIFO queue); a request's priority {@code p} maps to level {@code p} (clamped to the
 *       levels), priority 0 to {@code default-priority-level};</li>
 *   <li>{@code default-priority-level}: level of requests without a priority (0 when there are
 *       no levels, else in {@code [1, priority-levels]});</li>
 *   <li>{@code max-queue-size}: requests allowed to wait for a batch; the latest beyond it are
 *       rejected (0: unlimited);</li>
 *   <li>{@code default-timeout-ms}: how long a request may wait without being batched (0: no
 *       limit);</li>
 *   <li>{@code timeout-action}: {@code reject} (default) refuses a request that timed out;
 *       {@code delay} keeps it, behind the requests of its level that did not time out.</li>
 * </ul>
 */
public class DynamicConfig implements PluginConfig {

    /** Requests in one batch. */
    public int maxBatchSize = 8;
    /** Batch sizes sent as soon as they can be formed. */
    public List<Integer> preferredBatchSizes = new ArrayList<>();
    /** How long the oldest request may wait for a batch to fill, in milliseconds. */
    public long maxQueueDelayMs = 100;
    /** Priority levels (1 is the highest); 0 for none. */
    public int priorityLevels = 0;
    /** Level of requests with the default priority (0). */
    public int defaultPriorityLevel = 0;
    /** Requests allowed to wait; 0 for no limit. */
    public int maxQueueSize = 0;
    /** How long a request may wait without being batched, in milliseconds; 0 for no limit. */
    public long defaultTimeoutMs = 0;
    /** {@code reject} or {@code delay}. */
    public String timeoutAction = "reject";

    /** Defaults everywhere. */
    public DynamicConfig() {
    }

    @Override
    public void validate() {
        InvalidConfigException.check(maxBatchSize >= 1, "max-batch-size must be at least 1, was " + maxBatchSize);
        InvalidConfigException.check(preferredBatchSizes != null, "preferred-batch-sizes must be a list of sizes");
        for (Integer p : preferredBatchSizes) {
            InvalidConfigException.check(p != null && p >= 1 && p <= maxBatchSize,
                    "preferred-batch-sizes must each be in [1, max-batch-size " + maxBatchSize + "], found " + p);
        }
        InvalidConfigException.check(maxQueueDelayMs >= 0, "max-queue-delay-ms must not be negative, was " + maxQueueDelayMs);
        InvalidConfigException.check(priorityLevels >= 0, "priority-levels must not be negative, was " + priorityLevels);
        if (priorityLevels == 0) {
            InvalidConfigException.check(defaultPriorityLevel == 0,
                    "default-priority-level must be 0 when priority-levels is 0, was " + defaultPriorityLevel);
        } else {
            InvalidConfigException.check(defaultPriorityLevel >= 1 && defaultPriorityLevel <= priorityLevels,
                    "default-priority-level must be in [1, " + priorityLevels + "] when priority-levels is " + priorityLevels
                            + ", was " + defaultPriorityLevel);
        }
        InvalidConfigException.check(maxQueueSize >= 0, "max-queue-size must not be negative (0: unlimited), was " + maxQueueSize);
        InvalidConfigException.check(defaultTimeoutMs >= 0,
                "default-timeout-ms must not be negative (0: no timeout), was " + defaultTimeoutMs);
        InvalidConfigException.check("reject".equals(timeoutAction) || "delay".equals(timeoutAction),
                "timeout-action must be 'reject' or 'delay', was '" + timeoutAction + "'");
    }
}
