package dev.railyard.host.engine;

import dev.railyard.spi.Clock;
import dev.railyard.spi.scheduler.FinishReason;
import java.time.Duration;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.logging.Level;
import java.util.logging.Logger;

/**
 * The engine as the rest of the host uses it: one engine-loop thread runs an {@link EngineCore};
 * {@link #submit} and {@link GenerationHandle#cancel()} may be called from any thread.
 *
 * <p>Requests are validated on the caller's thread, so a bad request fails at once with an
 * {@link InvalidRequestException} and never reaches the loop.
 */
public final class Engine implements AutoCloseable {

    private static final Logger LOG = Logger.getLogger(Engine.class.getName());

    private final EngineCore core;
    private final Clock clock;
    private final BlockingQueue<Runnable> commands = new LinkedBlockingQueue<>();
    private final AtomicInteger queued = new AtomicInteger();
    private final Thread loop;
    private final CompletableFuture<Void> stopped = new CompletableFuture<>();
    private final Object admission = new Object();
    private volatile boolean accepting = true;
    private volatile boolean running = true;
    private volatile EngineStats stats;

    public Engine(EngineCore core) {
        this.core = core;
        this.clock = core.clock();
        this.stats = core.stats();
        this.loop = Thread.ofPlatform().name("railyard-engine").daemon(true).unstarted(this::runLoop);
    }

    /** Starts the loop thread; returns this. */
    public Engine start() {
        loop.start();
        return this;
    }

    public EngineCore core() {
        return core;
    }

    /**
     * Submits a request.
     *
     * @param listener receives tokens on the engine thread; may be null
     * @throws InvalidRequestException when the request is malformed, the queue is full or the
     *     engine is shutting down
     */
    public GenerationHandle submit(GenerationRequest request, TokenListener listener) {
        if (!accepting) {
            throw shuttingDown();
        }
        Admission a = core.validate(request, stats.waiting() + queued.get());
        GenerationHandle handle = new GenerationHandle(core.newId(), this::cancel, listener == null);
        // under the lock, so that once shutdown has stopped accepting no request can queue behind its final cancel
        synchronized (admission) {
            if (!accepting) {
                throw shuttingDown();
            }
            queued.incrementAndGet();
            commands.add(() -> {
                queued.decrementAndGet();
                core.enqueue(handle, request, a, listener);
            });
        }
        return handle;
    }

    private static InvalidRequestException shuttingDown() {
        return new InvalidRequestException(InvalidRequestException.Kind.SHUTTING_DOWN, "the engine is shutting down");
    }

    public GenerationHandle submit(GenerationRequest request) {
        return submit(request, null);
    }

    /** Cancels request {@code id}; its blocks are freed by the loop at once. */
    public void cancel(long id) {
        commands.add(() -> core.cancel(id));
    }

    /** The latest counters (updated every iteration); thread-safe. */
    public EngineStats stats() {
        return stats;
    }

    /** Runs {@code task} on the engine thread (between iterations). */
    public CompletableFuture<Void> runOnLoop(Runnable task) {
        CompletableFuture<Void> f = new CompletableFuture<>();
        Runnable command = () -> {
            try {
                task.run();
                f.complete(null);
            } catch (RuntimeException e) {
                f.completeExceptionally(e);
            } catch (Error e) {
                f.completeExceptionally(e);
                throw e;
            }
        };
        commands.add(command);
        // the loop drains once more after it stopped; a task that missed that drain fails at once
        if (stopped.isDone() && commands.remove(command)) {
            f.completeExceptionally(new IllegalStateException("the engine loop has stopped"));
        }
        return f;
    }

    /**
     * Stops accepting requests, lets in-flight ones finish for up to {@code grace}, cancels the
     * rest, and stops the loop; returns once every accepted request has its result. Called from
     * the engine thread (a listener), it only asks the loop to stop and returns at once.
     */
    public void shutdown(Duration grace) {
        stopAccepting();
        if (Thread.currentThread() == loop) {
            running = false; // called by a listener: the loop cancels the rest and stops after this iteration
            return;
        }
        long deadline = System.nanoTime() + grace.toNanos();
        while (System.nanoTime() < deadline && (queued.get() > 0 || stats.waiting() + stats.running() > 0) && loop.isAlive()) {
            try {
                Thread.sleep(5);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                break;
            }
        }
        commands.add(() -> running = false);
        if (loop.getState() == Thread.State.NEW) {
            drainCommands();
            cancelAll(FinishReason.CANCELLED, "the engine shut down");
        } else {
            stopped.join();
        }
    }

    @Override
    public void close() {
        shutdown(Duration.ZERO);
    }

    private void stopAccepting() {
        synchronized (admission) {
            accepting = false;
        }
    }

    private void runLoop() {
        try {
            while (running) {
                try {
                    drainCommands();
                    if (!running) {
                        break;
                    }
                    IterationResult r = core.iterate();
                    stats = core.stats();
                    if (!r.steppedBackend()) {
                        awaitCommand(r.wakeAtNanos());
                    }
                } catch (RuntimeException e) {
                    // a plugin or listener broke this iteration: end its requests, keep serving
                    LOG.log(Level.SEVERE, "engine iteration failed; its requests end with an error", e);
                    cancelAll(FinishReason.ERROR, "engine iteration failed: " + e);
                    stats = core.stats();
                }
            }
        } catch (Throwable t) {
            LOG.log(Level.SEVERE, "engine loop died", t);
            cancelAll(FinishReason.ERROR, "engine loop died: " + t);
        } finally {
            // no request accepted before the loop ended is left without a result
            stopAccepting();
            drainCommands();
            cancelAll(FinishReason.CANCELLED, "the engine shut down");
            stats = core.stats();
            stopped.complete(null);
            drainCommands(); // tasks queued while the loop was stopping still run (runOnLoop)
        }
    }

    private void cancelAll(FinishReason reason, String message) {
        try {
            core.cancelAll(reason, message);
        } catch (RuntimeException e) {
            LOG.log(Level.SEVERE, "engine could not end its requests", e);
        }
    }

    private void drainCommands() {
        Runnable c;
        while ((c = commands.poll()) != null) {
            run(c);
        }
    }

    private static void run(Runnable command) {
        try {
            command.run();
        } catch (RuntimeException e) {
            LOG.log(Level.WARNING, "engine command failed", e);
        }
    }

    private void awaitCommand(long wakeAtNanos) {
        try {
            Runnable c;
            if (wakeAtNanos == Long.MAX_VALUE || clock.isVirtual()) {
                c = commands.poll(100, TimeUnit.MILLISECONDS);
            } else {
                long wait = wakeAtNanos - clock.nanoTime();
                c = wait > 0 ? commands.poll(wait, TimeUnit.NANOSECONDS) : commands.poll();
            }
            if (c != null) {
                run(c);
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            running = false;
        }
    }
}
