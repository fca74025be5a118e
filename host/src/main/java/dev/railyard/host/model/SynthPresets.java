package dev.railyard.host.model;

import dev.railyard.spi.model.DType;
import dev.railyard.spi.model.ModelConfig;
import dev.railyard.spi.model.RopeScaling;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;

/**
 * Named {@link SynthSpec}s for {@code railyard model synth}: the shapes of real models (with random
 * weights) and a tiny one for tests. All use seed 0, the transformers 4.x dialect and 2 GB shards.
 *
 * <table>
 * <caption>Presets</caption>
 * <tr><th>name</th><th>shape</th><th>dtype</th></tr>
 * <tr><td>{@code tiny}</td><td>Llama, vocab 512, hidden 64, inter 128, 2 layers, 4 heads, 2 KV heads, untied</td>
 *     <td>F32</td></tr>
 * <tr><td>{@code smollm2-135m}</td><td>SmolLM2-135M: Llama, vocab 49152, hidden 576, inter 1536, 30 layers,
 *     9 heads, 3 KV heads, tied, theta 100000, context 8192</td><td>BF16</td></tr>
 * <tr><td>{@code tinyllama-1.1b}</td><td>TinyLlama-1.1B: Llama, vocab 32000, hidden 2048, inter 5632, 22 layers,
 *     32 heads, 4 KV heads, untied, theta 10000, context 2048</td><td>BF16</td></tr>
 * </table>
 */
public final class SynthPresets {

    private static final Map<String, SynthSpec> PRESETS = new LinkedHashMap<>();

    static {
        PRESETS.put("tiny", llama(512, 64, 128, 2, 4, 2, 16, false, 10000, 1024, 1, List.of(2), DType.F32));
        PRESETS.put("smollm2-135m",
                llama(49152, 576, 1536, 30, 9, 3, 64, true, 100000, 8192, 0, List.of(0), DType.BF16));
        PRESETS.put("tinyllama-1.1b",
                llama(32000, 2048, 5632, 22, 32, 4, 64, false, 10000, 2048, 1, List.of(2), DType.BF16));
    }

    private SynthPresets() {
    }

    /** The preset names, in a stable order. */
    public static List<String> names() {
        return List.copyOf(PRESETS.keySet());
    }

    /**
     * The preset with this name (case-insensitive).
     *
     * @throws IllegalArgumentException naming the value and listing the presets
     */
    public static SynthSpec byName(String name) {
        SynthSpec s = PRESETS.get(name.trim().toLowerCase(Locale.ROOT));
        if (s == null) {
            throw new IllegalArgumentException("unknown model preset '" + name + "'; available: "
                    + String.join(", ", PRESETS.keySet()));
        }
        return s;
    }

    private static SynthSpec llama(int vocab, int hidden, int inter, int layers, int heads, int kvHeads, int headDim,
                                   boolean tied, double theta, int maxPos, int bos, List<Integer> eos, DType dtype) {
        ModelConfig c = new ModelConfig(Architecture.LLAMA.className(), Architecture.LLAMA.modelType(), vocab, hidden,
                inter, layers, heads, kvHeads, headDim, 1e-5, theta, RopeScaling.NONE, maxPos, tied, false, false, false,
                bos, eos, dtype);
        return new SynthSpec(c, 0, ConfigDialect.TRANSFORMERS_4, SynthSpec.DEFAULT_SHARD_SIZE);
    }
}
