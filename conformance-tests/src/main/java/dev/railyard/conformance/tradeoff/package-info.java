/**
 * The latency/throughput trade-off benchmark behind {@code railyard simulate}: schedulers across
 * offered loads on the simulated backend in virtual time (or a real backend in wall time), as a
 * table and a PNG chart.
 */
package dev.railyard.conformance.tradeoff;
