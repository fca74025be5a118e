package dev.railyard.host.engine;

/**
 * Receives a request's output as it is produced. Called on the engine thread, in order: keep it
 * fast and never block (hand work to another thread). Exceptions it throws are logged and the
 * request carries on.
 */
public interface TokenListener {

    /** A no-op listener. */
    TokenListener NONE = new TokenListener() { };

    /**
     * A new token.
     *
     * @param token its id
     * @param textDelta the text it completes (may be empty while a multi-byte character is
     *     incomplete; null without a tokenizer)
     */
    default void onToken(int token, String textDelta) {
    }

    /** The request ended; called once, last. */
    default void onComplete(GenerationResult result) {
    }
}
