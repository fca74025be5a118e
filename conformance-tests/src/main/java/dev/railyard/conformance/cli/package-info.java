/** The kit's CLI commands, {@code railyard conformance} and {@code railyard simulate}, added through the host's CliExtension. */
package dev.railyard.conformance.cli;
