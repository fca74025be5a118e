package dev.railyard.backend.cpu;

import static org.assertj.core.api.Assertions.assertThat;

import dev.railyard.spi.Clock;
import dev.railyard.spi.backend.Backend;
import dev.railyard.spi.backend.BackendContext;
import dev.railyard.spi.model.DType;
import dev.railyard.spi.model.LoadedModel;
import java.util.List;
import org.junit.jupiter.api.Test;

/**
 * A bfloat16 KV pool ({@code kv-cache-dtype: bfloat16}): half the memory, still batch-invariant,
 * and logits within a few 1e-3 of the float32 pool's.
 */
class KvCacheDtypeTest {

    private static Backend open(LoadedModel model, String kvDtype, int threads, int blockSize) {
        CpuBackendConfig cfg = new CpuBackendConfig();
        cfg.threads = threads;
        cfg.kvCacheDtype = kvDtype;
        cfg.validate();
        return new CpuReferenceBackendProvider().open(model, cfg,
                new BackendContext(Clock.system(), blockSize, 16 * 64 / blockSize + 8, 0, s -> { }));
    }

    private static List<float[]> run(LoadedModel model, String kvDtype, int threads, int blockSize, int chunk) {
        try (Backend b = open(model, kvDtype, threads, blockSize)) {
            return BatchInvarianceTest.runChunked(b, BatchInvarianceTest.tokens(300), chunk);
        }
    }

    @Test
    void aBfloat16PoolIsStillBatchInvariant() {
        for (DType dt : List.of(DType.F32, DType.BF16)) {
            LoadedModel model = BatchInvarianceTest.model(dt);
            List<float[]> base = run(model, "bfloat16", 1, 16, BatchInvarianceTest.PROMPT);
            BatchInvarianceTest.assertSameBits(run(model, "bfloat16", 2, 16, 7), base, dt + ": chunks of 7, 2 threads");
            BatchInvarianceTest.assertSameBits(run(model, "bf16", 2, 4, 1), base, dt + ": block size 4, chunks of 1");
            BatchInvarianceTest.assertSameBits(run(model, "bfloat16", 3, 32, 16), base, dt + ": block size 32, 3 threads");
        }
    }

    @Test
    void aBfloat16PoolMovesLogitsByLittleAndHalvesTheMemory() {
        LoadedModel model = BatchInvarianceTest.model(DType.F32);
        List<float[]> exact = BatchInvarianceTest.baseline(DType.F32);
        List<float[]> rounded = run(model, "bfloat16", 1, 16, BatchInvarianceTest.PROMPT);
        assertThat(rounded).hasSameSizeAs(exact);
        double worst = 0;
        boolean anyDifferent = false;
        for (int r = 0; r < exact.size(); r++) {
            double num = 0;
            double den = 0;
            for (int i = 0; i < exact.get(r).length; i++) {
                double d = rounded.get(r)[i] - exact.get(r)[i];
                num += d * d;
                den += (double) exact.get(r)[i] * exact.get(r)[i];
                anyDifferent |= d != 0;
            }
            worst = Math.max(worst, Math.sqrt(num / den));
        }
        assertThat(anyDifferent).as("the rounding shows").isTrue();
        assertThat(worst).as("worst relative L2 error of a logits row").isLessThan(2e-2);
        try (Backend f32 = open(model, "float32", 1, 16); Backend bf16 = open(model, "bfloat16", 1, 16)) {
            assertThat(((CpuReferenceBackend) bf16).kvPoolBytes() * 2).isEqualTo(((CpuReferenceBackend) f32).kvPoolBytes());
        }
    }

    @Test
    void roundingToBfloat16IsToNearestEven() {
        assertThat(PagedKvCache.toBfloat16(1.0f)).isEqualTo((short) 0x3F80);
        // 1 + 2^-8 is halfway between 1 and 1 + 2^-7: ties to the even mantissa, 1
        assertThat(PagedKvCache.toBfloat16(Float.intBitsToFloat(0x3F808000))).isEqualTo((short) 0x3F80);
        assertThat(PagedKvCache.toBfloat16(Float.intBitsToFloat(0x3F818000))).isEqualTo((short) 0x3F82);
        assertThat(PagedKvCache.toBfloat16(Float.intBitsToFloat(0x3F808001))).isEqualTo((short) 0x3F81);
        assertThat(PagedKvCache.toBfloat16(-2.5f)).isEqualTo((short) 0xC020);
        assertThat(PagedKvCache.toBfloat16(Float.MAX_VALUE)).isEqualTo((short) 0x7F80); // rounds up to infinity
        assertThat(Float.isNaN(Float.intBitsToFloat(PagedKvCache.toBfloat16(Float.NaN) << 16))).isTrue();
    }
}
