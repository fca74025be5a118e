package dev.railyard.schedulers.speculative;

import dev.railyard.spi.scheduler.DraftProposal;
import dev.railyard.spi.scheduler.Drafter;
import dev.railyard.spi.scheduler.EngineLimits;
import dev.railyard.spi.scheduler.FinishReason;
import dev.railyard.spi.scheduler.KvCacheView;
import dev.railyard.spi.scheduler.ScheduledWork;
import dev.railyard.spi.scheduler.Scheduler;
import dev.railyard.spi.scheduler.SchedulerView;
import dev.railyard.spi.scheduler.SequenceState;
import dev.railyard.spi.scheduler.SequenceView;
import dev.railyard.spi.scheduler.StepOutcome;
import dev.railyard.spi.scheduler.StepPlan;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

/**
 * Speculative decoding on top of a base policy.
 *
 * <p>Each iteration it takes the base policy's plan, planned with a token budget that leaves
 * room for the drafts of the running decoding sequences (as vLLM counts speculative tokens before
 * admitting prompts; the base still gets at least one token per decode plus one); for every scheduled sequence that is
 * decoding (running, one pending token, scheduled for that one token) it asks the drafter, in one
 * batched {@link Drafter#propose} call, for up to k draft tokens, and replaces that sequence's
 * work with {@link ScheduledWork#withDraft}. Drafts are trimmed so that the plan stays valid: the
 * engine's tokens per step, the KV blocks left after the base plan (k more positions may need new
 * blocks), the context length, and the request's remaining tokens ({@code maxTokens - generated
 * - 1}: the verifying step always emits one more token than it accepts). The host verifies the
 * drafts; this scheduler only decides who gets how many.
 *
 * <p>With {@code adaptive}, each sequence's k follows its acceptance rate: a decayed estimate
 * {@code a} of the chance that one draft token is accepted (accepted tokens over tested tokens,
 * where a draft is tested up to its first rejection), giving {@code k = round(1 / (1 - a))}
 * within [1, k]: about the run of tokens one can expect to be accepted, plus one.
 *
 * <p>Sequences whose prompt the plan processes are handed to {@link Drafter#prefill} first, so a
 * draft model takes the prompt in with the prefill rather than in the first decode step.
 *
 * <p>With {@code disableByBatchSize} above 0, a step runs the base plan unchanged (no drafts, no
 * prompts handed to the drafter) while more sequences than that are running or waiting: a large
 * batch keeps the backend busy by itself (vLLM's {@code speculative_disable_by_batch_size}). The
 * drafter catches up on what it missed when drafting resumes.
 *
 * <p>Without multi-position logits (or without a drafter) it runs the base plan unchanged. If
 * the drafter fails, the step runs without drafts and the drafter forgets those sequences.
 */
public final class SpeculativeScheduler implements Scheduler {

    /** Weight of the past in the acceptance estimate, per verified step. */
    static final double DECAY = 0.7;
    private static final double PRIOR_ACCEPTED = 3.0;
    private static final double PRIOR_TESTED = 4.0;

    private final Scheduler base;
    private final Drafter drafter;
    private final int maxK;
    private final boolean adaptive;
    private final int disableByBatchSize;
    private final Map<Long, Stats> stats = new HashMap<>();
    private long drafterFailures;

    /** Acceptance statistics of one sequence. */
    private static final class Stats {
        double accepted = PRIOR_ACCEPTED;
        double tested = PRIOR_TESTED;
        long draftedTotal;
        long acceptedTotal;
    }

    /**
     * @param base the policy that decides who runs
     * @param drafter proposes draft tokens; null to run the base plan unchanged
     * @param numSpeculativeTokens k, at least 1
     * @param adaptive adapt each sequence's k to its acceptance rate
     */
    public SpeculativeScheduler(Scheduler base, Drafter drafter, int numSpeculativeTokens, boolean adaptive) {
        this(base, drafter, numSpeculativeTokens, adaptive, 0);
    }

    /**
     * @param base the policy that decides who runs
     * @param drafter proposes draft tokens; null to run the base plan unchanged
     * @param numSpeculativeTokens k, at least 1
     * @param adaptive adapt each sequence's k to its acceptance rate
     * @param disableByBatchSize run steps without drafts while more sequences than this are running
     *     or waiting; 0 never
     */
    public SpeculativeScheduler(Scheduler base, Drafter drafter, int numSpeculativeTokens, boolean adaptive,
                                int disableByBatchSize) {
        if (numSpeculativeTokens < 1) {
            throw new IllegalArgumentException("num-speculative-tokens must be at least 1, was " + numSpeculativeTokens);
        }
        if (disableByBatchSize < 0) {
            throw new IllegalArgumentException("disable-by-batch-size must be at least 0, was " + disableByBatchSize);
        }
        this.base = base;
        this.drafter = drafter;
        this.maxK = numSpeculativeTokens;
        this.adaptive = adaptive;
        this.disableByBatchSize = disableByBatchSize;
    }

