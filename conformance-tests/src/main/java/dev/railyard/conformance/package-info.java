/**
 * The Railyard conformance kit.
 *
 * <p>Plugin authors add it as a test dependency and extend {@link
 * dev.railyard.conformance.scheduler.AbstractSchedulerConformanceTest} or {@link
 * dev.railyard.conformance.backend.AbstractBackendConformanceTest}, supplying their provider, its
 * configuration and what they declare (capabilities, latency/throughput contracts). Every rule is
 * a {@link dev.railyard.conformance.Rule} with an id and a one-line statement; one test method per
 * rule; failures are {@link dev.railyard.conformance.RuleViolation}s that say what was observed
 * and what to check; rules that do not apply are skipped with a reason.
 *
 * <p>The same rule code backs the JUnit classes and the matrix runner ({@code railyard
 * conformance}), which runs every discovered scheduler × backend combination and writes a
 * Markdown and JSON report.
 */
package dev.railyard.conformance;
