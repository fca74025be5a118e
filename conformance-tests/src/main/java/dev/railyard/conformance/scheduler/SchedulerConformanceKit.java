package dev.railyard.conformance.scheduler;

import dev.railyard.conformance.Rule;
import dev.railyard.conformance.RuleGroup;
import dev.railyard.conformance.RuleOutcome;
import dev.railyard.conformance.RuleSkipped;
import dev.railyard.conformance.RuleViolation;
import dev.railyard.conformance.backend.BackendProfile;
import dev.railyard.conformance.backend.BackendSetup;
import dev.railyard.conformance.driver.RunResult;
import dev.railyard.spi.backend.BackendUnavailableException;
import java.util.ArrayList;
import java.util.EnumMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * Runs the scheduler rules (plan, correctness, liveness and contract groups) for one {@link
 * SchedulerProfile} on one backend. Scenarios run once and every rule judges from them; outcomes
 * are cached. Both {@link AbstractSchedulerConformanceTest} and the matrix runner use it.
 *
 * <p>Rules are judged in dependency order, explicitly: a rule whose scenario ended in refused plans
 * is skipped and points at the plan rule that failed; when the matrix finds the backend broken
 * ({@link #blockAll}), every rule is skipped with that reason.
 */
public final class SchedulerConformanceKit implements AutoCloseable {

    private final SchedulerProfile profile;
    private final BackendSetup setup;
    private final boolean ownsSetup;
    private final ReferenceOutputs reference;
    private final KitSettings settings;
    private final Map<Rule, RuleOutcome> outcomes = new EnumMap<>(Rule.class);
    private ScenarioRuns runs;
    private String blocked;

    /** The scheduler on {@code backend}, with default settings sized for it. */
    public SchedulerConformanceKit(SchedulerProfile profile, BackendProfile backend) {
        this(profile, backend, backend.isSimulated() ? KitSettings.defaults() : KitSettings.defaults().withScale(KitSettings.REAL));
    }

    /** The scheduler on {@code backend} with explicit settings. */
    public SchedulerConformanceKit(SchedulerProfile profile, BackendProfile backend, KitSettings settings) {
        this.profile = profile;
        this.setup = new BackendSetup(backend);
        this.ownsSetup = true;
        this.reference = new ReferenceOutputs(setup);
        this.settings = settings;
    }

    /** The scheduler on a shared backend setup and reference cache (the matrix shares them across schedulers). */
    public SchedulerConformanceKit(SchedulerProfile profile, BackendSetup setup, ReferenceOutputs reference, KitSettings settings) {
        this.profile = profile;
        this.setup = setup;
        this.ownsSetup = false;
        this.reference = reference;
        this.settings = settings;
    }

    public SchedulerProfile profile() {
        return profile;
    }

    /** Skips every rule not yet judged, with {@code reason} (e.g. the backend fails its own rules). */
    public void blockAll(String reason) {
        this.blocked = reason;
    }

    /** The rules this kit judges: every rule outside the backend group. */
    public static List<Rule> rules() {
        return java.util.Arrays.stream(Rule.values()).filter(r -> r.group() != RuleGroup.BACKEND).toList();
    }

    /** Judges every scheduler rule. */
    public List<RuleOutcome> evaluateAll() {
        List<RuleOutcome> out = new ArrayList<>();
        for (Rule r : rules()) {
            out.add(evaluate(r));
        }
        return out;
    }

    /** Judges one rule (cached). */
    public synchronized RuleOutcome evaluate(Rule rule) {
        if (rule.group() == RuleGroup.BACKEND) {
            throw new IllegalArgumentException(rule.id() + " is a backend rule: use BackendConformanceKit");
        }
        RuleOutcome cached = outcomes.get(rule);
        if (cached != null) {
            return cached;
        }
        long t0 = System.nanoTime();
        RuleOutcome o;
        try {
            if (blocked != null) {
                throw new RuleSkipped(rule, blocked);
            }
            o = RuleOutcome.pass(rule, check(rule), ms(t0));
        } catch (RuleViolation v) {
            o = RuleOutcome.fail(rule, v.getMessage(), ms(t0));
        } catch (RuleSkipped s) {
            o = RuleOutcome.skip(rule, s.getMessage(), ms(t0));
        } catch (BackendUnavailableException e) {
            o = RuleOutcome.skip(rule, "rule " + rule.id() + " skipped: backend '" + setup.name() + "' is not available here: "
                    + e.getMessage(), ms(t0));
        } catch (RuntimeException e) {
            o = RuleOutcome.fail(rule, rule.describe() + ": observed the kit failing with " + e + "; check the stack trace "
                    + "(a scheduler exception outside the engine loop, or a kit bug)", ms(t0));
        }
        outcomes.put(rule, o);
        return o;
    }

    private String check(Rule rule) {
        ScenarioRuns sr = runs();
        if (rule.group() == RuleGroup.PLAN) {
            return plans.check(rule);
        }
        CorrectnessChecks c = new CorrectnessChecks(sr, reference);
        LivenessChecks l = new LivenessChecks(sr);
        ContractChecks k = new ContractChecks(sr, setup.isSimulated());
        return switch (rule) {
            case S1_GREEDY_MATCHES_REFERENCE -> c.s1Greedy();
            case S2_SAMPLED_MATCHES_REFERENCE -> c.s2Sampled();
            case S3_PREEMPTION_PRESERVES_OUTPUT -> c.s3Preemption();
            case S4_NO_KV_LEAK -> c.s4NoLeak();
            case S5_NO_LOST_REQUEST -> c.s5NoLostRequest();
            case S6_CANCEL_FREES -> c.s6Cancel();
            case S7_TIMEOUT_FREES -> c.s7Timeout();
            case S8_SPECULATION_PRESERVES_DISTRIBUTION -> c.s8Distribution();
            case S9_SPECULATION_EXERCISED -> c.s9Exercised();
            case S10_REJECTIONS_EXPLAINED -> c.s10Rejections();
            case L1_NO_STARVATION -> l.l1NoStarvation();
            case L2_LONG_PROMPTS_SERVED -> l.l2LongPrompts();
            case L3_PRIORITIES_HONOURED -> l.l3Priorities();
            case L4_FAIR_SERVICE -> l.l4Fairness();
            case C1_CONTRACT_LATENCY -> k.c1Latency();
            case C2_CONTRACT_THROUGHPUT -> k.c2Throughput();
            default -> throw new IllegalArgumentException(rule.id());
        };
    }

    private PlanChecks plans;

    private ScenarioRuns runs() {
        if (runs == null) {
            runs = new ScenarioRuns(profile, setup, settings);
            plans = new PlanChecks(runs);
        }
        return runs;
    }

    /** The runs so far, by scenario name (for reports and debugging). */
    public synchronized Map<String, RunResult> runResults() {
        Map<String, RunResult> m = new LinkedHashMap<>();
        if (runs != null) {
            runs.all().forEach((k, v) -> {
                if (v.result() != null) {
                    m.put(k, v.result());
                }
            });
        }
        return m;
    }

    private static long ms(long t0) {
        return (System.nanoTime() - t0) / 1_000_000;
    }

    @Override
    public void close() {
        if (ownsSetup) {
            setup.close();
        }
    }
}
