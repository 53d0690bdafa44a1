#if canImport(Accelerate)
import Accelerate
#else
import CBLAS
#endif

/// Every call into BLAS lives here (products, threads, the kernels' name); nothing else in
/// the engine sees the C interface. (How long OpenBLAS's idle threads spin is set in C, in
/// CPlatform, since it reaches symbols that only a weak C declaration can.)
enum BLAS {
    /// The library and the kernels it chose for this CPU: `OpenBLAS Zen`, `Accelerate`.
    static var kernels: String {
        #if canImport(Accelerate)
        return "Accelerate"
        #else
        guard let name = openblas_get_corename() else { return "OpenBLAS" }
        return "OpenBLAS " + String(cString: name)
        #endif
    }

    /// Threads the library uses for one product (Accelerate chooses for itself: 1 here).
    static var threads: Int {
        get {
            #if canImport(Accelerate)
            return 1
            #else
            return Int(openblas_get_num_threads())
            #endif
        }
        set {
            #if !canImport(Accelerate)
            openblas_set_num_threads(Int32(max(newValue, 1)))
            #endif
        }
    }

    /// C = alpha · op(A) · op(B) + beta · C, all row-major. op(A) is m×k, op(B) is k×n.
    @inline(__always)
    static func gemm(
        transposeA: Bool, transposeB: Bool, m: Int, n: Int, k: Int,
        alpha: Float = 1, a: UnsafePointer<Float>, lda: Int,
        b: UnsafePointer<Float>, ldb: Int,
        beta: Float, c: UnsafeMutablePointer<Float>, ldc: Int
    ) {
        cblas_sgemm(
            CblasRowMajor, transposeA ? CblasTrans : CblasNoTrans, transposeB ? CblasTrans : CblasNoTrans,
            Int32(m), Int32(n), Int32(k), alpha, a, Int32(lda), b, Int32(ldb), beta, c, Int32(ldc))
    }

    /// Floating-point operations per second of this machine's sgemm on `size`×`size`
    /// matrices (2·size³ per product, the median of `repeats` timed products after one
    /// untimed), with BLAS's current thread setting: the bound a network's matrix products
    /// cannot beat.
    static func squareProductRate(size: Int, repeats: Int) -> Double {
        var a = [Float](repeating: 0, count: size * size), b = a, c = a
        for index in a.indices {
            a[index] = Float(index % 97) / 97 - 0.5
            b[index] = Float(index % 89) / 89 - 0.5
        }
        var seconds: [Double] = []
        for round in 0...repeats {
            let start = ContinuousClock.now
            a.withUnsafeBufferPointer { a in
                b.withUnsafeBufferPointer { b in
                    c.withUnsafeMutableBufferPointer { c in
                        gemm(transposeA: false, transposeB: false, m: size, n: size, k: size, a: a.baseAddress!, lda: size,
                             b: b.baseAddress!, ldb: size, beta: 0, c: c.baseAddress!, ldc: size)
                    }
                }
            }
            if round > 0 { seconds.append((ContinuousClock.now - start).seconds) }
        }
        let middle = seconds.sorted()[seconds.count / 2]
        return 2 * Double(size) * Double(size) * Double(size) / middle
    }
}

