package dev.railyard.backend.cpu;

/**
 * One worker's private buffers, sized by the model (never by the batch): a GEMM kernel's output
 * tile, attention scores.
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

    WorkerScratch(int headsPerGroup, int maxContext) {
        this.scoresStride = roundUp(maxContext, VectorMath.L);
        this.scores = new float[PagedAttention.RUN * headsPerGroup * scoresStride];
        this.sums = new float[PagedAttention.RUN * headsPerGroup];
    }

    private static int roundUp(int n, int m) {
        return (n + m - 1) / m * m;
    }
}
