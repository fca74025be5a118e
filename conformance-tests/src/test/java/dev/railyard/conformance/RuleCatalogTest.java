package dev.railyard.conformance;

import static org.assertj.core.api.Assertions.assertThat;

import dev.railyard.conformance.backend.AbstractBackendConformanceTest;
import dev.railyard.conformance.scheduler.AbstractSchedulerConformanceTest;
import dev.railyard.spi.scheduler.PlanRule;
import java.lang.reflect.Method;
import java.util.Arrays;
import java.util.HashSet;
import java.util.Set;
import org.junit.jupiter.api.Test;

/** Every rule has a unique id, a statement, and a test method named after it in the right abstract class. */
class RuleCatalogTest {

    @Test
    void idsAreUniqueAndStatementsPresent() {
        Set<String> ids = new HashSet<>();
        for (Rule r : Rule.values()) {
            assertThat(ids.add(r.id())).as(r.id()).isTrue();
            assertThat(r.statement()).isNotBlank();
        }
    }

    @Test
    void everyHostPlanRuleIsAKitRule() {
        for (PlanRule p : PlanRule.values()) {
            assertThat(Rule.of(p).id()).isEqualTo(p.id());
            assertThat(Rule.of(p).statement()).isEqualTo(p.statement());
        }
    }

    @Test
    void everyRuleHasItsTestMethod() {
        for (Rule r : Rule.values()) {
            Class<?> c = r.group() == RuleGroup.BACKEND ? AbstractBackendConformanceTest.class : AbstractSchedulerConformanceTest.class;
            assertThat(Arrays.stream(c.getMethods()).map(Method::getName)).as(r.testName()).contains(r.testName());
        }
        assertThat(Rule.S4_NO_KV_LEAK.testName()).isEqualTo("rule_S4_noKvLeak");
    }

    @Test
    void violationsReadRuleObservedCheck() {
        RuleViolation v = new RuleViolation(Rule.L1_NO_STARVATION, "request 3 overtaken 40 times", "the admission order");
        assertThat(v.getMessage()).isEqualTo("rule L1 (" + Rule.L1_NO_STARVATION.statement()
                + "): observed request 3 overtaken 40 times; check the admission order");
        assertThat(new RuleSkipped(Rule.L3_PRIORITIES_HONOURED, "not declared").getMessage())
                .isEqualTo("rule L3 skipped: not declared");
    }
}
