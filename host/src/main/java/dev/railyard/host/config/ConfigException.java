package dev.railyard.host.config;

/** The configuration is wrong; the message names the file or section, the key and the problem. */
public class ConfigException extends RuntimeException {

    public ConfigException(String message) {
        super(message);
    }

    public ConfigException(String message, Throwable cause) {
        super(message, cause);
    }
}
