package dev.railyard.conformance.declarations;

import dev.railyard.conformance.scheduler.SchedulerCapability;
import dev.railyard.conformance.scheduler.SchedulerDeclaration;
import java.util.Map;
import java.util.Set;

/** The in-repo {@code continuous} scheduler under its {@code priority} policy: claims priorities. */
public final class ContinuousPriorityDeclaration implements SchedulerDeclaration {

    @Override
    public String scheduler() {
        return "continuous";
    }

    @Override
    public String variant() {
        return "priority";
    }

    @Override
    public Map<String, Object> config() {
        return Map.of("policy", "priority");
    }

    @Override
    public Set<SchedulerCapability> capabilities() {
        return Set.of(SchedulerCapability.PRIORITIES, SchedulerCapability.FAIRNESS);
    }
}
