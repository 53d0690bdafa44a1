#include "kernels.h"
#include "vectors.h"

/* Batch normalization, ReLU and 2×2 max pooling over row pairs (see kernels.h): the
   element-wise parts in plain C that the compiler vectorizes, the pooling's rows with AVX2 on
   x86-64 (whose comparisons and selects give what the plain C would). Contraction is off, so
   every value is the product and sum the layers compute, with no multiply-add fused. */

#pragma clang fp contract(off)

#if defined(__x86_64__)
#define PASS __attribute__((target("avx2")))
#else
#define PASS
#endif

/* Swift's max(x, y): y when y ≥ x, else x. */
static inline float larger(float x, float y) { return y >= x ? y : x; }

#if defined(__x86_64__)
#include <immintrin.h>

/* The even and the odd of the 16 values at p. */
VECTOR void deinterleave_at(const float *p, __m256 *even, __m256 *odd) {
    deinterleave(_mm256_loadu_ps(p), _mm256_loadu_ps(p + 8), even, odd);
}

/* `larger` lane by lane. */
VECTOR __m256 larger8(__m256 x, __m256 y) { return _mm256_blendv_ps(x, y, _mm256_cmp_ps(y, x, _CMP_GE_OQ)); }

/* Row ends are stored as whole vectors (a masked store is slow on AMD's cores): the lanes past
   the row land on the rows the loop over pairs writes later, in order, unless they would pass
   `limit`, the end of what the call writes, where the store is masked. */

/* One output row of the pooling from the ReLU's output of its two input rows (`top`, `bottom`,
   readable 16 values past the pair). */
VECTOR void pool_row(int outputs, const float *top, const float *bottom, float *row, const float *limit) {
    for (int o = 0; o < outputs; o += 8) {
        __m256 topLeft, topRight, bottomLeft, bottomRight;
        deinterleave_at(top + 2 * o, &topLeft, &topRight);
        deinterleave_at(bottom + 2 * o, &bottomLeft, &bottomRight);
        const __m256 maximum = larger8(larger8(topLeft, topRight), larger8(bottomLeft, bottomRight));
        if (o + 8 <= outputs || row + o + 8 <= limit) _mm256_storeu_ps(row + o, maximum);
        else _mm256_maskstore_ps(row + o, lanes(outputs - o), maximum);
    }
}

/* The gradient of one row pair's cells (`dTop`, `dBottom`) from the row's maxima and their
   gradient `dy`, and the ReLU's output of the pair. The steps go from the row's end to its
   start, so that the lanes past the top row's end fall on the bottom row's start, which a
   later step writes. */
VECTOR void route_row(
    int outputs, const float *top, const float *bottom, const float *maxima, const float *dy, float *dTop, float *dBottom,
    const float *limit) {
    const __m256 zero = _mm256_setzero_ps();
    for (int o = (outputs - 1) / 8 * 8; o >= 0; o -= 8) {
        const int full = o + 8 <= outputs;
        const __m256i mask = lanes(outputs - o);
        const __m256 maximum = full ? _mm256_loadu_ps(maxima + o) : _mm256_maskload_ps(maxima + o, mask);
        __m256 remaining = full ? _mm256_loadu_ps(dy + o) : _mm256_maskload_ps(dy + o, mask);
        __m256 cell[4], taken[4];
        deinterleave_at(top + 2 * o, &cell[0], &cell[1]);
        deinterleave_at(bottom + 2 * o, &cell[2], &cell[3]);
        for (int k = 0; k < 4; k++) {
            const __m256 first = _mm256_cmp_ps(cell[k], maximum, _CMP_EQ_OQ);
            taken[k] = _mm256_and_ps(_mm256_and_ps(first, remaining), _mm256_cmp_ps(cell[k], zero, _CMP_GT_OQ));
            remaining = _mm256_andnot_ps(first, remaining);
        }
        const int cells = full ? 16 : 2 * (outputs - o);
        interleave(taken[0], taken[1], dTop + 2 * o, cells, dTop + 2 * o + 16 > limit);
        interleave(taken[2], taken[3], dBottom + 2 * o, cells, dBottom + 2 * o + 16 > limit);
    }
}

#else

static void pool_row(int outputs, const float *top, const float *bottom, float *row, const float *limit) {
    (void)limit;
    for (int o = 0; o < outputs; o++)
        row[o] = larger(larger(top[2 * o], top[2 * o + 1]), larger(bottom[2 * o], bottom[2 * o + 1]));
}

