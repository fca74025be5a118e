package dev.railyard.conformance.scheduler;

import dev.railyard.conformance.Rule;
import dev.railyard.conformance.RuleSkipped;
import dev.railyard.conformance.backend.BackendSetup;
import dev.railyard.conformance.driver.PlanBreach;
import dev.railyard.conformance.driver.RunResult;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.function.Supplier;

/**
 * Runs each scenario once for one scheduler on one backend and keeps the result; knows which
 * scenarios apply (by the scheduler's capabilities and the backend's), and when a scenario cannot
 * be judged because the host refused the scheduler's plans or the backend failed in it.
 */
final class ScenarioRuns {

    /** A scenario and how its run went: a result, or why there is none. */
    record Outcome(Scenario scenario, RunResult result, String failure) {
    }

    private final SchedulerProfile profile;
    private final BackendSetup setup;
    private final KitSettings settings;
    private final Geometry geometry;
    private final ScenarioCatalog catalog;
    private final Map<String, Outcome> runs = new LinkedHashMap<>();

    ScenarioRuns(SchedulerProfile profile, BackendSetup setup, KitSettings settings) {
        this.profile = profile;
        this.setup = setup;
        this.settings = settings;
        this.geometry = Geometry.of(setup.info(), setup.costModel());
        this.catalog = new ScenarioCatalog(geometry, settings.scale());
    }

    Geometry geometry() {
        return geometry;
    }

    SchedulerProfile profile() {
        return profile;
    }

    KitSettings settings() {
        return settings;
    }

    /** Names of the scenarios that apply to this scheduler on this backend, in the order they run. */
    List<String> applicable() {
        List<String> names = new ArrayList<>(List.of(ScenarioCatalog.MIXED, ScenarioCatalog.TINY_POOL, ScenarioCatalog.CANCEL,
                ScenarioCatalog.TIMEOUT));
        if (sustainedLoad()) {
            names.addAll(List.of(ScenarioCatalog.OFFLINE, ScenarioCatalog.OVERLOAD, ScenarioCatalog.LONG_PROMPTS));
            if (profile.has(SchedulerCapability.PRIORITIES)) {
                names.add(ScenarioCatalog.PRIORITIES);
            }
            if (profile.has(SchedulerCapability.FAIRNESS)) {
                names.add(ScenarioCatalog.FAIR_LOAD);
            }
        }
        if (profile.has(SchedulerCapability.SPECULATION) && geometry.multiPositionLogits()) {
            names.add(ScenarioCatalog.SPEC_GREEDY);
            names.add(ScenarioCatalog.SPEC_SAMPLED);
        }
        if (!profile.contracts().isEmpty() && setup.isSimulated() && settings.scale().contract() > 0) {
            names.add(ScenarioCatalog.CONTRACT_OFFLINE);
            for (int i = 0; i < profile.contracts().size(); i++) {
                names.add("contract-" + (i + 1));
            }
        }
        return names;
    }

    /** Requests a sustained-load scenario needs before its statistics mean anything. */
    static final int MIN_SUSTAINED_LOAD = 200;

    /** {@code true} when the scale offers enough requests for the sustained-load scenarios. */
    boolean sustainedLoad() {
        return settings.scale().load() >= MIN_SUSTAINED_LOAD;
    }

    /** Runs every applicable scenario (the plan rules' battery). */
    List<Outcome> runAll() {
        List<Outcome> out = new ArrayList<>();
        for (String n : applicable()) {
            out.add(outcome(n));
        }
        return out;
    }

    /** Every scenario run so far. */
    Map<String, Outcome> all() {
        return runs;
    }

    /**
     * The run of scenario {@code name}, fit to judge {@code rule} by.
     *
     * @throws RuleSkipped when the host refused plans in it, the backend failed, or it could not run
     */
    RunResult usable(Rule rule, String name) {
        Outcome o = outcome(name);
        if (o.failure() != null) {
            throw new RuleSkipped(rule, "scenario '" + name + "' could not run: " + o.failure());
        }
        RunResult r = o.result();
        if (!r.planBreaches().isEmpty()) {
            PlanBreach b = r.planBreaches().getFirst();
            throw new RuleSkipped(rule, "the host refused the scheduler's plans in scenario '" + name + "', so its runs ended in "
                    + "errors; see rule " + b.rule().id() + " (" + b.message() + ")");
        }
        if (!r.backendErrors().isEmpty()) {
            throw new RuleSkipped(rule, "the backend failed in scenario '" + name + "': " + r.backendErrors().getFirst());
        }
        return r;
    }

    /** The scenario's definition and run (run on first use). */
    synchronized Outcome outcome(String name) {
        Outcome o = runs.get(name);
        if (o == null) {
            o = run(name);
            runs.put(name, o);
        }
        return o;
    }

    /** Requests per virtual second the scheduler serves offline (the equal-request shape). */
    double capacityRps() {
        return capacity(ScenarioCatalog.OFFLINE);
    }

    /** Requests per virtual second the scheduler serves offline (the contract shape). */
    double contractCapacityRps() {
        return capacity(ScenarioCatalog.CONTRACT_OFFLINE);
    }

    private double capacity(String scenario) {
        Outcome o = outcome(scenario);
        if (o.failure() != null || !o.result().planBreaches().isEmpty() || o.result().completedCount() == 0) {
            throw new IllegalStateException("its capacity could not be measured: scenario '" + scenario + "' "
                    + (o.failure() != null ? "failed: " + o.failure()
                    : !o.result().planBreaches().isEmpty() ? "ended in refused plans (rule " + o.result().planBreaches().getFirst().rule().id() + ")"
                    : "completed no request"));
        }
        return o.result().completedCount() * 1e9 / Math.max(1, o.result().virtualNanos());
    }

    private Outcome run(String name) {
        Scenario s;
        try {
            s = define(name).get();
        } catch (IllegalStateException e) {
            return new Outcome(null, null, e.getMessage());
        }
        try (EngineHarness h = EngineHarness.of(setup, s.numBlocks(), profile)) {
            return new Outcome(s, h.run(s.workload(), s.cancels()), null);
        } catch (RuntimeException e) {
            return new Outcome(s, null, "the engine could not be built or run: " + e);
        }
    }

    private Supplier<Scenario> define(String name) {
        return switch (name) {
            case ScenarioCatalog.MIXED -> catalog::mixed;
            case ScenarioCatalog.TINY_POOL -> catalog::tinyPool;
            case ScenarioCatalog.CANCEL -> catalog::cancel;
            case ScenarioCatalog.TIMEOUT -> catalog::timeout;
            case ScenarioCatalog.OFFLINE -> catalog::offline;
            case ScenarioCatalog.OVERLOAD -> () -> catalog.overload(capacityRps());
            case ScenarioCatalog.LONG_PROMPTS -> () -> catalog.longPrompts(capacityRps());
            case ScenarioCatalog.PRIORITIES -> () -> catalog.priorities(capacityRps());
            case ScenarioCatalog.FAIR_LOAD -> () -> catalog.fairLoad(capacityRps());
            case ScenarioCatalog.SPEC_GREEDY -> catalog::specGreedy;
            case ScenarioCatalog.SPEC_SAMPLED -> catalog::specSampled;
            case ScenarioCatalog.CONTRACT_OFFLINE -> catalog::contractOffline;
            default -> {
                if (name.startsWith("contract-")) {
                    int i = Integer.parseInt(name.substring("contract-".length())) - 1;
                    yield () -> catalog.contract(i, profile.contracts().get(i), contractCapacityRps());
                }
                throw new IllegalArgumentException("no scenario '" + name + "'");
            }
        };
    }
}
