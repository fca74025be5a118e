package dev.railyard.backend.cpu;

import java.lang.foreign.MemorySegment;
import java.nio.ByteOrder;
import jdk.incubator.vector.FloatVector;
import jdk.incubator.vector.IntVector;
import jdk.incubator.vector.ShortVector;
import jdk.incubator.vector.VectorMask;
import jdk.incubator.vector.VectorOperators;
import jdk.incubator.vector.VectorShape;
import jdk.incubator.vector.VectorShuffle;
import jdk.incubator.vector.VectorSpecies;

/**
 * Vector building blocks shared by every kernel, written so that each result is a fixed function
 * of its inputs, whatever the JIT tier:
 *
 * <ul>
 *   <li>horizontal sums never use {@code reduceLanes(ADD)} (whose order is unspecified and
 *       differs between the interpreter and C2); they use one fixed pairwise tree, lane {@code i}
 *       with lane {@code i ^ s} for {@code s = L/2, L/4, ..., 1}, whether done one vector at a
 *       time ({@link #sumLanes}), sixteen at a time (the transposing tree written inline in
 *       {@link GemmKernels}, and {@link #sumLanes16}) or in scalar code ({@link #sumLanesScalar}) —
 *       all give identical bits because float addition is commutative;
 *   <li>{@link #exp} is a polynomial of FMA, add and multiply only (no SVML intrinsic);
 *   <li>bfloat16 and float16 weights are widened exactly with integer operations.
 * </ul>
 */
final class VectorMath {

    static final VectorSpecies<Float> F = FloatVector.SPECIES_PREFERRED;
    static final int L = F.length();
    static final VectorSpecies<Short> SH = VectorSpecies.of(short.class, VectorShape.forBitSize(L * 16));
    static final VectorSpecies<Integer> VI = VectorSpecies.of(int.class, F.vectorShape());
    static final ByteOrder LE = ByteOrder.LITTLE_ENDIAN;

    /** {@code true} when the 16-way transposing reduction is available (512-bit floats). */
    static final boolean WIDE16 = L == 16;

    static final VectorMask<Float> M8;
    static final VectorMask<Float> M4;
    static final VectorMask<Float> M2;
    static final VectorMask<Float> M1;
    static final VectorShuffle<Float> X8;
    static final VectorShuffle<Float> X4;
    static final VectorShuffle<Float> X2;
    static final VectorShuffle<Float> X1;
    static final VectorShuffle<Float> BITREV;
    /** Lane {@code i} of the 16-way tree's result holds accumulator {@code BITREV4[i]}. */
    static final int[] BITREV4 = {0, 8, 4, 12, 2, 10, 6, 14, 1, 9, 5, 13, 3, 11, 7, 15};

    static {
        if (WIDE16) {
            M8 = maskBit(8);
            M4 = maskBit(4);
            M2 = maskBit(2);
            M1 = maskBit(1);
            X8 = xorShuffle(8);
            X4 = xorShuffle(4);
            X2 = xorShuffle(2);
            X1 = xorShuffle(1);
            BITREV = VectorShuffle.fromArray(F, BITREV4, 0);
        } else {
            M8 = M4 = M2 = M1 = null;
            X8 = X4 = X2 = X1 = BITREV = null;
        }
    }

    private VectorMath() {
    }

    private static VectorMask<Float> maskBit(int s) {
        boolean[] bits = new boolean[L];
        for (int i = 0; i < L; i++) {
            bits[i] = (i & s) != 0;
        }
        return VectorMask.fromArray(F, bits, 0);
    }

    private static VectorShuffle<Float> xorShuffle(int s) {
        int[] idx = new int[L];
        for (int i = 0; i < L; i++) {
            idx[i] = i ^ s;
        }
        return VectorShuffle.fromArray(F, idx, 0);
    }

    /** Lanes of {@code a} where bit {@code s} of the lane index is 0, of {@code b} elsewhere, each summed with its partner lane. */
    private static FloatVector comb(FloatVector a, FloatVector b, VectorMask<Float> m, VectorShuffle<Float> x) {
        FloatVector keep = a.blend(b, m);
        FloatVector swap = b.blend(a, m).rearrange(x);
        return keep.add(swap);
    }

