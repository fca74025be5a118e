package dev.railyard.examples.slo;

import dev.railyard.spi.scheduler.EngineLimits;
import dev.railyard.spi.scheduler.KvCacheView;
import dev.railyard.spi.scheduler.Scheduler;
import dev.railyard.spi.scheduler.SchedulerView;
import dev.railyard.spi.scheduler.SequenceState;
import dev.railyard.spi.scheduler.SequenceView;
import dev.railyard.spi.scheduler.StepPlan;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Locale;
import java.util.Set;

/**
 * Earliest deadline first, with admission control.
 *
 * <p>Every step, within the token budget, the sequence budget and the free KV blocks:
 * <ol>
 *   <li>running sequences in order of urgency ({@link Deadlines}): a decode token each, or the
 *       next prefill chunk; when blocks run out, the least urgent running sequence is preempted;</li>
 *   <li>then waiting sequences in order of urgency. A never-admitted request whose TTFT deadline
 *       can no longer be met, given the prompt tokens queued ahead of it and the measured step
 *       time, is rejected with a reason that says so (when {@code admission-control} is on).</li>
 * </ol>
 * Requests without SLOs have no deadline: they are served after those that have one, in arrival
 * order, and never rejected.
 */
public final class SloAwareScheduler implements Scheduler {

    private final int maxBatchedTokens;
    private final int maxNumSeqs;
    private final boolean admissionControl;
    private final StepTimeEstimate stepTime;

    public SloAwareScheduler(SloAwareConfig config) {
        this.maxBatchedTokens = config.maxBatchedTokens;
        this.maxNumSeqs = config.maxNumSeqs;
        this.admissionControl = config.admissionControl;
        this.stepTime = new StepTimeEstimate(config.initialStepMs * 1e6);
    }

    @Override
    public StepPlan schedule(SchedulerView view) {
        StepPlan plan = plan(view);
        stepTime.observe(view.nowNanos(), !plan.scheduled().isEmpty());
        return plan;
    }

    private StepPlan plan(SchedulerView view) {
        if (view.running().isEmpty() && view.waiting().isEmpty()) {
            return StepPlan.idle();
        }
        EngineLimits limits = view.limits();
        KvCacheView kv = view.kvCache();
        int totalBudget = Math.min(maxBatchedTokens, limits.maxTokensPerStep());
        int budget = totalBudget;
        int seqs = Math.min(maxNumSeqs, limits.maxSequencesPerStep());
        int free = kv.freeBlocks();
        StepPlan.Builder plan = StepPlan.builder();

        List<SequenceView> running = new ArrayList<>(view.running());
        running.sort(Deadlines.URGENCY);
        Set<Long> preempted = new HashSet<>();
        int tail = running.size() - 1;
        for (int i = 0; i <= tail && budget > 0 && seqs > 0; i++) {
            SequenceView s = running.get(i);
            int n = tokensFor(s, budget, limits);
            if (n == 0) {
                continue;
            }
            int need = kv.blocksNeeded(s, n);
            while (need > free && tail >= i) {
                SequenceView victim = running.get(tail--);
                plan.preempt(victim.id());
                preempted.add(victim.id());
                free += victim.allocatedBlocks();
            }
            if (preempted.contains(s.id())) {
                break;
            }
            plan.schedule(s.id(), n);
            free -= need;
            budget -= n;
            seqs--;
        }

        List<SequenceView> waiting = new ArrayList<>(view.waiting());
        waiting.sort(Deadlines.URGENCY);
        int prefillPerStep = Math.max(1, totalBudget - view.running().size());
        long queuedTokens = 0;
        boolean admitting = preempted.isEmpty();
        for (SequenceView s : waiting) {
            if (admissionControl && s.state() == SequenceState.WAITING && s.firstTokenDeadlineNanos().isPresent()) {
                String reason = missedDeadline(s, view.nowNanos(), queuedTokens, prefillPerStep);
                if (reason != null) {
                    plan.reject(s.id(), reason);
                    continue;
                }
            }
            queuedTokens += s.pendingTokens();
            if (!admitting || budget <= 0 || seqs <= 0) {
                continue;
            }
            int n = tokensFor(s, budget, limits);
            int need = n == 0 ? 0 : kv.blocksNeeded(s, n);
            if (n == 0 || need > free) {
                admitting = false; // keep urgency order: nothing less urgent overtakes a blocked request
                continue;
            }
            plan.schedule(s.id(), n);
            free -= need;
            budget -= n;
            seqs--;
        }
        StepPlan p = plan.build();
        return p.isEmpty() ? StepPlan.idle() : p;
    }

    /** A decode token, or the next prefill chunk (the whole prompt without chunked prefill), within the budget; 0 if none fits. */
    private static int tokensFor(SequenceView s, int budget, EngineLimits limits) {
        int pending = s.pendingTokens();
        if (limits.chunkedPrefill()) {
            return Math.min(pending, budget);
        }
        return pending <= budget ? pending : 0;
    }

    /** Why {@code s} cannot get its first token by its deadline, or null when it still can. */
    private String missedDeadline(SequenceView s, long now, long queuedTokens, int prefillPerStep) {
        long deadline = s.firstTokenDeadlineNanos().getAsLong();
        long tokensAhead = queuedTokens + s.pendingTokens();
        long steps = Math.max(1, Math.ceilDiv(tokensAhead, prefillPerStep));
        double eta = steps * stepTime.nanos();
        if (now + eta <= deadline) {
            return null;
        }
        return String.format(Locale.ROOT, "TTFT SLO cannot be met: the deadline is in %.1f ms but the first token would come in "
                        + "about %.1f ms (%d steps of %.1f ms for %d prompt tokens queued ahead and its own); rejected at admission",
                (deadline - now) / 1e6, eta / 1e6, steps, stepTime.nanos() / 1e6, queuedTokens);
    }
}
