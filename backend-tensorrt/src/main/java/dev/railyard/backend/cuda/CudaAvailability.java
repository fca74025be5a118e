package dev.railyard.backend.cuda;

import java.util.Locale;

/**
 * Whether this JVM can use a CUDA device: loads the JavaCPP CUDA runtime bindings (which need
 * {@code libcudart.so.13} and the driver's {@code libcuda.so.1}) and counts devices. Every failure
 * of the native loader is caught and turned into one sentence; nothing is thrown.
 *
 * <p>Calling this class touches native code; the provider calls it only from {@code open}, and the
 * GPU tests call it to decide whether to skip.
 */
public final class CudaAvailability {

    /**
     * @param available a device can be used
     * @param reason why not (or the device count when available); never null
     * @param deviceCount devices seen, 0 when unavailable
     */
    public record Result(boolean available, String reason, int deviceCount) {
    }

    private static volatile Result cached;

    private CudaAvailability() {
    }

    /** Checks once per JVM and caches the answer. */
    public static Result check() {
        Result r = cached;
        if (r == null) {
            synchronized (CudaAvailability.class) {
                r = cached;
                if (r == null) {
                    r = probe();
                    cached = r;
                }
            }
        }
        return r;
    }

    private static Result probe() {
        try {
            org.bytedeco.javacpp.Loader.load(org.bytedeco.cuda.global.cudart.class);
        } catch (Throwable t) { // UnsatisfiedLinkError, NoClassDefFoundError, ExceptionInInitializerError, ...
            return new Result(false, explainLoadFailure(t), 0);
        }
        try {
            int[] n = new int[1];
            int rc = org.bytedeco.cuda.global.cudart.cudaGetDeviceCount(n);
            if (rc != 0) {
                return new Result(false, "no CUDA device: cudaGetDeviceCount failed with error " + rc + " ("
                        + Gpu.errorString(rc) + ")", 0);
            }
            if (n[0] == 0) {
                return new Result(false, "no CUDA device: the driver reports 0 devices", 0);
            }
            return new Result(true, n[0] + " CUDA device(s)", n[0]);
        } catch (Throwable t) {
            return new Result(false, explainLoadFailure(t), 0);
        }
    }

    /** Turns a loader failure into one sentence naming the missing library where it can. */
    static String explainLoadFailure(Throwable t) {
        StringBuilder all = new StringBuilder();
        for (Throwable c = t; c != null; c = c.getCause()) {
            all.append(' ').append(c.getClass().getSimpleName()).append(": ").append(c.getMessage());
            if (c.getCause() == c) {
                break;
            }
        }
        String text = all.toString();
        String lower = text.toLowerCase(Locale.ROOT);
        if (lower.contains("libcuda.so")) {
            return "no CUDA device: libcuda.so.1 not found (no NVIDIA driver on this machine)";
        }
        if (lower.contains("libcudart")) {
            return "no CUDA device: the CUDA 13 runtime libcudart.so.13 was not found (install CUDA 13 or add its lib64 to LD_LIBRARY_PATH)";
        }
        if (t instanceof NoClassDefFoundError || t instanceof ClassNotFoundException) {
            return "no CUDA device: the JavaCPP CUDA bindings (org.bytedeco:cuda) are not on the class path (" + t.getMessage() + ")";
        }
        if (lower.contains("jnicudart") || lower.contains("no jni") || t instanceof UnsatisfiedLinkError) {
            // JavaCPP reports the missing JNI library; the real cause (a missing CUDA library) is usually in the text
            return "no CUDA device: CUDA libraries not found (libcuda.so.1 / libcudart.so.13):" + shorten(text);
        }
        return "no CUDA device: cannot load the CUDA bindings:" + shorten(text);
    }

    private static String shorten(String s) {
        String one = s.replaceAll("\\s+", " ");
        return one.length() > 300 ? one.substring(0, 300) + "..." : one;
    }
}
