package dev.railyard.conformance.backend;

import dev.railyard.conformance.Rule;
import dev.railyard.conformance.RuleGroup;
import dev.railyard.conformance.RuleOutcome;
import dev.railyard.conformance.RuleSkipped;
import dev.railyard.conformance.RuleViolation;
import dev.railyard.spi.backend.BackendCapability;
import dev.railyard.spi.backend.BackendInfo;
import dev.railyard.spi.backend.BackendUnavailableException;
import java.util.ArrayList;
import java.util.EnumMap;
import java.util.List;
import java.util.Map;

/**
 * Runs the backend rules (group {@link RuleGroup#BACKEND}) for one {@link BackendProfile}. Rules
 * for capabilities the backend does not declare are skipped with the reason; a backend that cannot
 * open on this machine skips every rule with the message of its {@link BackendUnavailableException}.
 * Outcomes are cached; not thread-safe.
 */
public final class BackendConformanceKit implements AutoCloseable {

    private final BackendProfile profile;
    private final Map<Rule, RuleOutcome> outcomes = new EnumMap<>(Rule.class);
    private BackendSetup setup;
    private BackendSetup reference;
    private BackendInfo info;
    private String unavailable;
    private BackendChecks checks;

    public BackendConformanceKit(BackendProfile profile) {
        this.profile = profile;
    }

    public BackendProfile profile() {
        return profile;
    }

    /** Evaluates every backend rule. */
    public List<RuleOutcome> evaluateAll() {
        List<RuleOutcome> out = new ArrayList<>();
        for (Rule r : Rule.inGroup(RuleGroup.BACKEND)) {
            out.add(evaluate(r));
        }
        return out;
    }

    /** Evaluates one backend rule (cached). */
    public RuleOutcome evaluate(Rule rule) {
        if (rule.group() != RuleGroup.BACKEND) {
            throw new IllegalArgumentException(rule.id() + " is not a backend rule");
        }
        RuleOutcome cached = outcomes.get(rule);
        if (cached != null) {
            return cached;
        }
        long t0 = System.nanoTime();
        RuleOutcome o;
        try {
            o = RuleOutcome.pass(rule, check(rule), millisSince(t0));
        } catch (RuleViolation v) {
            o = RuleOutcome.fail(rule, v.getMessage(), millisSince(t0));
        } catch (RuleSkipped s) {
            o = RuleOutcome.skip(rule, s.getMessage(), millisSince(t0));
        } catch (RuntimeException e) {
            o = RuleOutcome.fail(rule, rule.describe() + ": observed the backend failing with " + e
                    + "; check the stack trace of this exception", millisSince(t0));
        }
        outcomes.put(rule, o);
        return o;
    }

    /** The backend's declared info, or null when it cannot open here. */
    public BackendInfo info() {
        open();
        return info;
    }

    /** Why the backend cannot open on this machine, or null. */
    public String unavailableReason() {
        open();
        return unavailable;
    }

    /** Backend rules that failed so far. */
    public List<RuleOutcome> failures() {
        return outcomes.values().stream().filter(RuleOutcome::failed).toList();
    }

    private String check(Rule rule) {
        open();
        if (unavailable != null) {
            throw new RuleSkipped(rule, "backend '" + profile.name() + "' is not available here: " + unavailable);
        }
        return switch (rule) {
            case B1_REFERENCE_AGREEMENT -> checks.b1ReferenceAgreement();
            case B2_BATCH_AGREEMENT -> checks.b2BatchAgreement();
            case B3_PAGING -> checks.b3Paging();
            case B4_STEP_SHAPES -> checks.b4StepShapes();
            case B5_MALFORMED_STEPS -> checks.b5MalformedSteps();
            case B6_CHUNKED_PREFILL -> {
                requireCapability(rule, BackendCapability.CHUNKED_PREFILL);
                yield checks.b6ChunkedPrefill();
            }
            case B7_MULTI_POSITION_LOGITS -> {
                requireCapability(rule, BackendCapability.MULTI_POSITION_LOGITS);
                yield checks.b7MultiPositionLogits();
            }
            default -> throw new IllegalArgumentException(rule.id());
        };
    }

    private void requireCapability(Rule rule, BackendCapability c) {
        if (!info.has(c)) {
            throw new RuleSkipped(rule, "backend '" + profile.name() + "' does not declare " + c);
        }
    }

    private synchronized void open() {
        if (setup != null || unavailable != null) {
            return;
        }
        try {
            BackendSetup s = new BackendSetup(profile);
            info = s.info();
            setup = s;
            if (profile.reference() != null) {
                reference = new BackendSetup(profile.reference());
                try {
                    reference.info();
                } catch (BackendUnavailableException e) {
                    reference = null;
                }
            }
            checks = new BackendChecks(setup, reference, info);
        } catch (BackendUnavailableException e) {
            unavailable = e.getMessage();
        }
    }

    private static long millisSince(long t0) {
        return (System.nanoTime() - t0) / 1_000_000;
    }

    @Override
    public void close() {
        if (setup != null) {
            setup.close();
        }
        if (reference != null) {
            reference.close();
        }
    }
}
