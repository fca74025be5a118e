package dev.railyard.host.plugin;

/** Discovery or selection of a plugin failed; the message lists what was found. */
public class PluginException extends RuntimeException {

    public PluginException(String message) {
        super(message);
    }

    public PluginException(String message, Throwable cause) {
        super(message, cause);
    }
}
