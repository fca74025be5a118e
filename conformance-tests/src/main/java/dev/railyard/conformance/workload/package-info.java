/**
 * Seeded workloads: arrival processes (all at once, Poisson, bursty gamma), prompt and output
 * lengths (fixed, uniform, ShareGPT-like log-normal), priorities and sampling, turned into
 * {@link dev.railyard.conformance.workload.RequestSpec}s by the {@link
 * dev.railyard.conformance.workload.WorkloadGenerator}.
 */
package dev.railyard.conformance.workload;
