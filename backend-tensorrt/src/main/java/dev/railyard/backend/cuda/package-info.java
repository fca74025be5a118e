/**
 * The GPU backend {@code cuda}: weights in bfloat16 on one CUDA device, matrix products through
 * cuBLAS ({@link dev.railyard.backend.cuda.DenseLayers}, the seam a TensorRT engine could take
 * over), everything else in CUDA kernels compiled at open with NVRTC ({@link
 * dev.railyard.backend.cuda.KernelSource}), a paged KV cache in one device allocation, CUDA graphs
 * for decode steps. Steps of at most 8 token rows run their memory-bound parts in fused decode
 * kernels where that is faster ({@link dev.railyard.backend.cuda.DecodePlan}). Native code is touched only by {@link
 * dev.railyard.backend.cuda.CudaBackendProvider#open}; see {@link
 * dev.railyard.backend.cuda.CudaAvailability}.
 */
package dev.railyard.backend.cuda;
