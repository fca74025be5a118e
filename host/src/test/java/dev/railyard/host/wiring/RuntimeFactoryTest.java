package dev.railyard.host.wiring;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.railyard.host.clock.VirtualClock;
import dev.railyard.host.config.RailyardConfig;
import dev.railyard.host.model.MappedModelWeights;
import dev.railyard.host.plugin.PluginException;
import dev.railyard.host.plugin.PluginRegistry;
import dev.railyard.spi.config.InvalidConfigException;
import dev.railyard.spi.backend.BackendProvider;
import java.io.IOException;
import java.net.URISyntaxException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.jar.JarEntry;
import java.util.jar.JarOutputStream;
import javax.tools.JavaCompiler;
import javax.tools.ToolProvider;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** A runtime that fails half-way through opening closes what it had opened. */
class RuntimeFactoryTest {

    private static final String CLOSED = "railyard.test.leak-probe.closed";
    private static final String WEIGHTS = "railyard.test.leak-probe.weights";

    @TempDir
    Path tmp;

    @AfterEach
    void clear() {
        System.getProperties().remove(CLOSED);
        System.getProperties().remove(WEIGHTS);
    }

    @Test
    void anUnknownSchedulerClosesTheOpenedBackendAndUnmapsTheModel() throws Exception {
        Path plugins = Files.createDirectories(tmp.resolve("plugins"));
        buildBackendPluginJar(plugins.resolve("probe.jar"));
        RailyardConfig config = RailyardConfig.defaults();
        config.pluginsDir = plugins.toString();
        config.model = golden().toString();
        config.backend.type = "leak-probe";
        config.scheduler.type = "no-such-scheduler";

        assertThatThrownBy(() -> RuntimeFactory.open(config, new VirtualClock(), line -> { }))
                .isInstanceOf(PluginException.class)
                .hasMessageContaining("no-such-scheduler");

        assertThat(System.getProperty(CLOSED)).as("backend closed").isEqualTo("true");
        MappedModelWeights weights = (MappedModelWeights) System.getProperties().get(WEIGHTS);
        assertThat(weights).as("the backend was opened").isNotNull();
        assertThat(weights.isClosed()).as("model unmapped").isTrue();
    }

    private static Path golden() throws URISyntaxException {
        return Path.of(RuntimeFactoryTest.class.getResource("/golden/llama-gqa").toURI());
    }

    /** A backend provider compiled against the SPI alone that reports its close through system properties. */
    private void buildBackendPluginJar(Path jar) throws IOException {
        Path src = Files.createDirectories(tmp.resolve("src/acme"));
        Files.writeString(src.resolve("Probe.java"), """
                package acme;
                import dev.railyard.spi.backend.*;
                import dev.railyard.spi.config.NoConfig;
                import dev.railyard.spi.model.LoadedModel;
                public class Probe implements BackendProvider<NoConfig> {
                    public String name() { return "leak-probe"; }
                    public String description() { return "records its close"; }
                    public Class<NoConfig> configType() { return NoConfig.class; }
                    public Backend open(LoadedModel model, NoConfig c, BackendContext ctx) {
                        System.getProperties().put("%s", model.weights());
                        return new Backend() {
                            public BackendInfo info() {
                                return new BackendInfo("leak-probe", "cpu", "float32", 16, 64, 512, 8,
                                        model.config().vocabSize(), 128, java.util.Set.of(), 0);
                            }
                            public Logits execute(StepBatch batch) { throw new UnsupportedOperationException(); }
                            public void close() { System.setProperty("%s", "true"); }
                        };
                    }
                }
                """.formatted(WEIGHTS, CLOSED));
        Path classes = Files.createDirectories(tmp.resolve("classes"));
        JavaCompiler javac = ToolProvider.getSystemJavaCompiler();
        String spiPath = Path.of(BackendProvider.class.getProtectionDomain().getCodeSource().getLocation().getPath()).toString();
        int rc = javac.run(null, null, null, "-cp", spiPath, "-d", classes.toString(), src.resolve("Probe.java").toString());
        assertThat(rc).as("javac").isZero();
        try (JarOutputStream out = new JarOutputStream(Files.newOutputStream(jar))) {
            for (Path f : Files.walk(classes).filter(Files::isRegularFile).toList()) {
                out.putNextEntry(new JarEntry(classes.relativize(f).toString().replace('\\', '/')));
                out.write(Files.readAllBytes(f));
                out.closeEntry();
            }
            out.putNextEntry(new JarEntry("META-INF/services/" + BackendProvider.class.getName()));
            out.write("acme.Probe\n".getBytes());
            out.closeEntry();
        }
    }

    @Test
    void anUnknownDrafterIsAConfigErrorThatListsTheDrafters() {
        PluginRegistry registry = PluginRegistry.discover(tmp.resolve("no-plugins"));
        HostDrafters drafters = new HostDrafters(registry, null, new VirtualClock(), 32);
        assertThatThrownBy(() -> drafters.open("no-such-drafter", java.util.Map.of()))
                .isInstanceOf(InvalidConfigException.class)
                .hasMessageContaining("no-such-drafter");
    }
}
