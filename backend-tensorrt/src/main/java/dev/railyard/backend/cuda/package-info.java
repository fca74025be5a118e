/** The GPU backend (CUDA through JavaCPP presets). Not yet implemented: see issue "GPU backend". */
package dev.railyard.backend.cuda;
