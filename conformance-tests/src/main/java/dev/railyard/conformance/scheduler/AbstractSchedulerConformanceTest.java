package dev.railyard.conformance.scheduler;

import dev.railyard.conformance.Rule;
import dev.railyard.conformance.backend.BackendProfile;
import dev.railyard.spi.scheduler.SchedulerProvider;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;

/**
 * Extend this to prove a scheduler: supply its provider, and declare what the SPI cannot express
 * (its capabilities and its latency/throughput contracts). Every scheduler rule becomes a test
 * named after it ({@code rule_S4_noKvLeak}); rules for capabilities you do not declare are skipped
 * with the reason, never silently.
 *
 * <pre>{@code
 * class MySchedulerConformanceTest extends AbstractSchedulerConformanceTest {
 *     protected SchedulerProvider<?> provider() { return new MySchedulerProvider(); }
 *     protected Set<SchedulerCapability> declaredCapabilities() { return Set.of(SchedulerCapability.PRIORITIES); }
 *     protected List<SchedulerContract> declaredContracts() {
 *         return List.of(SchedulerContract.atLoad(0.5).withP99TtftSteps(8).withThroughputFraction(0.9));
 *     }
 * }
 * }</pre>
 *
 * The scheduler runs on the kit's {@code simulated} backend by default (thousands of requests in
 * virtual time, in seconds of wall time); override {@link #backend()} to run it on another.
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
public abstract class AbstractSchedulerConformanceTest {

    private SchedulerConformanceKit kit;

    /** The scheduler under test. */
    protected abstract SchedulerProvider<?> provider();

    /** Its configuration keys (kebab-case, as in {@code railyard.yaml}); none by default. */
    protected Map<String, Object> config() {
        return Map.of();
    }

    /** Capabilities the scheduler claims; they switch rules on. None by default. */
    protected Set<SchedulerCapability> declaredCapabilities() {
        return Set.of();
    }

    /** Latency/throughput contracts the scheduler makes (rules C1, C2). None by default. */
    protected List<SchedulerContract> declaredContracts() {
        return List.of();
    }

    /** The backend it runs on: the simulated backend by default. */
    protected BackendProfile backend() {
        return BackendProfile.simulated();
    }

    /** Bounds and workload sizes; the defaults match the rules' statements. */
    protected KitSettings settings() {
        return backend().isSimulated() ? KitSettings.defaults() : KitSettings.defaults().withScale(KitSettings.REAL);
    }

    /** The profile built from the methods above. */
    protected SchedulerProfile profile() {
        return new SchedulerProfile(provider().name(), provider(), config(), declaredCapabilities(), declaredContracts());
    }

    /** The kit, created on first use. */
    protected final synchronized SchedulerConformanceKit kit() {
        if (kit == null) {
            kit = new SchedulerConformanceKit(profile(), backend(), settings());
        }
        return kit;
    }

    /** Checks one rule the JUnit way: fails with the rule's message, or aborts with the reason it was skipped. */
    protected final void check(Rule rule) {
        kit().evaluate(rule).assertInJUnit();
    }

    @AfterAll
    final void closeKit() {
        if (kit != null) {
            kit.close();
        }
    }

    @Test
    public void rule_P0_noThrow() {
        check(Rule.P0_NO_THROW);
    }

    @Test
    public void rule_P1_knownSequence() {
        check(Rule.P1_KNOWN_SEQUENCE);
    }

    @Test
    public void rule_P2_noDuplicate() {
        check(Rule.P2_NO_DUPLICATE);
    }

    @Test
    public void rule_P3_tokenCount() {
        check(Rule.P3_TOKEN_COUNT);
    }

    @Test
    public void rule_P4_tokenBudget() {
        check(Rule.P4_TOKEN_BUDGET);
    }

    @Test
    public void rule_P5_sequenceBudget() {
        check(Rule.P5_SEQUENCE_BUDGET);
    }

    @Test
    public void rule_P6_kvCapacity() {
        check(Rule.P6_KV_CAPACITY);
    }

    @Test
    public void rule_P7_preemptRunningOnly() {
        check(Rule.P7_PREEMPT_RUNNING_ONLY);
    }

    @Test
    public void rule_P8_rejectWaitingOnly() {
        check(Rule.P8_REJECT_WAITING_ONLY);
    }

    @Test
    public void rule_P9_wholePrefill() {
        check(Rule.P9_WHOLE_PREFILL);
    }

    @Test
    public void rule_P10_draftOnDecode() {
        check(Rule.P10_DRAFT_ON_DECODE);
    }

    @Test
    public void rule_P11_contextLength() {
        check(Rule.P11_CONTEXT_LENGTH);
    }

    @Test
    public void rule_S1_greedyMatchesReference() {
        check(Rule.S1_GREEDY_MATCHES_REFERENCE);
    }

    @Test
    public void rule_S2_sampledMatchesReference() {
        check(Rule.S2_SAMPLED_MATCHES_REFERENCE);
    }

    @Test
    public void rule_S3_preemptionPreservesOutput() {
        check(Rule.S3_PREEMPTION_PRESERVES_OUTPUT);
    }

    @Test
    public void rule_S4_noKvLeak() {
        check(Rule.S4_NO_KV_LEAK);
    }

    @Test
    public void rule_S5_noLostRequest() {
        check(Rule.S5_NO_LOST_REQUEST);
    }

    @Test
    public void rule_S6_cancelFrees() {
        check(Rule.S6_CANCEL_FREES);
    }

    @Test
    public void rule_S7_timeoutFrees() {
        check(Rule.S7_TIMEOUT_FREES);
    }

    @Test
    public void rule_S8_speculationPreservesDistribution() {
        check(Rule.S8_SPECULATION_PRESERVES_DISTRIBUTION);
    }

    @Test
    public void rule_S9_speculationExercised() {
        check(Rule.S9_SPECULATION_EXERCISED);
    }

    @Test
    public void rule_S10_rejectionsExplained() {
        check(Rule.S10_REJECTIONS_EXPLAINED);
    }

    @Test
    public void rule_L1_noStarvation() {
        check(Rule.L1_NO_STARVATION);
    }

    @Test
    public void rule_L2_longPromptsServed() {
        check(Rule.L2_LONG_PROMPTS_SERVED);
    }

    @Test
    public void rule_L3_prioritiesHonoured() {
        check(Rule.L3_PRIORITIES_HONOURED);
    }

    @Test
    public void rule_L4_fairService() {
        check(Rule.L4_FAIR_SERVICE);
    }

    @Test
    public void rule_C1_contractLatency() {
        check(Rule.C1_CONTRACT_LATENCY);
    }

    @Test
    public void rule_C2_contractThroughput() {
        check(Rule.C2_CONTRACT_THROUGHPUT);
    }
}
