package dev.railyard.host.cli;

/** A mistake in how a command was called; shown as one line. */
public class UserException extends RuntimeException {

    public UserException(String message) {
        super(message);
    }
}
