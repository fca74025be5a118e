package dev.railyard.spi.backend;

/**
 * A model opened on a device, with its KV-cache pool.
 *
 * <p>Threading: the host calls {@link #execute} from one thread at a time (the engine loop) and
 * never concurrently with {@link #close}. {@link #info()} may be called from any thread.
 *
 * <p>KV cache: the pool holds {@link BackendInfo#numBlocks()} blocks of {@link
 * BackendInfo#blockSize()} positions, each with keys and values of every layer. The backend
 * never allocates or frees blocks; it reads and writes the blocks named in the block tables of
 * each step. Content of a position beyond a sequence's context is garbage that the host will
 * overwrite before it is read (this is how speculative decoding discards rejected tokens).
 */
public interface Backend extends AutoCloseable {

    /** What this backend is and its limits; never null, constant. */
    BackendInfo info();

    /**
     * Runs one step: computes every token of the batch through the model, writes their K/V into
     * the pool, and returns logits for the flat indices in {@link StepBatch#logitIndices()}, in
     * that order.
     *
     * @param batch the step; never null
     * @return logits, valid until the next call; never null
     * @throws InvalidStepException when the batch is malformed; the KV pool is then unchanged
     */
    Logits execute(StepBatch batch);

    /** Frees device memory and threads. Idempotent. */
    @Override
    void close();
}
