package dev.railyard.host.loadgen;

import java.time.Duration;

/**
 * How a run sends its requests: open loop at a rate ({@code arrivals} set; {@code concurrency},
 * when above 0, caps requests in flight), or closed loop with {@code concurrency} clients each
 * sending its next request when the last one ends. It stops issuing after {@code requests}
 * requests or after {@code duration}, whichever comes first, then waits for those in flight.
 *
 * @param arrivals the arrival process, or null for a closed loop
 * @param concurrency clients of a closed loop, or the in-flight cap of an open one (0: none)
 * @param requests how many requests to send (0: until the duration ends)
 * @param duration how long to send them (null: until the count is reached)
 * @param seed seeds the arrival times
 */
public record LoadPlan(ArrivalProcess arrivals, int concurrency, int requests, Duration duration, long seed) {

    public LoadPlan {
        if (arrivals == null && concurrency < 1) {
            throw new IllegalArgumentException("give a rate or a concurrency of at least 1");
        }
        if (requests < 0 || concurrency < 0) {
            throw new IllegalArgumentException("requests and concurrency must be >= 0");
        }
        if (requests == 0 && duration == null) {
            throw new IllegalArgumentException("give a request count or a duration");
        }
    }

    public LoadPlan withArrivals(ArrivalProcess a) {
        return new LoadPlan(a, concurrency, requests, duration, seed);
    }

    public String describe() {
        String how = arrivals != null ? arrivals.describe() + (concurrency > 0 ? ", at most " + concurrency + " in flight" : "")
                : concurrency + " concurrent clients";
        String limit = requests > 0 && duration != null ? requests + " requests or " + duration.toSeconds() + " s"
                : requests > 0 ? requests + " requests" : duration.toMillis() / 1000.0 + " s";
        return how + ", " + limit;
    }
}