    /** The k a sequence gets now (before trimming). */
    public int speculationLength(long sequenceId) {
        if (!adaptive) {
            return maxK;
        }
        Stats s = stats.get(sequenceId);
        double a = s == null ? PRIOR_ACCEPTED / PRIOR_TESTED : s.accepted / s.tested;
        if (a >= 1.0) {
            return maxK;
        }
        long k = Math.round(1.0 / (1.0 - a));
        return (int) Math.clamp(k, 1, maxK);
    }

    /** The running acceptance estimate of a sequence (the prior when it has none). */
    public double acceptanceRate(long sequenceId) {
        Stats s = stats.get(sequenceId);
        return s == null ? PRIOR_ACCEPTED / PRIOR_TESTED : s.accepted / s.tested;
    }

    /** Times the drafter threw. */
    public long drafterFailures() {
        return drafterFailures;
    }

    @Override
    public StepPlan schedule(SchedulerView view) {
        EngineLimits limits = view.limits();
        if (drafter == null || !limits.multiPositionLogits() || tooBusyToDraft(view)) {
            return base.schedule(view);
        }
        StepPlan plan = base.schedule(reserveDraftTokens(view, limits));
        if (plan.scheduled().isEmpty()) {
            return plan;
        }
        SequencesById byId = new SequencesById(view);
        prefillDrafts(plan, byId);
        int tokensLeft = limits.maxTokensPerStep() - plan.totalTokens();
        if (tokensLeft <= 0) {
            return plan;
        }
        KvCacheView kv = view.kvCache();
        int free = freeAfter(plan, byId, kv);

        // who may get a draft, and how long it may be given the budgets left (in plan order)
        List<SequenceView> candidates = new ArrayList<>();
        List<Integer> slots = new ArrayList<>();
        int[] caps = new int[plan.scheduled().size()];
        int longest = 0;
        for (int i = 0; i < plan.scheduled().size() && tokensLeft > 0; i++) {
            ScheduledWork w = plan.scheduled().get(i);
            SequenceView s = byId.running(w.sequenceId());
            if (w.draft() != null || w.numTokens() != 1 || s == null || s.state() != SequenceState.RUNNING
                    || s.pendingTokens() != 1) {
                continue;
            }
            int cap = Math.min(draftCap(s, limits), tokensLeft);
            int base1 = kv.blocksNeeded(s, 1);
            while (cap > 0 && kv.blocksNeeded(s, 1 + cap) - base1 > free) {
                cap--;
            }
            if (cap < 1) {
                continue;
            }
            caps[i] = cap;
            tokensLeft -= cap;
            free -= kv.blocksNeeded(s, 1 + cap) - base1;
            candidates.add(s);
            slots.add(i);
            longest = Math.max(longest, cap);
        }
        if (candidates.isEmpty()) {
            return plan;
        }
        List<DraftProposal> proposals;
        try {
            proposals = drafter.propose(List.copyOf(candidates), longest);
        } catch (RuntimeException e) {
            drafterFailures++;
            for (SequenceView s : candidates) {
                drafter.onFinished(s.id()); // forget whatever state it kept for them
            }
            return plan;
        }
        if (proposals == null || proposals.size() != candidates.size()) {
            return plan;
        }
        List<ScheduledWork> work = new ArrayList<>(plan.scheduled());
        boolean changed = false;
        for (int c = 0; c < candidates.size(); c++) {
            DraftProposal p = proposals.get(c);
            int i = slots.get(c);
            if (p == null || p.length() < 1) {
                continue;
            }
            DraftProposal trimmed = p.prefix(caps[i]);
            work.set(i, ScheduledWork.withDraft(candidates.get(c).id(), trimmed));
            changed = true;
        }
        return changed ? new StepPlan(work, plan.preempted(), plan.rejected(), plan.wakeAtNanos()) : plan;
    }

    /**
     * Hands the drafter the sequences whose prompt this plan processes, so that it can take them in
     * with the prefill ({@link Drafter#prefill}). A failure only costs the drafter its state for them.
     */
    private void prefillDrafts(StepPlan plan, SequencesById byId) {
        List<SequenceView> prompts = new ArrayList<>();
        for (ScheduledWork w : plan.scheduled()) {
            SequenceView s = byId.any(w.sequenceId());
            // a request that ends within two tokens of its prompt never gets a draft (see draftCap)
            if (w.draft() == null && s != null && s.pendingTokens() > 1 && s.maxTokens() - s.generatedCount() >= 3) {
                prompts.add(s);
            }
        }
        if (prompts.isEmpty()) {
            return;
        }
        try {
            drafter.prefill(List.copyOf(prompts));
        } catch (RuntimeException e) {
            drafterFailures++;
            for (SequenceView s : prompts) {
                drafter.onFinished(s.id());
            }
        }
    }

