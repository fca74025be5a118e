package dev.railyard.backend.cpu;

import java.lang.foreign.Arena;
import java.lang.foreign.MemorySegment;

/**
 * One worker's private buffers, sized by the model (never by the batch): a GEMM kernel's output
 * tile, attention scores, and for float16 weights a group of blocks widened to float32.
 */
final class WorkerScratch {

    /** A GEMM kernel's output tile, {@link MatMul#OUT_TILE} floats. */
    final float[] out = new float[MatMul.OUT_TILE];
    /**
     * Attention scores, one row of {@code maxContext} per query head of a KV group, for up to
     * {@link PagedAttention#RUN} queries of a run (row {@code (query * headsPerGroup + head)}).
     */
    final float[] scores;
    final int scoresStride;
    /** Softmax denominators, one per query head of a KV group. */
    final float[] sums;
    /** Value accumulators of a run of queries, spilled between its common and its own positions. */
    final float[] spill = new float[PagedAttention.RUN * 64];

    /** Float16 weights widened by a lead tile for the tiles after it ({@link MatMul}); allocated on first use. */
    private MemorySegment widened = MemorySegment.NULL;

    /**
     * At least {@code bytes} of native memory for widened float16 blocks (64-byte aligned, kept
     * for the next products; at most {@link MatMul#GROUP_BLOCKS} blocks of the widest matrix).
     */
    MemorySegment widened(long bytes) {
        if (widened.byteSize() < bytes) {
            widened = Arena.ofAuto().allocate(bytes, 64);
        }
        return widened;
    }

    WorkerScratch(int headsPerGroup, int maxContext) {
        this.scoresStride = roundUp(maxContext, VectorMath.L);
        this.scores = new float[PagedAttention.RUN * headsPerGroup * scoresStride];
        this.sums = new float[PagedAttention.RUN * headsPerGroup];
    }

    private static int roundUp(int n, int m) {
        return (n + m - 1) / m * m;
    }
}
