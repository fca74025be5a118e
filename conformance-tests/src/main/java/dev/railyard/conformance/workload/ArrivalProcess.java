package dev.railyard.conformance.workload;

import dev.railyard.host.loadgen.GammaVariate;
import java.util.random.RandomGenerator;

/**
 * When requests arrive. All processes are seeded through the generator passed in, so a workload is
 * reproducible.
 */
public sealed interface ArrivalProcess {

    /** Arrival times in nanoseconds (non-decreasing, the first after 0) of {@code n} requests. */
    long[] arrivals(int n, RandomGenerator rng);

    /** The mean rate in requests per second (infinite for {@link #allAtOnce()}). */
    double ratePerSecond();

    /** A copy at a different mean rate. */
    ArrivalProcess withRate(double ratePerSecond);

    /** Every request at time 0: an offline batch. */
    static ArrivalProcess allAtOnce() {
        return new AllAtOnce();
    }

    /** Poisson arrivals: exponential gaps with mean {@code 1 / ratePerSecond}. */
    static ArrivalProcess poisson(double ratePerSecond) {
        return new Gamma(ratePerSecond, 1.0);
    }

    /**
     * Bursty arrivals: gamma-distributed gaps with the given mean rate and shape; shape 1 is
     * Poisson, shape below 1 is burstier (coefficient of variation {@code 1/sqrt(shape)}), above 1
     * more regular.
     */
    static ArrivalProcess gamma(double ratePerSecond, double shape) {
        return new Gamma(ratePerSecond, shape);
    }

    /** Every request at time 0. */
    record AllAtOnce() implements ArrivalProcess {
        @Override
        public long[] arrivals(int n, RandomGenerator rng) {
            return new long[n];
        }

        @Override
        public double ratePerSecond() {
            return Double.POSITIVE_INFINITY;
        }

        @Override
        public ArrivalProcess withRate(double ratePerSecond) {
            return new Gamma(ratePerSecond, 1.0);
        }

        @Override
        public String toString() {
            return "all at once";
        }
    }

    /**
     * Gamma-distributed gaps (Poisson when {@code shape == 1}).
     *
     * @param ratePerSecond mean arrivals per second; positive
     * @param shape the gamma shape; positive
     */
    record Gamma(double ratePerSecond, double shape) implements ArrivalProcess {

        public Gamma {
            if (!(ratePerSecond > 0) || !(shape > 0)) {
                throw new IllegalArgumentException("rate and shape must be positive: " + ratePerSecond + ", " + shape);
            }
        }

        @Override
        public long[] arrivals(int n, RandomGenerator rng) {
            long[] out = new long[n];
            double meanGapNanos = 1e9 / ratePerSecond;
            double t = 0;
            for (int i = 0; i < n; i++) {
                t += GammaVariate.sample(rng, shape) * meanGapNanos / shape;
                out[i] = Math.max(1, Math.round(t));
            }
            return out;
        }

        @Override
        public ArrivalProcess withRate(double newRate) {
            return new Gamma(newRate, shape);
        }

        @Override
        public String toString() {
            return shape == 1.0 ? String.format("Poisson %.1f/s", ratePerSecond)
                    : String.format("gamma %.1f/s (shape %.2f)", ratePerSecond, shape);
        }
    }
}
