package dev.railyard.host.loadgen;

import java.util.random.RandomGenerator;

/**
 * When requests arrive: gaps drawn from a gamma distribution with mean {@code 1/rate} and
 * coefficient of variation {@code cv}. {@code cv = 1} is a Poisson process (exponential gaps);
 * above 1 arrivals come in bursts, below 1 they are more regular than Poisson.
 *
 * @param rate requests per second
 * @param cv the coefficient of variation of the gaps (the burstiness)
 */
public record ArrivalProcess(double rate, double cv) {

    public ArrivalProcess {
        if (!(rate > 0) || Double.isInfinite(rate)) {
            throw new IllegalArgumentException("rate must be > 0 requests per second, was " + rate);
        }
        if (!(cv > 0) || Double.isInfinite(cv)) {
            throw new IllegalArgumentException("burstiness (coefficient of variation) must be > 0, was " + cv);
        }
    }

    public static ArrivalProcess poisson(double rate) {
        return new ArrivalProcess(rate, 1.0);
    }

    public static ArrivalProcess gamma(double rate, double cv) {
        return new ArrivalProcess(rate, cv);
    }

    /** The next gap, in seconds. */
    public double nextGapSeconds(RandomGenerator random) {
        if (cv == 1.0) {
            return random.nextExponential() / rate;
        }
        double shape = 1 / (cv * cv);
        double scale = 1 / (rate * shape);
        return GammaVariate.sample(random, shape) * scale;
    }

    public String describe() {
        return cv == 1.0 ? "poisson @ " + rate + " req/s" : "gamma @ " + rate + " req/s, cv " + cv;
    }
}
