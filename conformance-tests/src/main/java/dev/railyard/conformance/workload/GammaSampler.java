package dev.railyard.conformance.workload;

import java.util.random.RandomGenerator;

/** Gamma(shape, 1) variates by Marsaglia and Tsang's method (with the boost for shape below 1). */
final class GammaSampler {

    private GammaSampler() {
    }

    static double sample(RandomGenerator rng, double shape) {
        if (shape < 1) {
            double u = rng.nextDouble();
            return sample(rng, shape + 1) * Math.pow(Math.max(u, Double.MIN_NORMAL), 1.0 / shape);
        }
        double d = shape - 1.0 / 3.0;
        double c = 1.0 / Math.sqrt(9 * d);
        while (true) {
            double x = rng.nextGaussian();
            double v = 1 + c * x;
            if (v <= 0) {
                continue;
            }
            v = v * v * v;
            double u = rng.nextDouble();
            if (u < 1 - 0.0331 * x * x * x * x || Math.log(u) < 0.5 * x * x + d * (1 - v + Math.log(v))) {
                return d * v;
            }
        }
    }
}
