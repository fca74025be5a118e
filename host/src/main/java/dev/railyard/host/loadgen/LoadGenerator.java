package dev.railyard.host.loadgen;

import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.SplittableRandom;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Semaphore;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.locks.LockSupport;

/**
 * Runs a {@link LoadPlan} of a {@link WorkloadShape} against a {@link LoadTarget}, one virtual
 * thread per request in flight, and returns every request's record.
 */
public final class LoadGenerator {

    /** Told as requests finish (from many threads). */
    public interface Progress {
        Progress NONE = (done, failed, elapsedNanos) -> { };

        void update(int done, int failed, long elapsedNanos);
    }

    /**
     * A finished run.
     *
     * @param records every request, in index order
     * @param startNanos when the first request could be sent
     * @param endNanos when the last one ended
     */
    public record Run(List<RequestRecord> records, long startNanos, long endNanos) {
        public double seconds() {
            return Math.max(1e-9, (endNanos - startNanos) / 1e9);
        }
    }

    private final LoadTarget target;
    private final WorkloadShape shape;
    private final Progress progress;
    private final List<RequestRecord> records = Collections.synchronizedList(new ArrayList<>());
    private final AtomicInteger done = new AtomicInteger();
    private final AtomicInteger failed = new AtomicInteger();
    private long start;

    public LoadGenerator(LoadTarget target, WorkloadShape shape, Progress progress) {
        this.target = target;
        this.shape = shape;
        this.progress = progress;
    }

    /** Runs {@code plan} to the end; the generator may be reused for another plan. */
    public Run run(LoadPlan plan) {
        records.clear();
        done.set(0);
        failed.set(0);
        start = System.nanoTime();
        long limitNanos = plan.duration() == null ? Long.MAX_VALUE : plan.duration().toNanos();
        try (ExecutorService pool = Executors.newVirtualThreadPerTaskExecutor()) {
            if (plan.arrivals() == null) {
                closedLoop(plan, limitNanos, pool);
            } else {
                openLoop(plan, limitNanos, pool);
            }
        }
        long end = start;
        List<RequestRecord> out = new ArrayList<>(records);
        out.sort((a, b) -> Integer.compare(a.index(), b.index()));
        for (RequestRecord r : out) {
            end = Math.max(end, r.endNanos());
        }
        return new Run(List.copyOf(out), start, end);
    }

    private void closedLoop(LoadPlan plan, long limitNanos, ExecutorService pool) {
        AtomicInteger next = new AtomicInteger();
        for (int c = 0; c < plan.concurrency(); c++) {
            pool.submit(() -> {
                while (true) {
                    if (System.nanoTime() - start >= limitNanos) {
                        return;
                    }
                    int i = next.getAndIncrement();
                    if (plan.requests() > 0 && i >= plan.requests()) {
                        return;
                    }
                    sendOne(i);
                }
            });
        }
    }

    private void openLoop(LoadPlan plan, long limitNanos, ExecutorService pool) {
        SplittableRandom random = new SplittableRandom(plan.seed());
        Semaphore inFlight = plan.concurrency() > 0 ? new Semaphore(plan.concurrency()) : null;
        double at = 0;
        for (int i = 0; plan.requests() == 0 || i < plan.requests(); i++) {
            at += plan.arrivals().nextGapSeconds(random);
            long due = start + (long) (at * 1e9);
            if (due - start >= limitNanos) {
                break;
            }
            long wait;
            while ((wait = due - System.nanoTime()) > 0) {
                LockSupport.parkNanos(wait);
            }
            if (inFlight != null) {
                inFlight.acquireUninterruptibly();
            }
            int index = i;
            pool.submit(() -> {
                try {
                    sendOne(index);
                } finally {
                    if (inFlight != null) {
                        inFlight.release();
                    }
                }
            });
        }
    }

    private void sendOne(int index) {
        RequestRecord r;
        try {
            r = target.send(shape.item(index));
        } catch (RuntimeException e) {
            r = RequestRecord.failed(index, System.nanoTime(), e.toString());
        }
        records.add(r);
        if (!r.ok()) {
            failed.incrementAndGet();
        }
        progress.update(done.incrementAndGet(), failed.get(), System.nanoTime() - start);
    }
}
