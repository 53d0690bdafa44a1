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

/* Lanes [low, high) of a vector, as `lanes` (empty where high ≤ low). */
VECTOR __m256i lanes_between(int low, int high) {
    const __m256i index = _mm256_setr_epi32(0, 1, 2, 3, 4, 5, 6, 7);
    return _mm256_andnot_si256(_mm256_cmpgt_epi32(_mm256_set1_epi32(low), index), _mm256_cmpgt_epi32(_mm256_set1_epi32(high), index));
}

/* The even- and odd-numbered of the sixteen values lo, hi: lanes 0, 2, …, 14 and 1, 3, …, 15. */
VECTOR void deinterleave(__m256 lo, __m256 hi, __m256 *even, __m256 *odd) {
    const __m256 e = _mm256_shuffle_ps(lo, hi, _MM_SHUFFLE(2, 0, 2, 0)), o = _mm256_shuffle_ps(lo, hi, _MM_SHUFFLE(3, 1, 3, 1));
    *even = _mm256_castpd_ps(_mm256_permute4x64_pd(_mm256_castps_pd(e), _MM_SHUFFLE(3, 1, 2, 0)));
    *odd = _mm256_castpd_ps(_mm256_permute4x64_pd(_mm256_castps_pd(o), _MM_SHUFFLE(3, 1, 2, 0)));
}

/* even₀ odd₀ even₁ odd₁ … to the `cells` (at most 16) values at p: all 16 unless `masked` (a
   masked store is slow on AMD's cores; callers store whole vectors where the lanes past
   `cells` land on values written later). */
VECTOR void interleave(__m256 even, __m256 odd, float *p, int cells, int masked) {
    const __m256 low = _mm256_unpacklo_ps(even, odd), high = _mm256_unpackhi_ps(even, odd);
    const __m256 first = _mm256_permute2f128_ps(low, high, 0x20), second = _mm256_permute2f128_ps(low, high, 0x31);
    if (cells == 16 || !masked) {
        _mm256_storeu_ps(p, first);
        _mm256_storeu_ps(p + 8, second);
    } else {
        _mm256_maskstore_ps(p, lanes(cells), first);
        if (cells > 8) _mm256_maskstore_ps(p + 8, lanes(cells - 8), second);
    }
}

/* The kernels store whole vectors where a row ends inside one (a masked store is slow on AMD's
   cores): the lanes past the row land on values written later, unless they would pass `limit`,
   the end of what the call writes, where the store is masked there. */
VECTOR void store_before(float *p, __m256 v, const float *limit) {
    if (p + 8 <= limit) _mm256_storeu_ps(p, v);
    else _mm256_maskstore_ps(p, lanes((int)(limit - p)), v);
}

/* Lanes 0+4, 1+5, 2+6, 3+7, then (0+4)+(2+6), (1+5)+(3+7), then their sum. */
KERNEL float lane_sum(__m256 v) {
    __m128 half = _mm_add_ps(_mm256_castps256_ps128(v), _mm256_extractf128_ps(v, 1));
    __m128 quarter = _mm_add_ps(half, _mm_movehl_ps(half, half));
    return _mm_cvtss_f32(_mm_add_ss(quarter, _mm_movehdup_ps(quarter)));
}
#endif

#endif
