package dev.railyard.backend.cpu;

import static dev.railyard.backend.cpu.VectorMath.F;
import static dev.railyard.backend.cpu.VectorMath.L;

import jdk.incubator.vector.FloatVector;
import jdk.incubator.vector.VectorMask;

/**
 * RMSNorm as Llama defines it: {@code y = w * (x / sqrt(mean(x²) + eps))}, per token row. The sum
 * of squares runs over the row in vector steps from index 0 and is summed by the fixed lane tree,
 * so a row's result never depends on the other rows.
 */
final class RmsNorm {

    private RmsNorm() {
    }

    /** Normalises row {@code x[xo .. xo + n)} into {@code y[yo ..]}. */
    static void apply(float[] x, int xo, float[] w, float eps, float[] y, int yo, int n) {
        FloatVector acc = FloatVector.zero(F);
        int i = 0;
        for (; i + L <= n; i += L) {
            FloatVector v = FloatVector.fromArray(F, x, xo + i);
            acc = v.fma(v, acc);
        }
        if (i < n) {
            VectorMask<Float> m = F.indexInRange(i, n);
            FloatVector v = FloatVector.fromArray(F, x, xo + i, m);
            acc = v.fma(v, acc);
        }
        float mean = VectorMath.sumLanes(acc) / n;
        float scale = (float) (1.0 / Math.sqrt(mean + eps));
        i = 0;
        for (; i + L <= n; i += L) {
            FloatVector.fromArray(F, x, xo + i).mul(scale).mul(FloatVector.fromArray(F, w, i)).intoArray(y, yo + i);
        }
        if (i < n) {
            VectorMask<Float> m = F.indexInRange(i, n);
            FloatVector.fromArray(F, x, xo + i, m).mul(scale).mul(FloatVector.fromArray(F, w, i, m)).intoArray(y, yo + i, m);
        }
    }
}
