import CPlatform

/// The calling thread's handling of subnormal floats: every call into CPlatform's FPU
/// control lives here.
enum FloatingPointMode {
    /// Whether the calling thread treats subnormal floats as zero, in inputs and results
    /// (x86: MXCSR's FTZ and DAZ bits; ARM64: FPCR's FZ bit). Arithmetic on subnormals is up
    /// to a hundred times slower on x86, and training produces them; flushing them changes
    /// no result that matters at Float precision. A thread that shares work with another
    /// gives it the same mode, so that results do not depend on which thread computed what.
    static var flushesSubnormals: Bool {
        get { folio_subnormal_flushing() != 0 }
        set { folio_set_subnormal_flushing(newValue ? 1 : 0) }
    }
}
