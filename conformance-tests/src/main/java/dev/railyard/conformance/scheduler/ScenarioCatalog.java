package dev.railyard.conformance.scheduler;

import dev.railyard.conformance.driver.Cancellation;
import dev.railyard.conformance.workload.ArrivalProcess;
import dev.railyard.conformance.workload.LengthDistribution;
import dev.railyard.conformance.workload.PriorityMix;
import dev.railyard.conformance.workload.PromptStyle;
import dev.railyard.conformance.workload.RequestSpec;
import dev.railyard.conformance.workload.Workload;
import dev.railyard.conformance.workload.WorkloadGenerator;
import dev.railyard.conformance.workload.WorkloadSpec;
import java.util.ArrayList;
import java.util.List;

/** Defines the kit's scenarios, sized from the backend's {@link Geometry} and the {@link KitSettings}. */
final class ScenarioCatalog {

    static final String MIXED = "mixed";
    static final String TINY_POOL = "tiny-pool";
    static final String CANCEL = "cancel";
    static final String TIMEOUT = "timeout";
    static final String OFFLINE = "offline";
    static final String OVERLOAD = "overload";
    static final String LONG_PROMPTS = "long-prompts";
    static final String PRIORITIES = "priorities";
    static final String FAIR_LOAD = "fair-load";
    static final String SPEC_GREEDY = "spec-greedy";
    static final String SPEC_SAMPLED = "spec-sampled";
    static final String CONTRACT_OFFLINE = "contract-offline";

    private final Geometry g;
    private final KitSettings.Scale scale;

    ScenarioCatalog(Geometry g, KitSettings.Scale scale) {
        this.g = g;
        this.scale = scale;
    }

    private WorkloadSpec.Builder base(String name, int n, long seed) {
        return WorkloadSpec.builder(name).requests(n).vocab(g.vocab()).seed(seed);
    }

    /** Overlapping bursty arrivals, prompts up to two steps long, greedy and sampled, with duplicate prompts. */
    Scenario mixed() {
        int n = Math.max(4, scale.mixed());
        double rate = 2e9 / g.nominalStepNanos();
        Workload w = WorkloadGenerator.generate(base(MIXED, n - 4, 11).arrivals(ArrivalProcess.gamma(rate, 0.5))
                .promptLengths(LengthDistribution.uniform(1, g.promptCap())).outputLengths(LengthDistribution.uniform(1, g.outputCap(24)))
                .sampled(0.5, 0.8).build());
        List<RequestSpec> extra = new ArrayList<>();
        RequestSpec first = w.get(0);
        long mid = w.get(w.size() / 2).arrivalNanos();
        extra.add(first.withArrival(mid).withSampling(0, 1, 1));
        extra.add(first.withArrival(mid).withSampling(0.8, 0.95, 12345));
        int[] longPrompt = WorkloadGenerator.generate(base("long", 1, 13).promptLengths(LengthDistribution.fixed(g.promptCap()))
                .build()).get(0).prompt();
        extra.add(new RequestSpec(0, 1, longPrompt, g.outputCap(12), 0, 1, 7, 0, 0, 0, 0));
        extra.add(new RequestSpec(0, mid, longPrompt, g.outputCap(12), 0.8, 0.95, 8, 0, 0, 0, 0));
        return new Scenario(MIXED, "concurrency, chunked prefill, duplicate prompts, greedy and sampled",
                w.plus(new Workload("extra", extra)), List.of(), 0);
    }

    /** Everyone at once into a pool that holds about two requests. */
    Scenario tinyPool() {
        int bs = g.blockSize();
        int maxPrompt = Math.max(1, Math.min(4 * bs, g.promptCap()));
        int minPrompt = Math.min(bs, maxPrompt);
        int maxOut = g.outputCap(24);
        Workload w = WorkloadGenerator.generate(base(TINY_POOL, scale.tinyPool(), 17)
                .promptLengths(LengthDistribution.uniform(minPrompt, maxPrompt))
                .outputLengths(LengthDistribution.uniform(Math.min(8, maxOut), maxOut)).sampled(0.5, 0.8).build());
        int perRequest = Math.ceilDiv(maxPrompt + maxOut, bs);
        return new Scenario(TINY_POOL, "a KV pool of " + (2 * perRequest + 1) + " blocks: preemption or queuing", w, List.of(),
                2 * perRequest + 1);
    }

