#ifndef FOLIO_FLOATING_POINT_H
#define FOLIO_FLOATING_POINT_H

/// Makes the calling thread treat subnormal floats as zero, in inputs and results (x86:
/// MXCSR's FTZ and DAZ bits; ARM64: FPCR's FZ bit). Arithmetic on subnormals is up to a
/// hundred times slower on x86, and training produces them (squared small gradients in
/// Adam, for instance); flushing them changes no result that matters at Float precision.
void folio_flush_subnormals(void);

#endif
