package dev.railyard.schedulers.continuous;

import dev.railyard.schedulers.support.Capacity;
import dev.railyard.schedulers.support.SequenceOrder;
import dev.railyard.schedulers.support.StepPacker;
import dev.railyard.spi.scheduler.EngineLimits;
import dev.railyard.spi.scheduler.KvCacheView;
import dev.railyard.spi.scheduler.Scheduler;
import dev.railyard.spi.scheduler.SchedulerContext;
import dev.railyard.spi.scheduler.SchedulerView;
import dev.railyard.spi.scheduler.SequenceState;
import dev.railyard.spi.scheduler.SequenceView;
import dev.railyard.spi.scheduler.StepPlan;
import java.util.Comparator;
import java.util.List;

/**
 * Iteration-level ("continuous") batching, as vLLM does it.
 *
 * <p>Every step it plans, within a token budget ({@code max-batched-tokens}, capped by the
 * engine's tokens per step), a sequence budget ({@code max-num-seqs}, capped by the engine's
 * sequences per step and by the token budget) and the free KV blocks:
 * <ol>
 *   <li><b>Running sequences first</b>, in policy order: a decoding sequence computes its one
 *       pending token; a sequence in chunked prefill computes its next chunk (never so large that
 *       the running decodes after it lose their token). When a running sequence needs a new KV
 *       block and none is free, a prefill chunk is first shrunk to what fits; otherwise the
 *       running sequence that comes last in policy order (the lowest-priority, latest-arrived one)
 *       is preempted by recompute, possibly the sequence itself.</li>
 *   <li><b>Then waiting sequences</b> (new and preempted), strictly in policy order, while
 *       budgets and free blocks allow; a prompt too large for the rest of the budget gets a chunk
 *       (chunked prefill, optionally capped by {@code long-prefill-token-threshold}). Admission
 *       stops at the first sequence that does not fit (head-of-line blocking, never starvation),
 *       and nothing is admitted in a step that had to preempt.</li>
 * </ol>
 *
 * <p>A never-admitted sequence that can never run in this engine (its prompt needs more blocks
 * than the whole pool, or, without chunked prefill, more tokens than one step) is rejected with
 * a reason. Preempted sequences cannot be rejected (rule P8); one that has outgrown the pool is
 * skipped so it does not block the queue.
 *
 * <p>Policies: {@code fcfs} orders by arrival; {@code priority} by priority value (smaller
 * first), then arrival. Preemption victims are chosen from the end of that same order.
 */
public final class ContinuousScheduler implements Scheduler {

    private final Comparator<SequenceView> order;
    private final int maxBatchedTokens;
    private final int maxNumSeqs;
    private final boolean chunkedPrefill;
    private final int longPrefillThreshold;

    /**
     * @param config validated configuration
     * @param context the engine's limits and KV geometry
     */
    public ContinuousScheduler(ContinuousConfig config, SchedulerContext context) {
        this.order = config.usesPriorityPolicy() ? SequenceOrder.PRIORITY : SequenceOrder.FCFS;
        this.maxBatchedTokens = config.maxBatchedTokens;
        this.maxNumSeqs = config.maxNumSeqs;
        this.chunkedPrefill = config.enableChunkedPrefill;
        this.longPrefillThreshold = config.longPrefillTokenThreshold;
    }

    @Override
    public StepPlan schedule(SchedulerView view) {
        List<SequenceView> running = view.running();
        List<SequenceView> waiting = view.waiting();
        if (running.isEmpty() && waiting.isEmpty()) {
            return StepPlan.idle();
        }
        EngineLimits limits = view.limits();
        KvCacheView kv = view.kvCache();
        int budget = Math.min(maxBatchedTokens, limits.maxTokensPerStep());
        int seqBudget = Math.min(Math.min(maxNumSeqs, limits.maxSequencesPerStep()), budget);
        StepPacker packer = new StepPacker(limits, kv, budget, seqBudget, chunkedPrefill, longPrefillThreshold);
        StepPlan.Builder plan = StepPlan.builder();

        // 1. running sequences, in policy order; preemption victims come from the end
        packer.packRunning(plan, SequenceOrder.sorted(running, order));

        // 2. waiting sequences, strictly in policy order; none in a step that had to preempt
        boolean admitting = true;
        for (SequenceView w : SequenceOrder.sorted(waiting, order)) {
            String never = Capacity.neverFits(w, kv, limits);
            if (never != null) {
                if (w.state() == SequenceState.WAITING) {
                    plan.reject(w.id(), "request can never be scheduled: its " + never);
                }
                continue; // a preempted one cannot be rejected (P8): skip it, don't let it block the queue
            }
            admitting = admitting && packer.admit(plan, w);
        }
        return plan.build();
    }
}
