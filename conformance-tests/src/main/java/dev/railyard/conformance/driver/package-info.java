/**
 * The simulation driver: runs a workload through an engine on a virtual clock, watching the
 * scheduler ({@link dev.railyard.conformance.driver.ObservedScheduler}) and collecting per-request
 * metrics in virtual nanoseconds and in engine steps ({@link
 * dev.railyard.conformance.driver.RunResult}).
 */
package dev.railyard.conformance.driver;
