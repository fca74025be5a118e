package dev.railyard.conformance;

import dev.railyard.spi.scheduler.PlanRule;
import java.util.Arrays;
import java.util.List;
import java.util.Locale;

/**
 * Every rule the kit checks: a short id, a group and a one-line statement. Test methods are named
 * after their rules ({@link #testName()}, e.g. {@code rule_S4_noKvLeak}), and every failure starts
 * with {@code rule <id> (<statement>)}.
 *
 * <p>Plan rules {@code P1..P11} are the host's {@link PlanRule}s: the host refuses a plan that
 * breaks one, and the kit reports that refusal as a failure of the rule it names.
 */
public enum Rule {
    P0_NO_THROW(RuleGroup.PLAN, "the scheduler never throws and never returns a null plan"),
    P1_KNOWN_SEQUENCE(PlanRule.P1_KNOWN_SEQUENCE),
    P2_NO_DUPLICATE(PlanRule.P2_NO_DUPLICATE),
    P3_TOKEN_COUNT(PlanRule.P3_TOKEN_COUNT),
    P4_TOKEN_BUDGET(PlanRule.P4_TOKEN_BUDGET),
    P5_SEQUENCE_BUDGET(PlanRule.P5_SEQUENCE_BUDGET),
    P6_KV_CAPACITY(PlanRule.P6_KV_CAPACITY),
    P7_PREEMPT_RUNNING_ONLY(PlanRule.P7_PREEMPT_RUNNING_ONLY),
    P8_REJECT_WAITING_ONLY(PlanRule.P8_REJECT_WAITING_ONLY),
    P9_WHOLE_PREFILL(PlanRule.P9_WHOLE_PREFILL),
    P10_DRAFT_ON_DECODE(PlanRule.P10_DRAFT_ON_DECODE),
    P11_CONTEXT_LENGTH(PlanRule.P11_CONTEXT_LENGTH),

    S1_GREEDY_MATCHES_REFERENCE(RuleGroup.CORRECTNESS,
            "under concurrency and chunked prefill, every greedy request that completes has exactly the output it gets "
                    + "alone through the reference FCFS path"),
    S2_SAMPLED_MATCHES_REFERENCE(RuleGroup.CORRECTNESS,
            "with seeded sampling, every request that completes has exactly the output it gets alone through the "
                    + "reference FCFS path"),
    S3_PREEMPTION_PRESERVES_OUTPUT(RuleGroup.CORRECTNESS,
            "with a KV pool so small that it forces preemption or queuing, every request that completes has its "
                    + "reference output"),
    S4_NO_KV_LEAK(RuleGroup.CORRECTNESS,
            "every admitted request runs to completion and gives its KV blocks back: when no work is left, no sequence "
                    + "holds a block"),
    S5_NO_LOST_REQUEST(RuleGroup.CORRECTNESS,
            "every request is admitted and ends exactly once with its own prompt and tokens: none waits forever while "
                    + "it would fit, none ends twice, none gets another's tokens"),
    S6_CANCEL_FREES(RuleGroup.CORRECTNESS,
            "a cancelled request (waiting, prefilling or decoding) ends CANCELLED at once with its blocks freed, and the "
                    + "others still get their reference outputs"),
    S7_TIMEOUT_FREES(RuleGroup.CORRECTNESS,
            "a request whose time-out passes ends TIMEOUT (never before it), and the others still get their reference "
                    + "outputs"),
    S8_SPECULATION_PRESERVES_DISTRIBUTION(RuleGroup.CORRECTNESS,
            "with seeded sampling, speculative outputs follow the same distribution as the reference path (total "
                    + "variation within the sampling bound)"),
    S9_SPECULATION_EXERCISED(RuleGroup.CORRECTNESS,
            "on a repetitive workload, drafts are proposed and some are accepted (the claim of speculation is not vacuous)"),
    S10_REJECTIONS_EXPLAINED(RuleGroup.CORRECTNESS,
            "a scheduler rejects requests only when it declares admission control, and every rejection carries a reason"),

