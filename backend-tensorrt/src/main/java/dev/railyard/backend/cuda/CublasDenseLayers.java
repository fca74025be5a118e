package dev.railyard.backend.cuda;

import static org.bytedeco.cuda.global.cublas.*;
import static org.bytedeco.cuda.global.cudart.CUDA_R_16BF;
import static org.bytedeco.cuda.global.cudart.CUDA_R_32F;

import org.bytedeco.cuda.cublas.cublasContext;
import org.bytedeco.cuda.cudart.CUstream_st;
import org.bytedeco.javacpp.FloatPointer;

/**
 * {@link DenseLayers} through {@code cublasGemmEx}: bf16 inputs, float32 accumulation
 * ({@code CUBLAS_COMPUTE_32F}, tensor cores), bf16 or float32 output. cuBLAS is column-major, so the
 * row-major {@code y = x W^T} is computed as the column-major {@code y^T = W x^T}: {@code op(A) = W}
 * transposed from its {@code [in, out]} column-major view, {@code B = x^T}.
 */
final class CublasDenseLayers implements DenseLayers {

    private final cublasContext handle = new cublasContext();
    private final FloatPointer one = new FloatPointer(1f);
    private final FloatPointer zero = new FloatPointer(0f);
    private final long workspace;
    private boolean closed;

    CublasDenseLayers(CUstream_st stream, long workspaceBytes) {
        check(cublasCreate_v2(handle), "cublasCreate");
        check(cublasSetStream_v2(handle, stream), "cublasSetStream");
        // a fixed workspace, so that products can be captured into CUDA graphs without allocating
        workspace = Gpu.malloc(workspaceBytes, "cuBLAS workspace");
        check(cublasSetWorkspace_v2(handle, Gpu.at(workspace), workspaceBytes), "cublasSetWorkspace");
        check(cublasSetMathMode(handle, CUBLAS_DEFAULT_MATH), "cublasSetMathMode");
    }

    @Override
    public void linear(Weight w, long x, long y, int rows, Out out, boolean accumulate) {
        if (rows <= 0) {
            return;
        }
        if (accumulate && out != Out.F32) {
            throw new IllegalArgumentException("accumulating products must have float32 output");
        }
        int rc = cublasGemmEx(handle, CUBLAS_OP_T, CUBLAS_OP_N, w.outFeatures(), rows, w.inFeatures(), one,
                Gpu.at(w.address()), CUDA_R_16BF, w.inFeatures(), Gpu.at(x), CUDA_R_16BF, w.inFeatures(),
                accumulate ? one : zero, Gpu.at(y), out == Out.F32 ? CUDA_R_32F : CUDA_R_16BF, w.outFeatures(),
                CUBLAS_COMPUTE_32F, CUBLAS_GEMM_DEFAULT);
        if (rc != 0) {
            throw new IllegalStateException("cublasGemmEx(" + w.name() + ", rows " + rows + ") failed with status " + rc);
        }
    }

    /** A plain bf16 GEMM {@code C[m,n] = A[m,k] B[k,n]} (column-major), for the benchmark's peak. */
    void rawGemm(long a, long b, long c, int m, int n, int k) {
        int rc = cublasGemmEx(handle, CUBLAS_OP_N, CUBLAS_OP_N, m, n, k, one, Gpu.at(a), CUDA_R_16BF, m, Gpu.at(b),
                CUDA_R_16BF, k, zero, Gpu.at(c), CUDA_R_16BF, m, CUBLAS_COMPUTE_32F, CUBLAS_GEMM_DEFAULT);
        if (rc != 0) {
            throw new IllegalStateException("cublasGemmEx(raw) failed with status " + rc);
        }
    }

    @Override
    public String describe() {
        return "cuBLAS bf16 GEMM";
    }

    private static void check(int rc, String what) {
        if (rc != 0) {
            throw new IllegalStateException("cuBLAS: " + what + " failed with status " + rc);
        }
    }

    @Override
    public void close() {
        if (!closed) {
            closed = true;
            cublasDestroy_v2(handle);
            Gpu.free(workspace);
            one.close();
            zero.close();
        }
    }
}
