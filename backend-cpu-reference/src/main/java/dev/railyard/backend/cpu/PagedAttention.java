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
 * query heads of one KV head (GQA/MQA share each KV head among {@code group} query heads); or of
 * a run of up to {@link #RUN} consecutive tokens of one sequence at once ({@link #attendRun}),
 * which shares the loads of keys and values but not the arithmetic.
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
    /** Bytes of a pool element, and whether it is bfloat16 (widened on load). */
    private final int eb;
    private final boolean bf16;

    /** Most queries of one sequence that {@link #attendRun} takes at once. */
    static final int RUN = 4;

    PagedAttention(PagedKvCache cache, int headDim, int group) {
        this.cache = cache;
        this.eb = cache.elementBytes();
        this.bf16 = cache.bf16();
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
        boolean wholeVectors = bs % L == 0;
        int blocks = (n + bs - 1) / bs;
        MemorySegment pool = cache.segment();
        float[] sc = s.scores;
        int stride = s.scoresStride;
        long dStride = (long) bs * eb;
        float[] sums = s.sums;
        for (int gi = 0; gi < group; gi++) {
            int h = kvHead * group + gi;
            int qh = qo + h * headDim;
            int so = gi * stride;
            for (int b = 0; b < blocks; b++) {
                long kb = cache.keyBase(layer, blockTable[b], kvHead);
                int count = Math.min(bs, n - b * bs);
                int c = 0;
                for (; c + L <= count; c += L) {
                    scores(pool, kb + (long) c * eb, dStride, q, qh, sc, so + b * bs + c);
                }
                if (c < count && wholeVectors) {
                    // the block has room for a whole vector: score it all, lanes past the position
                    // are never read (softmax stops at n)
                    scores(pool, kb + (long) c * eb, dStride, q, qh, sc, so + b * bs + c);
                } else if (c < count) {
                    scoresMasked(pool, kb + (long) c * eb, dStride, q, qh, sc, so + b * bs + c, count - c);
                }
            }
            sums[gi] = softmax(sc, so, n);
        }
        int gi = 0;
        if (headDim % (2 * L) == 0) {
            // two heads at a time, two vectors of dimensions each: four independent FMA chains
            for (; gi + 2 <= group; gi += 2) {
                int h = kvHead * group + gi;
                for (int d0 = 0; d0 < headDim; d0 += 2 * L) {
                    weightedValues2x2(layer, blockTable, n, kvHead, sc, gi * stride, stride, sums[gi], sums[gi + 1],
                            out, oo + h * headDim, d0, pool);
                }
            }
        }
        for (; gi < group; gi++) {
            int h = kvHead * group + gi;
            int so = gi * stride;
            int vo = oo + h * headDim;
            int d0 = 0;
            for (; d0 + 4 * L <= headDim; d0 += 4 * L) {
                weightedValues4(layer, blockTable, n, kvHead, sc, so, sums[gi], out, vo, d0, pool);
            }
            for (; d0 < headDim; d0 += L) {
                weightedValues1(layer, blockTable, n, kvHead, sc, so, sums[gi], out, vo, d0, pool);
            }
        }
    }

    /**
     * {@link #attend} for {@code count} (1 to {@link #RUN}) consecutive tokens of one sequence, at
     * positions {@code first .. first + count - 1}: token i's queries at {@code q[qo + i * qStride]},
     * its output at {@code out[oo + i * qStride]}. Each key and value vector is loaded once for all
     * of them (prefill, verification steps); every query's arithmetic is that of {@link #attend}
     * (same chains in the same order), so its bits do not depend on the run it is in.
     */
    void attendRun(int layer, int[] blockTable, int first, int count, int kvHead, float[] q, int qo, int qStride,
                   float[] out, int oo, WorkerScratch s) {
        if (count == 1 || !VectorMath.WIDE16 || headDim % 64 != 0 || cache.blockSize() % L != 0) {
            for (int i = 0; i < count; i++) {
                attend(layer, blockTable, first + i, kvHead, q, qo + i * qStride, out, oo + i * qStride, s);
            }
            return;
        }
        int bs = cache.blockSize();
        int last = first + count - 1;
        int blocks = (last + 1 + bs - 1) / bs;
        MemorySegment pool = cache.segment();
        float[] sc = s.scores;
        int stride = s.scoresStride;
        long dStride = (long) bs * eb;
        // lane i of the run is token min(i, count - 1): a short run repeats its last token
        int q1 = Math.min(1, count - 1) * qStride;
        int q2 = Math.min(2, count - 1) * qStride;
        int q3 = (count - 1) * qStride;
        int rowStride = group * stride;
        for (int gi = 0; gi < group; gi++) {
            int qh = qo + (kvHead * group + gi) * headDim;
            int so = gi * stride;
            for (int b = 0; b < blocks; b++) {
                long kb = cache.keyBase(layer, blockTable[b], kvHead);
                for (int c = 0; c < bs && b * bs + c <= last; c += L) {
                    scores4(pool, kb + (long) c * eb, dStride, q, qh, qh + q1, qh + q2, qh + q3, sc,
                            so + b * bs + c, rowStride);
                }
            }
            for (int i = 0; i < RUN; i++) {
                int n = first + Math.min(i, count - 1) + 1;
                s.sums[i * group + gi] = softmax(sc, i * rowStride + so, n);
            }
        }
        for (int gi = 0; gi < group; gi++) {
            int h = kvHead * group + gi;
            for (int d0 = 0; d0 < headDim; d0 += 64) {
                values4x64(layer, blockTable, first, count, kvHead, sc, gi * stride, rowStride, s.sums, gi, out,
                        oo + h * headDim + d0, qStride, d0, pool, s.spill);
            }
        }
    }

    /**
     * {@link #scores} of four queries (heads at {@code q[qa ..]}, {@code q[qb ..]}, {@code q[qc ..]},
     * {@code q[qd ..]}) against L slots, each key vector loaded once: query i's scores to
     * {@code sc[at + i * rowStride ..]}.
     */
    private void scores4(MemorySegment pool, long kb, long dStride, float[] q, int qa, int qb, int qc, int qd,
                         float[] sc, int at, int rowStride) {
        FloatVector z = FloatVector.zero(F);
        FloatVector a0 = z, a1 = z, a2 = z, a3 = z, b0 = z, b1 = z, b2 = z, b3 = z;
        FloatVector c0 = z, c1 = z, c2 = z, c3 = z, e0 = z, e1 = z, e2 = z, e3 = z;
        long p = kb;
        for (int d = 0; d + 4 <= headDim; d += 4) {
            FloatVector k0 = load(pool, p);
            FloatVector k1 = load(pool, p + dStride);
            FloatVector k2 = load(pool, p + 2 * dStride);
            FloatVector k3 = load(pool, p + 3 * dStride);
            a0 = k0.fma(FloatVector.broadcast(F, q[qa + d]), a0);
            a1 = k1.fma(FloatVector.broadcast(F, q[qa + d + 1]), a1);
            a2 = k2.fma(FloatVector.broadcast(F, q[qa + d + 2]), a2);
            a3 = k3.fma(FloatVector.broadcast(F, q[qa + d + 3]), a3);
            b0 = k0.fma(FloatVector.broadcast(F, q[qb + d]), b0);
            b1 = k1.fma(FloatVector.broadcast(F, q[qb + d + 1]), b1);
            b2 = k2.fma(FloatVector.broadcast(F, q[qb + d + 2]), b2);
            b3 = k3.fma(FloatVector.broadcast(F, q[qb + d + 3]), b3);
            c0 = k0.fma(FloatVector.broadcast(F, q[qc + d]), c0);
            c1 = k1.fma(FloatVector.broadcast(F, q[qc + d + 1]), c1);
            c2 = k2.fma(FloatVector.broadcast(F, q[qc + d + 2]), c2);
            c3 = k3.fma(FloatVector.broadcast(F, q[qc + d + 3]), c3);
            e0 = k0.fma(FloatVector.broadcast(F, q[qd + d]), e0);
            e1 = k1.fma(FloatVector.broadcast(F, q[qd + d + 1]), e1);
            e2 = k2.fma(FloatVector.broadcast(F, q[qd + d + 2]), e2);
            e3 = k3.fma(FloatVector.broadcast(F, q[qd + d + 3]), e3);
            p += 4 * dStride;
        }
        a0.add(a1).add(a2.add(a3)).mul(scale).intoArray(sc, at);
        b0.add(b1).add(b2.add(b3)).mul(scale).intoArray(sc, at + rowStride);
        c0.add(c1).add(c2.add(c3)).mul(scale).intoArray(sc, at + 2 * rowStride);
        e0.add(e1).add(e2.add(e3)).mul(scale).intoArray(sc, at + 3 * rowStride);
    }

    /**
     * Dimensions {@code [d0, d0 + 64)} of one head for the run's four query lanes: the chains of
     * {@link #weightedValues4}, each value row loaded once. Positions every lane attends to run
     * in registers; the few that only the later tokens of the run see continue per lane from the
     * spilled accumulators (a float stored and reloaded is the same float).
     */
    private void values4x64(int layer, int[] blockTable, int first, int count, int kvHead, float[] e, int eo,
                            int rowStride, float[] sums, int gi, float[] out, int oo, int qStride, int d0,
                            MemorySegment pool, float[] spill) {
        int bs = cache.blockSize();
        long rowBytes = (long) headDim * eb;
        long vl = (long) L * eb;
        long dOff = (long) d0 * eb;
        int common = first + 1; // positions 0 .. first: every lane attends to them
        FloatVector z = FloatVector.zero(F);
        FloatVector a0 = z, a1 = z, a2 = z, a3 = z, b0 = z, b1 = z, b2 = z, b3 = z;
        FloatVector c0 = z, c1 = z, c2 = z, c3 = z, f0 = z, f1 = z, f2 = z, f3 = z;
        int eb1 = eo + rowStride;
        int eb2 = eo + 2 * rowStride;
        int eb3 = eo + 3 * rowStride;
        for (int j0 = 0; j0 < common; j0 += bs) {
            long p = cache.valueBase(layer, blockTable[j0 / bs], kvHead) + dOff;
            int end = Math.min(j0 + bs, common);
            for (int j = j0; j < end; j++) {
                FloatVector v0 = load(pool, p);
                FloatVector v1 = load(pool, p + vl);
                FloatVector v2 = load(pool, p + 2 * vl);
                FloatVector v3 = load(pool, p + 3 * vl);
                FloatVector wa = FloatVector.broadcast(F, e[eo + j]);
                FloatVector wb = FloatVector.broadcast(F, e[eb1 + j]);
                FloatVector wc = FloatVector.broadcast(F, e[eb2 + j]);
                FloatVector wd = FloatVector.broadcast(F, e[eb3 + j]);
                a0 = v0.fma(wa, a0);
                a1 = v1.fma(wa, a1);
                a2 = v2.fma(wa, a2);
                a3 = v3.fma(wa, a3);
                b0 = v0.fma(wb, b0);
                b1 = v1.fma(wb, b1);
                b2 = v2.fma(wb, b2);
                b3 = v3.fma(wb, b3);
                c0 = v0.fma(wc, c0);
                c1 = v1.fma(wc, c1);
                c2 = v2.fma(wc, c2);
                c3 = v3.fma(wc, c3);
                f0 = v0.fma(wd, f0);
                f1 = v1.fma(wd, f1);
                f2 = v2.fma(wd, f2);
                f3 = v3.fma(wd, f3);
                p += rowBytes;
            }
        }
        a0.intoArray(spill, 0);
        a1.intoArray(spill, L);
        a2.intoArray(spill, 2 * L);
        a3.intoArray(spill, 3 * L);
        b0.intoArray(spill, 64);
        b1.intoArray(spill, 64 + L);
        b2.intoArray(spill, 64 + 2 * L);
        b3.intoArray(spill, 64 + 3 * L);
        c0.intoArray(spill, 128);
        c1.intoArray(spill, 128 + L);
        c2.intoArray(spill, 128 + 2 * L);
        c3.intoArray(spill, 128 + 3 * L);
        f0.intoArray(spill, 192);
        f1.intoArray(spill, 192 + L);
        f2.intoArray(spill, 192 + 2 * L);
        f3.intoArray(spill, 192 + 3 * L);
        int group = this.group;
        for (int i = 0; i < count; i++) {
            // lane i is token i (lane 3 repeats the last token of a short run: lanes past count - 1 are skipped)
            int n = first + i + 1;
            int ei = eo + i * rowStride;
            FloatVector x0 = FloatVector.fromArray(F, spill, i * 64);
            FloatVector x1 = FloatVector.fromArray(F, spill, i * 64 + L);
            FloatVector x2 = FloatVector.fromArray(F, spill, i * 64 + 2 * L);
            FloatVector x3 = FloatVector.fromArray(F, spill, i * 64 + 3 * L);
            for (int j = common; j < n; j++) {
                long p = cache.valueBase(layer, blockTable[j / bs], kvHead) + (long) (j % bs) * rowBytes + dOff;
                FloatVector w = FloatVector.broadcast(F, e[ei + j]);
                x0 = load(pool, p).fma(w, x0);
                x1 = load(pool, p + vl).fma(w, x1);
                x2 = load(pool, p + 2 * vl).fma(w, x2);
                x3 = load(pool, p + 3 * vl).fma(w, x3);
            }
            float sum = sums[i * group + gi];
            int o = oo + i * qStride;
            x0.div(sum).intoArray(out, o);
            x1.div(sum).intoArray(out, o + L);
            x2.div(sum).intoArray(out, o + 2 * L);
            x3.div(sum).intoArray(out, o + 3 * L);
        }
    }

    /** Scaled scores of L consecutive slots of one block, keys at {@code kb + d * dStride}, into {@code sc[at ..]}. */
    private void scores(MemorySegment pool, long kb, long dStride, float[] q, int qh, float[] sc, int at) {
        FloatVector c0 = FloatVector.zero(F);
        FloatVector c1 = c0;
        FloatVector c2 = c0;
        FloatVector c3 = c0;
        int d = 0;
        long p = kb;
        for (; d + 4 <= headDim; d += 4) {
            c0 = load(pool, p).fma(FloatVector.broadcast(F, q[qh + d]), c0);
            c1 = load(pool, p + dStride).fma(FloatVector.broadcast(F, q[qh + d + 1]), c1);
            c2 = load(pool, p + 2 * dStride).fma(FloatVector.broadcast(F, q[qh + d + 2]), c2);
            c3 = load(pool, p + 3 * dStride).fma(FloatVector.broadcast(F, q[qh + d + 3]), c3);
            p += 4 * dStride;
        }
        for (; d < headDim; d++) {
            c0 = load(pool, p).fma(FloatVector.broadcast(F, q[qh + d]), c0);
            p += dStride;
        }
        c0.add(c1).add(c2.add(c3)).mul(scale).intoArray(sc, at);
    }

    /** {@link #scores} for the first {@code count < L} slots: the same lane-wise arithmetic. */
    private void scoresMasked(MemorySegment pool, long kb, long dStride, float[] q, int qh, float[] sc, int at, int count) {
        VectorMask<Float> m = F.indexInRange(0, count);
        FloatVector c0 = FloatVector.zero(F);
        FloatVector c1 = c0;
        FloatVector c2 = c0;
        FloatVector c3 = c0;
        int d = 0;
        long p = kb;
        for (; d + 4 <= headDim; d += 4) {
            c0 = load(pool, p, m).fma(FloatVector.broadcast(F, q[qh + d]), c0);
            c1 = load(pool, p + dStride, m).fma(FloatVector.broadcast(F, q[qh + d + 1]), c1);
            c2 = load(pool, p + 2 * dStride, m).fma(FloatVector.broadcast(F, q[qh + d + 2]), c2);
            c3 = load(pool, p + 3 * dStride, m).fma(FloatVector.broadcast(F, q[qh + d + 3]), c3);
            p += 4 * dStride;
        }
        for (; d < headDim; d++) {
            c0 = load(pool, p, m).fma(FloatVector.broadcast(F, q[qh + d]), c0);
            p += dStride;
        }
        c0.add(c1).add(c2.add(c3)).mul(scale).intoArray(sc, at, m);
    }

    /**
     * Replaces {@code sc[so .. so + n)} by {@code exp(s - max)} and returns their sum; the lanes
     * after {@code n} up to the next multiple of L (room the scores row always has) become 0.
     * One loop with one call of {@link VectorMath#exp}: a second call site (for the tail) was not
     * inlined by C2, and a vector passed to a call that is not inlined is boxed, which allocated
     * ~100 MB/s in the engine.
     */
    private static float softmax(float[] sc, int so, int n) {
        int end = (n + L - 1) / L * L;
        for (int j = n; j < end; j++) {
            sc[so + j] = Float.NEGATIVE_INFINITY; // whatever a whole-vector score left there
        }
        FloatVector mx = FloatVector.broadcast(F, Float.NEGATIVE_INFINITY);
        for (int j = 0; j < end; j += L) {
            mx = mx.max(FloatVector.fromArray(F, sc, so + j));
        }
        float max = mx.reduceLanes(VectorOperators.MAX);
        FloatVector sum = FloatVector.zero(F);
        for (int j = 0; j < end; j += L) {
            FloatVector e = VectorMath.exp(FloatVector.fromArray(F, sc, so + j).sub(max));
            if (j + L > n) {
                // lanes past n: exactly 0, so the sum is what adding only the lanes before n gives
                e = e.blend(0f, LANE.compare(VectorOperators.GE, n - j));
            }
            e.intoArray(sc, so + j);
            sum = sum.add(e);
        }
        return VectorMath.sumLanes(sum);
    }

    /** L keys or values from byte offset {@code p} of the pool, widened when it holds bfloat16. */
    private FloatVector load(MemorySegment pool, long p) {
        return bf16 ? VectorMath.bf16(pool, p) : FloatVector.fromMemorySegment(F, pool, p, LE);
    }

    /** {@link #load(MemorySegment, long)} of the lanes in {@code m}; the others are 0. */
    private FloatVector load(MemorySegment pool, long p, VectorMask<Float> m) {
        return bf16 ? VectorMath.bf16(pool, p, m.cast(VectorMath.SH)) : FloatVector.fromMemorySegment(F, pool, p, LE, m);
    }

    /** Lane i holds i. */
    private static final FloatVector LANE = FloatVector.fromArray(F, lanes(), 0);

    private static float[] lanes() {
        float[] a = new float[L];
        for (int i = 0; i < L; i++) {
            a[i] = i;
        }
        return a;
    }

    /**
     * Dimensions {@code [d0, d0 + 4L)} of {@code Σ_j e_j · V_j / sum}, positions in order: one FMA
     * chain per dimension.
     */
    private void weightedValues4(int layer, int[] blockTable, int n, int kvHead, float[] e, int eo, float sum,
                                 float[] out, int oo, int d0, MemorySegment pool) {
        int bs = cache.blockSize();
        long rowBytes = (long) headDim * eb;
        long vl = (long) L * eb;
        FloatVector a0 = FloatVector.zero(F);
        FloatVector a1 = a0;
        FloatVector a2 = a0;
        FloatVector a3 = a0;
        long dOff = (long) d0 * eb;
        for (int j0 = 0; j0 < n; j0 += bs) {
            long p = cache.valueBase(layer, blockTable[j0 / bs], kvHead) + dOff;
            int end = Math.min(j0 + bs, n);
            for (int j = j0; j < end; j++) {
                FloatVector w = FloatVector.broadcast(F, e[eo + j]);
                a0 = load(pool, p).fma(w, a0);
                a1 = load(pool, p + vl).fma(w, a1);
                a2 = load(pool, p + 2 * vl).fma(w, a2);
                a3 = load(pool, p + 3 * vl).fma(w, a3);
                p += rowBytes;
            }
        }
        a0.div(sum).intoArray(out, oo + d0);
        a1.div(sum).intoArray(out, oo + d0 + L);
        a2.div(sum).intoArray(out, oo + d0 + 2 * L);
        a3.div(sum).intoArray(out, oo + d0 + 3 * L);
    }

    /**
     * Dimensions {@code [d0, d0 + 2L)} of two consecutive query heads (weights at {@code e[eo ..]}
     * and {@code e[eo + eStride ..]}, outputs at {@code out[oo ..]} and {@code out[oo + headDim ..]}):
     * the same per-dimension chains as {@link #weightedValues4}, four of them interleaved.
     */
    private void weightedValues2x2(int layer, int[] blockTable, int n, int kvHead, float[] e, int eo, int eStride,
                                   float sum0, float sum1, float[] out, int oo, int d0, MemorySegment pool) {
        int bs = cache.blockSize();
        long rowBytes = (long) headDim * eb;
        long vl = (long) L * eb;
        FloatVector a0 = FloatVector.zero(F);
        FloatVector a1 = a0;
        FloatVector b0 = a0;
        FloatVector b1 = a0;
        long dOff = (long) d0 * eb;
        int eo1 = eo + eStride;
        for (int j0 = 0; j0 < n; j0 += bs) {
            long p = cache.valueBase(layer, blockTable[j0 / bs], kvHead) + dOff;
            int end = Math.min(j0 + bs, n);
            for (int j = j0; j < end; j++) {
                FloatVector v0 = load(pool, p);
                FloatVector v1 = load(pool, p + vl);
                FloatVector w0 = FloatVector.broadcast(F, e[eo + j]);
                FloatVector w1 = FloatVector.broadcast(F, e[eo1 + j]);
                a0 = v0.fma(w0, a0);
                a1 = v1.fma(w0, a1);
                b0 = v0.fma(w1, b0);
                b1 = v1.fma(w1, b1);
                p += rowBytes;
            }
        }
        a0.div(sum0).intoArray(out, oo + d0);
        a1.div(sum0).intoArray(out, oo + d0 + L);
        b0.div(sum1).intoArray(out, oo + headDim + d0);
        b1.div(sum1).intoArray(out, oo + headDim + d0 + L);
    }

    /** {@link #weightedValues4} for one vector of dimensions (masked past the head's end). */
    private void weightedValues1(int layer, int[] blockTable, int n, int kvHead, float[] e, int eo, float sum,
                                 float[] out, int oo, int d0, MemorySegment pool) {
        int bs = cache.blockSize();
        long rowBytes = (long) headDim * eb;
        VectorMask<Float> m = F.indexInRange(d0, headDim);
        FloatVector a = FloatVector.zero(F);
        long dOff = (long) d0 * eb;
        for (int j0 = 0; j0 < n; j0 += bs) {
            long p = cache.valueBase(layer, blockTable[j0 / bs], kvHead) + dOff;
            int end = Math.min(j0 + bs, n);
            for (int j = j0; j < end; j++) {
                a = load(pool, p, m).fma(FloatVector.broadcast(F, e[eo + j]), a);
                p += rowBytes;
            }
        }
        a.div(sum).intoArray(out, oo + d0, m);
    }
}
