package dev.railyard.conformance.driver;

import dev.railyard.conformance.sim.CostModel;
import dev.railyard.host.clock.VirtualClock;
import dev.railyard.spi.backend.Backend;
import dev.railyard.spi.backend.BackendInfo;
import dev.railyard.spi.backend.Logits;
import dev.railyard.spi.backend.StepBatch;

/**
 * Puts any backend on a virtual clock: a step that did not move the clock itself (every real
 * backend) advances it by the cost model's estimate, so runs on real backends have a virtual
 * time line too. Also counts the wall time spent in the backend.
 */
public final class TimedBackend implements Backend {

    private final Backend inner;
    private final VirtualClock clock;
    private final CostModel cost;
    private long wallNanos;

    /**
     * @param clock the virtual clock to advance, or null to only count wall time
     */
    public TimedBackend(Backend inner, VirtualClock clock, CostModel cost) {
        this.inner = inner;
        this.clock = clock;
        this.cost = cost;
    }

    /** The wrapped backend. */
    public Backend inner() {
        return inner;
    }

    /** Wall time spent inside the wrapped backend's {@code execute}. */
    public long wallNanos() {
        return wallNanos;
    }

    @Override
    public BackendInfo info() {
        return inner.info();
    }

    @Override
    public Logits execute(StepBatch batch) {
        long before = clock == null ? 0 : clock.nanoTime();
        long wall = System.nanoTime();
        Logits logits = inner.execute(batch);
        wallNanos += System.nanoTime() - wall;
        if (clock != null && clock.nanoTime() == before) {
            clock.advanceBy(cost.stepNanos(batch));
        }
        return logits;
    }

    @Override
    public void close() {
        inner.close();
    }
}
