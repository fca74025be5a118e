package dev.railyard.conformance.tradeoff;

import java.util.List;

/**
 * A trade-off benchmark's measurements.
 *
 * @param backend what ran the steps (and how time was kept)
 * @param workload the workload's description
 * @param baseScheduler the scheduler whose offline maximum defines load 1.0
 * @param baseCapacityRps that maximum, in requests per second
 * @param points one per scheduler and load
 */
public record TradeoffResult(String backend, String workload, String baseScheduler, double baseCapacityRps, List<TradeoffPoint> points) {

    public TradeoffResult {
        points = List.copyOf(points);
    }

    /** The schedulers, in the order they ran. */
    public List<String> schedulers() {
        return points.stream().map(TradeoffPoint::scheduler).distinct().toList();
    }

    /** The points of one scheduler, by load. */
    public List<TradeoffPoint> of(String scheduler) {
        return points.stream().filter(p -> p.scheduler().equals(scheduler)).toList();
    }
}
