package dev.railyard.host.engine;

import dev.railyard.spi.backend.Backend;
import dev.railyard.spi.backend.BackendCapability;
import dev.railyard.spi.backend.BackendInfo;
import dev.railyard.spi.backend.InvalidStepException;
import dev.railyard.spi.backend.Logits;
import dev.railyard.spi.backend.SequenceSlice;
import dev.railyard.spi.backend.StepBatch;
import java.util.ArrayList;
import java.util.EnumSet;
import java.util.List;

/**
 * A test backend whose logits are a deterministic function of a sequence's whole context, read
 * back through its block table from a paged "KV pool" that stores token ids. If the host mixes
 * up block tables, positions or tokens, the outputs change: that is what makes it a useful
 * oracle for the engine.
 */
final class HashingBackend implements Backend {

    final int vocab;
    final int blockSize;
    final int numBlocks;
    final int maxContext;
    final int[] pool;
    final List<StepBatch> steps = new ArrayList<>();
    private float[] out = new float[0];
    boolean recordSteps;

    HashingBackend(int vocab, int blockSize, int numBlocks, int maxContext) {
        this.vocab = vocab;
        this.blockSize = blockSize;
        this.numBlocks = numBlocks;
        this.maxContext = maxContext;
        this.pool = new int[numBlocks * blockSize];
    }

    @Override
    public BackendInfo info() {
        return new BackendInfo("hashing", "test", "none", blockSize, numBlocks, 4096, 512, vocab, maxContext,
                EnumSet.allOf(BackendCapability.class), 0);
    }

    @Override
    public Logits execute(StepBatch batch) {
        if (recordSteps) {
            steps.add(batch);
        }
        for (SequenceSlice s : batch.slices()) {
            for (int j = 0; j < s.length(); j++) {
                int pos = s.contextLength() + j;
                int block = s.blockTable()[pos / blockSize];
                if (block < 0 || block >= numBlocks) {
                    throw new InvalidStepException("block " + block + " outside the pool");
                }
                if (batch.positions()[s.offset() + j] != pos) {
                    throw new InvalidStepException("position mismatch");
                }
                pool[block * blockSize + pos % blockSize] = batch.tokens()[s.offset() + j];
            }
        }
        int rows = batch.logitIndices().length;
        if (out.length < rows * vocab) {
            out = new float[rows * vocab];
        }
        for (int r = 0; r < rows; r++) {
            int flat = batch.logitIndices()[r];
            SequenceSlice s = sliceOf(batch, flat);
            int pos = s.contextLength() + (flat - s.offset());
            long h = 0x9E3779B97F4A7C15L;
            for (int p = 0; p <= pos; p++) {
                int t = pool[s.blockTable()[p / blockSize] * blockSize + p % blockSize];
                h = mix(h ^ (t + 31L * p));
            }
            for (int v = 0; v < vocab; v++) {
                out[r * vocab + v] = (float) ((mix(h + v) >>> 11) * 0x1.0p-53 * 8.0 - 4.0);
            }
        }
        return new Logits(out, rows, vocab);
    }

    static SequenceSlice sliceOf(StepBatch batch, int flat) {
        for (SequenceSlice s : batch.slices()) {
            if (flat >= s.offset() && flat < s.offset() + s.length()) {
                return s;
            }
        }
        throw new InvalidStepException("logit index " + flat + " outside every slice");
    }

    static long mix(long z) {
        z = (z ^ (z >>> 30)) * 0xBF58476D1CE4E5B9L;
        z = (z ^ (z >>> 27)) * 0x94D049BB133111EBL;
        return z ^ (z >>> 31);
    }

    @Override
    public void close() {
    }
}