    /** Everyone at once; cancels of a waiting, a prefilling and decoding requests. */
    Scenario cancel() {
        int n = Math.max(12, scale.small());
        Workload w = WorkloadGenerator.generate(base(CANCEL, n, 19)
                .promptLengths(LengthDistribution.uniform(4, Math.max(4, Math.min(3 * g.blockSize(), g.promptCap()))))
                .outputLengths(LengthDistribution.uniform(g.outputCap(16), g.outputCap(40))).sampled(0.3, 0.8).build());
        List<RequestSpec> reqs = new ArrayList<>(w.requests());
        int[] longPrompt = WorkloadGenerator.generate(base("long", 1, 23).promptLengths(LengthDistribution.fixed(g.promptCap()))
                .build()).get(0).prompt();
        reqs.set(1, new RequestSpec(1, 0, longPrompt, g.outputCap(20), 0, 1, 1, 0, 0, 0, 0));
        List<Cancellation> cancels = List.of(new Cancellation(n - 1, 0), new Cancellation(1, 1), new Cancellation(4, 3),
                new Cancellation(7, 6), new Cancellation(10, 12));
        return new Scenario(CANCEL, "cancelling waiting, prefilling and decoding requests", new Workload(CANCEL, reqs), cancels, 0);
    }

    /** Everyone at once; four requests time out mid-way, one has a time-out it never reaches. */
    Scenario timeout() {
        int n = Math.max(12, scale.small());
        Workload w = WorkloadGenerator.generate(base(TIMEOUT, n, 29)
                .promptLengths(LengthDistribution.uniform(4, Math.max(4, Math.min(2 * g.blockSize(), g.promptCap()))))
                .outputLengths(LengthDistribution.fixed(g.outputCap(24))).sampled(0.3, 0.8).build());
        List<RequestSpec> reqs = new ArrayList<>(w.requests());
        for (int i : new int[] {0, 3, 6, 9}) {
            reqs.set(i, reqs.get(i).withTimeout(4 * g.nominalStepNanos()));
        }
        reqs.set(11, reqs.get(11).withTimeout(100_000 * g.nominalStepNanos()));
        return new Scenario(TIMEOUT, "requests timing out while others run", new Workload(TIMEOUT, reqs), List.of(), 0);
    }

    /** The shape of the equal requests of the load scenarios. */
    private WorkloadSpec.Builder equalRequests(String name, int n, long seed) {
        return base(name, n, seed).promptLengths(LengthDistribution.fixed(Math.min(64, g.promptCap())))
                .outputLengths(LengthDistribution.fixed(g.outputCap(32)));
    }

    /** Equal requests all at once: the scheduler's capacity. */
    Scenario offline() {
        return new Scenario(OFFLINE, "capacity: equal requests all at once",
                WorkloadGenerator.generate(equalRequests(OFFLINE, scale.offline(), 31).build()), List.of(), 0);
    }

    /** Equal requests arriving at 1.5 times capacity. */
    Scenario overload(double capacityRps) {
        return new Scenario(OVERLOAD, "equal requests arriving at 150% of capacity",
                WorkloadGenerator.generate(equalRequests(OVERLOAD, scale.load(), 37)
                        .arrivals(ArrivalProcess.poisson(1.5 * capacityRps)).build()), List.of(), 0);
    }

    /** A stream of short requests at 90% of capacity with four long prompts early in it. */
    Scenario longPrompts(double capacityRps) {
        double rate = 0.9 * capacityRps;
        Workload shorts = WorkloadGenerator.generate(equalRequests(LONG_PROMPTS, scale.load(), 41)
                .arrivals(ArrivalProcess.poisson(rate)).build());
        long span = shorts.get(shorts.size() - 1).arrivalNanos();
        List<RequestSpec> longs = new ArrayList<>();
        int len = g.longPrompt();
        for (int i = 0; i < 4; i++) {
            int[] p = WorkloadGenerator.generate(base("long", 1, 43 + i).promptLengths(LengthDistribution.fixed(len)).build()).get(0)
                    .prompt();
            longs.add(new RequestSpec(0, span * (i + 1) / 10, p, g.outputCap(32), 0, 1, i, 0, 0, 0, 0));
        }
        return new Scenario(LONG_PROMPTS, len + "-token prompts amid short requests at 90% of capacity",
                shorts.plus(new Workload("long", longs)), List.of(), 0);
    }

