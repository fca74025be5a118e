package dev.railyard.backend.cpu;

import static dev.railyard.backend.cpu.VectorMath.F;
import static dev.railyard.backend.cpu.VectorMath.L;
import static dev.railyard.backend.cpu.VectorMath.LE;
import static dev.railyard.backend.cpu.VectorMath.SH;
import static dev.railyard.backend.cpu.VectorMath.SUMS;
import static dev.railyard.backend.cpu.VectorMath.VI;

import dev.railyard.spi.model.DType;
import java.lang.foreign.MemorySegment;
import java.lang.foreign.ValueLayout;
import jdk.incubator.vector.FloatVector;
import jdk.incubator.vector.IntVector;
import jdk.incubator.vector.ShortVector;
import jdk.incubator.vector.VectorMask;
import jdk.incubator.vector.VectorOperators;

/**
 * {@code y = x · Wᵀ (+ bias)}, or {@code y += x · Wᵀ (+ bias)}, for a range of W's rows: the part
 * of a matrix product one worker computes. All tokens of the step go through each weight row
 * together, so a step reads each weight once whatever its size.
 *
 * <p>Shapes: few tokens (decode) use kernels that widen bf16/f16 weights on the fly, sixteen
 * rows at a time; more tokens widen a panel of sixteen rows to float32 once and run a 4×4
 * register-blocked kernel over it for every four tokens. All paths give identical bits for a
 * given (token, row) pair (see {@link GemmKernels}).
 */
final class MatMul {

    /** Weight rows per panel (and the alignment of thread splits). */
    static final int PANEL = 16;
    /** From this many tokens on, weights are widened into a panel and the 4×4 kernel is used. */
    static final int BATCH_MIN_TOKENS = 9;

    private MatMul() {
    }

    /**
     * Computes rows {@code [nFrom, nTo)} of W against {@code tokens} rows of x.
     *
     * @param w the weight
     * @param x activations, token t at {@code x[t * ldx ..]}, {@code w.cols()} wide
     * @param y output, token t, row n at {@code y[t * ldy + n]}
     * @param accumulate add into y (a residual connection) instead of overwriting it
     */
    static void run(Linear w, float[] x, int ldx, int tokens, float[] y, int ldy, int nFrom, int nTo,
                    boolean accumulate, WorkerScratch s) {
        if (nFrom >= nTo || tokens == 0) {
            return;
        }
        int k = w.cols();
        if (!VectorMath.WIDE16 || k % L != 0) {
            generic(w, x, ldx, tokens, y, ldy, nFrom, nTo, accumulate);
            return;
        }
        if (tokens < BATCH_MIN_TOKENS) {
            direct(w, x, ldx, tokens, y, ldy, nFrom, nTo, accumulate, s.acc);
        } else {
            panels(w, x, ldx, tokens, y, ldy, nFrom, nTo, accumulate, s);
        }
    }

    /** The most tokens {@link #fewTokens} takes in one pass. */
    static final int FEW_TOKENS_MAX = BATCH_MIN_TOKENS - 1;
    /** Weight rows per tile of the few-token kernels, by token count (keep in step with gen_kernels.py). */
    private static final int[] FEW_TOKEN_ROWS = {0, 0, 8, 8, 4, 4, 4, 2, 2};

    private static void direct(Linear w, float[] x, int ldx, int tokens, float[] y, int ldy, int nFrom, int nTo,
                               boolean accumulate, float[] acc) {
        if (tokens > 1 && tokens <= FEW_TOKENS_MAX && w.dtype() != DType.F16) {
            fewTokens(w, x, ldx, tokens, y, ldy, nFrom, nTo, accumulate, acc);
            return;
        }
        tokenByToken(w, x, ldx, tokens, y, ldy, nFrom, nTo, accumulate, acc);
    }