static void route_row(
    int outputs, const float *top, const float *bottom, const float *maxima, const float *dy, float *dTop, float *dBottom,
    const float *limit) {
    (void)limit;
    for (int o = 0; o < outputs; o++) {
        const float cell[4] = {top[2 * o], top[2 * o + 1], bottom[2 * o], bottom[2 * o + 1]};
        float remaining = dy[o], taken[4];
        for (int k = 0; k < 4; k++) {
            taken[k] = cell[k] == maxima[o] && cell[k] > 0 ? remaining : 0;
            remaining = cell[k] == maxima[o] ? 0 : remaining;
        }
        dTop[2 * o] = taken[0];
        dTop[2 * o + 1] = taken[1];
        dBottom[2 * o] = taken[2];
        dBottom[2 * o + 1] = taken[3];
    }
}

#endif

/* The ReLU's output for one row pair (`count` cells of `source`): from x̂ = (x − center) · scale
   and y = g · x̂ + b when normalizing (`normalizing`), from the input itself when not. */
static inline void rectify(
    int normalizing, int count, const float *restrict source, float center, float scale, float g, float b,
    float *restrict rectified) {
    if (!normalizing) {
        for (int i = 0; i < count; i++) rectified[i] = source[i] < 0 ? 0 : source[i];
    } else {
        for (int i = 0; i < count; i++) {
            const float y = g * ((source[i] - center) * scale) + b;
            rectified[i] = y < 0 ? 0 : y;
        }
    }
}

PASS
void folio_relu_pool_forward(
    int channels, int height, int width, const float *input, const float *center, const float *scale, const float *gain,
    const float *shift, float *output, int first, int end) {
    const int outputs = width / 2, count = 2 * width, rows = height / 2;
    float rectified[count + 16]; /* the pair's ReLU output, and 16 that the vector loops read past it */
    for (int i = count; i < count + 16; i++) rectified[i] = 0;
    for (int pair = first; pair < end; pair++) {
        const long offset = 2L * pair * width;
        const int c = pair / rows % channels;
        if (gain) rectify(1, count, input + offset, center[c], scale[c], gain[c], shift[c], rectified);
        else rectify(0, count, input + offset, 0, 0, 0, 0, rectified);
        pool_row(outputs, rectified, rectified + width, output + (long)pair * outputs, output + (long)end * outputs);
    }
}

PASS
void folio_relu_pool_backward(
    int channels, int height, int width, const float *input, const float *output, const float *outputGradient,
    float *gradient, int first, int end) {
    (void)channels;
    const int outputs = width / 2, count = 2 * width;
    float rectified[count + 16];
    for (int i = count; i < count + 16; i++) rectified[i] = 0;
    for (int pair = first; pair < end; pair++) {
        const long offset = 2L * pair * width;
        rectify(0, count, input + offset, 0, 0, 0, 0, rectified);
        route_row(outputs, rectified, rectified + width, output + (long)pair * outputs, outputGradient + (long)pair * outputs,
                  gradient + offset, gradient + offset + width, gradient + 2L * end * width);
    }
}

/* The normalization's backward pass goes through one plane (an image's channel) at a time, in
   chunks of up to CHUNK row pairs, which keeps x̂ and dy in buffers on the stack: eight rows
   are a multiple of eight cells, so the sums' lanes carry from one chunk to the next. */
enum { CHUNK = 4 };

/* The normalization of one channel: x̂ = (x − center) · scale, y = gain · x̂ + shift. */
typedef struct {
    float center, scale, gain, shift;
} affine;

/* x̂ (`normalized`) and the normalization's output gradient (`cells`) of the `pairs` row pairs at
   `x`, whose pooled outputs and their gradient are at `maxima` and `dy`; `rectified` and `cells`
   hold 16 values past the chunk. */
PASS static void route_chunk(
    int width, int pairs, const float *x, affine a, const float *maxima, const float *dy, float *normalized,
    float *rectified, float *cells) {
    const int outputs = width / 2, count = 2 * pairs * width;
    for (int i = 0; i < count; i++) {
        normalized[i] = (x[i] - a.center) * a.scale;
        const float y = a.gain * normalized[i] + a.shift;
        rectified[i] = y < 0 ? 0 : y;
    }
    for (int p = 0; p < pairs; p++)
        route_row(outputs, rectified + 2L * p * width, rectified + (2L * p + 1) * width, maxima + (long)p * outputs,
                  dy + (long)p * outputs, cells + 2L * p * width, cells + (2L * p + 1) * width, cells + count + 16);
}

