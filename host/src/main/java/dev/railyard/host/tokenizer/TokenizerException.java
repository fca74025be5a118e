package dev.railyard.host.tokenizer;

/**
 * A {@code tokenizer.json} could not be loaded: the file is missing or unreadable, is not valid
 * JSON, or describes something this tokenizer does not support. The message names the file and
 * the problem.
 */
public class TokenizerException extends RuntimeException {

    private static final long serialVersionUID = 1L;

    /** A failure described by {@code message}. */
    public TokenizerException(String message) {
        super(message);
    }

    /** A failure described by {@code message}, caused by {@code cause}. */
    public TokenizerException(String message, Throwable cause) {
        super(message, cause);
    }
}
