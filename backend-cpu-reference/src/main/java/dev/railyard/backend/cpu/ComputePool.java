package dev.railyard.backend.cpu;

import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.locks.ReentrantLock;
import java.util.concurrent.locks.LockSupport;

/**
 * A fixed team of threads that runs one parallel region at a time: the calling thread is worker
 * 0 and {@code threads - 1} daemon threads are the others. A step runs a few hundred short
 * regions back to back, so workers spin between regions (a park/unpark round trip costs tens of
 * microseconds, milliseconds on some VMs) and park once the team has been idle for {@link #SPIN_ROUNDS} rounds.
 *
 * <p>How work is split is up to each {@link Task}; results never depend on the split because
 * every kernel computes each output element the same way whichever worker runs it.
 *
 * <p>Any thread may call {@link #run}; concurrent callers take turns (one region at a time), so
 * one team can serve several backends ({@link ComputeTeams}).
 */
final class ComputePool implements AutoCloseable {

    /** A parallel region's body, run once by each worker. */
    @FunctionalInterface
    interface Task {
        void run(int worker, int workers);
    }

    /**
     * How many {@link Thread#onSpinWait()} rounds an idle worker spins before parking (about 0.7 ms
     * on the 2-vCPU VMs here, 10 ns a round). Long enough to span the host's work between two steps
     * and a drafter's between its steps: waking a parked thread took 1-4 ms on those VMs (an idle
     * vCPU is halted), which showed as a 1-2% tail of 2 ms draft-model steps with 42 us of spinning.
     * Counted rather than timed: a plugin reads time only through the host's clock.
     */
    static final int SPIN_ROUNDS = 1 << 16;
    /** How many rounds the calling thread spins for the others at the end of a region before it starts yielding. */
    static final int WAIT_SPIN_ROUNDS = 4096;

    private final int threads;
    private final Thread[] team;
    private final AtomicInteger pending = new AtomicInteger();
    private volatile Task task;
    private volatile long generation;
    private volatile boolean closed;
    private volatile Throwable failure;
    private final boolean[] parked;
    private final ReentrantLock regionLock = new ReentrantLock();

    ComputePool(int threads, String name) {
        if (threads < 1) {
            throw new IllegalArgumentException("threads must be at least 1, was " + threads);
        }
        this.threads = threads;
        this.team = new Thread[threads - 1];
        this.parked = new boolean[threads];
        for (int i = 1; i < threads; i++) {
            int worker = i;
            Thread t = new Thread(() -> loop(worker), name + "-" + i);
            t.setDaemon(true);
            team[i - 1] = t;
            t.start();
        }
    }

    int threads() {
        return threads;
    }

    /** Runs {@code body} on every worker and returns when all are done; rethrows the first failure. */
    void run(Task body) {
        if (closed) {
            throw new IllegalStateException("compute pool is closed");
        }
        if (threads == 1) {
            body.run(0, 1);
            return;
        }
        regionLock.lock();
        try {
            runRegion(body);
        } finally {
            regionLock.unlock();
        }
    }

    private void runRegion(Task body) {
        failure = null;
        task = body;
        pending.set(threads - 1);
        generation = generation + 1; // volatile write publishes task and pending
        for (int i = 1; i < threads; i++) {
            if (isParked(i)) {
                LockSupport.unpark(team[i - 1]);
            }
        }
        Throwable mine = null;
        try {
            body.run(0, threads);
        } catch (Throwable e) {
            mine = e;
        }
        int spins = 0;
        while (pending.get() != 0) {
            if (++spins < WAIT_SPIN_ROUNDS) {
                Thread.onSpinWait();
            } else {
                Thread.yield(); // the machine is oversubscribed: let the worker we wait for run
            }
        }
        task = null;
        Throwable f = mine != null ? mine : failure;
        if (f instanceof RuntimeException re) {
            throw re;
        }
        if (f instanceof Error er) {
            throw er;
        }
        if (f != null) {
            throw new IllegalStateException(f);
        }
    }

    private synchronized boolean isParked(int worker) {
        return parked[worker];
    }

    private synchronized void setParked(int worker, boolean value) {
        parked[worker] = value;
    }

    private void loop(int worker) {
        long seen = 0;
        while (true) {
            long g;
            int spins = 0;
            while ((g = generation) == seen && !closed) {
                if (++spins < SPIN_ROUNDS) {
                    Thread.onSpinWait();
                    continue;
                }
                setParked(worker, true);
                if (generation == seen && !closed) {
                    LockSupport.park(this);
                }
                setParked(worker, false);
                spins = 0;
            }
            if (closed) {
                return;
            }
            seen = g;
            try {
                task.run(worker, threads);
            } catch (Throwable e) {
                failure = e;
            }
            pending.decrementAndGet();
        }
    }

    /** Rows {@code [from, to)} of {@code n} that worker {@code w} of {@code ws} takes, cut at multiples of {@code align}. */
    static int splitFrom(int n, int w, int ws, int align) {
        long cut = (long) n * w / ws;
        int c = (int) (cut - cut % align);
        return w == 0 ? 0 : Math.min(c, n);
    }

    static int splitTo(int n, int w, int ws, int align) {
        return w == ws - 1 ? n : splitFrom(n, w + 1, ws, align);
    }

    @Override
    public void close() {
        if (closed) {
            return;
        }
        closed = true;
        for (Thread t : team) {
            LockSupport.unpark(t);
        }
        for (Thread t : team) {
            try {
                t.join(1000);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                return;
            }
        }
    }
}
