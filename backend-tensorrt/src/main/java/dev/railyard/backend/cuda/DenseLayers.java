package dev.railyard.backend.cuda;

/**
 * The dense (linear) layers of the model: the one seam where the matrix products happen. Today
 * {@link CublasDenseLayers} runs them with cuBLAS on the tensor cores; a TensorRT engine (or any
 * other GEMM library) could take them over by implementing this interface, since every product of
 * the forward pass goes through {@link #linear}.
 *
 * <p>All addresses are device addresses; calls are asynchronous on the backend's stream and may be
 * captured into a CUDA graph (implementations must not allocate or synchronise inside).
 */
interface DenseLayers extends AutoCloseable {

    /** Output element type of a product. */
    enum Out { BF16, F32 }

    /**
     * A weight matrix on the device: bf16, row-major {@code [outFeatures, inFeatures]} (Hugging
     * Face's {@code [out, in]}), so that {@code y = x W^T}.
     */
    record Weight(String name, long address, int outFeatures, int inFeatures) {
    }

    /**
     * {@code y[rows, out] = x[rows, in] W^T}, or {@code y += x W^T} when {@code accumulate} (used to
     * fuse the residual add; {@code y} must then be {@link Out#F32}).
     *
     * @param x bf16 row-major {@code [rows, in]}
     * @param y row-major {@code [rows, out]} of type {@code out}
     */
    void linear(Weight w, long x, long y, int rows, Out out, boolean accumulate);

    /** A short description for the backend's device string, e.g. {@code "cuBLAS bf16 GEMM"}. */
    String describe();

    @Override
    void close();
}
