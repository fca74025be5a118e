package dev.railyard.spi.model;

/**
 * A model checkpoint cannot be used: a file is missing or truncated, the architecture is not
 * supported, or a tensor is missing or has the wrong shape. The message names the file or the
 * tensor and what was expected; it is meant to be shown to a user as it is.
 */
public class ModelFormatException extends RuntimeException {

    public ModelFormatException(String message) {
        super(message);
    }

    public ModelFormatException(String message, Throwable cause) {
        super(message, cause);
    }
}
