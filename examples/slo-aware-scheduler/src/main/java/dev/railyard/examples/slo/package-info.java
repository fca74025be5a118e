/**
 * An example scheduler plugin, written the way a third party would: against the SPI alone,
 * proven with the conformance kit, packaged as a jar the host loads from its {@code plugins/}
 * directory. See the module's README.
 */
package dev.railyard.examples.slo;
