package dev.railyard.conformance.scheduler;

import dev.railyard.conformance.backend.BackendSetup;
import dev.railyard.conformance.driver.RequestMetrics;
import dev.railyard.conformance.driver.RunResult;
import dev.railyard.conformance.workload.RequestSpec;
import dev.railyard.conformance.workload.Workload;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

/**
 * Each request's output alone through the {@link ReferenceScheduler} on a backend, computed on
 * demand and cached by what determines the output (prompt, length, sampling, seed). One instance
 * per backend can be shared by every scheduler tested on it.
 */
public final class ReferenceOutputs {

    private final BackendSetup setup;
    private final Map<String, int[]> cache = new HashMap<>();

    public ReferenceOutputs(BackendSetup setup) {
        this.setup = setup;
    }

    /** Computes the outputs of {@code specs} not yet known, in one reference run. */
    public synchronized void ensure(List<RequestSpec> specs) {
        List<RequestSpec> missing = new ArrayList<>();
        java.util.Set<String> keys = new java.util.HashSet<>();
        for (RequestSpec s : specs) {
            if (!cache.containsKey(s.outputKey()) && keys.add(s.outputKey())) {
                missing.add(s.withArrival(0).withTimeout(0).withPriority(0).withSlos(0, 0));
            }
        }
        if (missing.isEmpty()) {
            return;
        }
        RunResult r;
        try (EngineHarness h = new EngineHarness(setup, 0, ReferenceScheduler.NAME, ctx -> new ReferenceScheduler())) {
            r = h.run(new Workload("reference", missing), List.of());
        }
        for (RequestMetrics m : r.requests()) {
            if (!m.completedNormally()) {
                throw new IllegalStateException("the reference path could not run " + m.spec() + ": "
                        + (m.result() == null ? (r.stopReason() == null ? "it never ended" : r.stopReason()) : m.result().error()));
            }
            cache.put(m.spec().outputKey(), m.tokens());
        }
    }

    /** The reference output of {@code spec}; {@link #ensure} it first. */
    public synchronized int[] of(RequestSpec spec) {
        int[] t = cache.get(spec.outputKey());
        if (t == null) {
            ensure(List.of(spec));
            t = cache.get(spec.outputKey());
        }
        return t;
    }
}
