package dev.railyard.host.loadgen;

import java.util.random.RandomGenerator;

/**
 * Gamma(shape, 1) variates by Marsaglia and Tsang's method, boosted for shape below 1. Shared
 * by the load generator's arrivals and the conformance kit's workloads.
 */
public final class GammaVariate {

    private GammaVariate() {
    }

    /** One Gamma(shape, 1) variate drawn from {@code random}; {@code shape > 0}. */
    public static double sample(RandomGenerator random, double shape) {
        if (shape < 1) {
            double u = random.nextDouble();
            return sample(random, shape + 1) * Math.pow(u == 0 ? Double.MIN_VALUE : u, 1 / shape);
        }
        double d = shape - 1.0 / 3;
        double c = 1 / Math.sqrt(9 * d);
        while (true) {
            double x = random.nextGaussian();
            double v = 1 + c * x;
            if (v <= 0) {
                continue;
            }
            v = v * v * v;
            double u = random.nextDouble();
            if (u < 1 - 0.0331 * x * x * x * x || Math.log(u) < 0.5 * x * x + d * (1 - v + Math.log(v))) {
                return d * v;
            }
        }
    }
}