    /**
     * All {@code tokens} (2 to 8) in one tile against a few weight rows at a time, the weights read
     * once in their stored dtype (widened in registers): a step of a few tokens (speculative
     * verification, a handful of sequences) costs little more than a single token's.
     */
    private static void fewTokens(Linear w, float[] x, int ldx, int tokens, float[] y, int ldy, int nFrom, int nTo,
                                  boolean accumulate, float[] acc) {
        MemorySegment seg = w.data();
        long ws = w.rowBytes();
        int k = w.cols();
        boolean f32 = w.dtype() == DType.F32;
        int rows = FEW_TOKEN_ROWS[tokens];
        int n = nFrom;
        for (; n + rows <= nTo; n += rows) {
            long off = w.rowOffset(n);
            if (f32) {
                switch (tokens) {
                    case 2 -> GemmKernels.dot2x8F32(seg, off, ws, x, 0, ldx, k, acc);
                    case 3 -> GemmKernels.dot3x8F32(seg, off, ws, x, 0, ldx, k, acc);
                    case 4 -> GemmKernels.dot4x4F32(seg, off, ws, x, 0, ldx, k, acc);
                    case 5 -> GemmKernels.dot5x4F32(seg, off, ws, x, 0, ldx, k, acc);
                    case 6 -> GemmKernels.dot6x4F32(seg, off, ws, x, 0, ldx, k, acc);
                    case 7 -> GemmKernels.dot7x2F32(seg, off, ws, x, 0, ldx, k, acc);
                    default -> GemmKernels.dot8x2F32(seg, off, ws, x, 0, ldx, k, acc);
                }
            } else {
                switch (tokens) {
                    case 2 -> GemmKernels.dot2x8Bf16(seg, off, ws, x, 0, ldx, k, acc);
                    case 3 -> GemmKernels.dot3x8Bf16(seg, off, ws, x, 0, ldx, k, acc);
                    case 4 -> GemmKernels.dot4x4Bf16(seg, off, ws, x, 0, ldx, k, acc);
                    case 5 -> GemmKernels.dot5x4Bf16(seg, off, ws, x, 0, ldx, k, acc);
                    case 6 -> GemmKernels.dot6x4Bf16(seg, off, ws, x, 0, ldx, k, acc);
                    case 7 -> GemmKernels.dot7x2Bf16(seg, off, ws, x, 0, ldx, k, acc);
                    default -> GemmKernels.dot8x2Bf16(seg, off, ws, x, 0, ldx, k, acc);
                }
            }
            store(acc, tokens, rows, w.bias(), y, 0, ldy, n, accumulate);
        }
        for (; n < nTo; n++) {
            for (int t = 0; t < tokens; t++) {
                float v = dot(w.dtype(), seg, w.rowOffset(n), x, t * ldx, k);
                y[t * ldy + n] = epilogue(v, w.bias(), n, y, t * ldy + n, accumulate);
            }
        }
    }

    /** Each token on its own against rows {@code [nFrom, nTo)}: sixteen (f32), eight (bf16) or four rows at a time. */
    private static void tokenByToken(Linear w, float[] x, int ldx, int tokens, float[] y, int ldy, int nFrom, int nTo,
                                     boolean accumulate, float[] acc) {
        MemorySegment seg = w.data();
        long ws = w.rowBytes();
        int k = w.cols();
        DType dt = w.dtype();
        int wide = switch (dt) {
            case F32 -> 16;
            case BF16 -> 8;
            default -> 4;
        };
        int n = nFrom;
        for (; n + wide <= nTo; n += wide) {
            long off = w.rowOffset(n);
            for (int t = 0; t < tokens; t++) {
                switch (dt) {
                    case F32 -> GemmKernels.dot1x16F32(seg, off, ws, x, t * ldx, ldx, k, acc);
                    case BF16 -> GemmKernels.dot1x8Bf16(seg, off, ws, x, t * ldx, ldx, k, acc);
                    default -> GemmKernels.dot1x4F16(seg, off, ws, x, t * ldx, ldx, k, acc);
                }
                store(acc, 1, wide, w.bias(), y, t * ldy, ldy, n, accumulate);
            }
        }
        for (; n + 4 <= nTo; n += 4) {
            long off = w.rowOffset(n);
            for (int t = 0; t < tokens; t++) {
                switch (dt) {
                    case F32 -> GemmKernels.dot1x4F32(seg, off, ws, x, t * ldx, ldx, k, acc);
                    case BF16 -> GemmKernels.dot1x4Bf16(seg, off, ws, x, t * ldx, ldx, k, acc);
                    default -> GemmKernels.dot1x4F16(seg, off, ws, x, t * ldx, ldx, k, acc);
                }
                store(acc, 1, 4, w.bias(), y, t * ldy, ldy, n, accumulate);
            }
        }
        for (; n < nTo; n++) {
            for (int t = 0; t < tokens; t++) {
                float v = dot(dt, seg, w.rowOffset(n), x, t * ldx, k);
                y[t * ldy + n] = epilogue(v, w.bias(), n, y, t * ldy + n, accumulate);
            }
        }
    }

