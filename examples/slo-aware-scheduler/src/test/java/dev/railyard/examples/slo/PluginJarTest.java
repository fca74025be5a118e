package dev.railyard.examples.slo;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.io.OutputStream;
import java.lang.reflect.Method;
import java.net.URL;
import java.net.URLClassLoader;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.jar.JarEntry;
import java.util.jar.JarOutputStream;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The plugin as the host sees it: its classes in a jar in a {@code plugins/} directory, found by
 * the host's {@code PluginRegistry} in a class loader of its own. The host here is loaded without
 * the plugin's classes on its class path, as in a real installation, so the plugin can only come
 * from the jar.
 */
class PluginJarTest {

    @TempDir
    Path plugins;

    @Test
    void theHostFindsThePluginJarInItsPluginsDirectoryIsolated() throws Exception {
        Path classes = Path.of(SloAwareSchedulerProvider.class.getProtectionDomain().getCodeSource().getLocation().toURI());
        Path jar = plugins.resolve("railyard-example-slo-scheduler.jar");
        jarUp(classes, jar);

        List<URL> hostPath = new ArrayList<>();
        for (String entry : System.getProperty("java.class.path").split(java.io.File.pathSeparator)) {
            Path p = Path.of(entry).toAbsolutePath().normalize();
            if (!p.equals(classes.toAbsolutePath().normalize())) {
                hostPath.add(p.toUri().toURL());
            }
        }
        try (URLClassLoader host = new URLClassLoader(hostPath.toArray(URL[]::new), ClassLoader.getPlatformClassLoader())) {
            Class<?> registry = host.loadClass("dev.railyard.host.plugin.PluginRegistry");
            Class<?> kind = host.loadClass("dev.railyard.host.plugin.PluginKind");
            Object found = registry.getMethod("discover", Path.class).invoke(null, plugins);
            @SuppressWarnings({"unchecked", "rawtypes"})
            Object scheduler = Enum.valueOf((Class) kind, "SCHEDULER");
            List<?> all = (List<?>) registry.getMethod("all", kind).invoke(found, scheduler);
            Object mine = null;
            for (Object d : all) {
                if (call(d, "name").equals(SloAwareSchedulerProvider.NAME)) {
                    mine = d;
                }
            }
            assertThat(mine).as("slo-aware among " + all).isNotNull();
            assertThat(call(mine, "isolated")).isEqualTo(true);
            assertThat(call(mine, "location")).isEqualTo(jar.getFileName().toString());
            Object provider = call(mine, "provider");
            assertThat(provider.getClass().getClassLoader()).isNotSameAs(host).isNotSameAs(getClass().getClassLoader());
            assertThat(call(provider, "description")).asString().contains("deadline");
        }
    }

    private static Object call(Object target, String method) throws ReflectiveOperationException {
        Method m = target.getClass().getMethod(method);
        m.setAccessible(true);
        return m.invoke(target);
    }

    /** What {@code mvn package} puts in the jar: the compiled classes and the service file. */
    private static void jarUp(Path classes, Path jar) throws IOException {
        try (OutputStream out = Files.newOutputStream(jar); JarOutputStream j = new JarOutputStream(out);
             Stream<Path> files = Files.walk(classes)) {
            for (Path f : files.filter(Files::isRegularFile).sorted().toList()) {
                j.putNextEntry(new JarEntry(classes.relativize(f).toString().replace('\\', '/')));
                Files.copy(f, j);
                j.closeEntry();
            }
        }
    }
}
