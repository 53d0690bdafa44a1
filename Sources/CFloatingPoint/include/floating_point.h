#ifndef FOLIO_FLOATING_POINT_H
#define FOLIO_FLOATING_POINT_H

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

#endif
