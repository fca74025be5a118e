package dev.railyard.host.plugin;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.railyard.spi.scheduler.SchedulerProvider;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.jar.JarEntry;
import java.util.jar.JarOutputStream;
import javax.tools.JavaCompiler;
import javax.tools.ToolProvider;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Discovery from the plugins directory: a plugin jar compiled here against the SPI alone is found
 * in its own class loader, cannot see host classes, and clashes are reported clearly.
 */
class PluginRegistryTest {

    @TempDir
    Path tmp;

    @Test
    void findsAPluginJarInItsOwnClassLoaderThatSeesOnlyTheSpi() throws Exception {
        Path plugins = Files.createDirectories(tmp.resolve("plugins"));
        buildPluginJar("third-party-fifo", plugins.resolve("fifo.jar"));
        PluginRegistry registry = PluginRegistry.discover(plugins);
        PluginDescriptor d = registry.require(PluginKind.SCHEDULER, "third-party-fifo");
        assertThat(d.isolated()).isTrue();
        assertThat(d.location()).isEqualTo("fifo.jar");
        assertThat(d.provider().description()).isEqualTo("a test plugin");
        ClassLoader loader = d.provider().getClass().getClassLoader();
        assertThat(loader).isNotSameAs(getClass().getClassLoader());
        assertThat(loader.loadClass(SchedulerProvider.class.getName())).isSameAs(SchedulerProvider.class);
        assertThatThrownBy(() -> loader.loadClass("dev.railyard.host.engine.Engine")).isInstanceOf(ClassNotFoundException.class);
        assertThatThrownBy(() -> loader.loadClass("com.fasterxml.jackson.databind.ObjectMapper"))
                .isInstanceOf(ClassNotFoundException.class);
    }

    @Test
    void twoPluginsWithOneNameAreRefusedNamingBoth() throws Exception {
        Path plugins = Files.createDirectories(tmp.resolve("plugins"));
        buildPluginJar("twin", plugins.resolve("a.jar"));
        buildPluginJar("twin", plugins.resolve("b.jar"));
        assertThatThrownBy(() -> PluginRegistry.discover(plugins))
                .isInstanceOf(PluginException.class)
                .hasMessageContaining("two scheduler plugins are named 'twin'")
                .hasMessageContaining("a.jar").hasMessageContaining("b.jar");
    }

    @Test
    void anUnknownNameListsWhatWasFound() throws Exception {
        Path plugins = Files.createDirectories(tmp.resolve("plugins"));
        buildPluginJar("only-one", plugins.resolve("one.jar"));
        PluginRegistry registry = PluginRegistry.discover(plugins);
        assertThatThrownBy(() -> registry.require(PluginKind.SCHEDULER, "nope"))
                .isInstanceOf(PluginException.class)
                .hasMessageContaining("unknown scheduler 'nope'; found: ")
                .hasMessageContaining("only-one dev from one.jar");
    }

    @Test
    void noPluginsOfAKindSaysSo() {
        PluginRegistry registry = PluginRegistry.discover(tmp.resolve("absent"));
        if (registry.all(PluginKind.DRAFTER).isEmpty()) {
            assertThatThrownBy(() -> registry.require(PluginKind.DRAFTER, "x"))
                    .hasMessageContaining("no drafter plugins were found");
        }
    }

    /** Compiles a scheduler provider against the SPI and jars it with its service file. */
    private void buildPluginJar(String name, Path jar) throws IOException {
        Path src = Files.createDirectories(tmp.resolve("src-" + jar.getFileName()).resolve("acme"));
        String cls = "Fifo" + Math.abs(jar.getFileName().toString().hashCode());
        Files.writeString(src.resolve(cls + ".java"), """
                package acme;
                import dev.railyard.spi.config.NoConfig;
                import dev.railyard.spi.scheduler.*;
                public class %s implements SchedulerProvider<NoConfig> {
                    public String name() { return "%s"; }
                    public String description() { return "a test plugin"; }
                    public Class<NoConfig> configType() { return NoConfig.class; }
                    public Scheduler create(NoConfig c, SchedulerContext ctx) { return view -> StepPlan.idle(); }
                }
                """.formatted(cls, name));
        Path classes = Files.createDirectories(tmp.resolve("classes-" + jar.getFileName()));
        JavaCompiler javac = ToolProvider.getSystemJavaCompiler();
        String spiPath = Path.of(SchedulerProvider.class.getProtectionDomain().getCodeSource().getLocation().getPath()).toString();
        int rc = javac.run(null, null, null, "-cp", spiPath, "-d", classes.toString(), src.resolve(cls + ".java").toString());
        assertThat(rc).as("javac").isZero();
        try (JarOutputStream out = new JarOutputStream(Files.newOutputStream(jar))) {
            put(out, "acme/" + cls + ".class", Files.readAllBytes(classes.resolve("acme/" + cls + ".class")));
            put(out, "META-INF/services/" + SchedulerProvider.class.getName(), ("acme." + cls + "\n").getBytes());
        }
    }

    private static void put(JarOutputStream out, String name, byte[] bytes) throws IOException {
        out.putNextEntry(new JarEntry(name));
        out.write(bytes);
        out.closeEntry();
    }
}
