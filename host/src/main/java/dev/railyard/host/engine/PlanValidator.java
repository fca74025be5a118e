package dev.railyard.host.engine;

import dev.railyard.spi.scheduler.EngineLimits;
import dev.railyard.spi.scheduler.InvalidPlanException;
import dev.railyard.spi.scheduler.PlanRule;
import dev.railyard.spi.scheduler.Rejection;
import dev.railyard.spi.scheduler.ScheduledWork;
import dev.railyard.spi.scheduler.SequenceState;
import dev.railyard.spi.scheduler.StepPlan;

/**
 * Checks a {@link StepPlan} against every {@link PlanRule} before the engine applies any of it.
 * Allocation-free on the valid path: duplicates are found with a per-plan stamp on each
 * sequence rather than a set.
 */
final class PlanValidator {

    private final String schedulerName;
    private final EngineLimits limits;
    private final int vocabSize;
    private int stamp;

    PlanValidator(String schedulerName, EngineLimits limits, int vocabSize) {
        this.schedulerName = schedulerName;
        this.limits = limits;
        this.vocabSize = vocabSize;
    }

    /**
     * @throws InvalidPlanException naming the scheduler and the first rule the plan breaks
     */
    void validate(StepPlan plan, SequenceTable active, BlockManager blocks) {
        int planStamp = ++stamp;
        int freedByPreemption = 0;
        for (Rejection r : plan.rejected()) {
            Sequence s = known(active, r.sequenceId(), "rejected", planStamp);
            if (s.state != SequenceState.WAITING) {
                throw broken(PlanRule.P8_REJECT_WAITING_ONLY, "sequence " + s.id + " is " + s.state + " and cannot be rejected");
            }
        }
        for (long id : plan.preempted()) {
            Sequence s = known(active, id, "preempted", planStamp);
            if (s.state != SequenceState.RUNNING) {
                throw broken(PlanRule.P7_PREEMPT_RUNNING_ONLY, "sequence " + id + " is " + s.state + ", not RUNNING");
            }
            freedByPreemption += s.blockTable.size();
        }
        if (plan.scheduled().size() > limits.maxSequencesPerStep()) {
            throw broken(PlanRule.P5_SEQUENCE_BUDGET, "plan schedules " + plan.scheduled().size()
                    + " sequences, limit is " + limits.maxSequencesPerStep());
        }
        long totalTokens = 0;
        long blocksNeeded = 0;
        for (ScheduledWork w : plan.scheduled()) {
            Sequence s = known(active, w.sequenceId(), "scheduled", planStamp);
            checkWork(w, s);
            totalTokens += w.numTokens();
            int target = s.computed + w.numTokens();
            blocksNeeded += Math.max(0, blocks.blocksFor(target) - s.blockTable.size());
        }
        if (totalTokens > limits.maxTokensPerStep()) {
            throw broken(PlanRule.P4_TOKEN_BUDGET, "plan computes " + totalTokens + " tokens, limit is " + limits.maxTokensPerStep());
        }
        int available = blocks.freeBlocks() + freedByPreemption;
        if (blocksNeeded > available) {
            throw broken(PlanRule.P6_KV_CAPACITY, "plan needs " + blocksNeeded + " new KV blocks but only " + available
                    + " are free after its preemptions (" + blocks.freeBlocks() + " free + " + freedByPreemption + " preempted)");
        }
    }

    private void checkWork(ScheduledWork w, Sequence s) {
        int pending = s.pendingTokens();
        int n = w.numTokens();
        if (w.draft() == null) {
            if (n < 1 || n > pending) {
                throw broken(PlanRule.P3_TOKEN_COUNT, "sequence " + s.id + " scheduled for " + n + " tokens but has " + pending + " pending");
            }
            if (!limits.chunkedPrefill() && n != pending) {
                throw broken(PlanRule.P9_WHOLE_PREFILL, "sequence " + s.id + " scheduled for " + n + " of its " + pending
                        + " pending tokens, but the backend does not support chunked prefill");
            }
        } else {
            int k = w.draft().length();
            if (n != 1 + k) {
                throw broken(PlanRule.P3_TOKEN_COUNT, "sequence " + s.id + " scheduled for " + n + " tokens with a draft of " + k
                        + "; must be 1 + " + k);
            }
            if (pending != 1 || s.state != SequenceState.RUNNING) {
                throw broken(PlanRule.P10_DRAFT_ON_DECODE, "sequence " + s.id + " got draft tokens while it has " + pending
                        + " pending tokens (" + s.state + ")");
            }
            if (!limits.multiPositionLogits()) {
                throw broken(PlanRule.P10_DRAFT_ON_DECODE, "the backend cannot return logits at several positions of a sequence");
            }
            for (int t : w.draft().tokens()) {
                if (t < 0 || t >= vocabSize) {
                    throw broken(PlanRule.P10_DRAFT_ON_DECODE, "sequence " + s.id + " got draft token " + t
                            + " outside the vocabulary [0, " + vocabSize + ")");
                }
            }
        }
        if (s.computed + n > limits.maxContextLength()) {
            throw broken(PlanRule.P11_CONTEXT_LENGTH, "sequence " + s.id + " would reach " + (s.computed + n)
                    + " tokens, the context length is " + limits.maxContextLength());
        }
    }

    private Sequence known(SequenceTable active, long id, String role, int planStamp) {
        Sequence s = active.get(id);
        if (s == null || s.finished) {
            throw broken(PlanRule.P1_KNOWN_SEQUENCE, role + " sequence " + id + " is not waiting or running"
                    + (s == null ? " (unknown or finished)" : " (finished)"));
        }
        if (s.planStamp == planStamp) {
            throw broken(PlanRule.P2_NO_DUPLICATE, "sequence " + id + " appears more than once in the plan (again as " + role + ")");
        }
        s.planStamp = planStamp;
        return s;
    }

    private InvalidPlanException broken(PlanRule rule, String detail) {
        return new InvalidPlanException(schedulerName, rule, detail);
    }
}
