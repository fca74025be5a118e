/**
 * The model description that the host hands to backends: hyper-parameters ({@link
 * dev.railyard.spi.model.ModelConfig}) and named weight tensors ({@link
 * dev.railyard.spi.model.ModelWeights}), already parsed from the checkpoint so that no backend
 * parses file formats itself.
 */
package dev.railyard.spi.model;
