package dev.railyard.spi;

/** The real monotonic clock; see {@link Clock#system()}. */
enum SystemClock implements Clock {
    INSTANCE;

    @Override
    public long nanoTime() {
        return System.nanoTime();
    }
}
