/**
 * The {@code cpu-reference} backend: Llama-family decoder-only transformers (Llama 2/3/3.1,
 * Qwen2; GQA/MQA/MHA; tied or untied head; q/k/v, o and MLP biases; default, linear and llama3
 * RoPE) computed in float32 with the Vector API, weight matrices repacked once at load for the
 * GEMM kernels ({@code PackedLinear}; float32 or bfloat16), K/V in a paged pool.
 *
 * <p>Structure: {@link dev.railyard.backend.cpu.CpuReferenceBackendProvider} (the plugin) opens a
 * {@link dev.railyard.backend.cpu.CpuReferenceBackend}, which runs each step as a sequence of
 * parallel regions on a {@code ComputePool}: {@code RmsNorm}, {@code MatMul} (driving the
 * generated outer-product {@code GemmKernels}), {@code Rope}, {@code PagedKvCache} writes, {@code
 * PagedAttention}; {@code StepValidator} checks a step before anything is written.
 *
 * <p>Batch invariance is a property of every kernel: the arithmetic applied to one token row
 * (sequential-FMA products, lane sums, attention over positions, softmax) is fixed by that row alone, never
 * by the batch size, the other rows, the chunking of a prompt, the block size or placement, or
 * the thread count. See {@code VectorMath}, {@code GemmKernels} and {@code PagedAttention}.
 */
package dev.railyard.backend.cpu;
