package dev.railyard.conformance.workload;

import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;

/**
 * A named list of requests in arrival order (ties keep their order; indexes are renumbered to
 * match).
 *
 * @param name short name used in messages
 * @param requests the requests, sorted by arrival
 */
public record Workload(String name, List<RequestSpec> requests) {

    public Workload {
        List<RequestSpec> sorted = new ArrayList<>(requests);
        sorted.sort(Comparator.comparingLong(RequestSpec::arrivalNanos));
        for (int i = 0; i < sorted.size(); i++) {
            sorted.set(i, sorted.get(i).withIndex(i));
        }
        requests = List.copyOf(sorted);
    }

    public int size() {
        return requests.size();
    }

    public RequestSpec get(int i) {
        return requests.get(i);
    }

    /** Output tokens asked for in total. */
    public long totalOutputTokens() {
        return requests.stream().mapToLong(RequestSpec::maxTokens).sum();
    }

    /** Prompt tokens in total. */
    public long totalPromptTokens() {
        return requests.stream().mapToLong(RequestSpec::promptLength).sum();
    }

    /** The same requests all arriving at time 0 (an offline batch). */
    public Workload allAtOnce() {
        return new Workload(name + "-offline", requests.stream().map(r -> r.withArrival(0)).toList());
    }

    /** This workload followed by {@code other}'s requests. */
    public Workload plus(Workload other) {
        List<RequestSpec> all = new ArrayList<>(requests);
        all.addAll(other.requests);
        return new Workload(name + "+" + other.name, all);
    }
}