/* sums[l] += Σ a[i] and dots[l] += Σ a[i] · b[i] over the i ≡ l (mod 8) below `count`, a multiple of 8. */
#if defined(__x86_64__)
VECTOR void accumulate(int count, const float *a, const float *b, float sums[8], float dots[8]) {
    __m256 sum = _mm256_loadu_ps(sums), dot = _mm256_loadu_ps(dots);
    for (int i = 0; i < count; i += 8) {
        const __m256 value = _mm256_loadu_ps(a + i);
        sum = _mm256_add_ps(sum, value);
        dot = _mm256_add_ps(dot, _mm256_mul_ps(value, _mm256_loadu_ps(b + i)));
    }
    _mm256_storeu_ps(sums, sum);
    _mm256_storeu_ps(dots, dot);
}
#else
static inline void accumulate(int count, const float *a, const float *b, float sums[8], float dots[8]) {
    for (int i = 0; i < count; i += 8)
        for (int l = 0; l < 8; l++) {
            sums[l] += a[i + l];
            dots[l] += a[i + l] * b[i + l];
        }
}
#endif

/* Swift's `SIMD8<Float>.sum()`: the lanes added in order. */
static inline float ordered_sum(const float lane[8]) {
    float total = lane[0];
    for (int l = 1; l < 8; l++) total += lane[l];
    return total;
}

PASS
void folio_norm_relu_pool_sums(
    int batch, int channels, int height, int width, const float *input, const float *center, const float *scale,
    const float *gain, const float *shift, const float *output, const float *outputGradient, float *shiftGradient,
    float *gainGradient, int first, int end) {
    const int plane = height * width, outputs = width / 2, rows = height / 2;
    float normalized[2 * CHUNK * width + 16], rectified[2 * CHUNK * width + 16], cells[2 * CHUNK * width + 16];
    for (int i = 0; i < 2 * CHUNK * width + 16; i++) rectified[i] = 0; /* what route_row reads past a short chunk */
    for (int c = first; c < end; c++) shiftGradient[c] = gainGradient[c] = 0;
    for (int n = 0; n < batch; n++)
        for (int c = first; c < end; c++) {
            const affine a = {center[c], scale[c], gain[c], shift[c]};
            const long index = (long)n * channels + c;
            float sums[8] = {0}, dots[8] = {0};
            int count = 0, whole = 0;
            for (int pair = 0; pair < rows; pair += CHUNK) {
                const int pairs = rows - pair < CHUNK ? rows - pair : CHUNK;
                const long at = index * rows + pair;
                route_chunk(width, pairs, input + index * plane + 2L * pair * width, a, output + at * outputs,
                            outputGradient + at * outputs, normalized, rectified, cells);
                count = 2 * pairs * width;
                whole = count / 8 * 8;
                accumulate(whole, cells, normalized, sums, dots);
            }
            /* Only the last chunk can end in a part of eight cells. */
            float sum = ordered_sum(sums), dot = ordered_sum(dots);
            for (int i = whole; i < count; i++) {
                sum += cells[i];
                dot += cells[i] * normalized[i];
            }
            shiftGradient[c] += sum;
            gainGradient[c] += dot;
        }
}

PASS
void folio_norm_relu_pool_gradient(
    int channels, int height, int width, const float *input, const float *center, const float *scale, const float *gain,
    const float *shift, const float *output, const float *outputGradient, const float *shiftGradient,
    const float *gainGradient, const float *factor, float count, float *gradient, int first, int end) {
    const int plane = height * width, outputs = width / 2, rows = height / 2;
    float normalized[2 * CHUNK * width + 16], rectified[2 * CHUNK * width + 16], cells[2 * CHUNK * width + 16];
    for (int i = 0; i < 2 * CHUNK * width + 16; i++) rectified[i] = 0; /* what route_row reads past a short chunk */
    for (int index = first; index < end; index++) {
        const int c = index % channels;
        const affine a = {center[c], scale[c], gain[c], shift[c]};
        const float f = factor[c], sum = shiftGradient[c], slope = gainGradient[c];
        for (int pair = 0; pair < rows; pair += CHUNK) {
            const int pairs = rows - pair < CHUNK ? rows - pair : CHUNK, cellCount = 2 * pairs * width;
            route_chunk(width, pairs, input + (long)index * plane + 2L * pair * width, a,
                        output + ((long)index * rows + pair) * outputs, outputGradient + ((long)index * rows + pair) * outputs,
                        normalized, rectified, cells);
            float *dx = gradient + (long)index * plane + 2L * pair * width;
            for (int i = 0; i < cellCount; i++) dx[i] = f * (count * cells[i] - sum - normalized[i] * slope);
        }
    }
}
