package dev.railyard.conformance.declarations;

import dev.railyard.conformance.scheduler.SchedulerCapability;
import dev.railyard.conformance.scheduler.SchedulerDeclaration;
import java.util.Map;
import java.util.Set;

/** The in-repo {@code dynamic} scheduler with batches of up to 64 requests (the default is Triton's 8). */
public final class DynamicBatch64Declaration implements SchedulerDeclaration {

    @Override
    public String scheduler() {
        return "dynamic";
    }

    @Override
    public String variant() {
        return "batch-64";
    }

    @Override
    public Map<String, Object> config() {
        return Map.of("max-batch-size", 64);
    }

    @Override
    public Set<SchedulerCapability> capabilities() {
        return Set.of(SchedulerCapability.FAIRNESS);
    }
}
