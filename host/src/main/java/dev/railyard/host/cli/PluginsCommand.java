package dev.railyard.host.cli;

import dev.railyard.host.config.ConfigBinder;
import dev.railyard.host.plugin.PluginDescriptor;
import dev.railyard.host.plugin.PluginKind;
import dev.railyard.host.plugin.PluginRegistry;
import dev.railyard.host.wiring.RailyardHome;
import java.util.Map;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

/** Lists the scheduler, backend and drafter plugins found, with their config keys. */
@Command(name = "plugins",
        header = "Lists the scheduler, backend and drafter plugins found, with their configuration keys.", mixinStandardHelpOptions = true,
        description = {
            "Lists every scheduler, backend and drafter plugin found on the class path and in the",
            "plugins directory: name, version, the jar it came from, what it does, and its",
            "configuration keys with their defaults (set them in railyard.yaml or with --set)."
        })
final class PluginsCommand implements Callable<Integer> {

    @Option(names = "--plugins-dir", paramLabel = "DIR", defaultValue = "plugins",
            description = "extra plugin jars, each in its own class loader (default: ${DEFAULT-VALUE})")
    String pluginsDir;

    @Override
    public Integer call() {
        PluginRegistry registry = PluginRegistry.discover(RailyardHome.home().resolve(pluginsDir));
        for (PluginKind kind : PluginKind.values()) {
            System.out.println(kind.label().substring(0, 1).toUpperCase() + kind.label().substring(1) + "s:");
            TextTable t = new TextTable("  name", "version", "jar", "description");
            for (PluginDescriptor d : registry.all(kind)) {
                t.row("  " + d.name(), d.version(), d.location() + (d.isolated() ? " (plugins/)" : ""), d.provider().description());
            }
            System.out.print(t.isEmpty() ? "  (none found)\n" : t.toString());
            for (PluginDescriptor d : registry.all(kind)) {
                Map<String, Object> keys = ConfigBinder.defaults(d.provider().configType());
                if (!keys.isEmpty()) {
                    System.out.println("  " + d.name() + " config:");
                    keys.forEach((k, v) -> System.out.println("      " + k + ": " + v));
                }
            }
            System.out.println();
        }
        return 0;
    }
}
