package dev.railyard.conformance;

import static org.assertj.core.api.Assertions.assertThat;

import dev.railyard.conformance.backend.BackendProfile;
import dev.railyard.conformance.scheduler.SchedulerCapability;
import dev.railyard.conformance.scheduler.SchedulerConformanceKit;
import dev.railyard.conformance.scheduler.SchedulerProfile;
import dev.railyard.conformance.testplugins.TestSchedulerProvider;
import dev.railyard.spi.scheduler.SchedulerView;
import dev.railyard.spi.scheduler.SequenceView;
import dev.railyard.spi.scheduler.StepPlan;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.junit.jupiter.api.Test;

/**
 * The output rules compare the requests that completed; a scheduler under which none completes
 * (here: one that declares admission control and rejects everything) must not pass them by
 * comparing nothing.
 */
class VacuousOutputRulesTest {

    private static SchedulerProfile rejectingEverything() {
        return new SchedulerProfile("rejects-everything", new TestSchedulerProvider("rejects-everything", () -> (SchedulerView view) -> {
            StepPlan.Builder plan = StepPlan.builder();
            for (SequenceView s : view.waiting()) {
                plan.reject(s.id(), "this scheduler serves no one");
            }
            return plan.build();
        }), Map.of(), Set.of(SchedulerCapability.ADMISSION_CONTROL), List.of());
    }

    private static SchedulerProfile servingNoOne() {
        return new SchedulerProfile("serves-no-one", new TestSchedulerProvider("serves-no-one",
                () -> (SchedulerView view) -> StepPlan.builder().build()), Map.of(), Set.of(), List.of());
    }

    @Test
    void theTimeOutRuleDoesNotPassWhenNoRequestTimedOut() {
        try (SchedulerConformanceKit kit = new SchedulerConformanceKit(servingNoOne(), BackendProfile.simulated())) {
            RuleOutcome o = kit.evaluate(Rule.S7_TIMEOUT_FREES);
            assertThat(o.passed()).as(o.message()).isFalse();
        }
    }

    @Test
    void outputRulesDoNotPassWhenNoRequestCompleted() {
        try (SchedulerConformanceKit kit = new SchedulerConformanceKit(rejectingEverything(), BackendProfile.simulated())) {
            for (Rule rule : List.of(Rule.S1_GREEDY_MATCHES_REFERENCE, Rule.S2_SAMPLED_MATCHES_REFERENCE,
                    Rule.S3_PREEMPTION_PRESERVES_OUTPUT)) {
                RuleOutcome o = kit.evaluate(rule);
                assertThat(o.passed()).as("%s: %s", rule.id(), o.message()).isFalse();
                assertThat(o.message()).as(rule.id()).contains("no ").contains("completed");
            }
        }
    }
}
