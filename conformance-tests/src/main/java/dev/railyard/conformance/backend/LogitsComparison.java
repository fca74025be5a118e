package dev.railyard.conformance.backend;

import java.util.List;

/**
 * Compares two traces of logit rows: bit for bit, or by relative L2 error {@code ||a - b|| / ||b||}
 * against a tolerance. Describes the worst row when they differ.
 *
 * @param maxRelativeError the largest relative L2 error over all rows
 * @param exact every row equal bit for bit
 * @param worst where the largest error is ({@code "sequence 2, row 5"}), or null when exact
 */
public record LogitsComparison(double maxRelativeError, boolean exact, String worst) {

    /** Compares {@code actual} with {@code expected}, sequence by sequence and row by row. */
    public static LogitsComparison compare(List<float[][]> actual, List<float[][]> expected) {
        double max = 0;
        boolean exact = true;
        String worst = null;
        for (int s = 0; s < expected.size(); s++) {
            float[][] a = actual.get(s);
            float[][] e = expected.get(s);
            for (int r = 0; r < e.length; r++) {
                if (a[r] == null || a[r].length != e[r].length) {
                    return new LogitsComparison(Double.POSITIVE_INFINITY, false, "sequence " + s + ", row " + r + " (missing)");
                }
                double diff = 0;
                double norm = 0;
                boolean same = true;
                for (int v = 0; v < e[r].length; v++) {
                    if (Float.floatToIntBits(a[r][v]) != Float.floatToIntBits(e[r][v])) {
                        same = false;
                    }
                    double d = (double) a[r][v] - e[r][v];
                    diff += d * d;
                    norm += (double) e[r][v] * e[r][v];
                }
                double rel = Double.isNaN(diff) ? Double.POSITIVE_INFINITY : Math.sqrt(diff) / Math.max(Math.sqrt(norm), 1e-30);
                if (!same) {
                    exact = false;
                    if (worst == null || rel > max) {
                        worst = "sequence " + s + ", row " + r;
                    }
                }
                max = Math.max(max, rel);
            }
        }
        return new LogitsComparison(max, exact, worst);
    }

    /** Within {@code tolerance}; exactly equal when {@code tolerance == 0}. */
    public boolean within(double tolerance) {
        return tolerance == 0 ? exact : maxRelativeError <= tolerance;
    }

    /** One line: "exact" or "max relative L2 error 1.2e-03 at sequence 2, row 5". */
    public String describe() {
        return exact ? "bit-for-bit equal" : String.format(java.util.Locale.ROOT, "max relative L2 error %.3g at %s",
                maxRelativeError, worst);
    }
}
