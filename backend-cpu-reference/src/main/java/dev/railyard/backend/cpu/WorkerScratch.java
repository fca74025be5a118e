package dev.railyard.backend.cpu;

import java.lang.foreign.Arena;
import java.lang.foreign.MemorySegment;

/**
 * One worker's private buffers, sized by the model (never by the batch): kernel accumulators, a
 * weight panel widened to float32, attention scores.
 */
final class WorkerScratch {

    /** Kernel accumulator spill area, {@link VectorMath#ACC_SIZE} floats. */
    final float[] acc = new float[VectorMath.ACC_SIZE];
    /** A row block of weights widened to float32, native so kernels see one segment kind. */
    final MemorySegment panel;
    /** Attention scores, one row of {@code maxContext} per query head of a KV group. */
    final float[] scores;
    final int scoresStride;
    /** Softmax denominators, one per query head of a KV group. */
    final float[] sums;

    WorkerScratch(Arena arena, int maxK, int headsPerGroup, int maxContext) {
        this.panel = arena.allocate(Math.max(MatMul.ROW_BLOCK_BYTES, (long) MatMul.PANEL * maxK * Float.BYTES), 64);
        this.scoresStride = roundUp(maxContext, VectorMath.L);
        this.scores = new float[headsPerGroup * scoresStride];
        this.sums = new float[headsPerGroup];
    }

    private static int roundUp(int n, int m) {
        return (n + m - 1) / m * m;
    }
}
