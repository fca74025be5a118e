package dev.railyard.conformance.cli;

import dev.railyard.host.cli.CliExtension;

/** Adds {@code railyard simulate} to the CLI. */
public final class SimulateCliExtension implements CliExtension {

    @Override
    public Object command() {
        return new SimulateCommand();
    }
}
