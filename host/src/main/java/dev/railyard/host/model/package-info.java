/**
 * Reading and writing Hugging Face checkpoints: {@link dev.railyard.host.model.ModelLoader} turns a
 * directory with {@code config.json} and {@code *.safetensors} files into a validated {@link
 * dev.railyard.spi.model.LoadedModel} whose tensors are zero-copy slices of memory-mapped files;
 * {@link dev.railyard.host.model.SafetensorsWriter} streams tensors to a file; {@link
 * dev.railyard.host.model.ModelSynthesizer} writes models with random weights (for {@code railyard
 * model synth}, tests and benchmarks); {@link dev.railyard.host.model.ModelFiles} tells which
 * optional files (tokenizer, chat template) a checkpoint has.
 */
package dev.railyard.host.model;
