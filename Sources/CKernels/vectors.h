#ifndef FOLIO_VECTORS_H
#define FOLIO_VECTORS_H

/* What the engine's AVX2 kernels share (private to CKernels). */

#if defined(__x86_64__)
#include <immintrin.h>

/* A kernel's inner function: inlined into its caller, compiled for AVX2 and FMA. */
#define KERNEL static inline __attribute__((always_inline, target("avx2,fma")))

/* An inner function of the kernels that fuse no multiply-add: compiled for AVX2 alone. */
#define VECTOR static inline __attribute__((always_inline, target("avx2")))

/* Lanes [0, count) of a vector are loaded and stored; the others read as 0 and are not written. */
VECTOR __m256i lanes(int count) {
    return _mm256_cmpgt_epi32(_mm256_set1_epi32(count), _mm256_setr_epi32(0, 1, 2, 3, 4, 5, 6, 7));
}

/* Lanes 0+4, 1+5, 2+6, 3+7, then (0+4)+(2+6), (1+5)+(3+7), then their sum. */
KERNEL float lane_sum(__m256 v) {
    __m128 half = _mm_add_ps(_mm256_castps256_ps128(v), _mm256_extractf128_ps(v, 1));
    __m128 quarter = _mm_add_ps(half, _mm_movehl_ps(half, half));
    return _mm_cvtss_f32(_mm_add_ss(quarter, _mm_movehdup_ps(quarter)));
}
#endif

#endif
