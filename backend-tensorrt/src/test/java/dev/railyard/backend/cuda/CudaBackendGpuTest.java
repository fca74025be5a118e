package dev.railyard.backend.cuda;

import static org.assertj.core.api.Assertions.assertThat;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The GPU checks (golden model, random models) as a test: runs only where a CUDA device is present;
 * elsewhere (this project's CI) it is skipped and says why.
 */
class CudaBackendGpuTest {

    @Test
    void goldenAndRandomModels(@TempDir Path work) throws Exception {
        CudaAvailability.Result r = CudaAvailability.check();
        if (!r.available()) {
            System.out.println("GPU tests skipped: " + r.reason());
        }
        assumeTrue(r.available(), "GPU tests skipped: " + r.reason());
        GpuChecks checks = new GpuChecks(System.out);
        Path golden = ReferenceModelTest.goldenDir();
        if (golden != null) {
            checks.golden(golden);
        }
        checks.randomModels(work);
        assertThat(checks.outcomes).allMatch(GpuChecks.Outcome::pass);
    }
}
