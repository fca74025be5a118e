package dev.railyard.host.cli;

/**
 * Adds a top-level command to {@code railyard} from another module on the class path (for
 * example {@code railyard conformance} from the conformance kit), found with {@link
 * java.util.ServiceLoader} under {@code META-INF/services/dev.railyard.host.cli.CliExtension}.
 */
public interface CliExtension {

    /** A new picocli command object (a class annotated with {@code @Command}). */
    Object command();
}
