package dev.railyard.backend.cuda;

import static org.assertj.core.api.Assertions.assertThat;

import dev.railyard.spi.model.DType;
import dev.railyard.spi.model.ModelConfig;
import dev.railyard.spi.model.RopeScaling;
import java.util.List;
import org.junit.jupiter.api.Test;

/** The parts of the backend that run on the host: kernel source generation, conversions, tables. */
class KernelSourceTest {

    private static ModelConfig tinyllama() {
        return new ModelConfig("LlamaForCausalLM", "llama", 32000, 2048, 5632, 22, 32, 4, 64, 1e-5, 10000, RopeScaling.NONE,
                2048, false, false, false, false, 1, List.of(2), DType.BF16);
    }

    @Test
    void sourceBakesInTheModelShape() {
        String s = KernelSource.source(tinyllama(), 16);
        assertThat(s).contains("#define HIDDEN 2048", "#define NH 32", "#define NKV 4", "#define GQ 8", "#define HD 64",
                "#define QKV_DIM 2560", "#define INTER 5632", "#define BS 16", "#define PREFILL_TILES 1");
        for (String k : List.of("embed_kernel", "rmsnorm_kernel", "qkv_rope_kernel", "swiglu_kernel", "attn_decode_g",
                "attn_decode_w", "attn_decode_1", "attn_prefill_kernel")) {
            assertThat(s).as(k).containsPattern("extern \"C\" __global__ void (__launch_bounds__\\(\\w+( \\* 32)?\\) )?" + k + "\\(");
        }
        assertThat(s).doesNotContain("#include");
    }

    @Test
    void decodeKernelsAreGeneratedPerRowBucketWithinSharedMemory() {
        String s = KernelSource.source(tinyllama(), 16);
        assertThat(KernelSource.decodeNormRows(tinyllama())).isEqualTo(8); // 8 rows x 2048 x bf16 = 32 KiB
        for (int r : KernelSource.DECODE_ROWS) {
            for (String k : List.of("dk_linear_", "dk_down_", "dk_qkv_", "dk_gateup_")) {
                assertThat(s).as(k + r).contains("void __launch_bounds__(DK_THREADS, 4) " + k + r + "(");
                assertThat(KernelSource.decodeKernelNames(tinyllama())).contains(k + r);
            }
        }
        assertThat(s).doesNotContain("@R");
        assertThat(s).contains("#define DK_LOADS_DOWN 22"); // 5632 / 8 / 32 = 22 loads per lane: one round
        assertThat(KernelSource.downLoads(5632)).isEqualTo(22);
        assertThat(KernelSource.downLoads(14336)).isEqualTo(19); // 56 per lane: three rounds of 19
        assertThat(KernelSource.downLoads(2048)).isEqualTo(8);
        assertThat(KernelSource.downLoads(8)).isEqualTo(1);
        ModelConfig big = new ModelConfig("LlamaForCausalLM", "llama", 128256, 4096, 14336, 32, 32, 8, 128, 1e-5, 500000,
                RopeScaling.NONE, 8192, false, false, false, false, 1, List.of(2), DType.BF16);
        assertThat(KernelSource.decodeNormRows(big)).isEqualTo(4);
        assertThat(KernelSource.decodeKernelNames(big)).contains("dk_linear_8", "dk_qkv_4").doesNotContain("dk_qkv_8", "dk_gateup_8");
        assertThat(KernelSource.source(big, 16)).doesNotContain("dk_qkv_8(");
        ModelConfig odd = new ModelConfig("LlamaForCausalLM", "llama", 100, 60, 90, 1, 2, 2, 30, 1e-5, 10000, RopeScaling.NONE,
                64, false, false, false, false, 1, List.of(2), DType.F32);
        assertThat(KernelSource.decodeKernelsSupported(odd)).isFalse();
        assertThat(KernelSource.decodeKernelNames(odd)).isEmpty();
        assertThat(KernelSource.source(odd, 16)).doesNotContain("dk_linear_1(");
        assertThat(KernelSource.source(odd, 16)).contains("attn_decode_w(", "#define ATT_FAST 0"); // attn_decode_1 compiled out
    }

