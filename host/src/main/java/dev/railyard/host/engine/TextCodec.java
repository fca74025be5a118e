package dev.railyard.host.engine;

/**
 * What the engine needs of a tokenizer: encoding prompts and streaming decoding of output.
 * Implemented over {@code dev.railyard.host.tokenizer.Tokenizer} by the wiring.
 */
public interface TextCodec {

    int[] encode(String text, boolean addSpecialTokens);

    /** A decoder for one request's output stream. */
    Detokenizer newDetokenizer();

    /** Turns tokens into text one at a time, emitting only complete characters. */
    interface Detokenizer {
        /** The text completed by {@code token} (may be empty). */
        String next(int token);

        /** Whatever is held back at the end. */
        String flush();
    }
}
