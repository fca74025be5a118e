package dev.railyard.conformance.declarations;

import dev.railyard.conformance.scheduler.SchedulerCapability;
import dev.railyard.conformance.scheduler.SchedulerDeclaration;
import java.util.Map;
import java.util.Set;

/** The in-repo {@code dynamic} scheduler with three priority levels: claims priorities. */
public final class DynamicPriorityDeclaration implements SchedulerDeclaration {

    @Override
    public String scheduler() {
        return "dynamic";
    }

    @Override
    public String variant() {
        return "priority";
    }

    @Override
    public Map<String, Object> config() {
        return Map.of("priority-levels", 3, "default-priority-level", 1);
    }

    @Override
    public Set<SchedulerCapability> capabilities() {
        return Set.of(SchedulerCapability.PRIORITIES);
    }
}