    /** Bytes of weight rows one row block may take (widened to float32), to stay in a core's L2 cache. */
    static final int ROW_BLOCK_BYTES = 1024 * 1024;
    /** Bytes of activations one token block may take, to stay in L2 next to the row block. */
    static final int TOKEN_BLOCK_BYTES = 384 * 1024;

    /** Rows per row block for width {@code k}: whole panels, within {@link #ROW_BLOCK_BYTES}. */
    static int rowBlock(int k) {
        return Math.max(PANEL, ROW_BLOCK_BYTES / (k * Float.BYTES) / PANEL * PANEL);
    }

    /**
     * Loop order: row blocks (copied or widened to float32 into the worker's panel in one
     * sequential pass, then in L2) × token blocks × tiles of four tokens (in L1) × every 4-row slice
     * of the row block.
     */
    private static void panels(Linear w, float[] x, int ldx, int tokens, float[] y, int ldy, int nFrom, int nTo,
                               boolean accumulate, WorkerScratch s) {
        int k = w.cols();
        float[] acc = s.acc;
        float[] bias = w.bias();
        int rowBlock = rowBlock(k);
        int tokenBlock = Math.max(4, TOKEN_BLOCK_BYTES / (k * Float.BYTES) / 4 * 4);
        for (int b0 = nFrom; b0 < nTo; b0 += rowBlock) {
            int rows = Math.min(rowBlock, nTo - b0);
            // one sequential pass brings the block in (widened), then every tile works from L2
            widen(w, b0, rows, s.panel);
            MemorySegment src = s.panel;
            long base = 0;
            long ws = (long) k * Float.BYTES;
            int rows4 = rows / 4 * 4;
            for (int t0 = 0; t0 < tokens; t0 += tokenBlock) {
                int tEnd = Math.min(tokens, t0 + tokenBlock);
                int t = t0;
                for (; t + 4 <= tEnd; t += 4) {
                    int xo = t * ldx;
                    int yo = t * ldy;
                    for (int r = 0; r < rows4; r += 4) {
                        GemmKernels.dot4x4F32(src, base + r * ws, ws, x, xo, ldx, k, acc);
                        store(acc, 4, 4, bias, y, yo, ldy, b0 + r, accumulate);
                    }
                }
                for (; t < tEnd; t++) {
                    for (int r = 0; r < rows4; r += 4) {
                        GemmKernels.dot1x4F32(src, base + r * ws, ws, x, t * ldx, ldx, k, acc);
                        store(acc, 1, 4, bias, y, t * ldy, ldy, b0 + r, accumulate);
                    }
                }
                for (int r = rows4; r < rows; r++) {
                    int n = b0 + r;
                    for (t = t0; t < tEnd; t++) {
                        float v = dot(DType.F32, src, base + r * ws, x, t * ldx, k);
                        y[t * ldy + n] = epilogue(v, bias, n, y, t * ldy + n, accumulate);
                    }
                }
            }
        }
    }

    /** Rows {@code [n0, n0 + rows)} of w copied, widened exactly to float32, into {@code panel}. */
    static void widen(Linear w, int n0, int rows, MemorySegment panel) {
        MemorySegment seg = w.data();
        long src = w.rowOffset(n0);
        long count = (long) rows * w.cols();
        if (w.dtype() == DType.F32) {
            MemorySegment.copy(seg, src, panel, 0, count * Float.BYTES);
            return;
        }
        long i = w.dtype() == DType.BF16 ? widenBf16(seg, src, count, panel) : widenF16(seg, src, count, panel);
        for (; i < count; i++) {
            short h = seg.get(HALF, src + i * 2);
            float f = w.dtype() == DType.BF16 ? Float.intBitsToFloat((h & 0xFFFF) << 16) : Float.float16ToFloat(h);
            panel.set(FLOAT, i * 4, f);
        }
    }

    private static final ValueLayout.OfShort HALF = ValueLayout.JAVA_SHORT_UNALIGNED.withOrder(LE);
    private static final ValueLayout.OfFloat FLOAT = ValueLayout.JAVA_FLOAT_UNALIGNED.withOrder(LE);

