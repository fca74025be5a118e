package dev.railyard.conformance.workload;

import java.util.ArrayList;
import java.util.List;
import java.util.random.RandomGenerator;
import java.util.random.RandomGeneratorFactory;

/** Turns a {@link WorkloadSpec} into requests, deterministically from its seed. */
public final class WorkloadGenerator {

    private WorkloadGenerator() {
    }

    /** The requests of {@code spec}, in arrival order. */
    public static Workload generate(WorkloadSpec spec) {
        RandomGenerator rng = RandomGeneratorFactory.of("L64X128MixRandom").create(spec.seed());
        long[] arrivals = spec.arrivals().arrivals(spec.requests(), rng);
        List<RequestSpec> out = new ArrayList<>(spec.requests());
        for (int i = 0; i < spec.requests(); i++) {
            int[] prompt = spec.style().draw(spec.promptLengths().sample(rng), spec.vocab(), rng);
            int maxTokens = spec.outputLengths().sample(rng);
            boolean sampled = rng.nextDouble() < spec.sampledFraction();
            long seed = rng.nextLong();
            int priority = spec.priorities().sample(rng);
            out.add(new RequestSpec(i, arrivals[i], prompt, maxTokens, sampled ? spec.temperature() : 0, sampled ? 0.95 : 1, seed,
                    priority, spec.ttftSloNanos(), spec.tpotSloNanos(), 0));
        }
        return new Workload(spec.name(), out);
    }
}
