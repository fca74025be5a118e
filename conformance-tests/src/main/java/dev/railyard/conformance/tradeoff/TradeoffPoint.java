package dev.railyard.conformance.tradeoff;

/**
 * One scheduler at one offered load.
 *
 * @param scheduler the scheduler profile's name
 * @param offeredLoad arrival rate as a fraction of the base capacity
 * @param offeredRps arrival rate, requests per second
 * @param requests requests offered
 * @param completed requests that ended normally
 * @param p50TtftMs median time to first token
 * @param p99TtftMs p99 time to first token
 * @param p50TpotMs median time per output token
 * @param p99TpotMs p99 time per output token
 * @param throughputTps output tokens per second, first arrival to last end
 * @param p99TtftSteps p99 time to first token in engine steps
 * @param acceptanceRate accepted over drafted tokens (NaN without drafts)
 */
public record TradeoffPoint(String scheduler, double offeredLoad, double offeredRps, int requests, long completed, double p50TtftMs,
                            double p99TtftMs, double p50TpotMs, double p99TpotMs, double throughputTps, double p99TtftSteps,
                            double acceptanceRate) {
}
