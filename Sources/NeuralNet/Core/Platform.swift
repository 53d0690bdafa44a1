import CPlatform

// Every call into CPlatform lives here: the FPU's handling of subnormal floats, and the
// memory that matrices live in.

/// The calling thread's handling of subnormal floats.
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

/// Memory for matrices: zero-filled floats, blocks of 2 MiB or more on transparent huge pages
/// where the system allows them (`folio_allocate_floats`): a training step streams through
/// tens of MiB, whose 4 KiB translations do not fit the TLB.
enum FloatStorage {
    /// `count` zeros, released with `free`.
    static func allocate(_ count: Int) -> UnsafeMutablePointer<Float> {
        guard let floats = folio_allocate_floats(count) else { fatalError("out of memory for \(count) floats") }
        return floats
    }

    /// Releases memory from `allocate`.
    static func free(_ floats: UnsafeMutablePointer<Float>) { folio_free_floats(floats) }
}
