package dev.railyard.conformance.declarations;

import dev.railyard.conformance.scheduler.SchedulerCapability;
import dev.railyard.conformance.scheduler.SchedulerContract;
import dev.railyard.conformance.scheduler.SchedulerDeclaration;
import java.util.List;
import java.util.Set;

/** What the in-repo {@code dynamic} (Triton-style dynamic batching) scheduler claims, default configuration. */
public final class DynamicDeclaration implements SchedulerDeclaration {

    @Override
    public String scheduler() {
        return "dynamic";
    }

    @Override
    public Set<SchedulerCapability> capabilities() {
        return Set.of(SchedulerCapability.FAIRNESS);
    }

    @Override
    public List<SchedulerContract> contracts() {
        return InRepoContracts.DYNAMIC;
    }
}
