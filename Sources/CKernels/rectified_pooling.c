#include "kernels.h"
#include "vectors.h"

/* Batch normalization, ReLU and 2×2 max pooling over row pairs (see kernels.h), with AVX2 on
   x86-64. A step takes eight windows of a row pair: the 16 cells of each row are loaded and
   split into the windows' left and right cells, and everything else happens lane by lane in
   registers, with the layers' expressions in their order (comparisons and selects that give
   what Swift's scalar code gives, and no multiply-add fused), so that nothing between the
   input and the results is stored. Elsewhere the layers run one by one and these are never
   called. */

#pragma clang fp contract(off)

#if defined(__x86_64__)
#include <immintrin.h>

/* How a channel's cells become the ReLU's output r: with normalization, x̂ = (x − center) ·
   scale, y = gain · x̂ + shift, r = y < 0 ? 0 : y; without, r = x < 0 ? 0 : x. */
typedef struct {
    int normalizing;
    __m256 center, scale, gain, shift;
} affine;

VECTOR affine channel_affine(const float *center, const float *scale, const float *gain, const float *shift, int c) {
    affine a = {gain != 0, _mm256_setzero_ps(), _mm256_setzero_ps(), _mm256_setzero_ps(), _mm256_setzero_ps()};
    if (a.normalizing) {
        a.center = _mm256_set1_ps(center[c]);
        a.scale = _mm256_set1_ps(scale[c]);
        a.gain = _mm256_set1_ps(gain[c]);
        a.shift = _mm256_set1_ps(shift[c]);
    }
    return a;
}

/* x̂ with normalization, else x. */
VECTOR __m256 normalized8(__m256 x, const affine *a) {
    return a->normalizing ? _mm256_mul_ps(_mm256_sub_ps(x, a->center), a->scale) : x;
}

/* r from x̂ (or x). */
VECTOR __m256 rectified8(__m256 value, const affine *a) {
    const __m256 y = a->normalizing ? _mm256_add_ps(_mm256_mul_ps(a->gain, value), a->shift) : value;
    return _mm256_blendv_ps(y, _mm256_setzero_ps(), _mm256_cmp_ps(y, _mm256_setzero_ps(), _CMP_LT_OQ));
}

/* Swift's max(x, y) lane by lane: y when y ≥ x, else x. */
VECTOR __m256 larger8(__m256 x, __m256 y) { return _mm256_blendv_ps(x, y, _mm256_cmp_ps(y, x, _CMP_GE_OQ)); }

/* The left and right cells of windows o … o + 7 of a row of `width` cells (those past the row's
   end read as 0, and are never read from memory). */
VECTOR void load_windows(const float *row, int width, int o, __m256 *left, __m256 *right) {
    const int remaining = width - 2 * o;
    const __m256 lo = remaining >= 8 ? _mm256_loadu_ps(row + 2 * o) : _mm256_maskload_ps(row + 2 * o, lanes(remaining));
    const __m256 hi =
        remaining >= 16 ? _mm256_loadu_ps(row + 2 * o + 8) : _mm256_maskload_ps(row + 2 * o + 8, lanes(remaining - 8));
    deinterleave(lo, hi, left, right);
}

/* x̂ (or x) of the four cells of windows o … o + 7 of the row pair at `top`: top left, top right,
   bottom left, bottom right. */
VECTOR void load_cells(const float *top, int width, int o, const affine *a, __m256 cell[4]) {
    load_windows(top, width, o, &cell[0], &cell[1]);
    load_windows(top + width, width, o, &cell[2], &cell[3]);
    for (int k = 0; k < 4; k++) cell[k] = normalized8(cell[k], a);
}

/* Row ends are stored as whole vectors (`store_before`, `interleave`), the lanes past the row
   landing on cells written later. */

/* The pooled row of the pair at `top` into `row`. */
VECTOR void pool_pair(const float *top, int width, const affine *a, float *row, const float *limit) {
    const int outputs = width / 2;
    for (int o = 0; o < outputs; o += 8) {
        __m256 cell[4];
        load_cells(top, width, o, a, cell);
        for (int k = 0; k < 4; k++) cell[k] = rectified8(cell[k], a);
        const __m256 maximum = larger8(larger8(cell[0], cell[1]), larger8(cell[2], cell[3]));
        store_before(row + o, maximum, limit);
    }
}

/* Windows o … o + 7 of the row pair at `top`, whose pooled row and its gradient are `maxima`
   and `dy`: x̂ (or x) of their four cells (top left, top right, bottom left, bottom right) into
   `cell`, and into `taken` their dy: each output's gradient goes to the first cell of its
   window whose r equals the output, and is kept there where r > 0. Lanes past the row's last
   window read 0 for the output and its gradient, so their dy is 0. */
