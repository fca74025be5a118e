/**
 * The scheduler SPI.
 *
 * <p>Each engine iteration the host calls {@link dev.railyard.spi.scheduler.Scheduler#schedule}
 * with a read-only {@link dev.railyard.spi.scheduler.SchedulerView} of waiting and running
 * sequences and of KV capacity. The scheduler answers with a {@link
 * dev.railyard.spi.scheduler.StepPlan}: which sequences compute how many tokens this iteration
 * (a whole prompt, a chunk of it, one decode token, or draft tokens to verify), which running
 * sequences to preempt, which waiting ones to reject; or "nothing now, ask again at time T".
 *
 * <p>The host owns all bookkeeping. It validates every plan against the {@link
 * dev.railyard.spi.scheduler.PlanRule}s and refuses an invalid plan with an {@link
 * dev.railyard.spi.scheduler.InvalidPlanException} naming the scheduler and the rule broken,
 * before any state changes, so a buggy scheduler cannot corrupt the engine.
 *
 * <h2>Sequence life cycle</h2>
 * A sequence holds {@code totalLength() = promptLength() + generatedCount()} tokens, of which
 * the first {@code computedLength()} have K/V in the cache. A newly submitted sequence is
 * WAITING with nothing computed. Scheduling {@code n} tokens computes positions {@code
 * computedLength() .. computedLength()+n-1}; when that reaches {@code totalLength()}, the host
 * samples the next token (so a decoding sequence always has exactly one token pending). A
 * preempted sequence loses its KV blocks and returns to the waiting queue to be recomputed
 * (prompt and generated tokens), keeping its random stream, so its output does not change.
 *
 * <h2>Speculative decoding</h2>
 * A {@link dev.railyard.spi.scheduler.Drafter} proposes draft tokens for decoding sequences; a
 * speculative scheduler opens one through {@link dev.railyard.spi.scheduler.SchedulerContext#drafters()}
 * and puts its proposals into the plan ({@link dev.railyard.spi.scheduler.ScheduledWork#withDraft});
 * the host verifies them exactly against the target model. A speculative scheduler also hands
 * the drafter the sequences whose prompt a plan processes ({@link
 * dev.railyard.spi.scheduler.Drafter#prefill}), so a draft model can take the prompt in with the
 * prefill. Drafters are found with {@link
 * java.util.ServiceLoader} under {@code META-INF/services/dev.railyard.spi.scheduler.DrafterProvider}.
 */
package dev.railyard.spi.scheduler;
