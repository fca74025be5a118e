package dev.railyard.conformance.scheduler;

import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * What a scheduler declares to the matrix runner ({@code railyard conformance}) when it runs
 * without its own test class: the configuration to test it in, its capabilities and contracts.
 * Found with {@link java.util.ServiceLoader} under {@code
 * META-INF/services/dev.railyard.conformance.scheduler.SchedulerDeclaration}; a scheduler without
 * one is tested in its default configuration claiming nothing. Several declarations for one
 * scheduler test several variants (give each a {@link #variant()}).
 */
public interface SchedulerDeclaration {

    /** The scheduler's provider name. */
    String scheduler();

    /** A short variant name (shown as {@code name[variant]}), empty for the main one. */
    default String variant() {
        return "";
    }

    /** Configuration keys (kebab-case). */
    default Map<String, Object> config() {
        return Map.of();
    }

    default Set<SchedulerCapability> capabilities() {
        return Set.of();
    }

    default List<SchedulerContract> contracts() {
        return List.of();
    }
}
