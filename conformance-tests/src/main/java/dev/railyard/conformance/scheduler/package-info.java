/**
 * Scheduler conformance: {@link dev.railyard.conformance.scheduler.AbstractSchedulerConformanceTest}
 * for authors, {@link dev.railyard.conformance.scheduler.SchedulerConformanceKit} behind it, the
 * declarations the SPI cannot express ({@link dev.railyard.conformance.scheduler.SchedulerCapability},
 * {@link dev.railyard.conformance.scheduler.SchedulerContract}, {@link
 * dev.railyard.conformance.scheduler.SchedulerDeclaration}), the scenarios and the trivially correct
 * {@link dev.railyard.conformance.scheduler.ReferenceScheduler} outputs are compared with.
 */
package dev.railyard.conformance.scheduler;
