/**
 * The load generator behind {@code railyard bench}: a seeded {@link dev.railyard.host.loadgen.WorkloadShape}
 * (prompt and output length distributions), an {@link dev.railyard.host.loadgen.ArrivalProcess}
 * (Poisson or gamma) or a fixed concurrency, a {@link dev.railyard.host.loadgen.LoadTarget} (any
 * OpenAI-compatible server over HTTP with SSE streaming, or an engine in this process), and the
 * report: TTFT, TPOT, inter-token and end-to-end latency percentiles, throughput and goodput
 * under SLOs ({@link dev.railyard.host.loadgen.BenchSummary}), with a latency-throughput chart
 * for rate sweeps ({@link dev.railyard.host.loadgen.SweepChart}).
 */
package dev.railyard.host.loadgen;
