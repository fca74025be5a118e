package dev.railyard.host.server;

import dev.railyard.host.engine.Engine;
import dev.railyard.host.engine.EngineCore;
import dev.railyard.host.engine.EngineSettings;
import dev.railyard.spi.Clock;
import java.util.Set;

/** Builds small real engines over {@link CountingBackend} and {@link CharCodec} for tests. */
public final class TestEngines {

    /** The model name tests serve. */
    public static final String MODEL = "test-model";
    /** Context length of the test backend. */
    public static final int CONTEXT = 256;

    private TestEngines() {
    }

    /** A started engine over {@code backend}, with {@code maxWaiting} waiting requests allowed. */
    public static Engine engine(CountingBackend backend, int maxWaiting) {
        return new Engine(new EngineCore(backend, new FcfsTestScheduler(), "fcfs-test", new EngineSettings(maxWaiting, 0),
                Clock.system(), new CharCodec(), Set.of(CharCodec.EOS))).start();
    }

    /** A backend with 16-token blocks, 2048 blocks and a {@value #CONTEXT}-token context. */
    public static CountingBackend backend() {
        return new CountingBackend(16, 2048, CONTEXT);
    }
}
