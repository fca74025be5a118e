package dev.railyard.conformance;

import static org.assertj.core.api.Assertions.assertThat;

import dev.railyard.conformance.backend.BackendProfile;
import dev.railyard.conformance.backend.BackendSetup;
import dev.railyard.conformance.driver.RequestMetrics;
import dev.railyard.conformance.driver.RunResult;
import dev.railyard.conformance.scheduler.EngineHarness;
import dev.railyard.conformance.scheduler.ReferenceScheduler;
import dev.railyard.conformance.sim.CostModel;
import dev.railyard.conformance.workload.RequestSpec;
import dev.railyard.conformance.workload.Workload;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/** The driver keeps exact virtual time: the backend spends the cost model's time, idle gaps are jumped. */
class SimulationDriverTest {

    @Test
    void virtualTimeIsTheCostModelsAndIdleGapsAreJumped() {
        Map<String, Object> cfg = Map.of("step-fixed-micros", 1000.0, "per-token-micros", 10.0, "per-kv-read-nanos", 0.0);
        CostModel cost = new CostModel(1_000_000, 10_000, 0);
        try (BackendSetup setup = new BackendSetup(BackendProfile.simulated(cfg))) {
            int[] prompt = {1, 2, 3, 4, 5, 6, 7, 8};
            RequestSpec a = new RequestSpec(0, 0, prompt, 3, 0, 1, 1, 0, 0, 0, 0);
            RequestSpec b = new RequestSpec(1, 1_000_000_000L, prompt, 2, 0, 1, 1, 0, 0, 0, 0);
            RunResult r;
            try (EngineHarness h = new EngineHarness(setup, 0, ReferenceScheduler.NAME, ctx -> new ReferenceScheduler())) {
                r = h.run(new Workload("w", List.of(a, b)), List.of());
            }
            assertThat(r.drained()).isTrue();
            RequestMetrics ma = r.requests().get(0);
            RequestMetrics mb = r.requests().get(1);
            // a: prefill of 8 tokens, then 2 decode steps of 1 token
            assertThat(ma.ttftNanos()).isEqualTo(cost.stepNanos(8, 0));
            assertThat(ma.ttftSteps()).isEqualTo(1);
            assertThat(ma.tpotNanos()).isEqualTo(cost.stepNanos(1, 0));
            assertThat(ma.endToEndSteps()).isEqualTo(3);
            // b arrives after an idle gap that the driver jumps over
            assertThat(mb.arrivalNanos()).isEqualTo(1_000_000_000L);
            assertThat(mb.ttftNanos()).isEqualTo(cost.stepNanos(8, 0));
            assertThat(r.virtualNanos()).isEqualTo(1_000_000_000L + cost.stepNanos(8, 0) + cost.stepNanos(1, 0));
            assertThat(r.steps()).isEqualTo(5);
            assertThat(ma.tokens()).hasSize(3);
            assertThat(mb.tokens()).containsExactly(ma.tokens()[0], ma.tokens()[1]);
        }
    }
}
