package dev.railyard.spi.scheduler;

import java.util.ArrayList;
import java.util.List;

/**
 * A scheduler's answer for one iteration.
 *
 * <p>The host applies it in this order: rejections, preemptions (blocks freed at once), then the
 * scheduled work as one backend step. When {@link #scheduled()} is empty no step runs, and the
 * host asks again at {@link #wakeAtNanos()} or as soon as something changes (a request arrives,
 * is cancelled or finishes), whichever comes first.
 *
 * <p>Instances are immutable; build them with {@link #builder()}.
 *
 * @param scheduled the work of this step, each sequence at most once
 * @param preempted running sequences to preempt (recompute later)
 * @param rejected waiting sequences to refuse
 * @param wakeAtNanos when nothing is scheduled: when to ask again ({@link Long#MAX_VALUE}: only
 *     on the next event)
 */
public record StepPlan(List<ScheduledWork> scheduled, List<Long> preempted, List<Rejection> rejected, long wakeAtNanos) {

    private static final StepPlan IDLE = new StepPlan(List.of(), List.of(), List.of(), Long.MAX_VALUE);

    public StepPlan {
        scheduled = List.copyOf(scheduled);
        preempted = List.copyOf(preempted);
        rejected = List.copyOf(rejected);
    }

    /** Nothing to do until the next event. */
    public static StepPlan idle() {
        return IDLE;
    }

    /** Nothing to do now; ask again at {@code nanos} (or at the next event, if earlier). */
    public static StepPlan waitUntil(long nanos) {
        return new StepPlan(List.of(), List.of(), List.of(), nanos);
    }

    public boolean isEmpty() {
        return scheduled.isEmpty() && preempted.isEmpty() && rejected.isEmpty();
    }

    /** Tokens this plan computes, draft tokens included. */
    public int totalTokens() {
        int n = 0;
        for (ScheduledWork w : scheduled) {
            n += w.numTokens();
        }
        return n;
    }

    public static Builder builder() {
        return new Builder();
    }

    /** Builds a {@link StepPlan}; not thread-safe. */
    public static final class Builder {
        private final List<ScheduledWork> scheduled = new ArrayList<>();
        private final List<Long> preempted = new ArrayList<>();
        private final List<Rejection> rejected = new ArrayList<>();
        private long wakeAtNanos = Long.MAX_VALUE;

        public Builder schedule(long sequenceId, int numTokens) {
            scheduled.add(ScheduledWork.of(sequenceId, numTokens));
            return this;
        }

        public Builder schedule(ScheduledWork work) {
            scheduled.add(work);
            return this;
        }

        public Builder preempt(long sequenceId) {
            preempted.add(sequenceId);
            return this;
        }

        public Builder reject(long sequenceId, String reason) {
            rejected.add(new Rejection(sequenceId, reason));
            return this;
        }

        /** When nothing gets scheduled: ask again at {@code nanos}. */
        public Builder wakeAt(long nanos) {
            wakeAtNanos = nanos;
            return this;
        }

        public int scheduledCount() {
            return scheduled.size();
        }

        public StepPlan build() {
            return new StepPlan(scheduled, preempted, rejected, wakeAtNanos);
        }
    }
}
