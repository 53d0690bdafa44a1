#if canImport(Accelerate)
import Accelerate
#else
import CBLAS
#endif

/// Every call into BLAS lives here; nothing else in the engine sees the C interface.
enum BLAS {
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

