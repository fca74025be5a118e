package dev.railyard.host.plugin;

/**
 * The parent of every plugin class loader: it exposes the JDK and the Railyard SPI, nothing of
 * the host, so a plugin jar cannot reach host classes or the host's dependencies, and brings its
 * own.
 */
final class SpiOnlyClassLoader extends ClassLoader {

    private static final String SPI_PREFIX = "dev.railyard.spi.";
    private final ClassLoader spiSource;

    SpiOnlyClassLoader(ClassLoader spiSource) {
        super("railyard-spi-only", ClassLoader.getPlatformClassLoader());
        this.spiSource = spiSource;
    }

    @Override
    protected Class<?> loadClass(String name, boolean resolve) throws ClassNotFoundException {
        if (name.startsWith(SPI_PREFIX)) {
            return spiSource.loadClass(name);
        }
        return super.loadClass(name, resolve);
    }
}
