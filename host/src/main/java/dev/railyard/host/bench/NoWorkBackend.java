package dev.railyard.host.bench;

import dev.railyard.spi.backend.Backend;
import dev.railyard.spi.backend.BackendCapability;
import dev.railyard.spi.backend.BackendInfo;
import dev.railyard.spi.backend.Logits;
import dev.railyard.spi.backend.StepBatch;
import java.util.EnumSet;

/**
 * A backend that computes nothing: it returns a fixed logits buffer. Used to measure what the
 * engine itself costs per step.
 */
final class NoWorkBackend implements Backend {

    private final BackendInfo info;
    private final float[] logits;

    NoWorkBackend(int vocab, int blockSize, int numBlocks, int maxSequences, int maxContext) {
        this.info = new BackendInfo("no-work", "none", "none", blockSize, numBlocks, 1 << 16, maxSequences, vocab, maxContext,
                EnumSet.allOf(BackendCapability.class), 0);
        this.logits = new float[maxSequences * 8 * vocab];
        for (int i = 0; i < logits.length; i++) {
            logits[i] = (i * 2654435761L % 1000) / 1000f;
        }
    }

    @Override
    public BackendInfo info() {
        return info;
    }

    @Override
    public Logits execute(StepBatch batch) {
        return new Logits(logits, batch.logitIndices().length, info.vocabSize());
    }

    @Override
    public void close() {
    }
}
