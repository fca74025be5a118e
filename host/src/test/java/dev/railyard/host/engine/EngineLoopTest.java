package dev.railyard.host.engine;

import static dev.railyard.host.engine.EngineTestSupport.VOCAB;
import static dev.railyard.host.engine.EngineTestSupport.greedy;
import static dev.railyard.host.engine.EngineTestSupport.prompt;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.railyard.host.clock.VirtualClock;
import dev.railyard.spi.backend.Backend;
import dev.railyard.spi.backend.BackendInfo;
import dev.railyard.spi.backend.Logits;
import dev.railyard.spi.backend.StepBatch;
import dev.railyard.spi.scheduler.FinishReason;
import dev.railyard.spi.scheduler.SchedulerView;
import dev.railyard.spi.scheduler.StepOutcome;
import dev.railyard.spi.scheduler.StepPlan;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/**
 * The threaded {@link Engine}: exceptions from observers, schedulers and backends end the
 * affected requests but never the loop, and shutdown completes every accepted request.
 */
@Timeout(60)
class EngineLoopTest {

    private static int usedBlocks(Engine engine) throws Exception {
        AtomicInteger used = new AtomicInteger(-1);
        engine.runOnLoop(() -> used.set(engine.core().usedBlocks())).get(20, TimeUnit.SECONDS);
        return used.get();
    }

    private static GenerationResult await(GenerationHandle h) throws Exception {
        return h.result().get(20, TimeUnit.SECONDS);
    }

    @Test
    void aTaskForAStoppedLoopFailsAtOnceInsteadOfHanging() throws Exception {
        Engine engine = new Engine(EngineTestSupport.core(64, 1000)).start();
        assertThat(usedBlocks(engine)).isZero();
        engine.close();
        java.util.concurrent.CompletableFuture<Void> late = engine.runOnLoop(() -> { });
        assertThatThrownBy(() -> late.get(5, TimeUnit.SECONDS))
                .isInstanceOf(java.util.concurrent.ExecutionException.class)
                .hasMessageContaining("the engine loop has stopped");
    }

    @Test
    void anObserverThatThrowsNeverKillsTheLoop() throws Exception {
        EngineCore core = EngineTestSupport.core(64, 1000);
        core.addObserver(new EngineObserver() {
            @Override
            public void onSubmitted(long requestId) {
                throw new IllegalStateException("observer broke in onSubmitted");
            }

            @Override
            public void onStep(StepRecord step) {
                throw new IllegalStateException("observer broke in onStep");
            }

            @Override
            public void onFinished(GenerationResult result) {
                throw new IllegalStateException("observer broke in onFinished");
            }
        });
        try (Engine engine = new Engine(core).start()) {
            for (int i = 0; i < 3; i++) {
                GenerationResult r = await(engine.submit(greedy(4, prompt(5, i))));
                assertThat(r.finishReason()).as("request %d", i).isEqualTo(FinishReason.LENGTH);
                assertThat(r.tokens()).hasSize(4);
            }
            assertThat(usedBlocks(engine)).isZero();
        }
    }

    @Test
    void aSchedulerThatThrowsInOnStepCompletedFailsItsRequestsButNotTheLoop() throws Exception {
        AtomicInteger failures = new AtomicInteger(1);
        SimpleFcfsScheduler fcfs = new SimpleFcfsScheduler(1000);
        dev.railyard.spi.scheduler.Scheduler flaky = new dev.railyard.spi.scheduler.Scheduler() {
            @Override
            public StepPlan schedule(SchedulerView view) {
                return fcfs.schedule(view);
            }

            @Override
            public void onStepCompleted(List<StepOutcome> outcomes) {
                if (failures.getAndDecrement() > 0) {
                    throw new IllegalStateException("scheduler bookkeeping broke");
                }
                fcfs.onStepCompleted(outcomes);
            }
        };
        EngineCore core = EngineTestSupport.core(new HashingBackend(VOCAB, 4, 64, 512), flaky);
        try (Engine engine = new Engine(core).start()) {
            GenerationResult first = await(engine.submit(greedy(4, prompt(5, 1))));
            assertThat(first.finishReason()).isEqualTo(FinishReason.ERROR);
            assertThat(first.error()).contains("scheduler bookkeeping broke");
            GenerationResult second = await(engine.submit(greedy(4, prompt(5, 2))));
            assertThat(second.finishReason()).isEqualTo(FinishReason.LENGTH);
            assertThat(usedBlocks(engine)).isZero();
        }
    }

    @Test
    void aBackendThatReturnsNoLogitsFailsItsRequestsButNotTheLoop() throws Exception {
        AtomicInteger broken = new AtomicInteger(1);
        HashingBackend hashing = new HashingBackend(VOCAB, 4, 64, 512);
        Backend backend = new Backend() {
            @Override
            public BackendInfo info() {
                return hashing.info();
            }

            @Override
            public Logits execute(StepBatch batch) {
                Logits l = hashing.execute(batch);
                return broken.getAndDecrement() > 0 ? null : l;
            }

            @Override
            public void close() {
            }
        };
        EngineCore core = new EngineCore(backend, new SimpleFcfsScheduler(1000), "test-fcfs", EngineSettings.defaults(),
                new VirtualClock(), null, Set.of());
        try (Engine engine = new Engine(core).start()) {
            GenerationResult first = await(engine.submit(greedy(4, prompt(5, 1))));
            assertThat(first.finishReason()).isEqualTo(FinishReason.ERROR);
            GenerationResult second = await(engine.submit(greedy(4, prompt(5, 2))));
            assertThat(second.finishReason()).isEqualTo(FinishReason.LENGTH);
            assertThat(usedBlocks(engine)).isZero();
        }
    }

    @Test
    void shutdownCompletesEveryRequestItAccepted() throws Exception {
        for (int round = 0; round < 200; round++) {
            EngineCore core = new EngineCore(new HashingBackend(VOCAB, 4, 256, 512), new SimpleFcfsScheduler(1000), "test-fcfs",
                    EngineSettings.defaults(), new VirtualClock(), null, Set.of());
            Engine engine = new Engine(core).start();
            List<GenerationHandle> accepted = new ArrayList<>();
            Thread submitter = Thread.ofPlatform().start(() -> {
                for (int i = 0; i < 50; i++) {
                    try {
                        accepted.add(engine.submit(greedy(2, prompt(3, i))));
                    } catch (InvalidRequestException e) {
                        return;
                    }
                }
            });
            engine.shutdown(Duration.ZERO);
            submitter.join();
            for (GenerationHandle h : accepted) {
                assertThat(h.result().get(5, TimeUnit.SECONDS)).as("round %d request %d", round, h.id()).isNotNull();
            }
        }
    }

    @Test
    void shutdownFromAListenerOnTheEngineThreadDoesNotDeadlock() throws Exception {
        EngineCore core = EngineTestSupport.core(64, 1000);
        Engine engine = new Engine(core).start();
        GenerationHandle h = engine.submit(greedy(4, prompt(5, 1)), new TokenListener() {
            @Override
            public void onToken(int token, String textDelta) {
                engine.shutdown(Duration.ofSeconds(30));
            }

            @Override
            public void onComplete(GenerationResult result) {
            }
        });
        assertThat(await(h).finishReason()).isIn(FinishReason.LENGTH, FinishReason.CANCELLED);
        engine.shutdown(Duration.ZERO);
    }
}
