package dev.railyard.backend.cuda;

import static org.bytedeco.cuda.global.cudart.*;
import static org.bytedeco.cuda.global.nvrtc.*;

import java.lang.foreign.MemorySegment;
import java.lang.foreign.ValueLayout;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.bytedeco.cuda.cudart.CUfunc_st;
import org.bytedeco.cuda.cudart.CUlaunchAttribute;
import org.bytedeco.cuda.cudart.CUlaunchAttributeValue;
import org.bytedeco.cuda.cudart.CUlaunchConfig;
import org.bytedeco.cuda.cudart.CUmod_st;
import org.bytedeco.cuda.cudart.CUstream_st;
import org.bytedeco.cuda.nvrtc._nvrtcProgram;
import org.bytedeco.javacpp.BytePointer;
import org.bytedeco.javacpp.LongPointer;
import org.bytedeco.javacpp.PointerPointer;
import org.bytedeco.javacpp.SizeTPointer;

/**
 * Compiles {@link KernelSource} with NVRTC for the device's architecture, loads it with the driver
 * API and launches its kernels. Arguments are written into one native arena of 8-byte slots whose
 * addresses form the {@code kernelParams} array of {@code cuLaunchKernel} (the driver copies the
 * values at launch, so the arena is reused).
 */
final class Kernels implements AutoCloseable {

    private static final int MAX_ARGS = 32;
    /** Compiled images by architecture and source: a process that opens the same model again does not recompile. */
    private static final Map<String, byte[]> CUBINS = new java.util.concurrent.ConcurrentHashMap<>();

    private final CUmod_st module;
    private final Map<String, CUfunc_st> functions = new LinkedHashMap<>();
    private final LongPointer argValues;
    private final PointerPointer<?> argPointers;
    private final MemorySegment args;
    private int argCount;
    final String arch;
    final double compileMillis;

    Kernels(String source, int ccMajor, int ccMinor, List<String> names) {
        long t0 = System.nanoTime();
        this.arch = "sm_" + ccMajor + ccMinor;
        byte[] image = CUBINS.computeIfAbsent(arch + "\n" + source, key -> compile(source, arch));
        this.compileMillis = (System.nanoTime() - t0) / 1e6;
        module = new CUmod_st();
        BytePointer img = new BytePointer(image.length);
        img.put(image, 0, image.length);
        Gpu.check(cuModuleLoadData(module, img), "cuModuleLoadData");
        for (String n : names) {
            CUfunc_st f = new CUfunc_st();
            Gpu.check(cuModuleGetFunction(f, module, n), "cuModuleGetFunction(" + n + ")");
            functions.put(n, f);
        }
        argValues = new LongPointer(MAX_ARGS);
        argPointers = new PointerPointer<>(MAX_ARGS);
        MemorySegment ptrs = Gpu.hostSegment(argPointers.address(), 8L * MAX_ARGS);
        for (int i = 0; i < MAX_ARGS; i++) {
            ptrs.setAtIndex(ValueLayout.JAVA_LONG, i, argValues.address() + 8L * i);
        }
        args = Gpu.hostSegment(argValues.address(), 8L * MAX_ARGS);
    }

    /** NVRTC: CUDA C++ to a CUBIN for {@code arch}; the compiler log is in the exception on failure. */
    static byte[] compile(String source, String arch) {
        _nvrtcProgram prog = new _nvrtcProgram();
        checkNvrtc(nvrtcCreateProgram(prog, new BytePointer(source), new BytePointer("railyard_kernels.cu"), 0,
                (PointerPointer<?>) null, (PointerPointer<?>) null), "nvrtcCreateProgram");
        try {
            PointerPointer<?> opts = new PointerPointer<>("--gpu-architecture=" + arch, "--std=c++17", "-lineinfo");
            int rc = nvrtcCompileProgram(prog, 3, opts);
            String log = log(prog);
            if (rc != 0) {
                throw new IllegalStateException("NVRTC could not compile the kernels for " + arch + ": "
                        + nvrtcGetErrorString(rc).getString() + "\n" + log);
            }
            SizeTPointer size = new SizeTPointer(1);
            checkNvrtc(nvrtcGetCUBINSize(prog, size), "nvrtcGetCUBINSize");
            byte[] cubin = new byte[(int) size.get()];
            BytePointer buf = new BytePointer(size.get());
            checkNvrtc(nvrtcGetCUBIN(prog, buf), "nvrtcGetCUBIN");
            buf.get(cubin);
            return cubin;
        } finally {
            nvrtcDestroyProgram(prog);
        }
    }

