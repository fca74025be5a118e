package dev.railyard.conformance.scheduler;

/**
 * What a scheduler claims beyond the SPI. Each claim switches rules on (and its absence switches
 * them off, with the reason in the report):
 * <ul>
 *   <li>{@link #PRIORITIES}: rule L3;</li>
 *   <li>{@link #FAIRNESS}: rule L4;</li>
 *   <li>{@link #SPECULATION}: rules S8 and S9, and S2 is replaced by S8 (speculative sampling keeps
 *       the distribution, not the random stream);</li>
 *   <li>{@link #ADMISSION_CONTROL}: rule S10 accepts rejections (with a reason).</li>
 * </ul>
 */
public enum SchedulerCapability {
    /** Serves smaller priority values first. */
    PRIORITIES,
    /** Equal requests see similar latency. */
    FAIRNESS,
    /** Puts draft tokens into plans (speculative decoding). */
    SPECULATION,
    /** May reject requests it cannot serve well (queue limits, SLOs). */
    ADMISSION_CONTROL
}
