package dev.railyard.conformance;

import dev.railyard.conformance.scheduler.AbstractSchedulerConformanceTest;
import dev.railyard.conformance.scheduler.SchedulerCapability;
import dev.railyard.conformance.scheduler.SchedulerContract;
import dev.railyard.conformance.testplugins.FcfsBatchScheduler;
import dev.railyard.conformance.testplugins.TestSchedulerProvider;
import dev.railyard.spi.scheduler.SchedulerProvider;
import java.util.List;
import java.util.Set;

/** The kit used the way a scheduler author uses it: the test FCFS scheduler, declaring fairness and a contract. */
class FcfsBatchSchedulerConformanceTest extends AbstractSchedulerConformanceTest {

    @Override
    protected SchedulerProvider<?> provider() {
        return new TestSchedulerProvider("fcfs-batch", FcfsBatchScheduler::new);
    }

    @Override
    protected Set<SchedulerCapability> declaredCapabilities() {
        return Set.of(SchedulerCapability.FAIRNESS);
    }

    @Override
    protected List<SchedulerContract> declaredContracts() {
        return List.of(SchedulerContract.atLoad(0.5).withP99TtftSteps(6).withP99TpotSteps(1.5).withThroughputFraction(0.9));
    }
}
