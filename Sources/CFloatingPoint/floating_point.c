#include "floating_point.h"

#if defined(__x86_64__) || defined(__i386__)
#include <xmmintrin.h>
void folio_flush_subnormals(void) {
    _mm_setcsr(_mm_getcsr() | 0x8040); /* flush to zero (bit 15), denormals are zero (bit 6) */
}
#elif defined(__aarch64__)
void folio_flush_subnormals(void) {
    unsigned long fpcr;
    __asm__ volatile("mrs %0, fpcr" : "=r"(fpcr));
    fpcr |= (1UL << 24); /* FZ */
    __asm__ volatile("msr fpcr, %0" : : "r"(fpcr));
}
#else
void folio_flush_subnormals(void) {}
#endif
