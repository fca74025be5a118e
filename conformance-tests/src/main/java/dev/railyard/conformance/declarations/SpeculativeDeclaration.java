package dev.railyard.conformance.declarations;

import dev.railyard.conformance.scheduler.SchedulerCapability;
import dev.railyard.conformance.scheduler.SchedulerContract;
import dev.railyard.conformance.scheduler.SchedulerDeclaration;
import java.util.List;
import java.util.Set;

/** What the in-repo {@code speculative} scheduler claims (continuous base, n-gram drafter). */
public final class SpeculativeDeclaration implements SchedulerDeclaration {

    @Override
    public String scheduler() {
        return "speculative";
    }

    @Override
    public Set<SchedulerCapability> capabilities() {
        return Set.of(SchedulerCapability.SPECULATION, SchedulerCapability.FAIRNESS);
    }

    @Override
    public List<SchedulerContract> contracts() {
        return InRepoContracts.SPECULATIVE;
    }
}
