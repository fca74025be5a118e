package dev.railyard.conformance.backend;

import dev.railyard.conformance.Rule;
import dev.railyard.spi.backend.BackendProvider;
import java.util.Map;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;

/**
 * Extend this to prove a backend: supply its provider (and configuration and model when the
 * defaults do not suit), and every backend rule becomes a test named after it. Rules for
 * capabilities your backend does not declare are skipped with the reason.
 *
 * <pre>{@code
 * class MyBackendConformanceTest extends AbstractBackendConformanceTest {
 *     protected BackendProvider<?> provider() { return new MyBackendProvider(); }
 * }
 * }</pre>
 *
 * By default the backend is opened on the host's synthesized {@code tiny} model and compared with
 * the {@code cpu-reference} backend on the same model (add {@code railyard-backend-cpu-reference}
 * as a test dependency); override {@link #profile()} to change either.
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
public abstract class AbstractBackendConformanceTest {

    private BackendConformanceKit kit;

    /** The backend under test. */
    protected abstract BackendProvider<?> provider();

    /** Its configuration keys (kebab-case, as in {@code railyard.yaml}); none by default. */
    protected Map<String, Object> config() {
        return Map.of();
    }

    /** What is tested: by default {@link #provider()} on the tiny model against the CPU reference. */
    protected BackendProfile profile() {
        return BackendProfile.onTinyModel(provider(), config());
    }

    /** The kit, created on first use. */
    protected final synchronized BackendConformanceKit kit() {
        if (kit == null) {
            kit = new BackendConformanceKit(profile());
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
    public void rule_B1_referenceAgreement() {
        check(Rule.B1_REFERENCE_AGREEMENT);
    }

    @Test
    public void rule_B2_batchAgreement() {
        check(Rule.B2_BATCH_AGREEMENT);
    }

    @Test
    public void rule_B3_paging() {
        check(Rule.B3_PAGING);
    }

    @Test
    public void rule_B4_stepShapes() {
        check(Rule.B4_STEP_SHAPES);
    }

    @Test
    public void rule_B5_malformedSteps() {
        check(Rule.B5_MALFORMED_STEPS);
    }

    @Test
    public void rule_B6_chunkedPrefill() {
        check(Rule.B6_CHUNKED_PREFILL);
    }

    @Test
    public void rule_B7_multiPositionLogits() {
        check(Rule.B7_MULTI_POSITION_LOGITS);
    }
}
