package dev.railyard.conformance.declarations;

import dev.railyard.conformance.scheduler.SchedulerCapability;
import dev.railyard.conformance.scheduler.SchedulerContract;
import dev.railyard.conformance.scheduler.SchedulerDeclaration;
import java.util.List;
import java.util.Set;

/**
 * What the in-repo {@code continuous} scheduler claims (FCFS policy, default budgets). Its
 * contracts were measured on the simulated backend's default cost model and hold with a margin.
 */
public final class ContinuousDeclaration implements SchedulerDeclaration {

    @Override
    public String scheduler() {
        return "continuous";
    }

    @Override
    public Set<SchedulerCapability> capabilities() {
        return Set.of(SchedulerCapability.FAIRNESS);
    }

    @Override
    public List<SchedulerContract> contracts() {
        return InRepoContracts.CONTINUOUS;
    }
}
