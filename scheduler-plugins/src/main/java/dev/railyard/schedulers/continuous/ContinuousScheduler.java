package dev.railyard.schedulers.continuous;

import dev.railyard.schedulers.support.Capacity;
import dev.railyard.schedulers.support.SequenceOrder;
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
        this.order = config.isPriorityPolicy() ? SequenceOrder.PRIORITY : SequenceOrder.FCFS;
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
        int blockSize = kv.blockSize();
        int budget = Math.min(maxBatchedTokens, limits.maxTokensPerStep());
        int seqBudget = Math.min(Math.min(maxNumSeqs, limits.maxSequencesPerStep()), budget);
        boolean chunk = chunkedPrefill && limits.chunkedPrefill();
        int free = kv.freeBlocks();
        StepPlan.Builder plan = StepPlan.builder();
        boolean preempted = false;

        // 1. running sequences, in policy order; preemption victims come from the end
        SequenceView[] run = SequenceOrder.sorted(running, order);
        int decodesLeft = 0;
        for (SequenceView s : run) {
            if (s.pendingTokens() == 1) {
                decodesLeft++;
            }
        }
        int lo = 0;
        int hi = run.length;
        while (lo < hi) {
            SequenceView s = run[lo];
            int pending = s.pendingTokens();
            boolean decode = pending == 1;
            if (decode) {
                decodesLeft--;
            }
            if (plan.scheduledCount() >= seqBudget || budget <= 0) {
                break;
            }
            int want;
            if (pending < 1) {
                lo++;
                continue;
            } else if (decode) {
                want = 1;
            } else {
                want = prefillTokens(pending, budget - decodesLeft, plan.scheduledCount() == 0, chunk, limits);
            }
            want = Math.min(want, limits.maxContextLength() - s.computedLength());
            if (want < 1) {
                lo++;
                continue;
            }
            boolean canShrink = !decode && (chunk || limits.chunkedPrefill() && pending > limits.maxTokensPerStep());
            int n = want;
            int need = kv.blocksNeeded(s, n);
            boolean outgrown = Capacity.blocksFor(s.computedLength() + 1, blockSize) > kv.totalBlocks();
            while (need > free && !outgrown) {
                int fit = Capacity.tokensThatFit(s, free, blockSize);
                if (canShrink && fit >= 1) {
                    n = Math.min(want, fit);
                    need = kv.blocksNeeded(s, n);
                    break;
                }
                if (hi - 1 <= lo) {
                    break;
                }
                SequenceView victim = run[--hi];
                if (victim.pendingTokens() == 1) {
                    decodesLeft--;
                }
                plan.preempt(victim.id());
                free += victim.allocatedBlocks();
                preempted = true;
                need = kv.blocksNeeded(s, n);
            }
            if (need > free) {
                // nothing left to take blocks from (or it outgrew the whole pool): recompute it later
                plan.preempt(s.id());
                free += s.allocatedBlocks();
                preempted = true;
                lo++;
                continue;
            }
            plan.schedule(s.id(), n);
            free -= need;
            budget -= n;
            lo++;
        }

        // 2. waiting sequences, strictly in policy order; none in a step that had to preempt
        SequenceView[] queue = SequenceOrder.sorted(waiting, order);
        boolean admitting = !preempted;
        for (SequenceView w : queue) {
            String never = Capacity.neverFits(w, kv, limits);
            if (never != null) {
                if (w.state() == SequenceState.WAITING) {
                    plan.reject(w.id(), "request can never be scheduled: its " + never);
                }
                continue;
            }
            if (!admitting) {
                continue;
            }
            if (plan.scheduledCount() >= seqBudget || budget <= 0) {
                admitting = false;
                continue;
            }
            int n = prefillTokens(w.pendingTokens(), budget, plan.scheduledCount() == 0, chunk, limits);
            n = Math.min(n, limits.maxContextLength() - w.computedLength());
            int need = n < 1 ? Integer.MAX_VALUE : kv.blocksNeeded(w, n);
            if (need > free) {
                admitting = false; // head-of-line: later sequences never overtake it
                continue;
            }
            plan.schedule(w.id(), n);
            free -= need;
            budget -= n;
        }
        return plan.build();
    }

    /**
     * Prompt tokens a sequence with {@code pending} tokens to compute gets, with {@code budget}
     * tokens left in the step; 0 when it cannot be scheduled now.
     */
    private int prefillTokens(int pending, int budget, boolean firstInStep, boolean chunk, EngineLimits limits) {
        if (budget < 1) {
            return 0;
        }
        if (chunk) {
            return capChunk(Math.min(pending, budget));
        }
        if (pending <= budget) {
            return pending;
        }
        if (firstInStep && pending <= limits.maxTokensPerStep()) {
            return pending; // whole prefill larger than max-batched-tokens: runs alone
        }
        if (limits.chunkedPrefill() && pending > limits.maxTokensPerStep()) {
            return capChunk(Math.min(pending, budget)); // can only ever run in chunks
        }
        return 0;
    }

    private int capChunk(int n) {
        return longPrefillThreshold > 0 ? Math.min(n, longPrefillThreshold) : n;
    }
}
