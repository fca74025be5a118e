/**
 * What the in-repo schedulers declare to the matrix runner (they cannot depend on the kit), found
 * with {@link java.util.ServiceLoader} as {@link dev.railyard.conformance.scheduler.SchedulerDeclaration}s.
 */
package dev.railyard.conformance.declarations;
