package dev.railyard.backend.cpu;

import java.util.HashMap;
import java.util.Map;

/**
 * The JVM's compute teams, one per thread count, shared by every backend instance of this
 * plugin. Two backends in one process (a target model and its draft model, or two engines) must
 * not each keep their own spinning team: their idle workers would spin on the cores the other
 * team is computing on. Sharing one team, they take turns region by region ({@link ComputePool}
 * runs one region at a time), which on a machine with as many cores as threads is as fast as it
 * gets.
 *
 * <p>A team lives as long as the JVM, like the common fork-join pool: its daemon threads park
 * when idle, and the next backend opened finds them (and their JIT-compiled loops) ready.
 */
final class ComputeTeams {

    private static final Map<Integer, ComputePool> TEAMS = new HashMap<>();

    private ComputeTeams() {
    }

    /** A lease on the team of {@code threads} threads, created on first use. */
    static synchronized Lease acquire(int threads) {
        return new Lease(threads, TEAMS.computeIfAbsent(threads, t -> new ComputePool(t, "cpu-reference-" + t)));
    }

    /** One backend's use of a shared team; after {@link #close()} it runs no more regions (the team lives on). */
    static final class Lease implements AutoCloseable {
        private final int threads;
        private final ComputePool pool;
        private volatile boolean closed;

        private Lease(int threads, ComputePool pool) {
            this.threads = threads;
            this.pool = pool;
        }

        int threads() {
            return threads;
        }

        /** Runs one parallel region on the team (waiting for another user's region to end first). */
        void run(ComputePool.Task body) {
            if (closed) {
                throw new IllegalStateException("compute team lease is closed");
            }
            pool.run(body);
        }

        @Override
        public void close() {
            closed = true;
        }
    }
}