    @Test
    void decodePlansHandTheResidualBiasToWhoeverCanAddIt() {
        // the fused norm kernels read the residual as it is: the product before them must have added its bias
        DecodePlan mix = new DecodePlan(true, false, true, false, true);
        assertThat(mix.constrained(true, false, false)).isEqualTo(mix);
        assertThat(mix.constrained(true, true, false)).isEqualTo(new DecodePlan(true, false, false, false, true));
        assertThat(mix.constrained(true, false, true)).isEqualTo(new DecodePlan(false, false, true, false, true));
        assertThat(DecodePlan.ALL.constrained(true, true, true)).isEqualTo(DecodePlan.ALL);
        assertThat(DecodePlan.ALL.constrained(false, false, false)).isEqualTo(new DecodePlan(false, true, false, true, true));
        assertThat(CudaBackend.wins(10.9, 10.4)).isTrue(); // within the margin: fewer graph nodes win the step
        assertThat(CudaBackend.wins(7.1, 5.8)).isFalse();
        assertThat(CudaBackend.rowIndex(1)).isZero();
        assertThat(CudaBackend.rowIndex(3)).isEqualTo(2);
        assertThat(CudaBackend.rowIndex(5)).isEqualTo(3);
        assertThat(CudaBackend.rowIndex(8)).isEqualTo(3);
    }

    @Test
    void decodeKernelSharedMemoryFits() {
        for (int hd : new int[] {16, 32, 64, 80, 96, 128, 256}) {
            for (int gb : new int[] {1, 2, 4, 7, 8, 16}) {
                int w = KernelSource.decodeWarps(gb, hd);
                assertThat(w).isBetween(1, 16);
                if (gb * hd <= 1024) {
                    assertThat(KernelSource.decodeSharedBytes(w, gb, hd)).as("gb %d hd %d", gb, hd).isLessThanOrEqualTo(46 * 1024);
                }
            }
        }
        for (int hd : new int[] {8, 16, 32, 64, 128, 256}) {
            assertThat(KernelSource.fastDecodeAttention(hd)).as("hd %d", hd).isTrue();
        }
        for (int hd : new int[] {4, 30, 80, 96, 512}) {
            assertThat(KernelSource.fastDecodeAttention(hd)).as("hd %d", hd).isFalse();
        }
        assertThat(KernelSource.source(tinyllama(), 16)).contains("#define ATT_FAST 1");
        assertThat(KernelSource.prefillTilesSupported(64)).isTrue();
        assertThat(KernelSource.prefillTilesSupported(128)).isTrue();
        assertThat(KernelSource.prefillTilesSupported(72)).isFalse();
        assertThat(KernelSource.prefillTilesSupported(256)).isFalse();
    }

    @Test
    void graphBuckets() {
        assertThat(CudaBackend.bucket(1)).isEqualTo(1);
        assertThat(CudaBackend.bucket(2)).isEqualTo(2);
        assertThat(CudaBackend.bucket(3)).isEqualTo(4);
        assertThat(CudaBackend.bucket(5)).isEqualTo(8);
        assertThat(CudaBackend.bucket(128)).isEqualTo(128);
        assertThat(CudaBackend.bucket(129)).isEqualTo(256);
    }

    @Test
    void bfloat16RoundsToNearestEven() {
        assertThat(DeviceWeights.toBf16(1.0f)).isEqualTo((short) 0x3f80);
        assertThat(DeviceWeights.fromBf16(DeviceWeights.toBf16(1.00390625f))).isEqualTo(1.0f); // tie -> even
        assertThat(DeviceWeights.fromBf16(DeviceWeights.toBf16(1.01171875f))).isEqualTo(1.015625f); // tie -> even (up)
        assertThat(DeviceWeights.fromBf16(DeviceWeights.toBf16(-3.3f))).isCloseTo(-3.3f, org.assertj.core.data.Offset.offset(0.02f));
        assertThat(Float.isNaN(DeviceWeights.fromBf16(DeviceWeights.toBf16(Float.NaN)))).isTrue();
        assertThat(DeviceWeights.fromBf16(DeviceWeights.toBf16(Float.POSITIVE_INFINITY))).isEqualTo(Float.POSITIVE_INFINITY);
    }

    @Test
    void ropeTablesMatchTheDefinitionAndLlama3Scaling() {
        float[][] t = DeviceWeights.ropeTables(16, 10000, RopeScaling.NONE, 8);
        // position 3, pair 1: angle 3 * 10000^(-2/16)
        double ang = 3 * Math.pow(10000, -2.0 / 16);
        assertThat((double) t[0][3 * 8 + 1]).isCloseTo(Math.cos(ang), org.assertj.core.data.Offset.offset(1e-6));
        assertThat((double) t[1][3 * 8 + 1]).isCloseTo(Math.sin(ang), org.assertj.core.data.Offset.offset(1e-6));
        RopeScaling llama3 = new RopeScaling("llama3", 8.0, 1.0, 4.0, 8192);
        float[] plain = DeviceWeights.inverseFrequencies(128, 500000, RopeScaling.NONE);
        float[] scaled = DeviceWeights.inverseFrequencies(128, 500000, llama3);
        assertThat(scaled[0]).isEqualTo(plain[0]); // high frequency: unchanged
        assertThat((double) scaled[63]).isCloseTo(plain[63] / 8.0, org.assertj.core.data.Offset.offset(1e-12)); // low: / factor
    }
}
