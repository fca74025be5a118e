package dev.railyard.spi.backend;

/**
 * The backend cannot run on this machine; the message says what is missing (for example {@code
 * "no CUDA device: libcuda.so.1 not found"}).
 */
public class BackendUnavailableException extends RuntimeException {

    public BackendUnavailableException(String message) {
        super(message);
    }

    public BackendUnavailableException(String message, Throwable cause) {
        super(message, cause);
    }
}
