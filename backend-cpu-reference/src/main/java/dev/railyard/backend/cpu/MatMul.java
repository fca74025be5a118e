package dev.railyard.backend.cpu;

import static dev.railyard.backend.cpu.VectorMath.F;
import static dev.railyard.backend.cpu.VectorMath.L;
import static dev.railyard.backend.cpu.VectorMath.VI;

import java.lang.foreign.MemorySegment;
import jdk.incubator.vector.FloatVector;
import jdk.incubator.vector.IntVector;
import jdk.incubator.vector.VectorOperators;

/**
 * {@code y = x · Wᵀ (+ bias)}, or {@code y += x · Wᵀ (+ bias)}, for a range of W's rows: the part
 * of a matrix product one worker computes. All tokens of the step go through each weight block
 * together, so a step reads each weight once whatever its size.
 *
 * <p>Loop order: blocks of tokens (their activations transposed in tiles, at most {@link
 * #TOKEN_BLOCK_BYTES}, kept in L2) × groups of {@link #GROUP_BLOCKS} blocks of 32 packed rows ×
 * tiles, each through one outer-product kernel of {@link GemmKernels}. The lead tile (one or two
 * tokens) reads a group's blocks from memory together, in several streams at once; the tiles of
 * up to {@link #TILE_TOKENS} tokens then use each block from cache. One token (decode) is just the
 * lead tile and reads its activation row in place. Every path gives the bits of
 * {@code acc = fma(x[k], w[k], acc)} over k from 0, so a (token, row) pair's value never
 * depends on the tile it falls in.
 */
final class MatMul {

    /** Rows of a packed block. */
    static final int PANEL = PackedLinear.BLOCK_ROWS;
    /** Tokens of the lead tile. */
    static final int LEAD_TOKENS = 2;
    /** Blocks that the lead tile reads together, and that the other tiles then reuse from cache. */
    static final int GROUP_BLOCKS = 4;
    /**
     * Rows of the smallest share of a product a worker takes (and the alignment of the others):
     * one group of blocks, so that a lead tile reads four streams. With 32-row shares, the small
     * last shares of each product ran single-stream: a 1-sequence BF16 decode step took 12.8-13.2
     * ms against 11.8-12.2 ms with these (A/B, same window).
     */
    static final int CHUNK = PANEL * GROUP_BLOCKS;
    /** Most tokens in one kernel tile (24 accumulators for 32 rows). */
    static final int TILE_TOKENS = 12;
    /** Bytes of (transposed) activations one token block may take, to stay in a core's L2 across weight blocks. */
    static final int TOKEN_BLOCK_BYTES = 768 * 1024;
    /** Floats of the largest output tile (12 tokens x 32 rows; the lead tiles, 2 x 128 and 1 x 128, are smaller). */
    static final int OUT_TILE = TILE_TOKENS * PANEL;

    private MatMul() {
    }

    /**
     * Computes rows {@code [nFrom, nTo)} of W against {@code tokens} rows of x.
     *
     * @param w the packed weight
     * @param x activations, token t at {@code x[t * ldx ..]}, {@code w.cols()} wide
     * @param tiles x transposed by {@link #transposeTile} (every tile), when {@code tokens > 1}
     * @param y output, token t, row n at {@code y[t * ldy + n]}
     * @param accumulate add into y (a residual connection) instead of overwriting it
     */
    static void run(PackedLinear w, float[] x, int ldx, int tokens, float[] tiles, float[] y, int ldy, int nFrom, int nTo,
                    boolean accumulate, WorkerScratch s) {
        if (nFrom >= nTo || tokens == 0) {
            return;
        }
        if (!VectorMath.WIDE16) {
            portable(w, x, ldx, tokens, y, ldy, nFrom, nTo, accumulate);
            return;
        }
        int k = w.cols();
        float[] xt = tokens == 1 ? x : tiles;
        int count = tileCount(tokens);
        // float16 with tiles after the lead: the lead tile keeps each group widened to float32 in
        // the worker's scratch (L2) and the other tiles are the float32 kernels over that copy, so
        // a group is read from memory once at half the bytes and widened once; one token block,
        // so that a group is widened once for all the tokens
        MemorySegment keep = w.packing() == PackedLinear.Packing.F16 && count > 1
                ? s.widened(GROUP_BLOCKS * keepBlockBytes(w)) : null;
        PackedLinear.Packing tilePacking = keep == null ? w.packing() : PackedLinear.Packing.F32;
        MemorySegment tileSource = keep == null ? w.data() : keep;
        long tileBlockBytes = keep == null ? w.blockBytes() : keepBlockBytes(w);
        int tilesPerBlock = keep == null ? Math.max(1, TOKEN_BLOCK_BYTES / (TILE_TOKENS * k * Float.BYTES)) : count;
        int bTo = (nTo + PANEL - 1) / PANEL;
        for (int i0 = 0; i0 < count; i0 += tilesPerBlock) {
            int i1 = Math.min(count, i0 + tilesPerBlock);
            for (int g = nFrom / PANEL; g < bTo; g += GROUP_BLOCKS) {
                int gEnd = Math.min(bTo, g + GROUP_BLOCKS);
                if (i0 == 0) {
                    lead(w, xt, tileTokens(0, tokens), g, gEnd, y, ldy, nFrom, nTo, accumulate, s, keep);
                }
                int firstBlock = keep == null ? 0 : g; // the kept copy starts at the group's first block
                for (int b = g; b < gEnd; b++) {
                    for (int i = Math.max(1, i0); i < i1; i++) {
                        int t0 = tileStart(i);
                        int tt = tileTokens(i, tokens);
                        GemmKernels.tile(tilePacking, tt, 1, tileSource, (b - firstBlock) * tileBlockBytes, tileBlockBytes,
                                xt, t0 * k, k, s.out);
                        store(s.out, tt, PANEL, b * PANEL, w, y, t0 * ldy, ldy, nFrom, nTo, accumulate);
                    }
                }
            }
        }
    }