    /** Floats a kernel's {@code acc} scratch must hold. */
    static final int ACC_SIZE = 16 * L + L + 32;
    /** Where {@link #sumLanes16} leaves its sums in {@code acc}. */
    static final int SUMS = 16 * L + L;

    /**
     * Lane sums of {@code count} (1 to 16) accumulators stored at {@code acc[j * L ..]}; the sum of
     * accumulator {@code j} goes to {@code acc[SUMS + j]}. {@code acc} holds {@link #ACC_SIZE}
     * floats.
     */
    static void sumLanes16(float[] acc, int count) {
        if (WIDE16) {
            FloatVector c0 = comb(at(acc, 0, count), at(acc, 1, count), M8, X8);
            FloatVector c1 = comb(at(acc, 2, count), at(acc, 3, count), M8, X8);
            FloatVector c2 = comb(at(acc, 4, count), at(acc, 5, count), M8, X8);
            FloatVector c3 = comb(at(acc, 6, count), at(acc, 7, count), M8, X8);
            FloatVector c4 = comb(at(acc, 8, count), at(acc, 9, count), M8, X8);
            FloatVector c5 = comb(at(acc, 10, count), at(acc, 11, count), M8, X8);
            FloatVector c6 = comb(at(acc, 12, count), at(acc, 13, count), M8, X8);
            FloatVector c7 = comb(at(acc, 14, count), at(acc, 15, count), M8, X8);
            FloatVector d0 = comb(c0, c1, M4, X4);
            FloatVector d1 = comb(c2, c3, M4, X4);
            FloatVector d2 = comb(c4, c5, M4, X4);
            FloatVector d3 = comb(c6, c7, M4, X4);
            FloatVector e0 = comb(d0, d1, M2, X2);
            FloatVector e1 = comb(d2, d3, M2, X2);
            comb(e0, e1, M1, X1).rearrange(BITREV).intoArray(acc, SUMS);
            return;
        }
        int work = 16 * L;
        for (int j = 0; j < count; j++) {
            System.arraycopy(acc, j * L, acc, work, L);
            acc[SUMS + j] = sumLanesScalar(acc, work);
        }
    }

    private static FloatVector at(float[] acc, int j, int count) {
        return FloatVector.fromArray(F, acc, (j < count ? j : j % count) * L);
    }

    /** The lane sum of one vector by the fixed pairwise tree. */
    static float sumLanes(FloatVector v) {
        if (WIDE16) {
            v = v.add(v.rearrange(X8));
            v = v.add(v.rearrange(X4));
            v = v.add(v.rearrange(X2));
            v = v.add(v.rearrange(X1));
            return v.lane(0);
        }
        float[] tmp = new float[L];
        v.intoArray(tmp, 0);
        return sumLanesScalar(tmp, 0);
    }

    /** The same tree in scalar code over {@code L} floats at {@code a[off..]}; destroys them. */
    static float sumLanesScalar(float[] a, int off) {
        for (int s = L / 2; s >= 1; s >>= 1) {
            for (int i = 0; i < s; i++) {
                a[off + i] = a[off + i] + a[off + i + s];
            }
        }
        return a[off];
    }

    /** Sixteen bfloat16 values (L of them) at {@code byteOffset}, widened to float. */
    static FloatVector bf16(MemorySegment seg, long byteOffset) {
        ShortVector s = ShortVector.fromMemorySegment(SH, seg, byteOffset, LE);
        return widenBf16(s);
    }

    static FloatVector bf16(MemorySegment seg, long byteOffset, VectorMask<Short> m) {
        ShortVector s = ShortVector.fromMemorySegment(SH, seg, byteOffset, LE, m);
        return widenBf16(s);
    }

    private static FloatVector widenBf16(ShortVector s) {
        IntVector i = (IntVector) s.convertShape(VectorOperators.S2I, VI, 0);
        return i.lanewise(VectorOperators.LSHL, 16).reinterpretAsFloats();
    }

    static FloatVector f16(MemorySegment seg, long byteOffset) {
        return widenF16(ShortVector.fromMemorySegment(SH, seg, byteOffset, LE));
    }

