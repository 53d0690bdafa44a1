#include "platform.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#if defined(__linux__)
#include <sys/mman.h>
#endif

/* OpenBLAS's pthread build exports these; weak, so that other BLAS libraries link too. */
extern void openblas_read_env(void) __attribute__((weak));
extern int blas_thread_shutdown_(void) __attribute__((weak));

void folio_set_blas_thread_timeout(int exponent) {
    if (getenv("OPENBLAS_THREAD_TIMEOUT") != NULL || !openblas_read_env || !blas_thread_shutdown_) return;
    char value[16];
    snprintf(value, sizeof value, "%d", exponent);
    setenv("OPENBLAS_THREAD_TIMEOUT", value, 0);
    openblas_read_env();
    blas_thread_shutdown_();
}

/* Runs when the program (or test bundle) is loaded: after OpenBLAS's own initialization,
   since OpenBLAS is a library this code depends on, and before any thread of ours exists. */
__attribute__((constructor)) static void folio_platform_load(void) { folio_set_blas_thread_timeout(4); }

float *folio_allocate_floats(long count) {
    const size_t bytes = (size_t)(count > 0 ? count : 1) * sizeof(float), huge = (size_t)2 << 20;
    void *memory = NULL;
    if (bytes >= huge) {
        if (posix_memalign(&memory, huge, bytes) != 0) return NULL;
#if defined(__linux__) && defined(MADV_HUGEPAGE)
        madvise(memory, bytes, MADV_HUGEPAGE); /* advice: without it, or where refused, 4 KiB pages */
#endif
    } else if (!(memory = malloc(bytes))) {
        return NULL;
    }
    memset(memory, 0, bytes);
    return memory;
}

void folio_free_floats(float *floats) { free(floats); }

#if defined(__x86_64__) || defined(__i386__)
#include <xmmintrin.h>
#define FOLIO_FLUSH_BITS 0x8040u /* flush to zero (bit 15), denormals are zero (bit 6) */
void folio_set_subnormal_flushing(int on) {
    unsigned int csr = _mm_getcsr();
    _mm_setcsr(on ? (csr | FOLIO_FLUSH_BITS) : (csr & ~FOLIO_FLUSH_BITS));
}
int folio_subnormal_flushing(void) { return (_mm_getcsr() & FOLIO_FLUSH_BITS) == FOLIO_FLUSH_BITS; }
#elif defined(__aarch64__)
#define FOLIO_FZ_BIT (1UL << 24)
void folio_set_subnormal_flushing(int on) {
    unsigned long fpcr;
    __asm__ volatile("mrs %0, fpcr" : "=r"(fpcr));
    fpcr = on ? (fpcr | FOLIO_FZ_BIT) : (fpcr & ~FOLIO_FZ_BIT);
    __asm__ volatile("msr fpcr, %0" : : "r"(fpcr));
}
int folio_subnormal_flushing(void) {
    unsigned long fpcr;
    __asm__ volatile("mrs %0, fpcr" : "=r"(fpcr));
    return (fpcr & FOLIO_FZ_BIT) != 0;
}
#else
void folio_set_subnormal_flushing(int on) { (void)on; }
int folio_subnormal_flushing(void) { return 0; }
#endif
