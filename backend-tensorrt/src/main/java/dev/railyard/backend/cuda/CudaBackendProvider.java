package dev.railyard.backend.cuda;

import dev.railyard.spi.backend.Backend;
import dev.railyard.spi.backend.BackendContext;
import dev.railyard.spi.backend.BackendProvider;
import dev.railyard.spi.backend.BackendUnavailableException;
import dev.railyard.spi.model.LoadedModel;
import dev.railyard.spi.model.ModelConfig;
import dev.railyard.spi.model.ModelFormatException;
import java.util.Objects;

/**
 * The {@code cuda} backend provider. Constructing and listing it touches no native code; {@link
 * #open} checks for a device first ({@link CudaAvailability}) and throws one {@link
 * BackendUnavailableException} naming what is missing.
 */
public final class CudaBackendProvider implements BackendProvider<CudaBackendConfig> {

    public CudaBackendProvider() {
    }

    @Override
    public String name() {
        return "cuda";
    }

    @Override
    public String description() {
        return "NVIDIA GPU: bf16 weights, cuBLAS tensor-core GEMMs, NVRTC kernels, paged KV cache, CUDA graphs (JavaCPP CUDA 13)";
    }

    @Override
    public Class<CudaBackendConfig> configType() {
        return CudaBackendConfig.class;
    }

    @Override
    public Backend open(LoadedModel model, CudaBackendConfig config, BackendContext context) {
        Objects.requireNonNull(model, "model");
        Objects.requireNonNull(config, "config");
        Objects.requireNonNull(context, "context");
        checkModel(model.config());
        CudaAvailability.Result r = CudaAvailability.check();
        if (!r.available()) {
            throw new BackendUnavailableException(r.reason());
        }
        if (config.device >= r.deviceCount()) {
            throw new BackendUnavailableException("no CUDA device " + config.device + ": this machine has " + r.deviceCount());
        }
        try {
            return new CudaBackend(model, config, context);
        } catch (UnsatisfiedLinkError | NoClassDefFoundError e) {
            throw new BackendUnavailableException(CudaAvailability.explainLoadFailure(e), e);
        }
    }

    /** What the kernels assume of the model; checked before any native code runs. */
    static void checkModel(ModelConfig c) {
        if (!c.storedDType().isFloatingWeightType()) {
            throw new ModelFormatException("the cuda backend takes F32, F16 or BF16 weights, not " + c.storedDType());
        }
        if (c.headDim() % 2 != 0) {
            throw new ModelFormatException("head_dim must be even for RoPE, was " + c.headDim());
        }
        if (c.headDim() > 256) {
            throw new ModelFormatException("the cuda backend supports head_dim up to 256, was " + c.headDim());
        }
    }
}