    /** Equal requests of priorities 1, 2 and 3 arriving at 1.5 times capacity. */
    Scenario priorities(double capacityRps) {
        return new Scenario(PRIORITIES, "priorities 1, 2, 3 at 150% of capacity",
                WorkloadGenerator.generate(equalRequests(PRIORITIES, scale.load(), 47).priorities(PriorityMix.uniform(1, 2, 3))
                        .arrivals(ArrivalProcess.poisson(1.5 * capacityRps)).build()), List.of(), 0);
    }

    /** Equal requests at 70% of capacity. */
    Scenario fairLoad(double capacityRps) {
        return new Scenario(FAIR_LOAD, "equal requests at 70% of capacity",
                WorkloadGenerator.generate(equalRequests(FAIR_LOAD, scale.load(), 53)
                        .arrivals(ArrivalProcess.poisson(0.7 * capacityRps)).build()), List.of(), 0);
    }

    /** Repetitive prompts, greedy, long outputs: drafts should be proposed and accepted. */
    Scenario specGreedy() {
        int n = Math.max(4, Math.min(48, scale.mixed()));
        return new Scenario(SPEC_GREEDY, "repetitive prompts, greedy",
                WorkloadGenerator.generate(base(SPEC_GREEDY, n, 59).style(PromptStyle.REPETITIVE)
                        .promptLengths(LengthDistribution.uniform(Math.min(16, g.promptCap()), Math.min(64, g.promptCap())))
                        .outputLengths(LengthDistribution.fixed(g.outputCap(48))).build()), List.of(), 0);
    }

    /** One repetitive prompt sampled at temperature 1 under many seeds. */
    Scenario specSampled() {
        int[] prompt = WorkloadGenerator.generate(base("prompt", 1, 61).style(PromptStyle.REPETITIVE)
                .promptLengths(LengthDistribution.fixed(Math.min(32, g.promptCap()))).build()).get(0).prompt();
        List<RequestSpec> reqs = new ArrayList<>();
        for (int i = 0; i < scale.speculativeSamples(); i++) {
            reqs.add(new RequestSpec(i, 0, prompt, g.outputCap(8), 1.0, 1.0, 1_000_003L * i + 17, 0, 0, 0, 0));
        }
        return new Scenario(SPEC_SAMPLED, "one prompt sampled at temperature 1 under " + reqs.size() + " seeds",
                new Workload(SPEC_SAMPLED, reqs), List.of(), 0);
    }

    /** The contract workload: ShareGPT-like lengths, scaled to the backend. */
    private WorkloadSpec.Builder contractRequests(String name, int n) {
        return base(name, n, 67).promptLengths(LengthDistribution.shareGptPrompt(0.5, g.promptCap()))
                .outputLengths(LengthDistribution.shareGptOutput(0.5, g.outputCap(256)));
    }

    /** The contract workload all at once: the offline maximum. */
    Scenario contractOffline() {
        return new Scenario(CONTRACT_OFFLINE, "ShareGPT-like requests all at once: the offline maximum",
                WorkloadGenerator.generate(contractRequests(CONTRACT_OFFLINE, Math.max(1, scale.contract() / 2)).build()), List.of(), 0);
    }

    /** The contract workload arriving at {@code load} × capacity. */
    Scenario contract(int i, SchedulerContract c, double capacityRps) {
        String name = "contract-" + (i + 1);
        return new Scenario(name, "ShareGPT-like requests at " + Math.round(c.offeredLoad() * 100) + "% of capacity",
                WorkloadGenerator.generate(contractRequests(name, scale.contract())
                        .arrivals(ArrivalProcess.poisson(c.offeredLoad() * capacityRps)).build()), List.of(), 0);
    }
}
