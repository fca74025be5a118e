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
import jdk.incubator.vector.IntVector;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;

/** The building blocks: exact bfloat16 widening, the deterministic exp, and every GEMM shape giving the reference bits. */
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
    void float16WideningIsExactForEveryValue() {
        int[] pairs = new int[L];
        float[] low = new float[L];
        float[] high = new float[L];
        for (int i = 0; i < 65536; i += 2 * L) {
            for (int j = 0; j < L; j++) {
                pairs[j] = (i + j) | (i + L + j) << 16;
            }
            IntVector u = IntVector.fromArray(VectorMath.VI, pairs, 0);
            GemmKernels.f16Low(u).intoArray(low, 0);
            GemmKernels.f16High(u).intoArray(high, 0);
            for (int j = 0; j < L; j++) {
                assertThat(Float.floatToRawIntBits(low[j])).as("float16 %04x", i + j).isEqualTo(widened((short) (i + j)));
                assertThat(Float.floatToRawIntBits(high[j])).as("float16 %04x", i + L + j).isEqualTo(widened((short) (i + L + j)));
            }
        }
    }

    /** The float32 bits of a float16: Java's conversion, and for NaNs the payload moved up unchanged (a quiet bit is not added). */
    private static int widened(short h) {
        float f = Float.float16ToFloat(h);
        if (Float.isNaN(f)) {
            return (h & 0x8000) << 16 | 0x7F800000 | (h & 0x3FF) << 13;
        }
        return Float.floatToRawIntBits(f);
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
    void vectorAndScalarLaneTreesAgree() {
        SplittableRandom r = new SplittableRandom(2);
        float[] a = new float[L];
        for (int it = 0; it < 1000; it++) {
            for (int i = 0; i < L; i++) {
                a[i] = (float) r.nextGaussian();
            }
            float vector = VectorMath.sumLanes(FloatVector.fromArray(VectorMath.F, a, 0));
            assertThat(VectorMath.sumLanesScalar(a.clone(), 0)).isEqualTo(vector);
        }
    }

    /** The product of one token row with one weight row as every GEMM path must compute it: sequential FMAs from 0. */
    private static float reference(Linear w, int row, float[] x, int xo) {
        float acc = 0f;
        for (int i = 0; i < w.cols(); i++) {
            float wi = switch (w.dtype()) {
                case F32 -> w.data().get(F32, w.rowOffset(row) + 4L * i);
                case BF16 -> Float.intBitsToFloat((w.data().get(I16, w.rowOffset(row) + 2L * i) & 0xFFFF) << 16);
                default -> Float.float16ToFloat(w.data().get(I16, w.rowOffset(row) + 2L * i));
            };
            acc = Math.fma(x[xo + i], wi, acc);
        }
        return acc;
    }

    /** A {@code rows x k} matrix of {@code dtype} with a bias, standard normal values rounded to the dtype. */
    private static Linear randomLinear(InMemoryWeights w, DType dtype, int rows, int k, SplittableRandom r) {
        TensorView t = w.allocate("w", dtype, rows, k);
        for (long i = 0; i < (long) rows * k; i++) {
            float f = (float) r.nextGaussian();
            switch (dtype) {
                case F32 -> t.data().setAtIndex(F32, i, f);
                case BF16 -> t.data().setAtIndex(I16, i, (short) (Float.floatToRawIntBits(f) >>> 16));
                default -> t.data().setAtIndex(I16, i, Float.floatToFloat16(f));
            }
        }
        return new Linear("w", t.data(), dtype, rows, k, gaussians(r, rows));
    }

    private static float[] gaussians(SplittableRandom r, int n) {
        float[] a = new float[n];
        for (int i = 0; i < n; i++) {
            a[i] = (float) r.nextGaussian();
        }
        return a;
    }

    /** x transposed in tiles, as the backend hands it to {@link MatMul#run}. */
    private static float[] tiles(float[] x, int ldx, int tokens, int k) {
        float[] tiles = new float[tokens * k];
        for (int i = 0; i < MatMul.tileCount(tokens); i++) {
            MatMul.transposeTile(x, ldx, tokens, k, i, tiles);
        }
        return tiles;
    }

    private static final ValueLayout.OfFloat F32 = ValueLayout.JAVA_FLOAT_UNALIGNED.withOrder(ByteOrder.LITTLE_ENDIAN);

    /**
     * Every (token, row) product from {@link MatMul#run} and from its portable path, for any batch
     * size, row range and K, equals the sequential-FMA reference over the unpacked weights.
     */
    @ParameterizedTest
    @EnumSource(value = DType.class, names = {"F32", "BF16", "F16"})
    void everyGemmPathGivesTheReferenceBits(DType dtype) {
        for (int k : new int[] {64, 96, 40, 7}) {
            int rows = 181; // five full blocks of 32 and a partial one
            InMemoryWeights w = new InMemoryWeights();
            SplittableRandom r = new SplittableRandom(k);
            Linear lin = randomLinear(w, dtype, rows, k, r);
            float[] bias = lin.bias();
            WorkerScratch s = new WorkerScratch(1, 16);
            try (Arena arena = Arena.ofConfined()) {
                PackedLinear packed = PackedLinear.pack(lin, arena);
                for (int tokens : new int[] {1, 2, 3, 4, 5, 6, 7, 8, 9, 11, 12, 13, 25, 31}) {
                    int ldx = k + 3;
                    float[] x = gaussians(r, tokens * ldx);
                    for (int[] range : new int[][] {{0, rows}, {32, 160}, {0, 17}, {5, 181}, {64, 96}}) {
                        float[] y = new float[tokens * rows];
                        float[] yPortable = new float[tokens * rows];
                        MatMul.run(packed, x, ldx, tokens, tiles(x, ldx, tokens, k), y, rows, range[0], range[1], false, s);
                        MatMul.portable(packed, x, ldx, tokens, yPortable, rows, range[0], range[1], false);
                        for (int tt = 0; tt < tokens; tt++) {
                            for (int n = 0; n < rows; n++) {
                                boolean inRange = n >= range[0] && n < range[1];
                                float expected = inRange ? reference(lin, n, x, tt * ldx) + bias[n] : 0f;
                                String what = String.format("%s k=%d tokens=%d token %d row %d", dtype, k, tokens, tt, n);
                                assertThat(Float.floatToRawIntBits(y[tt * rows + n])).as(what)
                                        .isEqualTo(Float.floatToRawIntBits(expected));
                                assertThat(Float.floatToRawIntBits(yPortable[tt * rows + n])).as("portable " + what)
                                        .isEqualTo(Float.floatToRawIntBits(expected));
                            }
                        }
                    }
                }
            }
            w.close();
        }
    }

    /**
     * The float16 kernels widen every finite value exactly, subnormals and signed zeros included:
     * a matrix holding each finite float16 once (64 rows of 992), through the lead-only path (1
     * and 2 tokens) and the widening one (5 and 14 tokens), equals the sequential-FMA reference.
     */
    @Test
    void float16KernelsWidenEveryFiniteValue() {
        int rows = 64;
        int k = 992; // 64 x 992 = 63,488: every bit pattern but the 2,048 infinities and NaNs
        InMemoryWeights w = new InMemoryWeights();
        TensorView t = w.allocate("w", DType.F16, rows, k);
        // in order: row i holds 992 consecutive patterns, about one binade, so that every row's sum
        // feels each of its weights (rows 0 and 32: the subnormals and the zeros)
        int[] finite = java.util.stream.IntStream.range(0, 65536).filter(h -> (h & 0x7C00) != 0x7C00).toArray();
        SplittableRandom r = new SplittableRandom(16);
        assertThat(finite).hasSize(rows * k);
        for (int i = 0; i < rows * k; i++) {
            t.data().setAtIndex(I16, i, (short) finite[i]);
        }
        Linear lin = new Linear("w", t.data(), DType.F16, rows, k, null);
        try (Arena arena = Arena.ofConfined()) {
            PackedLinear packed = PackedLinear.pack(lin, arena);
            for (int tokens : new int[] {1, 2, 5, 14}) {
                float[] x = new float[tokens * k];
                for (int i = 0; i < x.length; i++) {
                    x[i] = (float) (r.nextGaussian() * 1e-3); // keeps every sum finite
                }
                float[] y = new float[tokens * rows];
                MatMul.run(packed, x, k, tokens, tiles(x, k, tokens, k), y, rows, 0, rows, false, new WorkerScratch(1, 16));
                for (int tt = 0; tt < tokens; tt++) {
                    for (int n = 0; n < rows; n++) {
                        assertThat(Float.floatToRawIntBits(y[tt * rows + n])).as("tokens=%d token %d row %d", tokens, tt, n)
                                .isEqualTo(Float.floatToRawIntBits(reference(lin, n, x, tt * k)));
                    }
                }
            }
        }
        w.close();
    }

    /** {@code y += x · Wᵀ} adds each product to what y held, after the bias, in one rounding each. */
    @Test
    void accumulateAddsTheProductToTheResidual() {
        InMemoryWeights w = new InMemoryWeights();
        int rows = 40;
        int k = 48;
        SplittableRandom r = new SplittableRandom(9);
        Linear lin = randomLinear(w, DType.F32, rows, k, r);
        float[] bias = lin.bias();
        try (Arena arena = Arena.ofConfined()) {
            PackedLinear packed = PackedLinear.pack(lin, arena);
            for (int tokens : new int[] {1, 3, 14}) {
                float[] x = gaussians(r, tokens * k);
                float[] y = gaussians(r, tokens * rows);
                float[] before = y.clone();
                MatMul.run(packed, x, k, tokens, tiles(x, k, tokens, k), y, rows, 0, rows, true, new WorkerScratch(1, 16));
                for (int tt = 0; tt < tokens; tt++) {
                    for (int n = 0; n < rows; n++) {
                        float expected = before[tt * rows + n] + (reference(lin, n, x, tt * k) + bias[n]);
                        assertThat(y[tt * rows + n]).as("token %d row %d", tt, n).isEqualTo(expected);
                    }
                }
            }
        }
        w.close();
    }
}
