package dev.railyard.conformance.sim;

import dev.railyard.host.clock.VirtualClock;
import dev.railyard.spi.Clock;
import dev.railyard.spi.backend.Backend;
import dev.railyard.spi.backend.BackendInfo;
import dev.railyard.spi.backend.Logits;
import dev.railyard.spi.backend.SequenceSlice;
import dev.railyard.spi.backend.StepBatch;
import java.util.concurrent.locks.LockSupport;

/**
 * A backend without a model: deterministic pseudo-logits computed from a sequence's tokens, read
 * back through its block table from a paged pool, and a step time from a {@link CostModel} spent
 * on the engine's clock (advanced when it is a {@link VirtualClock}).
 *
 * <p>The pool stores, per KV slot, the token and a running hash of the whole prefix up to that
 * position (each position's hash is computed from the previous position's, read through the block
 * table, like attention reads earlier keys). The logits of a position are noise seeded by that hash
 * plus an "induction head" boost ({@code copy-bias}) on the token that followed the latest earlier
 * occurrence of the current token. So:
 * <ul>
 *   <li>outputs depend on every token of the context and on reading the right blocks: a host or
 *       scheduler that mixes up blocks, positions or tokens changes them;</li>
 *   <li>it is exactly batch-invariant and cheap (O(1) per token plus the copy window);</li>
 *   <li>repetitive text is predictable, so speculative decoding has something to accept.</li>
 * </ul>
 */
public final class SimulatedBackend implements Backend {

    private static final long GOLDEN = 0x9E3779B97F4A7C15L;

    private final BackendInfo info;
    private final Clock clock;
    private final CostModel cost;
    private final boolean sleepOnWallClock;
    private final long seedHash;
    private final double copyBias;
    private final int copyWindow;
    private final int blockSize;
    private final int vocab;
    private final int[] tokenPool;
    private final long[] hashPool;
    private final StepValidator validator;
    private float[] out = new float[0];
    private long steps;
    private long modelledNanos;
    private volatile boolean closed;

    /**
     * @param info what it declares (block size, pool, limits, vocabulary, capabilities)
     * @param clock the engine clock it spends modelled time on
     * @param cost the step-time model
     * @param seed the pseudo-model's seed
     * @param copyBias the induction-head boost (0 for pure noise)
     * @param copyWindow how far back the induction head looks
     * @param sleepOnWallClock on a non-virtual clock, sleep for the modelled time
     */
    public SimulatedBackend(BackendInfo info, Clock clock, CostModel cost, long seed, double copyBias, int copyWindow,
                            boolean sleepOnWallClock) {
        this.info = info;
        this.clock = clock;
        this.cost = cost;
        this.seedHash = mix(seed ^ GOLDEN);
        this.copyBias = copyBias;
        this.copyWindow = copyWindow;
        this.sleepOnWallClock = sleepOnWallClock;
        this.blockSize = info.blockSize();
        this.vocab = info.vocabSize();
        int slots = Math.multiplyExact(info.numBlocks(), info.blockSize());
        this.tokenPool = new int[slots];
        this.hashPool = new long[slots];
        this.validator = new StepValidator(info);
    }

    @Override
    public BackendInfo info() {
        return info;
    }

    /** The cost model it spends time by. */
    public CostModel costModel() {
        return cost;
    }

    /** Steps run so far. */
    public long steps() {
        return steps;
    }

    /** Modelled time of all steps so far, in nanoseconds. */
    public long modelledNanos() {
        return modelledNanos;
    }

    @Override
    public Logits execute(StepBatch batch) {
        if (closed) {
            throw new IllegalStateException("the simulated backend is closed");
        }
        int[] sliceOf = validator.validate(batch);
        for (SequenceSlice s : batch.slices()) {
            int[] table = s.blockTable();
            for (int j = 0; j < s.length(); j++) {
                int pos = s.contextLength() + j;
                int slot = slot(table, pos);
                int token = batch.tokens()[s.offset() + j];
                long previous = pos == 0 ? seedHash : hashPool[slot(table, pos - 1)];
                tokenPool[slot] = token;
                hashPool[slot] = mix(previous ^ (token * GOLDEN + pos));
            }
        }
        int rows = batch.logitIndices().length;
        if (out.length < rows * vocab) {
            out = new float[rows * vocab];
        }
        for (int r = 0; r < rows; r++) {
            int flat = batch.logitIndices()[r];
            SequenceSlice s = batch.slices().get(sliceOf[flat]);
            int pos = s.contextLength() + (flat - s.offset());
            fillRow(s.blockTable(), pos, r * vocab);
        }
        spend(cost.stepNanos(batch));
        steps++;
        return new Logits(out, rows, vocab);
    }

    private void fillRow(int[] table, int pos, int offset) {
        long h = hashPool[slot(table, pos)];
        for (int v = 0; v < vocab; v++) {
            out[offset + v] = (float) ((mix(h + v * GOLDEN) >>> 11) * 0x1.0p-53 * 8.0 - 4.0);
        }
        if (copyBias > 0) {
            int current = tokenPool[slot(table, pos)];
            for (int q = pos - 1; q >= 0 && q >= pos - copyWindow; q--) {
                if (tokenPool[slot(table, q)] == current) {
                    int next = tokenPool[slot(table, q + 1)];
                    out[offset + next] += (float) copyBias;
                    break;
                }
            }
        }
    }

    private int slot(int[] table, int pos) {
        return table[pos / blockSize] * blockSize + pos % blockSize;
    }

    private void spend(long nanos) {
        modelledNanos += nanos;
        if (clock instanceof VirtualClock vc) {
            vc.advanceBy(nanos);
        } else if (sleepOnWallClock && nanos > 0) {
            long until = System.nanoTime() + nanos;
            long left;
            while ((left = until - System.nanoTime()) > 0) {
                LockSupport.parkNanos(left);
            }
        }
    }

    static long mix(long z) {
        z = (z ^ (z >>> 30)) * 0xBF58476D1CE4E5B9L;
        z = (z ^ (z >>> 27)) * 0x94D049BB133111EBL;
        return z ^ (z >>> 31);
    }

    @Override
    public void close() {
        closed = true;
    }
}
