package dev.railyard.backend.cuda;

import org.bytedeco.cuda.cudart.CUfunc_st;
import org.bytedeco.cuda.cudart.CUstream_st;

/**
 * The backend's {@link DenseLayers}: cuBLAS tensor-core GEMMs ({@link CublasDenseLayers}), except
 * products of at most {@link #SMALL_ROWS} rows (decode steps of small batches), which are
 * memory-bound matrix-vector products that a cuBLAS GEMM tile spreads over too few SMs; those run
 * in an NVRTC kernel that streams each weight row once with 16-byte loads (one warp per output).
 */
final class CudaDenseLayers implements DenseLayers {

    static final int SMALL_ROWS = 8;

    private final CublasDenseLayers cublas;
    private final Kernels kernels;
    private final CUfunc_st gemvF32;
    private final CUfunc_st gemvBf16;
    private final CUstream_st stream;
    private boolean smallBatchKernel;

    CudaDenseLayers(CublasDenseLayers cublas, Kernels kernels, CUstream_st stream, boolean smallBatchKernel) {
        this.cublas = cublas;
        this.kernels = kernels;
        this.gemvF32 = kernels.function("gemv_f32");
        this.gemvBf16 = kernels.function("gemv_bf16");
        this.stream = stream;
        this.smallBatchKernel = smallBatchKernel;
    }

    CublasDenseLayers cublas() {
        return cublas;
    }

    void setSmallBatchKernel(boolean on) {
        smallBatchKernel = on;
    }

    @Override
    public void linear(Weight w, long x, long y, int rows, Out out, boolean accumulate) {
        if (smallBatchKernel && rows <= SMALL_ROWS && w.inFeatures() % 8 == 0) {
            if (accumulate && out != Out.F32) {
                throw new IllegalArgumentException("accumulating products must have float32 output");
            }
            int blocks = (w.outFeatures() + 3) / 4;
            kernels.args().ptr(w.address()).ptr(x).ptr(y).i32(w.outFeatures()).i32(w.inFeatures()).i32(rows).i32(accumulate ? 1 : 0)
                    .launch(out == Out.F32 ? gemvF32 : gemvBf16, blocks, 1, 128, stream);
            return;
        }
        cublas.linear(w, x, y, rows, out, accumulate);
    }

    @Override
    public String describe() {
        return smallBatchKernel ? "cuBLAS bf16 GEMM + NVRTC GEMV for <= " + SMALL_ROWS + " rows" : cublas.describe();
    }

    @Override
    public void close() {
        cublas.close();
    }
}
