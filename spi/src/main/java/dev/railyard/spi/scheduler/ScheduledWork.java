package dev.railyard.spi.scheduler;

import java.util.Objects;

/**
 * One sequence's work in a {@link StepPlan}: compute its next {@code numTokens} pending tokens,
 * and optionally verify draft tokens.
 *
 * <p>Without a draft: {@code 1 <= numTokens <= pendingTokens()}. With a draft (speculative
 * decoding), the sequence must be decoding ({@code pendingTokens() == 1}) and {@code numTokens}
 * must be {@code 1 + draft.length()}: the pending token plus the draft tokens, whose logits the
 * host asks for at all {@code k + 1} positions and then accepts or rejects.
 *
 * @param sequenceId the sequence
 * @param numTokens tokens to compute this step, draft tokens included
 * @param draft draft tokens to verify, or {@code null} for none
 */
public record ScheduledWork(long sequenceId, int numTokens, DraftProposal draft) {

    /** Work without a draft. */
    public static ScheduledWork of(long sequenceId, int numTokens) {
        return new ScheduledWork(sequenceId, numTokens, null);
    }

    /** A decode step that verifies {@code draft}. */
    public static ScheduledWork withDraft(long sequenceId, DraftProposal draft) {
        Objects.requireNonNull(draft, "draft");
        return new ScheduledWork(sequenceId, 1 + draft.length(), draft);
    }

    /** Draft tokens in this work (0 without a draft). */
    public int draftLength() {
        return draft == null ? 0 : draft.length();
    }
}
