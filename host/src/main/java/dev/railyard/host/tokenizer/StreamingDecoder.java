package dev.railyard.host.tokenizer;

/**
 * Turns generated token ids into text one token at a time, for streaming responses.
 *
 * <p>Each {@link #next} returns only complete characters: when a token ends in the middle of a
 * multi-byte UTF-8 character (an emoji split over several byte tokens, say), those bytes are held
 * back and come out with the token that completes them. The concatenation of everything returned by
 * {@code next} and then {@link #flush} equals {@link Tokenizer#decode(int[], boolean)} of all the ids
 * with the same {@code skipSpecialTokens} setting.
 *
 * <p>One instance per request; not thread-safe.
 */
public interface StreamingDecoder {

    /**
     * Adds one token and returns the text that is now complete, possibly empty. Ids the tokenizer
     * does not know decode to nothing, as in {@link Tokenizer#decode(int[], boolean)}.
     */
    String next(int tokenId);

    /**
     * Ends the stream: returns whatever is still held back, with bytes that never formed a whole
     * character replaced by U+FFFD. The decoder may be used again afterwards as if new.
     */
    String flush();
}
