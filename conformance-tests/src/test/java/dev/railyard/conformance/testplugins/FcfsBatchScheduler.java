package dev.railyard.conformance.testplugins;

import dev.railyard.spi.scheduler.KvCacheView;
import dev.railyard.spi.scheduler.Scheduler;
import dev.railyard.spi.scheduler.SchedulerView;
import dev.railyard.spi.scheduler.SequenceView;
import dev.railyard.spi.scheduler.StepPlan;
import java.util.HashSet;
import java.util.List;
import java.util.Set;

/**
 * A correct continuous-batching FCFS scheduler, the base of the kit's broken test schedulers:
 * running sequences first (a decode token, or the next prefill chunk), preempting the latest
 * running sequence when blocks run out; then waiting ones in order while budgets and blocks last.
 * Subclasses break one thing each through the hooks.
 */
public class FcfsBatchScheduler implements Scheduler {

    /** Whether to consider running sequence {@code s} this step. */
    protected boolean scheduleRunning(SequenceView s, SchedulerView view) {
        return true;
    }

    /** Whether waiting sequence {@code s} may be admitted now ({@code false}: skip it, look at the next). */
    protected boolean admit(SequenceView s, SchedulerView view) {
        return true;
    }

    /** Tokens to compute for {@code s} within {@code budget} (0: none). */
    protected int tokensFor(SequenceView s, int budget, SchedulerView view) {
        if (view.limits().chunkedPrefill()) {
            return Math.min(s.pendingTokens(), budget);
        }
        return s.pendingTokens() <= budget ? s.pendingTokens() : 0;
    }

    /** Adds work for a sequence that will compute {@code n} tokens; returns the tokens used (drafts included). */
    protected int addWork(StepPlan.Builder plan, SequenceView s, int n, int budget, int freeBlocks, SchedulerView view) {
        plan.schedule(s.id(), n);
        return n;
    }

    @Override
    public StepPlan schedule(SchedulerView view) {
        List<SequenceView> running = view.running();
        if (running.isEmpty() && view.waiting().isEmpty()) {
            return StepPlan.idle();
        }
        KvCacheView kv = view.kvCache();
        int budget = view.limits().maxTokensPerStep();
        int seqs = view.limits().maxSequencesPerStep();
        int free = kv.freeBlocks();
        StepPlan.Builder plan = StepPlan.builder();
        Set<Long> preempted = new HashSet<>();
        int last = running.size() - 1;
        for (int i = 0; i <= last && budget > 0 && seqs > 0; i++) {
            SequenceView s = running.get(i);
            if (!scheduleRunning(s, view)) {
                continue;
            }
            int n = tokensFor(s, budget, view);
            if (n == 0) {
                continue;
            }
            int need = kv.blocksNeeded(s, n);
            while (need > free && last >= i) {
                SequenceView victim = running.get(last--);
                plan.preempt(victim.id());
                preempted.add(victim.id());
                free += victim.allocatedBlocks();
            }
            if (preempted.contains(s.id())) {
                break;
            }
            int used = addWork(plan, s, n, budget, free, view);
            free -= kv.blocksNeeded(s, used);
            budget -= used;
            seqs--;
        }
        if (preempted.isEmpty()) {
            for (SequenceView s : view.waiting()) {
                if (budget <= 0 || seqs <= 0) {
                    break;
                }
                if (!admit(s, view)) {
                    continue;
                }
                int n = tokensFor(s, budget, view);
                int need = n == 0 ? 0 : kv.blocksNeeded(s, n);
                if (n == 0 || need > free) {
                    break;
                }
                plan.schedule(s.id(), n);
                free -= need;
                budget -= n;
                seqs--;
            }
        }
        StepPlan p = plan.build();
        return p.isEmpty() ? StepPlan.idle() : p;
    }
}
