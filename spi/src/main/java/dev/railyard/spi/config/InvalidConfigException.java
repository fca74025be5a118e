package dev.railyard.spi.config;

/** A configuration value is wrong; the message names the key, the value and what is expected. */
public class InvalidConfigException extends IllegalArgumentException {

    public InvalidConfigException(String message) {
        super(message);
    }

    /** Throws unless {@code condition} holds; a compact way to write {@code validate()}. */
    public static void check(boolean condition, String message) {
        if (!condition) {
            throw new InvalidConfigException(message);
        }
    }
}
