package dev.railyard.spi.scheduler;

import dev.railyard.spi.Clock;
import dev.railyard.spi.backend.Backend;
import java.nio.file.Path;

/** What the host offers a drafter. */
public interface DrafterContext {

    /** The engine clock. */
    Clock clock();

    /**
     * Opens a (small) model with the same kind of backend as the target's, with its own KV pool
     * of {@code numBlocks} blocks of {@code blockSize} tokens. The drafter owns the returned
     * backend: it allocates its blocks and closes it. The host checks that the model's vocabulary
     * matches the target's.
     *
     * @throws dev.railyard.spi.model.ModelFormatException when the model cannot be loaded or does
     *     not match the target's vocabulary
     */
    Backend openModel(Path modelDirectory, int blockSize, int numBlocks);

    /** The target model's vocabulary size. */
    int vocabSize();
}
