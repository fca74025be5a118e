package dev.railyard.host.tokenizer;

/**
 * Adds the special tokens a model expects around an encoded text (the {@code "post_processor"}
 * section), e.g. BOS in front. Applied only when the caller asks for special tokens.
 */
@FunctionalInterface
interface PostProcessor {

    /** Adds nothing. */
    PostProcessor NONE = ids -> ids;

    /** The ids of a single text with the special tokens added. */
    int[] process(int[] ids);
}
