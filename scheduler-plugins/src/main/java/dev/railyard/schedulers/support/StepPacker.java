package dev.railyard.schedulers.support;

import dev.railyard.spi.scheduler.EngineLimits;
import dev.railyard.spi.scheduler.KvCacheView;
import dev.railyard.spi.scheduler.SequenceView;
import dev.railyard.spi.scheduler.StepPlan;

/**
 * Packs one step: running sequences first (with preemption by recompute when KV blocks run out),
 * then sequences to admit, within a token budget, a sequence budget and the free KV blocks,
 * which it tracks as it adds work ({@link KvCacheView#blocksNeeded} for each addition). Shared by
 * the continuous and the dynamic schedulers; one instance per step.
 *
 * <p>Running sequences are given in service order: the last ones are the preemption victims.
 * A running sequence that needs a block when none is free first shrinks its prefill chunk to
 * what fits (when chunks are allowed); otherwise the running sequence at the end of the order is
 * preempted, possibly the sequence itself. A running sequence that has outgrown the whole pool
 * preempts itself at once. A prefill chunk never takes the token of a later running decode.
 *
 * <p>Admission is strict: {@link #admit} refuses (and keeps refusing) once one sequence does not
 * fit, once budgets are spent, or when the step preempted anything. A sequence fits when its
 * blocks, plus the blocks that every sequence packed so far (itself included) will need for its
 * next decode, are free: admitting it must not force a preemption in the very next step. The
 * first sequence of a step is exempt from that look-ahead, so that something always runs.
 */
public final class StepPacker {

    private final EngineLimits limits;
    private final KvCacheView kv;
    private final boolean chunk;
    private final int longPrefillThreshold;
    private final int seqBudget;
    private int budget;
    private int free;
    private boolean preempted;
    private boolean admissionClosed;
    private int scheduled;
    /** New blocks the sequences packed so far will need in the next step, when they decode. */
    private int nextStepBlocks;

    /**
     * @param tokenBudget tokens this step may compute (already capped by the engine's limit)
     * @param seqBudget sequences this step may hold (already capped by the engine's limit)
     * @param chunkedPrefill split prompts over steps (effective only when the backend supports it)
     * @param longPrefillThreshold the most prompt tokens of one sequence per step; 0 for no cap
     */
    public StepPacker(EngineLimits limits, KvCacheView kv, int tokenBudget, int seqBudget, boolean chunkedPrefill,
                      int longPrefillThreshold) {
        this.limits = limits;
        this.kv = kv;
        this.budget = tokenBudget;
        this.seqBudget = seqBudget;
        this.chunk = chunkedPrefill && limits.chunkedPrefill();
        this.longPrefillThreshold = longPrefillThreshold;
        this.free = kv.freeBlocks();
    }

    /** {@code true} when this step preempted a sequence. */
    public boolean preempted() {
        return preempted;
    }

    /** KV blocks still free after what was packed (and preempted) so far. */
    public int freeBlocks() {
        return free;
    }

    /** Tokens left in the budget. */
    public int tokensLeft() {
        return budget;
    }

    /**
     * Schedules the running sequences {@code ordered} (service order; victims from the end),
     * preempting as needed.
     */
    public void packRunning(StepPlan.Builder plan, SequenceView[] ordered) {
        int blockSize = kv.blockSize();
        int decodesLeft = 0;
        for (SequenceView s : ordered) {
            if (s.pendingTokens() == 1) {
                decodesLeft++;
            }
        }
        int lo = 0;
        int hi = ordered.length;
        while (lo < hi) {
            SequenceView s = ordered[lo];
            int pending = s.pendingTokens();
            boolean decode = pending == 1;
            if (decode) {
                decodesLeft--;
            }
            if (scheduled >= seqBudget || budget <= 0) {
                break;
            }
            if (pending < 1) {
                lo++;
                continue;
            }
            int want = decode ? 1 : prefillTokens(pending, budget - decodesLeft);
            want = Math.min(want, limits.maxContextLength() - s.computedLength());
            if (want < 1) {
                lo++;
                continue;
            }
            boolean canShrink = !decode && canChunk(pending);
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
                SequenceView victim = ordered[--hi];
                if (victim.pendingTokens() == 1) {
                    decodesLeft--;
                }
                preempt(plan, victim);
                need = kv.blocksNeeded(s, n);
            }
            if (need > free) {
                preempt(plan, s); // nothing left to take blocks from, or it outgrew the pool: recompute later
                lo++;
                continue;
            }
            add(plan, s, n, need);
            lo++;
        }
    }

    /**
     * Admits {@code w} (holding no blocks) if it fits now.
     *
     * @return {@code false} when it was not admitted; admission is then closed for this step
     */
    public boolean admit(StepPlan.Builder plan, SequenceView w) {
        if (admissionClosed || preempted || scheduled >= seqBudget || budget <= 0) {
            admissionClosed = true;
            return false;
        }
        int n = prefillTokens(w.pendingTokens(), budget);
        n = Math.min(n, limits.maxContextLength() - w.computedLength());
        int need = n < 1 ? Integer.MAX_VALUE : kv.blocksNeeded(w, n);
        // keep the blocks the packed sequences (and this one) need for their next decode: admitting
        // must not force a preemption in the very next step (unless nothing else runs)
        int lookahead = scheduled == 0 || n < 1 ? 0 : nextStepBlocks + nextDecodeBlocks(w, n);
        if (need > free || lookahead > free - need) {
            admissionClosed = true;
            return false;
        }
        add(plan, w, n, need);
        return true;
    }

    private void add(StepPlan.Builder plan, SequenceView s, int n, int need) {
        plan.schedule(s.id(), n);
        free -= need;
        budget -= n;
        scheduled++;
        nextStepBlocks += nextDecodeBlocks(s, n);
    }

    /** The new block {@code s} needs next step to decode, if this step's {@code n} tokens finish its prefill. */
    private int nextDecodeBlocks(SequenceView s, int n) {
        if (n != s.pendingTokens()) {
            return 0;
        }
        int done = s.computedLength() + n;
        return Capacity.blocksFor(done + 1, kv.blockSize()) - Capacity.blocksFor(done, kv.blockSize());
    }

    private void preempt(StepPlan.Builder plan, SequenceView s) {
        plan.preempt(s.id());
        free += s.allocatedBlocks();
        preempted = true;
    }

    private boolean canChunk(int pending) {
        return chunk || limits.chunkedPrefill() && pending > limits.maxTokensPerStep();
    }

    /** Prompt tokens for a sequence with {@code pending} to compute and {@code room} tokens left; 0: not now. */
    private int prefillTokens(int pending, int room) {
        if (room < 1) {
            return 0;
        }
        if (chunk) {
            return capChunk(Math.min(pending, room));
        }
        if (pending <= room) {
            return pending;
        }
        if (scheduled == 0 && pending <= limits.maxTokensPerStep()) {
            return pending; // a whole prefill larger than the configured budget runs alone
        }
        if (canChunk(pending)) {
            return capChunk(Math.min(pending, room)); // can only ever run in chunks
        }
        return 0;
    }

    private int capChunk(int n) {
        return longPrefillThreshold > 0 ? Math.min(n, longPrefillThreshold) : n;
    }
}