    /**
     * The lead tile (the first one or two tokens) against blocks {@code [g, gEnd)}: several blocks
     * per kernel, so that their weights come from memory in as many concurrent streams (one
     * sequential stream per core reaches about 6 GB/s here, four about 16); the other tiles then
     * find the group in cache. With {@code keep} (float16 weights), the blocks are also stored
     * there widened to float32, block {@code b} at {@code (b - g) * keepBlockBytes(w)}.
     */
    private static void lead(PackedLinear w, float[] xt, int tt, int g, int gEnd, float[] y, int ldy,
                             int nFrom, int nTo, boolean accumulate, WorkerScratch s, MemorySegment keep) {
        long keepBlock = keepBlockBytes(w);
        int b = g;
        while (b < gEnd) {
            int n = gEnd - b >= GROUP_BLOCKS ? GROUP_BLOCKS : gEnd - b >= 2 ? 2 : 1;
            if (keep == null) {
                GemmKernels.tile(w.packing(), tt, n, w.data(), b * w.blockBytes(), w.blockBytes(), xt, 0, w.cols(), s.out);
            } else {
                GemmKernels.leadKeepingF16(tt, n, w.data(), b * w.blockBytes(), w.blockBytes(), xt, 0, w.cols(), s.out,
                        keep, (b - g) * keepBlock, keepBlock);
            }
            store(s.out, tt, n * PANEL, b * PANEL, w, y, 0, ldy, nFrom, nTo, accumulate);
            b += n;
        }
    }

    /** Bytes of one block of {@code w} widened to float32. */
    private static long keepBlockBytes(PackedLinear w) {
        return w.cols() * PackedLinear.Packing.F32.columnBytes();
    }

    /** Tiles that {@code tokens} make: the lead tile, then tiles of {@link #TILE_TOKENS} (the last one shorter). */
    static int tileCount(int tokens) {
        return 1 + (Math.max(0, tokens - LEAD_TOKENS) + TILE_TOKENS - 1) / TILE_TOKENS;
    }

    /** The first token of tile {@code i}. */
    static int tileStart(int i) {
        return i == 0 ? 0 : LEAD_TOKENS + (i - 1) * TILE_TOKENS;
    }

    /** Tokens in tile {@code i} of {@code tokens}. */
    static int tileTokens(int i, int tokens) {
        return i == 0 ? Math.min(LEAD_TOKENS, tokens) : Math.min(TILE_TOKENS, tokens - tileStart(i));
    }

    /**
     * Tile {@code i} of x into {@code tiles}, transposed: with {@code t0 = tileStart(i)} and {@code
     * tt = tileTokens(i, tokens)}, token {@code t0 + t} at k goes to {@code tiles[t0 * k + k * tt + t]}.
     */
    static void transposeTile(float[] x, int ldx, int tokens, int k, int i, float[] tiles) {
        int t0 = tileStart(i);
        int tt = tileTokens(i, tokens);
        int base = t0 * k;
        for (int t = 0; t < tt; t++) {
            int src = (t0 + t) * ldx;
            int dst = base + t;
            for (int j = 0; j < k; j++) {
                tiles[dst + j * tt] = x[src + j];
            }
        }
    }