    /** Whether more sequences than {@code disableByBatchSize} are running or waiting. */
    private boolean tooBusyToDraft(SchedulerView view) {
        return disableByBatchSize > 0 && view.running().size() + view.waiting().size() > disableByBatchSize;
    }

    /** The most draft tokens {@code s} may get: its k, its remaining tokens, the context. */
    private int draftCap(SequenceView s, EngineLimits limits) {
        int cap = Math.min(speculationLength(s.id()), s.maxTokens() - s.generatedCount() - 1);
        return Math.min(cap, limits.maxContextLength() - s.totalLength());
    }

    /**
     * The view the base policy plans on: its token budget leaves room for the drafts of the
     * running decoding sequences (as vLLM counts speculative tokens before admitting prompts),
     * though never so little that a decode or the next prompt chunk is shut out.
     */
    private SchedulerView reserveDraftTokens(SchedulerView view, EngineLimits limits) {
        int reserve = 0;
        int decodes = 0;
        for (SequenceView s : view.running()) {
            if (s.pendingTokens() == 1) {
                decodes++;
                reserve += Math.max(0, draftCap(s, limits));
            }
        }
        int limit = limits.maxTokensPerStep();
        int budget = Math.max(limit - reserve, Math.min(limit, decodes + 1));
        if (budget >= limit) {
            return view;
        }
        EngineLimits reduced = new EngineLimits(budget, limits.maxSequencesPerStep(), limits.maxContextLength(),
                limits.chunkedPrefill(), limits.multiPositionLogits());
        return new SchedulerView() {
            @Override
            public long nowNanos() {
                return view.nowNanos();
            }

            @Override
            public List<SequenceView> waiting() {
                return view.waiting();
            }

            @Override
            public List<SequenceView> running() {
                return view.running();
            }

            @Override
            public KvCacheView kvCache() {
                return view.kvCache();
            }

            @Override
            public EngineLimits limits() {
                return reduced;
            }
        };
    }

    /** KV blocks free once the base plan's preemptions and work are applied. */
    private static int freeAfter(StepPlan plan, SequencesById byId, KvCacheView kv) {
        int free = kv.freeBlocks();
        for (long id : plan.preempted()) {
            SequenceView s = byId.running(id);
            if (s != null) {
                free += s.allocatedBlocks();
            }
        }
        for (ScheduledWork w : plan.scheduled()) {
            SequenceView s = byId.any(w.sequenceId());
            if (s != null) {
                free -= kv.blocksNeeded(s, w.numTokens());
            }
        }
        return free;
    }

    /** The view's sequences by id, built once per step: the running ones at once, the waiting ones when first asked for. */
    private static final class SequencesById {
        private final SchedulerView view;
        private final Map<Long, SequenceView> running = new HashMap<>();
        private Map<Long, SequenceView> waiting;

        SequencesById(SchedulerView view) {
            this.view = view;
            for (SequenceView s : view.running()) {
                running.put(s.id(), s);
            }
        }

        /** A running sequence, or null. */
        SequenceView running(long id) {
            return running.get(id);
        }

        /** A running or waiting sequence, or null. */
        SequenceView any(long id) {
            SequenceView s = running.get(id);
            if (s != null) {
                return s;
            }
            if (waiting == null) {
                waiting = new HashMap<>();
                for (SequenceView x : view.waiting()) {
                    waiting.put(x.id(), x);
                }
            }
            return waiting.get(id);
        }
    }

    @Override
    public void onStepCompleted(List<StepOutcome> outcomes) {
        for (StepOutcome o : outcomes) {
            if (o.draftedTokens() > 0) {
                Stats s = stats.computeIfAbsent(o.sequenceId(), id -> new Stats());
                int accepted = o.acceptedDraftTokens();
                int tested = accepted + (accepted < o.draftedTokens() ? 1 : 0);
                s.accepted = DECAY * s.accepted + accepted;
                s.tested = DECAY * s.tested + tested;
                s.draftedTotal += o.draftedTokens();
                s.acceptedTotal += accepted;
            }
        }
        base.onStepCompleted(outcomes);
    }

    @Override
    public void onFinished(long sequenceId, FinishReason reason) {
        stats.remove(sequenceId);
        if (drafter != null) {
            drafter.onFinished(sequenceId);
        }
        base.onFinished(sequenceId, reason);
    }
}
