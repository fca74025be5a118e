package dev.railyard.host.loadgen;

import java.util.random.RandomGenerator;

/**
 * A distribution of lengths in tokens, written as a short spec:
 *
 * <ul>
 *   <li>{@code fixed:128} (or just {@code 128}): always 128;
 *   <li>{@code uniform:32-256}: uniform over [32, 256];
 *   <li>{@code sharegpt} or {@code sharegpt:MEDIAN}: a log-normal long tail like chat traffic
 *       (median 128 unless given, sigma 1, capped at 16 times the median);
 *   <li>{@code lognormal:MEDIAN,SIGMA}: a log-normal with that median and shape.
 * </ul>
 */
public sealed interface LengthDistribution {

    /** One length, at least 1. */
    int sample(RandomGenerator random);

    /** The spec it was parsed from, normalised. */
    String spec();

    /** Always {@code n}. */
    record Fixed(int n) implements LengthDistribution {
        @Override
        public int sample(RandomGenerator random) {
            return n;
        }

        @Override
        public String spec() {
            return "fixed:" + n;
        }
    }

    /** Uniform over {@code [lo, hi]}. */
    record Uniform(int lo, int hi) implements LengthDistribution {
        @Override
        public int sample(RandomGenerator random) {
            return lo == hi ? lo : random.nextInt(lo, hi + 1);
        }

        @Override
        public String spec() {
            return "uniform:" + lo + "-" + hi;
        }
    }

    /** Log-normal with {@code median} and {@code sigma}, clamped to {@code [1, max]}. */
    record LogNormal(double median, double sigma, int max, String name) implements LengthDistribution {
        @Override
        public int sample(RandomGenerator random) {
            double v = median * Math.exp(sigma * random.nextGaussian());
            return (int) Math.max(1, Math.min(max, Math.round(v)));
        }

        @Override
        public String spec() {
            return name;
        }
    }

    /**
     * Parses a spec.
     *
     * @throws IllegalArgumentException naming the spec and the accepted forms
     */
    static LengthDistribution parse(String spec) {
        String s = spec.trim().toLowerCase(java.util.Locale.ROOT);
        try {
            if (s.matches("\\d+")) {
                return fixed(Integer.parseInt(s));
            }
            int colon = s.indexOf(':');
            String kind = colon < 0 ? s : s.substring(0, colon);
            String arg = colon < 0 ? "" : s.substring(colon + 1);
            switch (kind) {
                case "fixed":
                    return fixed(Integer.parseInt(arg));
                case "uniform": {
                    String[] p = arg.split("-");
                    int lo = Integer.parseInt(p[0].trim());
                    int hi = Integer.parseInt(p[1].trim());
                    if (p.length != 2 || lo < 1 || hi < lo) {
                        break;
                    }
                    return new Uniform(lo, hi);
                }
                case "sharegpt": {
                    double median = arg.isEmpty() ? 128 : Double.parseDouble(arg);
                    if (median < 1) {
                        break;
                    }
                    return new LogNormal(median, 1.0, (int) Math.ceil(median * 16), "sharegpt:" + (int) median);
                }
                case "lognormal": {
                    String[] p = arg.split(",");
                    double median = Double.parseDouble(p[0].trim());
                    double sigma = Double.parseDouble(p[1].trim());
                    if (p.length != 2 || median < 1 || sigma < 0) {
                        break;
                    }
                    return new LogNormal(median, sigma, (int) Math.ceil(median * 16), "lognormal:" + p[0].trim() + "," + p[1].trim());
                }
                default:
                    break;
            }
        } catch (RuntimeException e) {
            // falls through to the message below
        }
        throw new IllegalArgumentException("bad length distribution '" + spec
                + "': use fixed:N (or N), uniform:MIN-MAX, sharegpt[:MEDIAN] or lognormal:MEDIAN,SIGMA");
    }

    private static Fixed fixed(int n) {
        if (n < 1) {
            throw new IllegalArgumentException("length must be >= 1");
        }
        return new Fixed(n);
    }
}