    L1_NO_STARVATION(RuleGroup.LIVENESS,
            "under sustained overload of equal requests, no request is overtaken by more than K (8) later arrivals of "
                    + "its priority before its first token"),
    L2_LONG_PROMPTS_SERVED(RuleGroup.LIVENESS,
            "a long prompt amid a sustained stream of short requests gets its first token within F (4) times the short "
                    + "requests' p90 TTFT plus twice its own prefill steps plus 8 steps"),
    L3_PRIORITIES_HONOURED(RuleGroup.LIVENESS,
            "under overload, no request is overtaken by more than K (8) later arrivals of lower priority, and each higher "
                    + "priority class sees a lower median TTFT"),
    L4_FAIR_SERVICE(RuleGroup.LIVENESS,
            "at 70% of capacity, equal requests see similar latency: the p99 end-to-end time is at most 3 times the median"),

    C1_CONTRACT_LATENCY(RuleGroup.CONTRACTS,
            "at each declared offered load, p99 TTFT and p99 TPOT (in engine steps) stay within the declared bounds"),
    C2_CONTRACT_THROUGHPUT(RuleGroup.CONTRACTS,
            "at each declared offered load, throughput is at least the declared fraction of min(offered load, offline maximum)"),

    B1_REFERENCE_AGREEMENT(RuleGroup.BACKEND,
            "logits agree with the reference backend within the declared tolerance (exactly when batch-invariant), in "
                    + "prefill and decode"),
    B2_BATCH_AGREEMENT(RuleGroup.BACKEND,
            "a sequence's logits are the same alone and batched with other sequences (exactly when batch-invariant, else "
                    + "within the declared tolerance)"),
    B3_PAGING(RuleGroup.BACKEND,
            "logits are the same whatever the block size and wherever the blocks lie in the pool"),
    B4_STEP_SHAPES(RuleGroup.BACKEND,
            "every step shape from 1 token to the declared maximum tokens and sequences per step runs and returns finite "
                    + "logits of the right shape"),
    B5_MALFORMED_STEPS(RuleGroup.BACKEND,
            "a malformed step is refused with InvalidStepException, and the backend stays usable with its KV pool unchanged"),
    B6_CHUNKED_PREFILL(RuleGroup.BACKEND,
            "a prompt computed in chunks gives the same logits as computed whole"),
    B7_MULTI_POSITION_LOGITS(RuleGroup.BACKEND,
            "logits asked at several positions of one sequence in one step equal those computed one position at a time");

    private final RuleGroup group;
    private final String statement;
    private final PlanRule planRule;

    Rule(RuleGroup group, String statement) {
        this.group = group;
        this.statement = statement;
        this.planRule = null;
    }

    Rule(PlanRule planRule) {
        this.group = RuleGroup.PLAN;
        this.statement = planRule.statement();
        this.planRule = planRule;
    }

    /** The short id, e.g. {@code S4}. */
    public String id() {
        return name().substring(0, name().indexOf('_'));
    }

    public RuleGroup group() {
        return group;
    }

    /** The rule in one line. */
    public String statement() {
        return statement;
    }

    /** The host's plan rule this mirrors, or null. */
    public PlanRule planRule() {
        return planRule;
    }

    /** The name of the test method that checks it, e.g. {@code rule_S4_noKvLeak}. */
    public String testName() {
        String[] words = name().substring(name().indexOf('_') + 1).toLowerCase(Locale.ROOT).split("_");
        StringBuilder sb = new StringBuilder("rule_").append(id()).append('_').append(words[0]);
        for (int i = 1; i < words.length; i++) {
            sb.append(Character.toUpperCase(words[i].charAt(0))).append(words[i].substring(1));
        }
        return sb.toString();
    }

    /** {@code "rule S4 (statement)"}: how every message about the rule starts. */
    public String describe() {
        return "rule " + id() + " (" + statement + ")";
    }

    /** The kit rule mirroring a host plan rule. */
    public static Rule of(PlanRule planRule) {
        for (Rule r : values()) {
            if (r.planRule == planRule) {
                return r;
            }
        }
        throw new IllegalArgumentException("no kit rule for " + planRule);
    }

    /** The rule with this id ({@code "S4"}), case-insensitive. */
    public static Rule byId(String id) {
        for (Rule r : values()) {
            if (r.id().equalsIgnoreCase(id)) {
                return r;
            }
        }
        throw new IllegalArgumentException("no rule '" + id + "'; rules: "
                + String.join(", ", Arrays.stream(values()).map(Rule::id).toList()));
    }

    /** The rules of one group, in order. */
    public static List<Rule> inGroup(RuleGroup g) {
        return Arrays.stream(values()).filter(r -> r.group == g).toList();
    }
}
