package dev.railyard.host.loadgen;

import java.util.Arrays;

/**
 * Mean and percentiles of a set of latencies in ms (percentiles interpolate linearly between
 * ranks, as numpy does). NaN values are left out; all fields are NaN when nothing is left.
 *
 * @param count values used
 */
public record LatencyStats(int count, double mean, double p50, double p90, double p99, double max) {

    public static LatencyStats of(double[] values) {
        double[] v = Arrays.stream(values).filter(d -> !Double.isNaN(d)).sorted().toArray();
        if (v.length == 0) {
            return new LatencyStats(0, Double.NaN, Double.NaN, Double.NaN, Double.NaN, Double.NaN);
        }
        double sum = 0;
        for (double d : v) {
            sum += d;
        }
        return new LatencyStats(v.length, sum / v.length, percentile(v, 50), percentile(v, 90), percentile(v, 99), v[v.length - 1]);
    }

    /** The {@code p}-th percentile of sorted {@code v}. */
    static double percentile(double[] v, double p) {
        double rank = p / 100 * (v.length - 1);
        int lo = (int) Math.floor(rank);
        int hi = Math.min(v.length - 1, lo + 1);
        return v[lo] + (v[hi] - v[lo]) * (rank - lo);
    }
}
