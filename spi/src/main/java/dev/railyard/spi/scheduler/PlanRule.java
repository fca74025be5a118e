package dev.railyard.spi.scheduler;

/**
 * The rules the host checks on every {@link StepPlan} before applying it. A plan that breaks one
 * is refused with an {@link InvalidPlanException} naming the rule; nothing changes.
 */
public enum PlanRule {
    P1_KNOWN_SEQUENCE("every id in the plan names a sequence that is waiting or running"),
    P2_NO_DUPLICATE("a sequence appears at most once among scheduled, preempted and rejected"),
    P3_TOKEN_COUNT("each scheduled sequence computes at least 1 and at most its pending tokens (plus its draft)"),
    P4_TOKEN_BUDGET("the plan's tokens, drafts included, fit the engine's max tokens per step"),
    P5_SEQUENCE_BUDGET("the plan schedules at most the engine's max sequences per step"),
    P6_KV_CAPACITY("the blocks the plan needs fit the free blocks after its preemptions"),
    P7_PREEMPT_RUNNING_ONLY("only running sequences are preempted"),
    P8_REJECT_WAITING_ONLY("only waiting (never admitted) sequences are rejected"),
    P9_WHOLE_PREFILL("without chunked-prefill support, a prefill is scheduled whole"),
    P10_DRAFT_ON_DECODE("draft tokens go only to a decoding sequence (one pending token), within the vocabulary, the context length and the backend's multi-position support"),
    P11_CONTEXT_LENGTH("no sequence grows past the model's context length");

    private final String statement;

    PlanRule(String statement) {
        this.statement = statement;
    }

    /** The short id, e.g. {@code P4}. */
    public String id() {
        return name().substring(0, name().indexOf('_'));
    }

    /** The rule in one line. */
    public String statement() {
        return statement;
    }
}
