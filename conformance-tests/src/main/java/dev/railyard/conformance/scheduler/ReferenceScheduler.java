package dev.railyard.conformance.scheduler;

import dev.railyard.spi.scheduler.Scheduler;
import dev.railyard.spi.scheduler.SchedulerView;
import dev.railyard.spi.scheduler.SequenceView;
import dev.railyard.spi.scheduler.StepPlan;

/**
 * The trivially correct path that outputs are compared with: one request at a time, in arrival
 * order, alone in every step, its prompt whole (or in the largest chunks a step allows). Never
 * batches, never preempts.
 */
public final class ReferenceScheduler implements Scheduler {

    /** The name the reference engine reports. */
    public static final String NAME = "kit-reference-fcfs";

    @Override
    public StepPlan schedule(SchedulerView view) {
        SequenceView s = !view.running().isEmpty() ? view.running().getFirst()
                : view.waiting().isEmpty() ? null : view.waiting().getFirst();
        if (s == null) {
            return StepPlan.idle();
        }
        int n = view.limits().chunkedPrefill() ? Math.min(s.pendingTokens(), view.limits().maxTokensPerStep()) : s.pendingTokens();
        if (s.allocatedBlocks() == 0 && view.kvCache().blocksNeeded(s, n) > view.kvCache().freeBlocks()) {
            return StepPlan.builder().reject(s.id(), "the reference path cannot fit this request in the KV pool").build();
        }
        return StepPlan.builder().schedule(s.id(), n).build();
    }
}