VECTOR void route_windows(
    const float *top, int width, int o, const affine *a, const float *maxima, const float *dy, __m256 cell[4],
    __m256 taken[4]) {
    const int outputs = width / 2, full = o + 8 <= outputs;
    const __m256i mask = lanes(outputs - o);
    const __m256 zero = _mm256_setzero_ps();
    const __m256 maximum = full ? _mm256_loadu_ps(maxima + o) : _mm256_maskload_ps(maxima + o, mask);
    __m256 remaining = full ? _mm256_loadu_ps(dy + o) : _mm256_maskload_ps(dy + o, mask);
    load_cells(top, width, o, a, cell);
    for (int k = 0; k < 4; k++) {
        const __m256 r = rectified8(cell[k], a);
        const __m256 first = _mm256_cmp_ps(r, maximum, _CMP_EQ_OQ);
        taken[k] = _mm256_and_ps(_mm256_and_ps(first, remaining), _mm256_cmp_ps(r, zero, _CMP_GT_OQ));
        remaining = _mm256_andnot_ps(first, remaining);
    }
}

/* The normalization's input gradient dx = factor · (count · dy − sum − x̂ · slope), constants as vectors. */
typedef struct {
    __m256 factor, count, sum, slope;
} gradient_terms;

/* dy (or, given `terms`, the normalization's dx) of every cell of the row pair at `top` into
   `out` (`route_windows`). The steps go from the row's end to its start, so that the lanes past
   the top row's end fall on the bottom row's start, which a later step writes. */
VECTOR void route_pair(
    const float *top, int width, const affine *a, const float *maxima, const float *dy, const gradient_terms *terms,
    float *out, const float *limit) {
    const int outputs = width / 2;
    for (int o = (outputs - 1) / 8 * 8; o >= 0; o -= 8) {
        __m256 cell[4], taken[4];
        route_windows(top, width, o, a, maxima, dy, cell, taken);
        if (terms)
            for (int k = 0; k < 4; k++) {
                const __m256 scaled = _mm256_sub_ps(_mm256_mul_ps(terms->count, taken[k]), terms->sum);
                taken[k] = _mm256_mul_ps(terms->factor, _mm256_sub_ps(scaled, _mm256_mul_ps(cell[k], terms->slope)));
            }
        const int cells = o + 8 <= outputs ? 16 : 2 * (outputs - o);
        float *upper = out + 2 * o, *lower = out + width + 2 * o;
        interleave(taken[0], taken[1], upper, cells, upper + 16 > limit);
        interleave(taken[2], taken[3], lower, cells, lower + 16 > limit);
    }
}

/* The forward pass with or without normalization (a constant where it is inlined). */
VECTOR void pool_pairs(
    int normalizing, int channels, int height, int width, const float *input, const float *center, const float *scale,
    const float *gain, const float *shift, float *output, int first, int end) {
    const int outputs = width / 2, rows = height / 2;
    for (int pair = first; pair < end;) { /* a plane's pairs at a time */
        const int c = pair / rows % channels, last = (pair / rows + 1) * rows < end ? (pair / rows + 1) * rows : end;
        affine a = channel_affine(center, scale, gain, shift, c);
        a.normalizing = normalizing;
        for (; pair < last; pair++)
            pool_pair(input + 2L * pair * width, width, &a, output + (long)pair * outputs, output + (long)end * outputs);
    }
}

__attribute__((target("avx2")))
void folio_relu_pool_forward(
    int channels, int height, int width, const float *input, const float *center, const float *scale, const float *gain,
    const float *shift, float *output, int first, int end) {
    if (gain) pool_pairs(1, channels, height, width, input, center, scale, gain, shift, output, first, end);
    else pool_pairs(0, channels, height, width, input, center, scale, gain, shift, output, first, end);
}

__attribute__((target("avx2")))
void folio_relu_pool_backward(
    int width, const float *input, const float *output, const float *outputGradient, float *gradient, int first, int end) {
    const int outputs = width / 2;
    const affine a = channel_affine(0, 0, 0, 0, 0);
    for (int pair = first; pair < end; pair++) {
        const long offset = 2L * pair * width;
        route_pair(input + offset, width, &a, output + (long)pair * outputs, outputGradient + (long)pair * outputs, 0,
                   gradient + offset, gradient + 2L * end * width);
    }
}

/* Swift's `SIMD8<Float>.sum()`: the lanes added in order. */
VECTOR float ordered_sum(__m256 v) {
    float lane[8];
    _mm256_storeu_ps(lane, v);
    float total = lane[0];
    for (int l = 1; l < 8; l++) total += lane[l];
    return total;
}

/* The parameter-gradient sums take a plane (an image's channel) at a time: its dy and x̂ go to
   the scratch space, row pair after row pair, and are then summed in the order of the plane's
   cells. The whole plane is buffered before the sums read it, so that by then most stores have
   left the core's store queue (a load that spans two stores still there waits for them). */