    static FloatVector f16(MemorySegment seg, long byteOffset, VectorMask<Short> m) {
        return widenF16(ShortVector.fromMemorySegment(SH, seg, byteOffset, LE, m));
    }

    /** Exact IEEE half to single conversion (normals, subnormals, zeros, infinities, NaN). */
    static FloatVector widenF16(ShortVector s) {
        IntVector h = (IntVector) s.convertShape(VectorOperators.S2I, VI, 0);
        IntVector sign = h.and(0x8000_0000);
        IntVector mag = h.and(0x7FFF);
        IntVector bits = mag.lanewise(VectorOperators.LSHL, 13).add(112 << 23);
        bits = bits.add(112 << 23, mag.compare(VectorOperators.GE, 0x7C00));
        FloatVector normal = bits.reinterpretAsFloats();
        FloatVector sub = ((FloatVector) mag.convert(VectorOperators.I2F, 0)).mul(0x1p-24f);
        FloatVector v = normal.blend(sub, mag.compare(VectorOperators.LT, 0x400).cast(F));
        return v.reinterpretAsInts().or(sign).reinterpretAsFloats();
    }

    private static final float LOG2E = 1.44269504088896341f;
    private static final float LN2_HI = 0.693359375f;
    private static final float LN2_LO = -2.12194440e-4f;
    private static final float ROUND_MAGIC = 12582912f; // 1.5 * 2^23
    private static final float EXP_MAX = 88.0f;
    private static final float EXP_MIN = -87.0f;

    /**
     * {@code e^x} lane-wise, within about 2 ulp; arguments are clamped to [-87, 88]. Uses only
     * FMA, add, multiply and integer ops, so the result is the same in every JIT tier, and it
     * agrees bit for bit with {@link #exp(float)}.
     */
    static FloatVector exp(FloatVector x) {
        x = x.max(EXP_MIN).min(EXP_MAX);
        FloatVector t = x.fma(LOG2E, ROUND_MAGIC);
        FloatVector n = t.sub(ROUND_MAGIC);
        IntVector ni = t.reinterpretAsInts().sub(Float.floatToRawIntBits(ROUND_MAGIC));
        FloatVector r = n.fma(bc(-LN2_HI), x);
        r = n.fma(bc(-LN2_LO), r);
        FloatVector p = r.fma(1.9875691500E-4f, 1.3981999507E-3f);
        p = p.fma(r, bc(8.3334519073E-3f));
        p = p.fma(r, bc(4.1665795894E-2f));
        p = p.fma(r, bc(1.6666665459E-1f));
        p = p.fma(r, bc(5.0000001201E-1f));
        FloatVector r2 = r.mul(r);
        p = p.fma(r2, r).add(1f);
        FloatVector scale = ni.add(127).lanewise(VectorOperators.LSHL, 23).reinterpretAsFloats();
        return p.mul(scale);
    }

    private static FloatVector bc(float c) {
        return FloatVector.broadcast(F, c);
    }

    /** Scalar twin of {@link #exp(FloatVector)}: the same operations, so the same bits. */
    static float exp(float x) {
        x = Math.min(Math.max(x, EXP_MIN), EXP_MAX);
        float t = Math.fma(x, LOG2E, ROUND_MAGIC);
        float n = t - ROUND_MAGIC;
        int ni = Float.floatToRawIntBits(t) - Float.floatToRawIntBits(ROUND_MAGIC);
        float r = Math.fma(n, -LN2_HI, x);
        r = Math.fma(n, -LN2_LO, r);
        float p = Math.fma(r, 1.9875691500E-4f, 1.3981999507E-3f);
        p = Math.fma(p, r, 8.3334519073E-3f);
        p = Math.fma(p, r, 4.1665795894E-2f);
        p = Math.fma(p, r, 1.6666665459E-1f);
        p = Math.fma(p, r, 5.0000001201E-1f);
        float r2 = r * r;
        p = Math.fma(p, r2, r) + 1f;
        float scale = Float.intBitsToFloat((ni + 127) << 23);
        return p * scale;
    }
}
