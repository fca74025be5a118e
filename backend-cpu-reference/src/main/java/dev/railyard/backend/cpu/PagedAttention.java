package dev.railyard.backend.cpu;

import static dev.railyard.backend.cpu.VectorMath.F;
import static dev.railyard.backend.cpu.VectorMath.L;
import static dev.railyard.backend.cpu.VectorMath.LE;

import java.lang.foreign.MemorySegment;
import jdk.incubator.vector.FloatVector;
import jdk.incubator.vector.VectorMask;
import jdk.incubator.vector.VectorOperators;

/**
 * Causal attention of one query token over its own sequence's blocks in the KV pool, for the
 * query heads of one KV head (GQA/MQA share each KV head among {@code group} query heads).
 *
 * <p>Every key and value is read from the pool, including those written in this very step, so a
 * query sees the same numbers whatever chunk its keys arrived in. All reductions have a shape
 * fixed by the query's position alone:
 * <ul>
 *   <li>the score of position j is four FMA chains over the head dimensions (d mod 4), added as
 *       {@code (c0 + c1) + (c2 + c3)}: lane-wise, so it does not matter which block or vector
 *       lane position j sits in (the block size never changes a bit);</li>
 *   <li>max, exp and the softmax denominator run over the score array indexed by absolute
 *       position, in vector steps from position 0, summed by the fixed lane tree;</li>
 *   <li>the weighted sum of values runs over positions 0..p in order, one FMA chain per
 *       dimension.</li>
 * </ul>
 */
final class PagedAttention {

    private final PagedKvCache cache;
    private final int headDim;
    private final int group;
    private final float scale;

    PagedAttention(PagedKvCache cache, int headDim, int group) {
        this.cache = cache;
        this.headDim = headDim;
        this.group = group;
        this.scale = (float) (1.0 / Math.sqrt(headDim));
    }

    /**
     * @param q queries; head h of the token at {@code q[qo + h * headDim]}
     * @param out output rows, same layout as q
     * @param kvHead the KV head; query heads {@code kvHead * group ..} use it
     * @param position the token's position (it attends to 0..position)
     */
    void attend(int layer, int[] blockTable, int position, int kvHead, float[] q, int qo, float[] out, int oo,
                WorkerScratch s) {
        int n = position + 1;
        int bs = cache.blockSize();
        int blocks = (n + bs - 1) / bs;
        MemorySegment pool = cache.segment();
        float[] sc = s.scores;
        int stride = s.scoresStride;
        for (int gi = 0; gi < group; gi++) {
            int h = kvHead * group + gi;
            int qh = qo + h * headDim;
            int so = gi * stride;
            for (int b = 0; b < blocks; b++) {
                long kb = cache.keyBase(layer, blockTable[b], kvHead);
                int count = Math.min(bs, n - b * bs);
                for (int c = 0; c < count; c += L) {
                    VectorMask<Float> m = F.indexInRange(c, count);
                    FloatVector score = scores(pool, kb + (long) c * Float.BYTES, (long) bs * Float.BYTES, q, qh, m);
                    score.mul(scale).intoArray(sc, so + b * bs + c, m);
                }
            }
            float sum = softmax(sc, so, n);
            weightedValues(layer, blockTable, n, kvHead, sc, so, sum, out, oo + h * headDim, pool);
        }
    }

    /** Scores of up to L consecutive slots of one block: keys at {@code kb + d * dStride}. */
    private FloatVector scores(MemorySegment pool, long kb, long dStride, float[] q, int qh, VectorMask<Float> m) {
        FloatVector c0 = FloatVector.zero(F);
        FloatVector c1 = c0;
        FloatVector c2 = c0;
        FloatVector c3 = c0;
        int d = 0;
        long p = kb;
        for (; d + 4 <= headDim; d += 4) {
            c0 = FloatVector.fromMemorySegment(F, pool, p, LE, m).fma(FloatVector.broadcast(F, q[qh + d]), c0);
            c1 = FloatVector.fromMemorySegment(F, pool, p + dStride, LE, m).fma(FloatVector.broadcast(F, q[qh + d + 1]), c1);
            c2 = FloatVector.fromMemorySegment(F, pool, p + 2 * dStride, LE, m).fma(FloatVector.broadcast(F, q[qh + d + 2]), c2);
            c3 = FloatVector.fromMemorySegment(F, pool, p + 3 * dStride, LE, m).fma(FloatVector.broadcast(F, q[qh + d + 3]), c3);
            p += 4 * dStride;
        }
        for (; d < headDim; d++) {
            c0 = FloatVector.fromMemorySegment(F, pool, p, LE, m).fma(FloatVector.broadcast(F, q[qh + d]), c0);
            p += dStride;
        }
        return c0.add(c1).add(c2.add(c3));
    }

