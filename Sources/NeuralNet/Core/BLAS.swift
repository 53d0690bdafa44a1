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
}
