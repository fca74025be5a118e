package dev.railyard.schedulers;

import static org.assertj.core.api.Assertions.assertThat;

import dev.railyard.spi.PluginProvider;
import dev.railyard.spi.scheduler.DrafterProvider;
import dev.railyard.spi.scheduler.SchedulerProvider;
import java.util.ServiceLoader;
import java.util.stream.Collectors;
import org.junit.jupiter.api.Test;

/** The providers are registered for {@link ServiceLoader} and describe themselves. */
class ProvidersTest {

    @Test
    void schedulersAreRegistered() {
        var providers = ServiceLoader.load(SchedulerProvider.class).stream().map(ServiceLoader.Provider::get).toList();
        assertThat(providers.stream().map(PluginProvider::name).collect(Collectors.toSet())).containsAll(Schedulers.NAMES);
        for (PluginProvider<?> p : providers) {
            assertThat(p.name()).matches("[a-z0-9-]+");
            assertThat(p.description()).isNotBlank();
            assertThat(p.version()).isNotBlank();
        }
    }

    @Test
    void draftersAreRegistered() {
        var providers = ServiceLoader.load(DrafterProvider.class).stream().map(ServiceLoader.Provider::get).toList();
        assertThat(providers.stream().map(PluginProvider::name).collect(Collectors.toSet())).contains("ngram", "draft-model");
        for (PluginProvider<?> p : providers) {
            assertThat(p.description()).isNotBlank();
        }
    }
}
