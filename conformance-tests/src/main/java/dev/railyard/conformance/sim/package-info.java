/**
 * The {@code simulated} backend: deterministic pseudo-logits read through the block tables, and a
 * {@link dev.railyard.conformance.sim.CostModel} of step time (fixed, per token, per KV read) spent
 * on the engine's virtual clock, calibratable from a real backend with {@link
 * dev.railyard.conformance.sim.CostCalibrator}.
 */
package dev.railyard.conformance.sim;
