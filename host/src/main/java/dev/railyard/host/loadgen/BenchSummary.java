package dev.railyard.host.loadgen;

import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * The report of one run: counts, throughput, latency statistics (TTFT, TPOT, inter-token,
 * end-to-end; ms) and goodput under the SLOs.
 *
 * @param offeredRate the requested rate in req/s, or NaN for a closed loop
 * @param concurrency clients of a closed loop or the in-flight cap (0: none)
 * @param requests requests sent
 * @param completed of those, finished normally
 * @param failed of those, failed (refused, errors, cut streams)
 * @param seconds from the start to the last request's end
 * @param requestThroughput completed requests per second
 * @param outputTokenThroughput output tokens of completed requests per second
 * @param totalTokenThroughput prompt plus output tokens of completed requests per second
 * @param ttft time to first token
 * @param tpot time per output token after the first
 * @param itl every gap between streamed tokens
 * @param e2e end-to-end latency
 * @param slo the objectives
 * @param goodput requests meeting every objective, per second
 * @param sloAttainment the share of sent requests meeting every objective
 * @param errors the distinct failure messages and how often each occurred (at most 5)
 */
public record BenchSummary(double offeredRate, int concurrency, int requests, int completed, int failed, double seconds,
                           double requestThroughput, double outputTokenThroughput, double totalTokenThroughput,
                           LatencyStats ttft, LatencyStats tpot, LatencyStats itl, LatencyStats e2e, Slo slo, double goodput,
                           double sloAttainment, Map<String, Integer> errors) {

    /** Summarises {@code run}. */
    public static BenchSummary of(LoadGenerator.Run run, LoadPlan plan, Slo slo) {
        List<RequestRecord> rs = run.records();
        int completed = 0;
        long outTokens = 0;
        long allTokens = 0;
        int good = 0;
        int gapCount = 0;
        for (RequestRecord r : rs) {
            gapCount += r.ok() ? Math.max(0, r.tokenNanos().length - 1) : 0;
        }
        double[] gaps = new double[gapCount];
        int g = 0;
        double[] ttft = new double[rs.size()];
        double[] tpot = new double[rs.size()];
        double[] e2e = new double[rs.size()];
        Map<String, Integer> errors = new LinkedHashMap<>();
        for (int i = 0; i < rs.size(); i++) {
            RequestRecord r = rs.get(i);
            ttft[i] = tpot[i] = e2e[i] = Double.NaN;
            if (!r.ok()) {
                if (errors.size() < 5 || errors.containsKey(r.error())) {
                    errors.merge(String.valueOf(r.error()), 1, Integer::sum);
                }
                continue;
            }
            completed++;
            outTokens += r.outputTokens();
            allTokens += r.outputTokens() + r.promptTokens();
            ttft[i] = r.ttftMillis();
            tpot[i] = r.tpotMillis();
            e2e[i] = r.e2eMillis();
            long[] t = r.tokenNanos();
            for (int j = 1; j < t.length; j++) {
                gaps[g++] = (t[j] - t[j - 1]) / 1e6;
            }
            if (slo.isMetBy(r)) {
                good++;
            }
        }
        double s = run.seconds();
        double rate = plan.arrivals() == null ? Double.NaN : plan.arrivals().rate();
        return new BenchSummary(rate, plan.concurrency(), rs.size(), completed, rs.size() - completed, s, completed / s,
                outTokens / s, allTokens / s, LatencyStats.of(ttft), LatencyStats.of(tpot),
                LatencyStats.of(gaps), LatencyStats.of(e2e), slo, good / s,
                rs.isEmpty() ? 0 : (double) good / rs.size(), errors);
    }

    /** The summary as JSON (latencies in ms). */
    public ObjectNode toJson() {
        ObjectNode o = JsonNodeFactory.instance.objectNode();
        if (!Double.isNaN(offeredRate)) {
            o.put("offered_rate", offeredRate);
        }
        o.put("concurrency", concurrency);
        o.put("requests", requests);
        o.put("completed", completed);
        o.put("failed", failed);
        o.put("duration_s", seconds);
        o.put("request_throughput", requestThroughput);
        o.put("output_token_throughput", outputTokenThroughput);
        o.put("total_token_throughput", totalTokenThroughput);
        stats(o.putObject("ttft_ms"), ttft);
        stats(o.putObject("tpot_ms"), tpot);
        stats(o.putObject("itl_ms"), itl);
        stats(o.putObject("e2e_ms"), e2e);
        o.put("slo", slo.toString());
        o.put("goodput", goodput);
        o.put("slo_attainment", sloAttainment);
        ObjectNode errs = o.putObject("errors");
        errors.forEach(errs::put);
        return o;
    }

    private static void stats(ObjectNode o, LatencyStats s) {
        o.put("count", s.count());
        put(o, "mean", s.mean());
        put(o, "p50", s.p50());
        put(o, "p90", s.p90());
        put(o, "p99", s.p99());
        put(o, "max", s.max());
    }

    private static void put(ObjectNode o, String k, double v) {
        if (Double.isNaN(v)) {
            o.putNull(k);
        } else {
            o.put(k, v);
        }
    }
}
