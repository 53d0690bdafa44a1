import CPlatform
#if canImport(Accelerate)
import Accelerate
#else
import CBLAS
#endif

/// Facts and settings of the engine as a whole.
public enum Engine {
    /// Changes whenever the numbers a run produces may change (layers, initialization,
    /// random streams, data scaling). Part of every result's cache key.
    public static let version = "neuralnet-2"

    /// The arithmetic that produced this machine's numbers: the BLAS library and the kernels
    /// it chose for this CPU (`OpenBLAS Zen`, `OpenBLAS SkylakeX`, `Accelerate`). Other kernels
    /// round matrix products differently, so the same seed gives other bits elsewhere, and
    /// training can amplify them; results are exactly reproducible only where this matches.
    public static var arithmetic: String {
        #if canImport(Accelerate)
        return "Accelerate"
        #else
        guard let name = openblas_get_corename() else { return "OpenBLAS" }
        return "OpenBLAS " + String(cString: name)
        #endif
    }

    /// This machine's sgemm speed in floating-point operations per second, on 1024×1024
    /// matrices (the median of `repeats` products), for comparing a network's epoch with the
    /// time its matrix products would take at that speed.
    public static func matrixProductRate(size: Int = 1024, repeats: Int = 5) -> Double {
        BLAS.squareProductRate(size: size, repeats: repeats)
    }

    /// Makes the calling thread flush subnormal floats to zero (see `folio_set_subnormal_flushing`).
    /// The trainer calls it on the thread that trains.
    public static func flushSubnormals() { folio_set_subnormal_flushing(1) }

    /// Threads BLAS uses for matrix products now (what `setMatrixThreads` last set, else the
    /// library's default: every core, or `OPENBLAS_NUM_THREADS`).
    public static var matrixThreads: Int {
        #if canImport(Accelerate)
        return Parallel.isEnabled ? 2 : 1
        #else
        return Int(openblas_get_num_threads())
        #endif
    }

    /// Threads one training run may use: BLAS's for matrix products, and with more than one,
    /// a helper thread for element-wise loops. Set 1 when several runs train at once, so
    /// that they do not compete for the same cores.
    public static func setMatrixThreads(_ count: Int) {
        #if !canImport(Accelerate)
        openblas_set_num_threads(Int32(max(count, 1)))
        #endif
        Parallel.isEnabled = count > 1
    }
}
