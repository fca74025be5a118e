package dev.railyard.examples.slo;

import static org.assertj.core.api.Assertions.assertThat;

import dev.railyard.conformance.backend.BackendProfile;
import dev.railyard.conformance.backend.BackendSetup;
import dev.railyard.conformance.driver.Percentiles;
import dev.railyard.conformance.driver.RequestMetrics;
import dev.railyard.conformance.driver.RunResult;
import dev.railyard.conformance.scheduler.EngineHarness;
import dev.railyard.conformance.workload.ArrivalProcess;
import dev.railyard.conformance.workload.LengthDistribution;
import dev.railyard.conformance.workload.RequestSpec;
import dev.railyard.conformance.workload.Workload;
import dev.railyard.conformance.workload.WorkloadGenerator;
import dev.railyard.conformance.workload.WorkloadSpec;
import dev.railyard.spi.scheduler.FinishReason;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * What the kit's generic rules cannot know about this scheduler: deadlines decide the order, and
 * admission control rejects what cannot be served in time. Written with the kit's lower-level
 * pieces: the simulated backend, seeded workloads and the simulation driver, in virtual time.
 */
class SloBehaviourTest {

    private static final long MS = 1_000_000;
    private static BackendSetup backend;

    @BeforeAll
    static void open() {
        backend = new BackendSetup(BackendProfile.simulated());
    }

    @AfterAll
    static void close() {
        backend.close();
    }

    private static RunResult run(SloAwareConfig config, Workload w) {
        try (EngineHarness h = new EngineHarness(backend, 0, SloAwareSchedulerProvider.NAME, ctx -> new SloAwareScheduler(config))) {
            return h.run(w, List.of());
        }
    }

    private static WorkloadSpec.Builder overload() {
        // about 2.3 times what the simulated backend can prefill: 512 tokens per ~25 ms step, ~20k tokens/s
        return WorkloadSpec.builder("overload").requests(600).arrivals(ArrivalProcess.poisson(150))
                .promptLengths(LengthDistribution.uniform(200, 400)).outputLengths(LengthDistribution.fixed(16)).seed(5);
    }

    @Test
    void tighterDeadlinesAreServedFirst() {
        Workload base = WorkloadGenerator.generate(overload().build());
        List<RequestSpec> reqs = new ArrayList<>();
        for (RequestSpec r : base.requests()) {
            reqs.add(r.withSlos(r.index() % 2 == 0 ? 200 * MS : 20_000 * MS, 0));
        }
        SloAwareConfig noAdmission = new SloAwareConfig();
        noAdmission.admissionControl = false;
        RunResult r = run(noAdmission, new Workload("mixed-slos", reqs));
        double tight = Percentiles.of(r.metric(m -> m.spec().ttftSloNanos() == 200 * MS, RequestMetrics::ttftNanos), 50);
        double loose = Percentiles.of(r.metric(m -> m.spec().ttftSloNanos() == 20_000 * MS, RequestMetrics::ttftNanos), 50);
        assertThat(r.drained()).isTrue();
        assertThat(tight).as("median TTFT of tight-deadline requests").isLessThan(loose / 2);
    }

    @Test
    void admissionControlRejectsWhatCannotBeServedInTimeAndSaysWhy() {
        Workload w = WorkloadGenerator.generate(overload().slos(300 * MS, 0).build());
        RunResult r = run(new SloAwareConfig(), w);
        List<RequestMetrics> rejected = r.where(m -> m.finishReason() == FinishReason.REJECTED);
        List<RequestMetrics> served = r.where(RequestMetrics::completedNormally);
        assertThat(rejected).isNotEmpty();
        assertThat(rejected.getFirst().result().error()).startsWith("TTFT SLO cannot be met: the deadline is in");
        long onTime = served.stream().filter(m -> m.ttftNanos() <= m.spec().ttftSloNanos()).count();
        assertThat(onTime).as("served requests that met their TTFT SLO").isGreaterThanOrEqualTo(served.size() * 9L / 10);

        SloAwareConfig noAdmission = new SloAwareConfig();
        noAdmission.admissionControl = false;
        RunResult without = run(noAdmission, w);
        long onTimeWithout = without.where(m -> m.completedNormally() && m.ttftNanos() <= m.spec().ttftSloNanos()).size();
        assertThat(onTime).as("admission control serves more requests in time than serving everyone late")
                .isGreaterThan(onTimeWithout);
    }

    @Test
    void requestsWithoutSlosAreNeverRejected() {
        RunResult r = run(new SloAwareConfig(), WorkloadGenerator.generate(overload().requests(200).build()));
        assertThat(r.rejectionReasons()).isEmpty();
        assertThat(r.completedCount()).isEqualTo(200);
    }
}
