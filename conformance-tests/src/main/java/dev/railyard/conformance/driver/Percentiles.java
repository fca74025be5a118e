package dev.railyard.conformance.driver;

import java.util.Arrays;

/** Nearest-rank percentiles and means of a sample. */
public final class Percentiles {

    private Percentiles() {
    }

    /** The {@code p}-th percentile (0..100) by nearest rank, or NaN for an empty sample. */
    public static double of(double[] values, double p) {
        if (values.length == 0) {
            return Double.NaN;
        }
        double[] v = values.clone();
        Arrays.sort(v);
        int rank = (int) Math.ceil(p / 100.0 * v.length);
        return v[Math.max(0, Math.min(v.length - 1, rank - 1))];
    }

    /** The mean, or NaN for an empty sample. */
    public static double mean(double[] values) {
        return values.length == 0 ? Double.NaN : Arrays.stream(values).average().orElse(Double.NaN);
    }
}