    /** The tile's rows {@code [n0, n0 + rows)} ∩ {@code [nFrom, nTo)} ∩ the matrix, from {@code out} into y. */
    private static void store(float[] out, int tokens, int rows, int n0, PackedLinear w, float[] y, int yo, int ldy,
                              int nFrom, int nTo, boolean accumulate) {
        int from = Math.max(n0, nFrom);
        int to = Math.min(Math.min(n0 + rows, nTo), w.rows());
        float[] bias = w.bias();
        int vectorEnd = from + (to - from) / L * L;
        for (int t = 0; t < tokens; t++) {
            int row = yo + t * ldy;
            int o = t * rows - n0;
            int n = from;
            for (; n < vectorEnd; n += L) {
                FloatVector v = FloatVector.fromArray(F, out, o + n);
                if (bias != null) {
                    v = v.add(FloatVector.fromArray(F, bias, n));
                }
                if (accumulate) {
                    v = FloatVector.fromArray(F, y, row + n).add(v);
                }
                v.intoArray(y, row + n);
            }
            for (; n < to; n++) {
                y[row + n] = epilogue(out[o + n], bias, n, y, row + n, accumulate);
            }
        }
    }

    private static float epilogue(float v, float[] bias, int n, float[] y, int at, boolean accumulate) {
        if (bias != null) {
            v += bias[n];
        }
        return accumulate ? y[at] + v : v;
    }

    /**
     * The same products for any vector width (machines without 512-bit vectors): one token and
     * one vector of rows at a time, one accumulator chain, the same per-lane FMA order.
     */
    static void portable(PackedLinear w, float[] x, int ldx, int tokens, float[] y, int ldy, int nFrom, int nTo,
                         boolean accumulate) {
        int k = w.cols();
        long colBytes = w.columnBytes();
        float[] acc = new float[PANEL];
        for (int b = nFrom / PANEL; b * PANEL < nTo; b++) {
            long base = b * w.blockBytes();
            for (int t = 0; t < tokens; t++) {
                int xo = t * ldx;
                if (w.packing() == PackedLinear.Packing.F16) {
                    // L rows widened at a time (scalar, exact), then the same lane-wise chain
                    float[] lanes = new float[L];
                    for (int v = 0; v < PANEL; v += L) {
                        FloatVector a = FloatVector.zero(F);
                        for (int i = 0; i < k; i++) {
                            for (int j = 0; j < L; j++) {
                                lanes[j] = w.weight(b * PANEL + v + j, i);
                            }
                            a = FloatVector.broadcast(F, x[xo + i]).fma(FloatVector.fromArray(F, lanes, 0), a);
                        }
                        a.intoArray(acc, v);
                    }
                } else if (w.packing() == PackedLinear.Packing.BF16) {
                    // an int vector of lanes [v, v + L) holds rows v + j (low halves) and 16 + v + j (high)
                    for (int v = 0; v < 16; v += L) {
                        FloatVector lo = FloatVector.zero(F);
                        FloatVector hi = FloatVector.zero(F);
                        for (int i = 0; i < k; i++) {
                            IntVector u = IntVector.fromMemorySegment(VI, w.data(), base + i * colBytes + v * 4L, VectorMath.LE);
                            FloatVector xb = FloatVector.broadcast(F, x[xo + i]);
                            lo = xb.fma(u.lanewise(VectorOperators.LSHL, 16).reinterpretAsFloats(), lo);
                            hi = xb.fma(u.and(0xFFFF0000).reinterpretAsFloats(), hi);
                        }
                        lo.intoArray(acc, v);
                        hi.intoArray(acc, 16 + v);
                    }
                } else {
                    for (int v = 0; v < PANEL; v += L) {
                        FloatVector a = FloatVector.zero(F);
                        for (int i = 0; i < k; i++) {
                            FloatVector wv = FloatVector.fromMemorySegment(F, w.data(), base + i * colBytes + v * 4L, VectorMath.LE);
                            a = FloatVector.broadcast(F, x[xo + i]).fma(wv, a);
                        }
                        a.intoArray(acc, v);
                    }
                }
                store(acc, 1, PANEL, b * PANEL, w, y, t * ldy, ldy, nFrom, nTo, accumulate);
            }
        }
    }
}
