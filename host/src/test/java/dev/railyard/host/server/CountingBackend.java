package dev.railyard.host.server;

import dev.railyard.spi.backend.Backend;
import dev.railyard.spi.backend.BackendCapability;
import dev.railyard.spi.backend.BackendInfo;
import dev.railyard.spi.backend.InvalidStepException;
import dev.railyard.spi.backend.Logits;
import dev.railyard.spi.backend.SequenceSlice;
import dev.railyard.spi.backend.StepBatch;
import java.util.EnumSet;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.Semaphore;

/**
 * A test backend that "counts": after letter {@code c} the most likely token is the next letter
 * ({@code z} wraps to {@code a}), after anything else it is {@code a}. So greedy decoding of
 * {@code "abc"} gives {@code "defgh..."}. It stores tokens in a paged pool through the block
 * tables and reads the last token back from there, so a host that mixes up block tables changes
 * the output. Steps can be slowed down ({@link #stepDelayMillis}) or held at a gate.
 */
public final class CountingBackend implements Backend {

    private final int vocab;
    private final int blockSize;
    private final int numBlocks;
    private final int maxContext;
    private final int[] pool;
    private float[] out = new float[0];
    /** Sleep this long in every step. */
    public volatile long stepDelayMillis;
    /** When set, each step takes a permit first (tests hold steps back with it). */
    public volatile Semaphore gate;
    /** Counted down when a step has begun. */
    public volatile CountDownLatch stepStarted = new CountDownLatch(1);

    public CountingBackend(int blockSize, int numBlocks, int maxContext) {
        this.vocab = CharCodec.VOCAB;
        this.blockSize = blockSize;
        this.numBlocks = numBlocks;
        this.maxContext = maxContext;
        this.pool = new int[numBlocks * blockSize];
    }

    @Override
    public BackendInfo info() {
        return new BackendInfo("counting", "test", "none", blockSize, numBlocks, 8192, 512, vocab, maxContext,
                EnumSet.of(BackendCapability.CHUNKED_PREFILL), 0);
    }

    @Override
    public Logits execute(StepBatch batch) {
        stepStarted.countDown();
        Semaphore g = gate;
        if (g != null) {
            g.acquireUninterruptibly();
        }
        long delay = stepDelayMillis;
        if (delay > 0) {
            try {
                Thread.sleep(delay);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
        }
        for (SequenceSlice s : batch.slices()) {
            for (int j = 0; j < s.length(); j++) {
                int pos = s.contextLength() + j;
                pool[slot(s, pos)] = batch.tokens()[s.offset() + j];
            }
        }
        int rows = batch.logitIndices().length;
        if (out.length < rows * vocab) {
            out = new float[rows * vocab];
        }
        java.util.Arrays.fill(out, 0, rows * vocab, 0f);
        for (int r = 0; r < rows; r++) {
            int flat = batch.logitIndices()[r];
            SequenceSlice s = sliceOf(batch, flat);
            int last = pool[slot(s, s.contextLength() + flat - s.offset())];
            int next = last >= 'a' && last < 'z' ? last + 1 : 'a';
            out[r * vocab + next] = 10f;
        }
        return new Logits(out, rows, vocab);
    }

    private int slot(SequenceSlice s, int pos) {
        int block = s.blockTable()[pos / blockSize];
        if (block < 0 || block >= numBlocks) {
            throw new InvalidStepException("block " + block + " outside the pool");
        }
        return block * blockSize + pos % blockSize;
    }

    private static SequenceSlice sliceOf(StepBatch batch, int flat) {
        for (SequenceSlice s : batch.slices()) {
            if (flat >= s.offset() && flat < s.offset() + s.length()) {
                return s;
            }
        }
        throw new InvalidStepException("logit index " + flat + " outside every slice");
    }

    @Override
    public void close() {
    }
}
