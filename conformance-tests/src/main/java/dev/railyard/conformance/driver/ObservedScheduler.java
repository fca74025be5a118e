package dev.railyard.conformance.driver;

import dev.railyard.spi.scheduler.FinishReason;
import dev.railyard.spi.scheduler.Rejection;
import dev.railyard.spi.scheduler.ScheduledWork;
import dev.railyard.spi.scheduler.Scheduler;
import dev.railyard.spi.scheduler.SchedulerView;
import dev.railyard.spi.scheduler.SequenceState;
import dev.railyard.spi.scheduler.SequenceView;
import dev.railyard.spi.scheduler.StepOutcome;
import dev.railyard.spi.scheduler.StepPlan;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Set;

/**
 * Wraps the scheduler under test to watch it without changing what it does: which sequences it has
 * admitted (and not preempted since), how many drafts it proposed, its rejections, exceptions it
 * threw, and, whenever it plans no work, a snapshot of what is left waiting and running.
 */
public final class ObservedScheduler implements Scheduler {

    /**
     * A sequence left in the engine when the scheduler planned nothing.
     *
     * @param id the sequence
     * @param state its state
     * @param allocatedBlocks blocks it held
     * @param generated tokens it had generated
     * @param promptLength its prompt's length
     * @param maxTokens the most it may generate
     * @param freeBlocks blocks free in the pool at that moment
     * @param blockSize tokens per block
     */
    public record Leftover(long id, SequenceState state, int allocatedBlocks, int generated, int promptLength, int maxTokens,
                           int freeBlocks, int blockSize) {

        /** {@code true} when its whole sequence (prompt and every output token) would fit in the free blocks. */
        public boolean wouldFitWhole() {
            return Math.ceilDiv(promptLength + maxTokens, blockSize) <= freeBlocks;
        }
    }

    private final Scheduler inner;
    private final Set<Long> admitted = new HashSet<>();
    private final List<Rejection> rejections = new ArrayList<>();
    private List<Leftover> lastIdleSnapshot = List.of();
    private long plans;
    private long draftsProposed;
    private long draftsAccepted;
    private RuntimeException thrown;

    public ObservedScheduler(Scheduler inner) {
        this.inner = inner;
    }

    @Override
    public StepPlan schedule(SchedulerView view) {
        StepPlan plan;
        try {
            plan = inner.schedule(view);
        } catch (RuntimeException e) {
            thrown = thrown == null ? e : thrown;
            throw e;
        }
        plans++;
        if (plan == null) {
            return null;
        }
        for (ScheduledWork w : plan.scheduled()) {
            admitted.add(w.sequenceId());
            draftsProposed += w.draftLength();
        }
        for (long id : plan.preempted()) {
            admitted.remove(id);
        }
        rejections.addAll(plan.rejected());
        if (plan.scheduled().isEmpty()) {
            List<Leftover> left = new ArrayList<>();
            int free = view.kvCache().freeBlocks();
            int bs = view.kvCache().blockSize();
            for (SequenceView s : view.waiting()) {
                left.add(new Leftover(s.id(), s.state(), s.allocatedBlocks(), s.generatedCount(), s.promptLength(), s.maxTokens(), free, bs));
            }
            for (SequenceView s : view.running()) {
                left.add(new Leftover(s.id(), s.state(), s.allocatedBlocks(), s.generatedCount(), s.promptLength(), s.maxTokens(), free, bs));
            }
            lastIdleSnapshot = left;
        }
        return plan;
    }

    @Override
    public void onStepCompleted(List<StepOutcome> outcomes) {
        for (StepOutcome o : outcomes) {
            draftsAccepted += o.acceptedDraftTokens();
        }
        try {
            inner.onStepCompleted(outcomes);
        } catch (RuntimeException e) {
            thrown = thrown == null ? e : thrown;
            throw e;
        }
    }

    @Override
    public void onFinished(long sequenceId, FinishReason reason) {
        admitted.remove(sequenceId);
        try {
            inner.onFinished(sequenceId, reason);
        } catch (RuntimeException e) {
            thrown = thrown == null ? e : thrown;
            throw e;
        }
    }

    /** The scheduler under test. */
    public Scheduler inner() {
        return inner;
    }

    /** {@code true} when the sequence was scheduled and not preempted or finished since. */
    public boolean isAdmitted(long id) {
        return admitted.contains(id);
    }

    /** What was waiting and running the last time the scheduler planned no work. */
    public List<Leftover> lastIdleSnapshot() {
        return lastIdleSnapshot;
    }

    public List<Rejection> rejections() {
        return rejections;
    }

    public long plans() {
        return plans;
    }

    /** Draft tokens put into plans. */
    public long draftsProposed() {
        return draftsProposed;
    }

    /** Draft tokens the host accepted. */
    public long draftsAccepted() {
        return draftsAccepted;
    }

    /** The first exception the scheduler threw, or null. */
    public RuntimeException thrown() {
        return thrown;
    }
}
