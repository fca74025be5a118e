package dev.railyard.conformance;

import static org.assertj.core.api.Assertions.assertThat;

import dev.railyard.conformance.backend.BackendProfile;
import dev.railyard.conformance.matrix.CombinationResult;
import dev.railyard.conformance.matrix.MarkdownReport;
import dev.railyard.conformance.matrix.MatrixResult;
import dev.railyard.conformance.matrix.MatrixRunner;
import dev.railyard.conformance.testplugins.BrokenSchedulers;
import dev.railyard.conformance.testplugins.MixedUpBlockTablesBackend;
import java.util.EnumSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.stream.Collectors;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * The kit tests itself: each deliberately broken plugin fails the rule meant to catch it, and only
 * that rule; the correct plugins they derive from fail nothing. Runs through the matrix runner, as
 * {@code railyard conformance} does.
 */
class BrokenPluginsTest {

    private static MatrixResult matrix;

    @BeforeAll
    static void runMatrix() {
        matrix = new MatrixRunner(List.of(BrokenSchedulers.correct(), BrokenSchedulers.correctSpeculative(),
                BrokenSchedulers.leaking(), BrokenSchedulers.dropping(), BrokenSchedulers.starving(), BrokenSchedulers.overBudget(),
                BrokenSchedulers.wrongProposals()),
                List.of(BackendProfile.simulated(), MixedUpBlockTablesBackend.profile())).run(line -> { });
        System.out.println(MarkdownReport.summaryTable(matrix, 100));
    }

    private static Set<Rule> failed(String scheduler, String backend) {
        CombinationResult c = matrix.find(scheduler, backend).orElseThrow();
        return c.failedRules();
    }

    private static void expect(String scheduler, Rule... rules) {
        Set<Rule> expected = rules.length == 0 ? Set.of() : EnumSet.of(rules[0], rules);
        CombinationResult c = matrix.find(scheduler, "simulated").orElseThrow();
        assertThat(c.failedRules())
                .as("failed rules of %s; messages: %s", scheduler, c.outcomes().stream().filter(RuleOutcome::failed)
                        .map(RuleOutcome::message).collect(Collectors.joining("\n")))
                .isEqualTo(expected);
    }

    @Test
    void theCorrectSchedulersFailNothing() {
        expect("fcfs-batch");
        expect("fcfs-speculative");
    }

    @Test
    void aSchedulerThatNeverFinishesWhatItAdmittedLeaksBlocksAndFailsS4Only() {
        expect("broken-leaks-blocks", Rule.S4_NO_KV_LEAK);
        assertThat(matrix.find("broken-leaks-blocks", "simulated").orElseThrow().outcome(Rule.S4_NO_KV_LEAK).message())
                .startsWith("rule S4 (").contains("observed").contains("; check").contains("KV blocks");
    }

    @Test
    void aSchedulerThatIgnoresSomeRequestsFailsS5Only() {
        expect("broken-drops-requests", Rule.S5_NO_LOST_REQUEST);
    }

    @Test
    void aSchedulerThatStarvesLongPromptsFailsL2Only() {
        expect("broken-starves-long-prompts", Rule.L2_LONG_PROMPTS_SERVED);
    }

    @Test
    void aSchedulerThatBreaksTheTokenBudgetFailsP4OnlyAndTheRulesItBlocksSaySo() {
        expect("broken-token-budget", Rule.P4_TOKEN_BUDGET);
        RuleOutcome s1 = matrix.find("broken-token-budget", "simulated").orElseThrow().outcome(Rule.S1_GREEDY_MATCHES_REFERENCE);
        assertThat(s1.skipped()).isTrue();
        assertThat(s1.message()).startsWith("rule S1 skipped: ").contains("rule P4");
    }

    @Test
    void aSpeculativeSchedulerWithAWrongAcceptanceRuleFailsS8Only() {
        expect("broken-speculative-acceptance", Rule.S8_SPECULATION_PRESERVES_DISTRIBUTION);
    }

    @Test
    void aBackendThatMixesUpBlockTablesFailsB2OnlyAndBlocksTheSchedulerRules() {
        for (CombinationResult c : matrix.combinations()) {
            if (!c.backend().equals("broken-mixes-block-tables")) {
                continue;
            }
            assertThat(c.failedRules()).as(c.scheduler()).containsExactly(Rule.B2_BATCH_AGREEMENT);
            RuleOutcome s1 = c.outcome(Rule.S1_GREEDY_MATCHES_REFERENCE);
            assertThat(s1.message()).contains("fails backend rule B2");
        }
        assertThat(failed("fcfs-batch", "simulated")).isEmpty();
    }

    @Test
    void everyRuleOfEveryCombinationHasAnOutcome() {
        for (CombinationResult c : matrix.combinations()) {
            assertThat(c.outcomes()).extracting(RuleOutcome::rule).containsExactlyInAnyOrder(Rule.values());
            for (RuleOutcome o : c.outcomes()) {
                if (o.failed()) {
                    assertThat(o.message()).startsWith(o.rule().describe() + ": observed ").contains("; check ");
                }
                if (o.skipped()) {
                    assertThat(o.message()).startsWith("rule " + o.rule().id() + " skipped: ");
                }
            }
        }
        assertThat(Map.of("cells", matrix.combinations().getFirst().cells().size())).containsEntry("cells", RuleGroup.values().length);
    }
}