    /** Widens whole vectors of bfloat16; returns how many elements it did. */
    private static long widenBf16(MemorySegment seg, long src, long count, MemorySegment panel) {
        long i = 0;
        for (; i + L <= count; i += L) {
            ((IntVector) ShortVector.fromMemorySegment(SH, seg, src + i * 2, LE).convertShape(VectorOperators.S2I, VI, 0))
                    .lanewise(VectorOperators.LSHL, 16).reinterpretAsFloats().intoMemorySegment(panel, i * 4, LE);
        }
        return i;
    }

    /** Widens whole vectors of float16 (same arithmetic as {@link VectorMath#widenF16}); returns how many elements it did. */
    private static long widenF16(MemorySegment seg, long src, long count, MemorySegment panel) {
        long i = 0;
        for (; i + L <= count; i += L) {
            IntVector h = (IntVector) ShortVector.fromMemorySegment(SH, seg, src + i * 2, LE).convertShape(VectorOperators.S2I, VI, 0);
            IntVector m = h.and(0x7FFF);
            m.lanewise(VectorOperators.LSHL, 13).add(112 << 23)
                    .add(112 << 23, m.compare(VectorOperators.GE, 0x7C00)).reinterpretAsFloats()
                    .blend(((FloatVector) m.convert(VectorOperators.I2F, 0)).mul(0x1p-24f), m.compare(VectorOperators.LT, 0x400).cast(F))
                    .reinterpretAsInts().or(h.and(0x8000_0000)).reinterpretAsFloats()
                    .intoMemorySegment(panel, i * 4, LE);
        }
        return i;
    }

    private static void store(float[] acc, int tokens, int rows, float[] bias, float[] y, int yo, int ldy, int n,
                              boolean accumulate) {
        if (bias == null && !accumulate) {
            for (int t = 0; t < tokens; t++) {
                System.arraycopy(acc, SUMS + t * rows, y, yo + t * ldy + n, rows);
            }
            return;
        }
        for (int t = 0; t < tokens; t++) {
            int row = yo + t * ldy + n;
            for (int r = 0; r < rows; r++) {
                float v = acc[SUMS + t * rows + r];
                if (bias != null) {
                    v += bias[n + r];
                }
                if (accumulate) {
                    v = y[row + r] + v;
                }
                y[row + r] = v;
            }
        }
    }

    private static float epilogue(float v, float[] bias, int n, float[] y, int at, boolean accumulate) {
        if (bias != null) {
            v += bias[n];
        }
        return accumulate ? y[at] + v : v;
    }

    private static void generic(Linear w, float[] x, int ldx, int tokens, float[] y, int ldy, int nFrom, int nTo,
                                boolean accumulate) {
        for (int n = nFrom; n < nTo; n++) {
            long off = w.rowOffset(n);
            for (int t = 0; t < tokens; t++) {
                float v = dot(w.dtype(), w.data(), off, x, t * ldx, w.cols());
                y[t * ldy + n] = epilogue(v, w.bias(), n, y, t * ldy + n, accumulate);
            }
        }
    }

    /**
     * One dot product of any length: the reference shape every kernel reproduces (one vector
     * accumulator over K in steps of L from 0, a masked last step, then the fixed lane tree).
     */
    static float dot(DType dtype, MemorySegment w, long wOff, float[] x, int xo, int k) {
        FloatVector a = FloatVector.zero(F);
        int i = 0;
        for (; i + L <= k; i += L) {
            FloatVector wv = switch (dtype) {
                case F32 -> FloatVector.fromMemorySegment(F, w, wOff + (long) i * 4, LE);
                case BF16 -> VectorMath.bf16(w, wOff + (long) i * 2);
                default -> VectorMath.f16(w, wOff + (long) i * 2);
            };
            a = FloatVector.fromArray(F, x, xo + i).fma(wv, a);
        }
        if (i < k) {
            VectorMask<Float> m = F.indexInRange(i, k);
            FloatVector wv = switch (dtype) {
                case F32 -> FloatVector.fromMemorySegment(F, w, wOff + (long) i * 4, LE, m);
                case BF16 -> VectorMath.bf16(w, wOff + (long) i * 2, VectorMath.SH.indexInRange(i, k));
                default -> VectorMath.f16(w, wOff + (long) i * 2, VectorMath.SH.indexInRange(i, k));
            };
            a = FloatVector.fromArray(F, x, xo + i, m).fma(wv, a);
        }
        return VectorMath.sumLanes(a);
    }
}
