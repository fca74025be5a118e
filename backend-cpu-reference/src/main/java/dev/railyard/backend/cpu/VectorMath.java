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
 *       with lane {@code i ^ s} for {@code s = L/2, L/4, ..., 1}, whether done in vectors
 *       ({@link #sumLanes}) or in scalar code ({@link #sumLanesScalar}) — both give identical
 *       bits because float addition is commutative;
 *   <li>{@link #exp} is a polynomial of FMA, add and multiply only (no SVML intrinsic);
 *   <li>bfloat16 values (a bfloat16 KV pool) are widened exactly with integer operations.
 * </ul>
 */
final class VectorMath {

    static final VectorSpecies<Float> F = FloatVector.SPECIES_PREFERRED;
    static final int L = F.length();
    static final VectorSpecies<Short> SH = VectorSpecies.of(short.class, VectorShape.forBitSize(L * 16));
    static final VectorSpecies<Integer> VI = VectorSpecies.of(int.class, F.vectorShape());
    static final ByteOrder LE = ByteOrder.LITTLE_ENDIAN;

    /** {@code true} with 512-bit float vectors: the generated GEMM kernels and the lane tree in vectors. */
    static final boolean WIDE16 = L == 16;

    static final VectorShuffle<Float> X8;
    static final VectorShuffle<Float> X4;
    static final VectorShuffle<Float> X2;
    static final VectorShuffle<Float> X1;

    static {
        if (WIDE16) {
            X8 = xorShuffle(8);
            X4 = xorShuffle(4);
            X2 = xorShuffle(2);
            X1 = xorShuffle(1);
        } else {
            X8 = X4 = X2 = X1 = null;
        }
    }

    private VectorMath() {
    }

    private static VectorShuffle<Float> xorShuffle(int s) {
        int[] idx = new int[L];
        for (int i = 0; i < L; i++) {
            idx[i] = i ^ s;
        }
        return VectorShuffle.fromArray(F, idx, 0);
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
