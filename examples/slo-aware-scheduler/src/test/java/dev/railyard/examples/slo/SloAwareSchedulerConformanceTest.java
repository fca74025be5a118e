package dev.railyard.examples.slo;

import dev.railyard.conformance.scheduler.AbstractSchedulerConformanceTest;
import dev.railyard.conformance.scheduler.SchedulerCapability;
import dev.railyard.conformance.scheduler.SchedulerContract;
import dev.railyard.spi.scheduler.SchedulerProvider;
import java.util.List;
import java.util.Set;

/**
 * The whole conformance kit on the {@code slo-aware} scheduler: one test per rule, on the
 * simulated backend. What the SPI cannot say is declared here: the scheduler may reject requests
 * (admission control), treats equal requests alike (fairness), and promises its latency and
 * throughput at half and at 80% of its capacity.
 */
class SloAwareSchedulerConformanceTest extends AbstractSchedulerConformanceTest {

    @Override
    protected SchedulerProvider<?> provider() {
        return new SloAwareSchedulerProvider();
    }

    @Override
    protected Set<SchedulerCapability> declaredCapabilities() {
        return Set.of(SchedulerCapability.ADMISSION_CONTROL, SchedulerCapability.FAIRNESS);
    }

    @Override
    protected List<SchedulerContract> declaredContracts() {
        // measured on the simulated backend (virtual time, exactly reproducible): at 50% p99 TTFT 2 steps, 96% of offered;
        // at 80% p99 TTFT 3 steps, 94% of offered; at 120% 101% of the offline maximum. Declared with a margin:
        return List.of(
                SchedulerContract.atLoad(0.5).withP99TtftSteps(4).withP99TpotSteps(1.5).withThroughputFraction(0.9),
                SchedulerContract.atLoad(0.8).withP99TtftSteps(8).withP99TpotSteps(1.5).withThroughputFraction(0.88),
                SchedulerContract.atLoad(1.2).withThroughputFraction(0.95));
    }
}