    /** Replaces {@code sc[so .. so + n)} by {@code exp(s - max)} and returns their sum. */
    private static float softmax(float[] sc, int so, int n) {
        FloatVector mx = FloatVector.broadcast(F, Float.NEGATIVE_INFINITY);
        int j = 0;
        for (; j + L <= n; j += L) {
            mx = mx.max(FloatVector.fromArray(F, sc, so + j));
        }
        if (j < n) {
            VectorMask<Float> m = F.indexInRange(j, n);
            mx = mx.lanewise(VectorOperators.MAX, FloatVector.fromArray(F, sc, so + j, m), m);
        }
        float max = mx.reduceLanes(VectorOperators.MAX);
        FloatVector sum = FloatVector.zero(F);
        j = 0;
        for (; j + L <= n; j += L) {
            FloatVector e = VectorMath.exp(FloatVector.fromArray(F, sc, so + j).sub(max));
            e.intoArray(sc, so + j);
            sum = sum.add(e);
        }
        if (j < n) {
            VectorMask<Float> m = F.indexInRange(j, n);
            FloatVector e = VectorMath.exp(FloatVector.fromArray(F, sc, so + j, m).sub(max));
            e.intoArray(sc, so + j, m);
            sum = sum.add(e, m);
        }
        return VectorMath.sumLanes(sum);
    }

    /** {@code out[d] = Σ_j e_j · V_j[d] / sum}, positions in order, four vectors of dimensions at a time. */
    private void weightedValues(int layer, int[] blockTable, int n, int kvHead, float[] e, int eo, float sum,
                                float[] out, int oo, MemorySegment pool) {
        int bs = cache.blockSize();
        long rowBytes = (long) headDim * Float.BYTES;
        for (int d0 = 0; d0 < headDim; d0 += 4 * L) {
            VectorMask<Float> m0 = F.indexInRange(d0, headDim);
            VectorMask<Float> m1 = F.indexInRange(d0 + L, headDim);
            VectorMask<Float> m2 = F.indexInRange(d0 + 2 * L, headDim);
            VectorMask<Float> m3 = F.indexInRange(d0 + 3 * L, headDim);
            FloatVector a0 = FloatVector.zero(F);
            FloatVector a1 = a0;
            FloatVector a2 = a0;
            FloatVector a3 = a0;
            long dOff = (long) d0 * Float.BYTES;
            for (int j0 = 0; j0 < n; j0 += bs) {
                long vb = cache.valueBase(layer, blockTable[j0 / bs], kvHead) + dOff;
                int count = Math.min(bs, n - j0);
                for (int slot = 0; slot < count; slot++) {
                    FloatVector w = FloatVector.broadcast(F, e[eo + j0 + slot]);
                    long p = vb + slot * rowBytes;
                    a0 = FloatVector.fromMemorySegment(F, pool, p, LE, m0).fma(w, a0);
                    a1 = FloatVector.fromMemorySegment(F, pool, p + (long) L * Float.BYTES, LE, m1).fma(w, a1);
                    a2 = FloatVector.fromMemorySegment(F, pool, p + 2L * L * Float.BYTES, LE, m2).fma(w, a2);
                    a3 = FloatVector.fromMemorySegment(F, pool, p + 3L * L * Float.BYTES, LE, m3).fma(w, a3);
                }
            }
            a0.div(sum).intoArray(out, oo + d0, m0);
            a1.div(sum).intoArray(out, oo + d0 + L, m1);
            a2.div(sum).intoArray(out, oo + d0 + 2 * L, m2);
            a3.div(sum).intoArray(out, oo + d0 + 3 * L, m3);
        }
    }
}
