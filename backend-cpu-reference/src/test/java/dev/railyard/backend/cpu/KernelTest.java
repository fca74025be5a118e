package dev.railyard.backend.cpu;

import static org.assertj.core.api.Assertions.assertThat;

import dev.railyard.spi.model.DType;
import dev.railyard.spi.model.TensorView;
import java.lang.foreign.Arena;
import java.lang.foreign.MemorySegment;
import java.lang.foreign.ValueLayout;
import java.nio.ByteOrder;
import java.util.SplittableRandom;
import jdk.incubator.vector.FloatVector;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;

/** The building blocks: exact widening, the deterministic exp, and every GEMM shape giving the reference bits. */
class KernelTest {

    private static final ValueLayout.OfShort I16 = ValueLayout.JAVA_SHORT_UNALIGNED.withOrder(ByteOrder.LITTLE_ENDIAN);
    private static final int L = VectorMath.L;

    /** The 65,536 16-bit patterns in order, pattern i at element i. */
    private static MemorySegment everySixteenBitPattern(Arena a) {
        MemorySegment seg = a.allocate(65536L * 2);
        for (int i = 0; i < 65536; i++) {
            seg.setAtIndex(I16, i, (short) i);
        }
        return seg;
    }

    @Test
    void float16WideningIsExactForEveryValue() {
        try (Arena a = Arena.ofConfined()) {
            MemorySegment seg = everySixteenBitPattern(a);
            float[] out = new float[L];
            for (int i = 0; i < 65536; i += L) {
                VectorMath.f16(seg, i * 2L).intoArray(out, 0);
                for (int j = 0; j < L; j++) {
                    float expected = Float.float16ToFloat((short) (i + j));
                    if (Float.isNaN(expected)) {
                        assertThat(out[j]).as("half 0x%04x", i + j).isNaN(); // NaN payload/quiet bit may differ
                        continue;
                    }
                    assertThat(Float.floatToRawIntBits(out[j])).as("half 0x%04x", i + j)
                            .isEqualTo(Float.floatToRawIntBits(expected));
                }
            }
        }
    }

    @Test
    void bfloat16WideningIsExactForEveryValue() {
        try (Arena a = Arena.ofConfined()) {
            MemorySegment seg = everySixteenBitPattern(a);
            float[] out = new float[L];
            for (int i = 0; i < 65536; i += L) {
                VectorMath.bf16(seg, i * 2L).intoArray(out, 0);
                for (int j = 0; j < L; j++) {
                    assertThat(Float.floatToRawIntBits(out[j])).isEqualTo((i + j) << 16);
                }
            }
        }
    }

    @Test
    void vectorExpEqualsScalarExpAndIsAccurate() {
        SplittableRandom r = new SplittableRandom(1);
        float[] in = new float[L];
        float[] out = new float[L];
        double worstUlps = 0;
        for (int it = 0; it < 20000; it++) {
            for (int j = 0; j < L; j++) {
                in[j] = (float) (r.nextDouble() * 170 - 86);
            }
            VectorMath.exp(FloatVector.fromArray(VectorMath.F, in, 0)).intoArray(out, 0);
            for (int j = 0; j < L; j++) {
                assertThat(Float.floatToRawIntBits(out[j])).isEqualTo(Float.floatToRawIntBits(VectorMath.exp(in[j])));
                double exact = Math.exp(in[j]);
                worstUlps = Math.max(worstUlps, Math.abs(out[j] - exact) / Math.ulp((float) exact));
            }
        }
        assertThat(worstUlps).isLessThan(3);
        assertThat(VectorMath.exp(0f)).isEqualTo(1f);
        assertThat(VectorMath.exp(-1000f)).isLessThan(1e-37f);
    }

    @Test
    void laneTreesAgree() {
        SplittableRandom r = new SplittableRandom(2);
        float[] acc = new float[VectorMath.ACC_SIZE];
        float[] copy = new float[16 * L];
        for (int it = 0; it < 1000; it++) {
            for (int i = 0; i < 16 * L; i++) {
                acc[i] = (float) r.nextGaussian();
            }
            System.arraycopy(acc, 0, copy, 0, copy.length);
            VectorMath.sumLanes16(acc, 16);
            for (int j = 0; j < 16; j++) {
                float one = VectorMath.sumLanes(FloatVector.fromArray(VectorMath.F, copy, j * L));
                float[] tmp = java.util.Arrays.copyOfRange(copy, j * L, j * L + L);
                float scalar = VectorMath.sumLanesScalar(tmp, 0);
                assertThat(acc[VectorMath.SUMS + j]).isEqualTo(one).isEqualTo(scalar);
            }
        }
    }

    /** Every (token, row) product from {@link MatMul#run}, for any batch size and row range, equals {@link MatMul#dot}. */
    @ParameterizedTest
    @EnumSource(value = DType.class, names = {"F32", "BF16", "F16"})
    void everyGemmPathGivesTheReferenceBits(DType dtype) {
        for (int k : new int[] {64, 96, 40, 7}) {
            int rows = 53;
            InMemoryWeights w = new InMemoryWeights();
            TensorView t = w.allocate("w", dtype, rows, k);
            SplittableRandom r = new SplittableRandom(k);
            for (long i = 0; i < (long) rows * k; i++) {
                float f = (float) r.nextGaussian();
                short h = dtype == DType.BF16 ? (short) (Float.floatToRawIntBits(f) >>> 16) : Float.floatToFloat16(f);
                if (dtype == DType.F32) {
                    t.data().setAtIndex(ValueLayout.JAVA_FLOAT_UNALIGNED.withOrder(ByteOrder.LITTLE_ENDIAN), i, f);
                } else {
                    t.data().setAtIndex(I16, i, h);
                }
            }
            float[] bias = new float[rows];
            for (int i = 0; i < rows; i++) {
                bias[i] = (float) r.nextGaussian();
            }
            Linear lin = new Linear("w", t.data(), dtype, rows, k, bias);
            WorkerScratch s;
            try (Arena arena = Arena.ofConfined()) {
                s = new WorkerScratch(arena, k, 1, 16);
                for (int tokens : new int[] {1, 2, 3, 4, 5, 6, 7, 8, 9, 11}) {
                    int ldx = k + 3;
                    float[] x = new float[tokens * ldx];
                    for (int i = 0; i < x.length; i++) {
                        x[i] = (float) r.nextGaussian();
                    }
                    for (int[] range : new int[][] {{0, rows}, {16, 48}, {0, 17}, {5, 53}}) {
                        float[] y = new float[tokens * rows];
                        MatMul.run(lin, x, ldx, tokens, y, rows, range[0], range[1], false, s);
                        for (int tt = 0; tt < tokens; tt++) {
                            for (int n = range[0]; n < range[1]; n++) {
                                float expected = MatMul.dot(dtype, t.data(), lin.rowOffset(n), x, tt * ldx, k) + bias[n];
                                assertThat(Float.floatToRawIntBits(y[tt * rows + n]))
                                        .as("%s k=%d tokens=%d token %d row %d", dtype, k, tokens, tt, n)
                                        .isEqualTo(Float.floatToRawIntBits(expected));
                            }
                        }
                    }
                }
            }
            w.close();
        }
    }
}
