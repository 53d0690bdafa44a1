import CKernels

/// Whether this CPU runs the engine's own kernels (CKernels: x86-64 with AVX2 and FMA),
/// checked once.
enum AVX2 {
    static let isAvailable = folio_kernels_available() != 0
}
