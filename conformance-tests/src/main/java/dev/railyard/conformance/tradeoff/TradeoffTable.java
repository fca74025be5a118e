package dev.railyard.conformance.tradeoff;

import java.util.Locale;

/** The trade-off as a text (Markdown) table. */
public final class TradeoffTable {

    private TradeoffTable() {
    }

    public static String render(TradeoffResult r) {
        StringBuilder sb = new StringBuilder();
        sb.append("Latency/throughput trade-off on ").append(r.backend()).append('\n');
        sb.append("Workload: ").append(r.workload()).append("; load 100% = ").append(r.baseScheduler())
                .append(String.format(Locale.ROOT, "'s offline maximum, %.1f requests/s%n%n", r.baseCapacityRps()));
        sb.append("| scheduler | load | offered req/s | completed | p50 TTFT ms | p99 TTFT ms | p99 TTFT steps | p50 TPOT ms "
                + "| p99 TPOT ms | output tokens/s | draft acceptance |\n");
        sb.append("|---|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|\n");
        for (TradeoffPoint p : r.points()) {
            sb.append(String.format(Locale.ROOT, "| %s | %.0f%% | %.1f | %d/%d | %.1f | %.1f | %.0f | %.2f | %.2f | %.0f | %s |%n",
                    p.scheduler(), p.offeredLoad() * 100, p.offeredRps(), p.completed(), p.requests(), p.p50TtftMs(), p.p99TtftMs(),
                    p.p99TtftSteps(), p.p50TpotMs(), p.p99TpotMs(), p.throughputTps(),
                    Double.isNaN(p.acceptanceRate()) ? "-" : String.format(Locale.ROOT, "%.0f%%", p.acceptanceRate() * 100)));
        }
        return sb.toString();
    }
}
