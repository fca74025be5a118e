package dev.railyard.conformance.matrix;

import dev.railyard.conformance.Rule;
import dev.railyard.conformance.RuleOutcome;
import dev.railyard.conformance.backend.BackendConformanceKit;
import dev.railyard.conformance.backend.BackendProfile;
import dev.railyard.conformance.backend.BackendSetup;
import dev.railyard.conformance.scheduler.KitSettings;
import dev.railyard.conformance.scheduler.ReferenceOutputs;
import dev.railyard.conformance.scheduler.SchedulerConformanceKit;
import dev.railyard.conformance.scheduler.SchedulerProfile;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.function.Consumer;

/**
 * Runs the kit over every scheduler × backend combination: the backend rules once per backend,
 * then every scheduler's rules on it (sharing the backend's reference outputs). When a backend
 * fails its own rules, or cannot open here, the scheduler rules on it are skipped with that reason.
 * The same rule code backs the JUnit classes.
 */
public final class MatrixRunner {

    private final List<SchedulerProfile> schedulers;
    private final List<BackendProfile> backends;
    private KitSettings simulatedSettings = KitSettings.defaults();
    private KitSettings realSettings = KitSettings.defaults().withScale(KitSettings.REAL);
    private boolean gateOnBackendRules = true;

    public MatrixRunner(List<SchedulerProfile> schedulers, List<BackendProfile> backends) {
        this.schedulers = List.copyOf(schedulers);
        this.backends = List.copyOf(backends);
    }

    /** Settings for the simulated backend and for real ones (workload sizes mostly). */
    public MatrixRunner withSettings(KitSettings simulated, KitSettings real) {
        this.simulatedSettings = simulated;
        this.realSettings = real;
        return this;
    }

    /**
     * Whether a backend that fails its own rules blocks the scheduler rules on it (the default);
     * {@code false} judges them anyway (their failures may then be the backend's).
     */
    public MatrixRunner gateOnBackendRules(boolean gate) {
        this.gateOnBackendRules = gate;
        return this;
    }

    public List<SchedulerProfile> schedulers() {
        return schedulers;
    }

    public List<BackendProfile> backends() {
        return backends;
    }

    /** Runs every combination; {@code progress} gets a line per backend and per combination. */
    public MatrixResult run(Consumer<String> progress) {
        long t0 = System.nanoTime();
        List<CombinationResult> out = new ArrayList<>();
        for (BackendProfile b : backends) {
            long tb = System.nanoTime();
            progress.accept("backend " + b.name() + ": backend rules");
            try (BackendConformanceKit bk = new BackendConformanceKit(b)) {
                List<RuleOutcome> backendOutcomes = bk.evaluateAll();
                long backendMillis = (System.nanoTime() - tb) / 1_000_000;
                String blocker = blocker(b, bk, backendOutcomes, gateOnBackendRules);
                BackendSetup setup = blocker == null ? new BackendSetup(b) : null;
                try {
                    ReferenceOutputs reference = setup == null ? null : new ReferenceOutputs(setup);
                    KitSettings settings = b.isSimulated() ? simulatedSettings : realSettings;
                    for (SchedulerProfile s : schedulers) {
                        long tc = System.nanoTime();
                        List<RuleOutcome> outcomes = new ArrayList<>();
                        try (SchedulerConformanceKit kit = setup == null
                                ? new SchedulerConformanceKit(s, b, settings) : new SchedulerConformanceKit(s, setup, reference, settings)) {
                            if (blocker != null) {
                                kit.blockAll(blocker);
                            }
                            outcomes.addAll(kit.evaluateAll());
                        }
                        outcomes.addAll(backendOutcomes);
                        CombinationResult c = new CombinationResult(s.name(), b.name(), outcomes,
                                (System.nanoTime() - tc) / 1_000_000 + backendMillis);
                        out.add(c);
                        progress.accept(String.format("%-28s x %-16s %s (%d ms)", s.name(), b.name(),
                                c.passed() ? "pass" : "FAIL " + c.failedRules().stream().map(Rule::id).sorted().toList(), c.millis()));
                    }
                } finally {
                    if (setup != null) {
                        setup.close();
                    }
                }
            }
        }
        return new MatrixResult(Instant.now(), out, (System.nanoTime() - t0) / 1_000_000);
    }

    /** Why scheduler rules cannot be judged on this backend, or null. */
    private static String blocker(BackendProfile b, BackendConformanceKit bk, List<RuleOutcome> outcomes, boolean gate) {
        if (bk.unavailableReason() != null) {
            return "backend '" + b.name() + "' is not available here: " + bk.unavailableReason();
        }
        if (!gate) {
            return null;
        }
        List<String> failed = outcomes.stream().filter(RuleOutcome::failed).map(o -> o.rule().id()).toList();
        if (!failed.isEmpty()) {
            return "backend '" + b.name() + "' fails backend rule" + (failed.size() > 1 ? "s " : " ") + String.join(", ", failed)
                    + "; scheduler rules need a correct backend";
        }
        return null;
    }
}
