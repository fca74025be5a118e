package dev.railyard.backend.cpu;

import dev.railyard.spi.config.InvalidConfigException;
import dev.railyard.spi.config.PluginConfig;

/**
 * Settings of the {@code cpu-reference} backend (YAML keys in kebab-case).
 *
 * <ul>
 *   <li>{@code threads}: compute threads, the engine thread included (default: available
 *       processors);</li>
 *   <li>{@code kv-cache-dtype}: element type of the KV pool, {@code float32} (default: the
 *       reference's exact K/V) or {@code bfloat16} (half the memory and half the attention
 *       traffic; K/V rounded to about three significant digits, so logits move by ~1e-3
 *       relative: still batch-invariant, no longer within 1e-4 of transformers);</li>
 *   <li>{@code max-tokens-per-step}: the largest step, in flat tokens, when the host does not
 *       impose one (default 4096);</li>
 *   <li>{@code max-sequences-per-step}: the most sequences in one step (default 256);</li>
 *   <li>{@code kv-memory-mb}: size of the KV pool when the host lets the backend choose
 *       ({@code numBlocks == 0}); capped at what {@code max-sequences-per-step} sequences of the
 *       model's full context would need (default 512).</li>
 * </ul>
 */
public class CpuBackendConfig implements PluginConfig {

    /** Compute threads, the engine thread included. */
    public int threads = Runtime.getRuntime().availableProcessors();
    /** Element type of the KV pool: {@code float32} or {@code bfloat16}. */
    public String kvCacheDtype = "float32";
    /** The largest step in flat tokens, used when the host passes 0. */
    public int maxTokensPerStep = 4096;
    /** The most sequences in one step. */
    public int maxSequencesPerStep = 256;
    /** KV pool size in MiB when the host passes {@code numBlocks == 0}. */
    public long kvMemoryMb = 512;

    public CpuBackendConfig() {
    }

    @Override
    public void validate() {
        InvalidConfigException.check(threads >= 1 && threads <= 1024,
                "threads must be between 1 and 1024, was " + threads);
        InvalidConfigException.check(kvCacheDtype != null && (isFloat32(kvCacheDtype) || isBfloat16(kvCacheDtype)),
                "kv-cache-dtype must be float32 or bfloat16, was '" + kvCacheDtype + "'");
        InvalidConfigException.check(maxTokensPerStep >= 1 && maxTokensPerStep <= 1 << 20,
                "max-tokens-per-step must be between 1 and 1048576, was " + maxTokensPerStep);
        InvalidConfigException.check(maxSequencesPerStep >= 1,
                "max-sequences-per-step must be at least 1, was " + maxSequencesPerStep);
        InvalidConfigException.check(maxSequencesPerStep <= maxTokensPerStep,
                "max-sequences-per-step (" + maxSequencesPerStep + ") must not exceed max-tokens-per-step ("
                        + maxTokensPerStep + "): every sequence in a step has at least one token");
        InvalidConfigException.check(kvMemoryMb >= 1 && kvMemoryMb <= 1L << 24,
                "kv-memory-mb must be between 1 and 16777216, was " + kvMemoryMb);
    }

    /** Whether the KV pool holds bfloat16 elements. */
    public boolean kvBfloat16() {
        return isBfloat16(kvCacheDtype);
    }

    private static boolean isFloat32(String s) {
        return s.equalsIgnoreCase("float32") || s.equalsIgnoreCase("f32") || s.equalsIgnoreCase("fp32");
    }

    private static boolean isBfloat16(String s) {
        return s.equalsIgnoreCase("bfloat16") || s.equalsIgnoreCase("bf16");
    }
}
