package dev.railyard.conformance;

import static org.assertj.core.api.Assertions.assertThat;

import dev.railyard.conformance.backend.BackendProfile;
import dev.railyard.conformance.matrix.CombinationResult;
import dev.railyard.conformance.matrix.JsonReport;
import dev.railyard.conformance.matrix.MarkdownReport;
import dev.railyard.conformance.matrix.MatrixResult;
import dev.railyard.conformance.matrix.MatrixRunner;
import dev.railyard.conformance.matrix.PluginDiscovery;
import dev.railyard.conformance.scheduler.SchedulerProfile;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.stream.Collectors;
import org.junit.jupiter.api.Test;

/**
 * The in-repo matrix: every scheduler found on the class path (continuous, dynamic, speculative,
 * in every declared variant) on every in-repo backend (simulated, with thousands of requests in
 * virtual time; cpu-reference on the tiny model, with small workloads). Every combination must
 * pass; the report lands in {@code target/conformance-report}.
 */
class InRepoMatrixTest {

    @Test
    void everyInRepoCombinationPasses() throws Exception {
        List<SchedulerProfile> schedulers = PluginDiscovery.schedulers(null, List.of());
        List<BackendProfile> backends = PluginDiscovery.backends(null, List.of("simulated", "cpu-reference"));
        assertThat(schedulers).extracting(p -> p.provider().name()).contains("continuous", "dynamic", "speculative");
        assertThat(backends).extracting(BackendProfile::name).containsExactlyInAnyOrder("simulated", "cpu-reference");

        MatrixResult m = new MatrixRunner(schedulers, backends).run(System.out::println);

        Path out = Path.of("target", "conformance-report");
        Files.createDirectories(out);
        Files.writeString(out.resolve("report.md"), MarkdownReport.render(m));
        Files.writeString(out.resolve("report.json"), JsonReport.render(m));
        System.out.println(MarkdownReport.summaryTable(m, 120));
        String failures = m.combinations().stream().filter(c -> !c.passed())
                .flatMap(c -> c.outcomes().stream().filter(RuleOutcome::failed).map(o -> c.scheduler() + " x " + c.backend() + ": "
                        + o.message()))
                .collect(Collectors.joining("\n"));
        assertThat(failures).as("failures (full report in %s)", out.toAbsolutePath()).isEmpty();
        for (CombinationResult c : m.combinations()) {
            if (c.backend().equals("simulated") && !c.scheduler().contains("[")) {
                assertThat(c.cell(RuleGroup.CONTRACTS).status()).as("contracts of " + c.scheduler()).isEqualTo(RuleStatus.PASS);
            }
        }
    }
}
