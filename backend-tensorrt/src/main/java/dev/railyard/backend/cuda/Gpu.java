package dev.railyard.backend.cuda;

import static org.bytedeco.cuda.global.cudart.*;

import java.lang.foreign.MemorySegment;
import org.bytedeco.cuda.cudart.CUstream_st;
import org.bytedeco.javacpp.BytePointer;
import org.bytedeco.javacpp.LongPointer;
import org.bytedeco.javacpp.Pointer;
import org.bytedeco.javacpp.PointerPointer;

/** Thin helpers over the CUDA runtime API of the JavaCPP presets. Device addresses are plain longs. */
final class Gpu {

    private Gpu() {
    }

    /** A JavaCPP {@link Pointer} for a raw address (device or pinned host), to pass to native calls. */
    static final class Addr extends Pointer {
        Addr(long address) {
            super((Pointer) null);
            this.address = address;
        }
    }

    static Pointer at(long address) {
        return new Addr(address);
    }

    static String errorString(int rc) {
        try {
            BytePointer p = cudaGetErrorString(rc);
            return p == null ? "error " + rc : p.getString();
        } catch (Throwable t) {
            return "error " + rc;
        }
    }

    static void check(int rc, String what) {
        if (rc != 0) {
            throw new IllegalStateException("CUDA: " + what + " failed: " + errorString(rc) + " (" + rc + ")");
        }
    }

    /** cudaMalloc; throws with a clear message when out of memory. */
    static long malloc(long bytes, String what) {
        PointerPointer<?> pp = new PointerPointer<>(1L);
        try {
            int rc = cudaMalloc(pp, Math.max(bytes, 256));
            if (rc != 0) {
                cudaGetLastError(); // clear the sticky-free error state of the runtime
                throw new IllegalStateException("CUDA: cannot allocate " + String.format("%,d", bytes) + " bytes for " + what
                        + ": " + errorString(rc));
            }
            return new LongPointer(pp).get(0);
        } finally {
            pp.close();
        }
    }

    static void free(long address) {
        if (address != 0) {
            cudaFree(at(address));
        }
    }

    /** Page-locked host memory. */
    static long mallocHost(long bytes) {
        PointerPointer<?> pp = new PointerPointer<>(1L);
        try {
            check(cudaMallocHost(pp, Math.max(bytes, 256)), "cudaMallocHost(" + bytes + ")");
            return new LongPointer(pp).get(0);
        } finally {
            pp.close();
        }
    }

    static void freeHost(long address) {
        if (address != 0) {
            cudaFreeHost(at(address));
        }
    }

    /** A Java view of page-locked (or any native) host memory. */
    static MemorySegment hostSegment(long address, long bytes) {
        return MemorySegment.ofAddress(address).reinterpret(bytes);
    }

    static void h2dAsync(long dst, long srcHost, long bytes, CUstream_st stream) {
        if (bytes > 0) {
            check(cudaMemcpyAsync(at(dst), at(srcHost), bytes, cudaMemcpyHostToDevice, stream), "cudaMemcpyAsync H2D");
        }
    }

    static void d2hAsync(long dstHost, long src, long bytes, CUstream_st stream) {
        if (bytes > 0) {
            check(cudaMemcpyAsync(at(dstHost), at(src), bytes, cudaMemcpyDeviceToHost, stream), "cudaMemcpyAsync D2H");
        }
    }

    static void d2dAsync(long dst, long src, long bytes, CUstream_st stream) {
        if (bytes > 0) {
            check(cudaMemcpyAsync(at(dst), at(src), bytes, cudaMemcpyDeviceToDevice, stream), "cudaMemcpyAsync D2D");
        }
    }

    static void sync(CUstream_st stream) {
        check(cudaStreamSynchronize(stream), "cudaStreamSynchronize");
    }
}
