package dev.railyard.spi;

/**
 * The time source of the host and of every plugin. Plugins must read time only through the
 * {@code Clock} they are given, never from {@link System#nanoTime()} directly, so that the same
 * plugin runs in wall time in production and in virtual (simulated) time in tests and in the
 * conformance kit.
 *
 * <p>Contract: {@link #nanoTime()} is monotonic (never decreases) and may be called from any
 * thread. In virtual time it advances only when the host (or a simulated backend) advances it.
 */
public interface Clock {

    /** Current time in nanoseconds on this clock's monotonic time line; never decreases. */
    long nanoTime();

    /** {@code true} when this clock is virtual: time advances only when someone advances it. */
    default boolean isVirtual() {
        return false;
    }

    /** The wall clock, backed by {@link System#nanoTime()}. */
    static Clock system() {
        return SystemClock.INSTANCE;
    }
}
