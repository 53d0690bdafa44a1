#ifndef FOLIO_PLATFORM_H
#define FOLIO_PLATFORM_H

/// Makes the calling thread treat subnormal floats as zero (`on` nonzero), in inputs and
/// results, or stop doing so (x86: MXCSR's FTZ and DAZ bits; ARM64: FPCR's FZ bit).
/// Arithmetic on subnormals is up to a hundred times slower on x86, and training produces
/// them (squared small gradients in Adam, for instance); flushing them changes no result
/// that matters at Float precision.
void folio_set_subnormal_flushing(int on);

/// Whether the calling thread flushes subnormal floats to zero (1) or not (0). A thread
/// that shares work with another sets the other to the same mode, so that the result does
/// not depend on which thread computed which part.
int folio_subnormal_flushing(void);

/// Makes OpenBLAS's worker threads sleep `2^exponent` cycles after their last task
/// instead of OpenBLAS's default of 2^28 (about a tenth of a second), during which they spin
/// and yield, taking a core from whatever the caller runs between matrix products. Does
/// nothing when the environment sets OPENBLAS_THREAD_TIMEOUT (the user's choice wins) or
/// when the BLAS library is not OpenBLAS with its own thread pool. The pool is shut down and
/// restarts at the next product, so no other thread may be using BLAS: the library calls
/// this itself with exponent 4 when it is loaded, before `main`, where OpenBLAS's spinning
/// would take the core that the engine's helper thread needs (an epoch of the CNN
/// benchmark took 21–22 s instead of 18 s).
void folio_set_blas_thread_timeout(int exponent);

/// Memory for `count` floats, zero-filled, released with `folio_free_floats`; NULL when
/// there is not enough. Blocks of 2 MiB or more are aligned to 2 MiB and, on Linux, marked
/// for transparent huge pages (where the system leaves them to `madvise`): the engine streams
/// through matrices of several MiB every step, and with 4 KiB pages the translations of what
/// one step touches do not fit the TLB.
float *folio_allocate_floats(long count);

/// Releases memory from `folio_allocate_floats`.
void folio_free_floats(float *floats);

#endif
