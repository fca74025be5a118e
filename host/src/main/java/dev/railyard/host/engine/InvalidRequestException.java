package dev.railyard.host.engine;

/**
 * A request is refused before it enters the engine: the message says which field is wrong and
 * why (empty prompt, prompt longer than the context, bad sampling parameter, ...). Other
 * requests are not affected.
 */
public class InvalidRequestException extends IllegalArgumentException {

    /** What kind of problem, so a server can pick its status code. */
    public enum Kind { INVALID_PARAMETER, CONTEXT_TOO_LONG, QUEUE_FULL, SHUTTING_DOWN }

    private final Kind kind;

    public InvalidRequestException(Kind kind, String message) {
        super(message);
        this.kind = kind;
    }

    public InvalidRequestException(String message) {
        this(Kind.INVALID_PARAMETER, message);
    }

    public Kind kind() {
        return kind;
    }
}
