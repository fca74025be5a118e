package dev.railyard.backend.cuda;

import dev.railyard.spi.config.InvalidConfigException;
import dev.railyard.spi.config.PluginConfig;

/**
 * Configuration of the {@code cuda} backend (YAML keys in kebab-case).
 *
 * <ul>
 *   <li>{@code device}: CUDA device index (default 0);
 *   <li>{@code kv-memory-gb}: KV-cache pool size when the host does not fix the number of blocks
 *       (default 20, capped by the free device memory less a reserve);
 *   <li>{@code max-tokens-per-step}: the largest step, when the host lets the backend choose
 *       (default 8192); activation buffers are sized for it once at open;
 *   <li>{@code max-sequences-per-step}: default 256;
 *   <li>{@code cuda-graphs}: capture decode steps (every sequence one token) as CUDA graphs per
 *       batch-size bucket and replay them (default true);
 *   <li>{@code decode-kernels}: steps of at most 8 token rows (small decode batches) run their
 *       memory-bound parts in the NVRTC decode kernels (bandwidth-bound GEMV with RMSNorm, RoPE +
 *       K/V write, SwiGLU and the residual add fused in) instead of cuBLAS GEMMs and separate
 *       kernels: {@code auto} (default) times both ways per part and row bucket at open and keeps
 *       the faster, {@code on} always, {@code off} never.
 * </ul>
 */
public class CudaBackendConfig implements PluginConfig {

    public int device = 0;
    public double kvMemoryGb = 20.0;
    public int maxTokensPerStep = 8192;
    public int maxSequencesPerStep = 256;
    public boolean cudaGraphs = true;
    public String decodeKernels = "auto";

    public CudaBackendConfig() {
    }

    @Override
    public void validate() {
        if (device < 0) {
            throw new InvalidConfigException("device must not be negative, was " + device);
        }
        if (!(kvMemoryGb > 0) || kvMemoryGb > 4096) {
            throw new InvalidConfigException("kv-memory-gb must be in (0, 4096], was " + kvMemoryGb);
        }
        if (maxTokensPerStep < 1 || maxTokensPerStep > 1 << 20) {
            throw new InvalidConfigException("max-tokens-per-step must be in [1, 1048576], was " + maxTokensPerStep);
        }
        if (decodeKernels == null || !(decodeKernels.equals("auto") || decodeKernels.equals("on") || decodeKernels.equals("off"))) {
            throw new InvalidConfigException("decode-kernels must be auto, on or off, was " + decodeKernels);
        }
        if (maxSequencesPerStep < 1 || maxSequencesPerStep > 65536) {
            throw new InvalidConfigException("max-sequences-per-step must be in [1, 65536], was " + maxSequencesPerStep);
        }
    }
}
