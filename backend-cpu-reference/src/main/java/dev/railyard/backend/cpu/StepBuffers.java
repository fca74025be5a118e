package dev.railyard.backend.cpu;

/**
 * Activations of one step, {@code tokens × width} row-major float arrays that grow with the
 * largest step seen (never with the model beyond one row's width).
 */
final class StepBuffers {

    private final int hidden;
    private final int queryDim;
    private final int kvDim;
    private final int intermediate;
    private final int ropeHalf;
    private int capacity;

    float[] x;
    float[] xn;
    float[] q;
    float[] k;
    float[] v;
    float[] attn;
    float[] gate;
    float[] up;
    /** The input of the current matrix product, transposed in tiles ({@link MatMul#transposeTile}). */
    float[] tiles;
    float[] cos;
    float[] sin;
    /** For each flat token, the index of its slice. */
    int[] sliceOf;
    /** First token of each attention run (consecutive positions of one slice, at most {@link PagedAttention#RUN}). */
    int[] runStart;
    /** How many runs {@link #runStart} holds for the current step. */
    int runs;

    StepBuffers(int hidden, int queryDim, int kvDim, int intermediate, int ropeHalf) {
        this.hidden = hidden;
        this.queryDim = queryDim;
        this.kvDim = kvDim;
        this.intermediate = intermediate;
        this.ropeHalf = ropeHalf;
    }

    void ensure(int tokens) {
        if (tokens <= capacity) {
            return;
        }
        int c = Math.max(tokens, Math.min(2 * capacity, Integer.MAX_VALUE / Math.max(intermediate, hidden) / 2));
        x = new float[c * hidden];
        xn = new float[c * hidden];
        q = new float[c * queryDim];
        k = new float[c * kvDim];
        v = new float[c * kvDim];
        attn = new float[c * queryDim];
        gate = new float[c * intermediate];
        up = new float[c * intermediate];
        tiles = new float[c * Math.max(Math.max(hidden, queryDim), intermediate)];
        cos = new float[c * ropeHalf];
        sin = new float[c * ropeHalf];
        sliceOf = new int[c];
        runStart = new int[c];
        capacity = c;
    }

    /** Cuts the step's tokens into attention runs; {@link #sliceOf} must be filled. */
    void findRuns(int tokens, int[] positions) {
        runs = 0;
        for (int t = 0; t < tokens; t++) {
            boolean continues = runs > 0 && sliceOf[t] == sliceOf[t - 1] && positions[t] == positions[t - 1] + 1
                    && t - runStart[runs - 1] < PagedAttention.RUN;
            if (!continues) {
                runStart[runs++] = t;
            }
        }
    }

    /** Tokens in run {@code r}. */
    int runLength(int r, int tokens) {
        return (r + 1 < runs ? runStart[r + 1] : tokens) - runStart[r];
    }
}