    private static String log(_nvrtcProgram prog) {
        SizeTPointer n = new SizeTPointer(1);
        if (nvrtcGetProgramLogSize(prog, n) != 0 || n.get() <= 1) {
            return "";
        }
        BytePointer b = new BytePointer(n.get());
        nvrtcGetProgramLog(prog, b);
        return b.getString();
    }

    private static void checkNvrtc(int rc, String what) {
        if (rc != 0) {
            throw new IllegalStateException("NVRTC: " + what + " failed: " + nvrtcGetErrorString(rc).getString());
        }
    }

    CUfunc_st function(String name) {
        CUfunc_st f = functions.get(name);
        if (f == null) {
            throw new IllegalArgumentException("no kernel " + name);
        }
        return f;
    }

    // ---- argument builder: kernels.args().ptr(a).i32(n).launch(...) ----

    Kernels args() {
        argCount = 0;
        return this;
    }

    Kernels ptr(long address) {
        args.setAtIndex(ValueLayout.JAVA_LONG, argCount++, address);
        return this;
    }

    Kernels i32(int v) {
        args.setAtIndex(ValueLayout.JAVA_LONG, argCount++, v & 0xffffffffL);
        return this;
    }

    Kernels f32(float v) {
        return i32(Float.floatToRawIntBits(v));
    }

    void launch(CUfunc_st f, int gridX, int gridY, int block, CUstream_st stream) {
        if (gridX <= 0 || gridY <= 0) {
            return;
        }
        Gpu.check(cuLaunchKernel(f, gridX, gridY, 1, block, 1, 1, 0, stream, argPointers, (PointerPointer<?>) null),
                "cuLaunchKernel");
    }

    /** {@link #launchPdl} when {@code pdl}, else {@link #launch}. */
    void launchPdlIf(boolean pdl, CUfunc_st f, int gridX, int gridY, int block, CUstream_st stream) {
        if (pdl) {
            launchPdl(f, gridX, gridY, block, stream);
        } else {
            launch(f, gridX, gridY, block, stream);
        }
    }

    private CUlaunchConfig pdlConfig;
    private CUlaunchAttribute pdlAttr;

    /**
     * Launches like {@link #launch} with programmatic dependent launch allowed: the kernel may start
     * while the previous kernel on the stream finishes, so it must execute {@code griddepcontrol.wait}
     * (PDL_WAIT) before it reads or writes anything that kernel touches (sm_90 and later).
     */
    void launchPdl(CUfunc_st f, int gridX, int gridY, int block, CUstream_st stream) {
        if (gridX <= 0 || gridY <= 0) {
            return;
        }
        if (pdlConfig == null) {
            pdlAttr = new CUlaunchAttribute();
            pdlAttr.id(CU_LAUNCH_ATTRIBUTE_PROGRAMMATIC_STREAM_SERIALIZATION);
            CUlaunchAttributeValue v = new CUlaunchAttributeValue();
            v.programmaticStreamSerializationAllowed(1);
            pdlAttr.value(v);
            pdlConfig = new CUlaunchConfig();
        }
        pdlConfig.gridDimX(gridX).gridDimY(gridY).gridDimZ(1).blockDimX(block).blockDimY(1).blockDimZ(1).sharedMemBytes(0)
                .hStream(stream).attrs(pdlAttr).numAttrs(1);
        Gpu.check(cuLaunchKernelEx(pdlConfig, f, argPointers, (PointerPointer<?>) null), "cuLaunchKernelEx (programmatic dependent launch)");
    }

    @Override
    public void close() {
        cuModuleUnload(module);
        if (pdlConfig != null) {
            pdlConfig.close();
            pdlAttr.close();
        }
        argValues.close();
        argPointers.close();
    }
}
