package dev.railyard.conformance.sim;

import dev.railyard.spi.backend.SequenceSlice;
import dev.railyard.spi.backend.StepBatch;
import java.util.List;

/**
 * A linear model of a backend's step time: a fixed cost per step (kernel launches, weight reads),
 * a cost per token computed (the matrix multiplications) and a cost per KV position read by
 * attention.
 *
 * <p>Fit it to a real backend with {@link #calibrate(List)} from measured samples ({@link
 * CostCalibrator} measures them), then let the {@code simulated} backend reproduce that backend's
 * timing in virtual time.
 *
 * @param fixedNanos cost of any step
 * @param perTokenNanos cost of each token computed
 * @param perKvReadNanos cost of each KV position read
 */
public record CostModel(double fixedNanos, double perTokenNanos, double perKvReadNanos) {

    /**
     * A GPU-like default: 5 ms per step, 40 µs per token, 2 ns per KV read (so a decode step of 64
     * sequences at 1000 tokens of context costs about 7.7 ms, a 512-token prefill about 25 ms).
     */
    public static final CostModel DEFAULT = new CostModel(5_000_000, 40_000, 2);

    public CostModel {
        if (!(fixedNanos >= 0) || !(perTokenNanos >= 0) || !(perKvReadNanos >= 0)) {
            throw new IllegalArgumentException("costs must be non-negative: " + fixedNanos + ", " + perTokenNanos + ", "
                    + perKvReadNanos);
        }
    }

    /** Modelled time of a step that computes {@code tokens} tokens reading {@code kvReads} KV positions. */
    public long stepNanos(int tokens, long kvReads) {
        return Math.round(fixedNanos + perTokenNanos * tokens + perKvReadNanos * kvReads);
    }

    /** Modelled time of {@code batch}. */
    public long stepNanos(StepBatch batch) {
        long reads = 0;
        for (SequenceSlice s : batch.slices()) {
            reads += CostSample.kvReads(s.contextLength(), s.length());
        }
        return stepNanos(batch.numTokens(), reads);
    }

    /** This model with every cost multiplied by {@code factor} (a smaller draft model, say). */
    public CostModel scaled(double factor) {
        return new CostModel(fixedNanos * factor, perTokenNanos * factor, perKvReadNanos * factor);
    }

    /**
     * Fits a model to measured steps by least squares on {@code seconds ~ fixed + perToken * tokens
     * + perKvRead * kvReads}. Coefficients that come out negative (noise, or a term the samples do
     * not vary) are set to 0 and the rest refitted.
     *
     * @throws IllegalArgumentException with fewer than 3 samples
     */
    public static CostModel calibrate(List<CostSample> samples) {
        if (samples.size() < 3) {
            throw new IllegalArgumentException("calibration needs at least 3 samples, got " + samples.size());
        }
        boolean[] use = {true, true, true};
        double[] beta = new double[3];
        for (int round = 0; round < 3; round++) {
            beta = fit(samples, use);
            boolean changed = false;
            for (int i = 0; i < 3; i++) {
                if (use[i] && beta[i] < 0) {
                    use[i] = false;
                    changed = true;
                }
            }
            if (!changed) {
                break;
            }
        }
        return new CostModel(Math.max(0, beta[0]) * 1e9, Math.max(0, beta[1]) * 1e9, Math.max(0, beta[2]) * 1e9);
    }

    /** The coefficient of determination of this model on {@code samples} (1 is a perfect fit). */
    public double rSquared(List<CostSample> samples) {
        double mean = samples.stream().mapToDouble(CostSample::seconds).average().orElse(0);
        double ssTot = 0;
        double ssRes = 0;
        for (CostSample s : samples) {
            double predicted = stepNanos(s.tokens(), s.kvReads()) / 1e9;
            ssRes += (s.seconds() - predicted) * (s.seconds() - predicted);
            ssTot += (s.seconds() - mean) * (s.seconds() - mean);
        }
        return ssTot == 0 ? 1 : 1 - ssRes / ssTot;
    }

    /** Least squares over the features in {@code use} (normal equations, Gaussian elimination). */
    private static double[] fit(List<CostSample> samples, boolean[] use) {
        int[] idx = new int[3];
        int k = 0;
        for (int i = 0; i < 3; i++) {
            if (use[i]) {
                idx[k++] = i;
            }
        }
        double[][] a = new double[k][k + 1];
        for (CostSample s : samples) {
            double[] x = {1, s.tokens(), s.kvReads()};
            for (int r = 0; r < k; r++) {
                for (int c = 0; c < k; c++) {
                    a[r][c] += x[idx[r]] * x[idx[c]];
                }
                a[r][k] += x[idx[r]] * s.seconds();
            }
        }
        double[] solved = solve(a, k);
        double[] beta = new double[3];
        for (int r = 0; r < k; r++) {
            beta[idx[r]] = solved[r];
        }
        return beta;
    }

    private static double[] solve(double[][] a, int n) {
        for (int col = 0; col < n; col++) {
            int pivot = col;
            for (int r = col + 1; r < n; r++) {
                if (Math.abs(a[r][col]) > Math.abs(a[pivot][col])) {
                    pivot = r;
                }
            }
            double[] tmp = a[col];
            a[col] = a[pivot];
            a[pivot] = tmp;
            if (Math.abs(a[col][col]) < 1e-300) {
                continue; // a feature that never varies: leave its coefficient 0
            }
            for (int r = 0; r < n; r++) {
                if (r != col) {
                    double f = a[r][col] / a[col][col];
                    for (int c = col; c <= n; c++) {
                        a[r][c] -= f * a[col][c];
                    }
                }
            }
        }
        double[] x = new double[n];
        for (int i = 0; i < n; i++) {
            x[i] = Math.abs(a[i][i]) < 1e-300 ? 0 : a[i][n] / a[i][i];
        }
        return x;
    }

    @Override
    public String toString() {
        return String.format(java.util.Locale.ROOT, "%.3f ms + %.2f µs/token + %.3f ns/KV read", fixedNanos / 1e6,
                perTokenNanos / 1e3, perKvReadNanos);
    }
}
