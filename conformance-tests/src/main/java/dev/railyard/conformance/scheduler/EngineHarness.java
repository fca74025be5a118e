package dev.railyard.conformance.scheduler;

import dev.railyard.conformance.backend.BackendSetup;
import dev.railyard.conformance.driver.Cancellation;
import dev.railyard.conformance.driver.ObservedScheduler;
import dev.railyard.conformance.driver.RunResult;
import dev.railyard.conformance.driver.SimulationDriver;
import dev.railyard.conformance.driver.TimedBackend;
import dev.railyard.conformance.workload.Workload;
import dev.railyard.host.clock.VirtualClock;
import dev.railyard.host.engine.EngineCore;
import dev.railyard.host.engine.EngineSettings;
import dev.railyard.host.wiring.HostDrafters;
import dev.railyard.spi.Clock;
import dev.railyard.spi.backend.Backend;
import dev.railyard.spi.backend.BackendInfo;
import dev.railyard.spi.scheduler.Scheduler;
import dev.railyard.spi.scheduler.SchedulerContext;
import java.util.List;
import java.util.function.Function;

/**
 * One engine for one run, built the way the host builds it: a fresh backend (own pool) on a fresh
 * virtual clock, the scheduler created with the engine's limits and the kit's drafters, wrapped
 * to be watched, and the host's {@link EngineCore}.
 */
public final class EngineHarness implements AutoCloseable {

    private final Clock clock;
    private final VirtualClock virtualClock;
    private final TimedBackend backend;
    private final HostDrafters drafters;
    private final ObservedScheduler scheduler;
    private final EngineCore core;

    /**
     * @param setup the backend to open
     * @param numBlocks its pool (0: the backend's default)
     * @param name the scheduler's name (in the host's messages)
     * @param factory creates the scheduler from the context the host would give it
     */
    public EngineHarness(BackendSetup setup, int numBlocks, String name, Function<SchedulerContext, Scheduler> factory) {
        this(setup, numBlocks, name, factory, false);
    }

    /**
     * @param wallClock run on the wall clock (real backends in real time) instead of a virtual one
     */
    public EngineHarness(BackendSetup setup, int numBlocks, String name, Function<SchedulerContext, Scheduler> factory,
                         boolean wallClock) {
        this.virtualClock = wallClock ? null : new VirtualClock();
        this.clock = wallClock ? Clock.system() : virtualClock;
        Backend raw = setup.open(clock, numBlocks);
        this.backend = new TimedBackend(raw, virtualClock, setup.costModel());
        BackendInfo info = raw.info();
        this.drafters = new HostDrafters(KitPlugins.registry(),
                (dir, blockSize, blocks, closeLater) -> setup.openDraftModel(dir, clock, blockSize, blocks), clock, info.vocabSize());
        Scheduler s;
        try {
            s = factory.apply(new SchedulerContext(name, clock, EngineCore.limitsOf(info), info.blockSize(), info.numBlocks(), drafters));
        } catch (RuntimeException e) {
            drafters.close();
            raw.close();
            throw e;
        }
        this.scheduler = new ObservedScheduler(s);
        this.core = new EngineCore(backend, scheduler, name, new EngineSettings(1 << 20, 0), clock, null, setup.eosTokenIds());
    }

    /** A harness for {@code profile}. */
    public static EngineHarness of(BackendSetup setup, int numBlocks, SchedulerProfile profile) {
        return new EngineHarness(setup, numBlocks, profile.name(), profile::create);
    }

    /** Runs {@code workload} to its end (or until stuck). */
    public RunResult run(Workload workload, List<Cancellation> cancels) {
        SimulationDriver d = virtualClock != null ? new SimulationDriver(core, virtualClock, scheduler, backend)
                : new SimulationDriver(core, clock, SimulationDriver::sleepUntil, scheduler, backend);
        return d.run(workload, cancels, SimulationDriver.Limits.forWorkload(workload));
    }

    public EngineCore core() {
        return core;
    }

    /** The engine's clock (virtual unless built for the wall clock). */
    public Clock clock() {
        return clock;
    }

    public BackendInfo backendInfo() {
        return backend.info();
    }

    @Override
    public void close() {
        drafters.close();
        backend.close();
    }
}
