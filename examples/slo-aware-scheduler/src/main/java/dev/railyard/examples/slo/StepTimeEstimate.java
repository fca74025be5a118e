package dev.railyard.examples.slo;

/**
 * The time one engine step takes, learned from the clock: an exponential moving average of the
 * time between two consecutive planning calls when the first planned work.
 */
final class StepTimeEstimate {

    private static final double ALPHA = 0.2;

    private double nanos;
    private long lastNow = -1;
    private boolean lastStepped;

    StepTimeEstimate(double initialNanos) {
        this.nanos = initialNanos;
    }

    /** Records a planning call at {@code now}; {@code stepped}: it planned work. */
    void observe(long now, boolean stepped) {
        if (lastStepped && lastNow >= 0 && now > lastNow) {
            nanos = (1 - ALPHA) * nanos + ALPHA * (now - lastNow);
        }
        lastNow = now;
        lastStepped = stepped;
    }

    /** The current estimate of one step, in nanoseconds. */
    double nanos() {
        return nanos;
    }
}
