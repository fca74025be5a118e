package dev.railyard.host.clock;

import dev.railyard.spi.Clock;
import java.util.concurrent.atomic.AtomicLong;

/**
 * A clock whose time moves only when told to. Simulations and tests run the engine on it, so
 * that contracts are checked in simulated time, exactly and free of machine noise.
 */
public final class VirtualClock implements Clock {

    private final AtomicLong now;

    public VirtualClock() {
        this(0);
    }

    public VirtualClock(long startNanos) {
        now = new AtomicLong(startNanos);
    }

    @Override
    public long nanoTime() {
        return now.get();
    }

    @Override
    public boolean isVirtual() {
        return true;
    }

    /** Moves time forward by {@code nanos} (at least 0). */
    public void advanceBy(long nanos) {
        if (nanos < 0) {
            throw new IllegalArgumentException("time cannot go back: " + nanos);
        }
        now.addAndGet(nanos);
    }

    /** Moves time to {@code nanos} if that is later than now; never moves it back. */
    public void advanceTo(long nanos) {
        now.accumulateAndGet(nanos, Math::max);
    }
}