__attribute__((target("avx2")))
void folio_norm_relu_pool_sums(
    int channels, int height, int width, const float *input, const float *center, const float *scale, const float *gain,
    const float *shift, const float *output, const float *outputGradient, float *sums, float *scratch, int first,
    int end) {
    const int plane = height * width, outputs = width / 2, rows = height / 2, whole = plane / 8 * 8;
    float *cells = scratch, *normalized = scratch + plane + 16; /* the last row's stores pass its end by up to 16 */
    for (int index = first; index < end; index++) {
        const affine a = channel_affine(center, scale, gain, shift, index % channels);
        for (int pair = 0; pair < rows; pair++) {
            const long at = (long)index * rows + pair, offset = 2L * pair * width;
            const float *top = input + (long)index * plane + offset;
            /* From the row's end to its start, as in `route_pair`. */
            for (int o = (outputs - 1) / 8 * 8; o >= 0; o -= 8) {
                __m256 cell[4], taken[4];
                route_windows(top, width, o, &a, output + at * outputs, outputGradient + at * outputs, cell, taken);
                const long upper = offset + 2 * o, lower = upper + width;
                interleave(taken[0], taken[1], cells + upper, 16, 0);
                interleave(taken[2], taken[3], cells + lower, 16, 0);
                interleave(cell[0], cell[1], normalized + upper, 16, 0);
                interleave(cell[2], cell[3], normalized + lower, 16, 0);
            }
        }
        /* Elementwise.sumAndDot: eight lanes, lane l over the cells ≡ l (mod 8) in order, the
           lanes added in order, then the last plane mod 8 cells. */
        __m256 lanesSum = _mm256_setzero_ps(), lanesDot = _mm256_setzero_ps();
        for (int i = 0; i < whole; i += 8) {
            const __m256 value = _mm256_loadu_ps(cells + i);
            lanesSum = _mm256_add_ps(lanesSum, value);
            lanesDot = _mm256_add_ps(lanesDot, _mm256_mul_ps(value, _mm256_loadu_ps(normalized + i)));
        }
        float sum = ordered_sum(lanesSum), dot = ordered_sum(lanesDot);
        for (int i = whole; i < plane; i++) {
            sum += cells[i];
            dot += cells[i] * normalized[i];
        }
        sums[2L * index] = sum;
        sums[2L * index + 1] = dot;
    }
}

__attribute__((target("avx2")))
void folio_norm_relu_pool_gradient(
    int channels, int height, int width, const float *input, const float *center, const float *scale, const float *gain,
    const float *shift, const float *output, const float *outputGradient, const float *shiftGradient,
    const float *gainGradient, const float *factor, float count, float *gradient, int first, int end) {
    const int plane = height * width, outputs = width / 2, rows = height / 2;
    for (int index = first; index < end; index++) {
        const int c = index % channels;
        const affine a = channel_affine(center, scale, gain, shift, c);
        const gradient_terms terms = {_mm256_set1_ps(factor[c]), _mm256_set1_ps(count), _mm256_set1_ps(shiftGradient[c]),
                                      _mm256_set1_ps(gainGradient[c])};
        for (int pair = 0; pair < rows; pair++) {
            const long at = (long)index * rows + pair, offset = (long)index * plane + 2L * pair * width;
            route_pair(input + offset, width, &a, output + at * outputs, outputGradient + at * outputs, &terms,
                       gradient + offset, gradient + (long)end * plane);
        }
    }
}

#else

void folio_relu_pool_forward(
    int channels, int height, int width, const float *input, const float *center, const float *scale, const float *gain,
    const float *shift, float *output, int first, int end) {
    (void)channels; (void)height; (void)width; (void)input; (void)center; (void)scale; (void)gain; (void)shift;
    (void)output; (void)first; (void)end;
    __builtin_trap();
}

void folio_relu_pool_backward(
    int width, const float *input, const float *output, const float *outputGradient, float *gradient, int first, int end) {
    (void)width; (void)input; (void)output; (void)outputGradient; (void)gradient;
    (void)first; (void)end;
    __builtin_trap();
}

void folio_norm_relu_pool_sums(
    int channels, int height, int width, const float *input, const float *center, const float *scale, const float *gain,
    const float *shift, const float *output, const float *outputGradient, float *sums, float *scratch, int first,
    int end) {
    (void)channels; (void)height; (void)width; (void)input; (void)center; (void)scale; (void)gain;
    (void)shift; (void)output; (void)outputGradient; (void)sums; (void)scratch; (void)first; (void)end;
    __builtin_trap();
}

void folio_norm_relu_pool_gradient(
    int channels, int height, int width, const float *input, const float *center, const float *scale, const float *gain,
    const float *shift, const float *output, const float *outputGradient, const float *shiftGradient,
    const float *gainGradient, const float *factor, float count, float *gradient, int first, int end) {
    (void)channels; (void)height; (void)width; (void)input; (void)center; (void)scale; (void)gain; (void)shift;
    (void)output; (void)outputGradient; (void)shiftGradient; (void)gainGradient; (void)factor; (void)count;
    (void)gradient; (void)first; (void)end;
    __builtin_trap();
}

#endif
