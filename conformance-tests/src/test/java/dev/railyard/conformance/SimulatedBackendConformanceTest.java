package dev.railyard.conformance;

import dev.railyard.conformance.backend.AbstractBackendConformanceTest;
import dev.railyard.conformance.backend.BackendProfile;
import dev.railyard.conformance.sim.SimulatedBackendProvider;
import dev.railyard.spi.backend.BackendProvider;

/** The kit used the way a backend author uses it, on the kit's own simulated backend. */
class SimulatedBackendConformanceTest extends AbstractBackendConformanceTest {

    @Override
    protected BackendProvider<?> provider() {
        return new SimulatedBackendProvider();
    }

    @Override
    protected BackendProfile profile() {
        return BackendProfile.simulated();
    }
}
