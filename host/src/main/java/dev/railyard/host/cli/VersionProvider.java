package dev.railyard.host.cli;

import picocli.CommandLine;

/** Prints the host's version and the Java runtime it runs on. */
public final class VersionProvider implements CommandLine.IVersionProvider {

    @Override
    public String[] getVersion() {
        String v = Main.class.getPackage().getImplementationVersion();
        return new String[] {
            "railyard " + (v == null ? "dev" : v),
            "Java " + Runtime.version() + " (" + System.getProperty("java.vendor") + ")"
        };
    }
}
