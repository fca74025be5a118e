package dev.railyard.conformance.cli;

import dev.railyard.host.cli.CliExtension;

/** Adds {@code railyard conformance} to the CLI. */
public final class ConformanceCliExtension implements CliExtension {

    @Override
    public Object command() {
        return new ConformanceCommand();
    }
}
