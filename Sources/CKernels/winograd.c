#include "kernels.h"

/* Winograd F(2×2, 3×3) block by block (see kernels.h): the transforms, the products between
   them, and the passes that run them over a block of images.

   The transforms add, subtract and multiply by ½ only: no multiply-add is fused (they are
   compiled for AVX2 without FMA, and contraction is off), so every value is the same on every
   machine and however the work is split. The products use FMA, each element one chain in a
   fixed order. */

#include "vectors.h"

#pragma clang fp contract(off)

#if defined(__x86_64__)

/* ---- Transforms ---- */

/* The transforms run over eight tiles of a row of tiles at a time, each lane computing what
   one tile's scalar expressions would: the same operations in the same order. At a row's end
   the lanes past its last tile read zeros, and their values are stored all the same (a masked
   store is microcoded on AMD's cores): over tiles the loop writes again later, or into the 8 columns a
   block's tile matrices have past its last tile (`folio_winograd_block_row`). Output rows of
   at most eight tiles are stored likewise, over the next row (which the loop writes later),
   unless sixteen values would pass the end of the range's images; wider rows are written in
   two or more pieces, the second row of a pair after the first's, so their last piece is
   stored masked. */

/* The values at x, x + 2, … (even) and x + 1, x + 3, … (odd) of a row for eight tiles, of the
   sixteen [x, x + 16): those in the masks of the first eight and the last eight (`low`,
   `high`) loaded, the others 0. */
VECTOR void columns_under(const float *row, __m256i low, __m256i high, __m256 *even, __m256 *odd) {
    deinterleave(_mm256_maskload_ps(row, low), _mm256_maskload_ps(row + 8, high), even, odd);
}

/* The same, of the `count` values [x, x + count) there are (the others 0). */
VECTOR void columns_of(const float *row, int count, __m256 *even, __m256 *odd) {
    columns_under(row, lanes(count), lanes(count - 8), even, odd);
}

/* The input tiles Bᵀ d B of images [first, end) of `images` [batch, C, H, W] into `tiles`
   [16, C, tileCount]. Tile (ty, tx) reads rows 2·ty − 1 … 2·ty + 2 and columns 2·tx − 1 …
   2·tx + 2, those outside the image as 0 (the padding, never written anywhere). */
__attribute__((target("avx2")))
static void transform_input(
    int channels, int height, int width, const float *images, float *tiles, long tileCount, int first, int end) {
    const int rows = (height + 1) / 2, columns = (width + 1) / 2;
    const long plane = (long)height * width, stride = folio_winograd_stride(channels, tileCount);
    const __m256 zero = _mm256_setzero_ps();
    /* Tile tx reads columns 2·tx − 1 … 2·tx + 2: for eight tiles, the even and odd columns from
       x = 2·tx − 1 (e, o) and from x + 2 (e′, o′), 2·count values each, of which those in the
       image are loaded, by loads at x, x + 8, x + 2 and x + 10 under these masks. */
    __m256i masks[(columns + 7) / 8][4];
    for (int tx = 0; tx < columns; tx += 8) {
        const int count = columns - tx < 8 ? columns - tx : 8;
        for (int k = 0; k < 4; k++) {
            const int from = 2 * tx - 1 + (k & 1) * 8 + (k >> 1) * 2, last = 2 * count - (k & 1) * 8;
            masks[tx / 8][k] = lanes_between(-from, width - from < last ? width - from : last);
        }
    }
    for (int n = first; n < end; n++)
        for (int c = 0; c < channels; c++) {
            const float *image = images + ((long)n * channels + c) * plane;
            for (int ty = 0; ty < rows; ty++) {
                float *out = tiles + (long)c * tileCount + ((long)n * rows + ty) * columns;
                for (int tx = 0; tx < columns; tx += 8) {
                    const __m256i *mask = masks[tx / 8];
                    __m256 e[4], o[4], e1[4], o1[4];
                    for (int i = 0; i < 4; i++) {
                        const int y = 2 * ty - 1 + i;
                        if (y < 0 || y >= height) {
                            e[i] = o[i] = e1[i] = o1[i] = zero;
                            continue;
                        }
                        const float *r = image + (long)y * width + 2 * tx - 1;
                        columns_under(r, mask[0], mask[1], &e[i], &o[i]);
                        columns_under(r + 2, mask[2], mask[3], &e1[i], &o1[i]);
                    }
                    /* Bᵀ d: rows d0 − d2, d1 + d2, d2 − d1, d1 − d3, at each of the four columns */
                    __m256 t[4][4]; /* [a][j]: row a at column 2·tx + j */
                    const __m256 *at[4] = {e, o, e1, o1};
                    for (int j = 0; j < 4; j++) {
                        const __m256 *d = at[j];
                        t[0][j] = _mm256_sub_ps(d[0], d[2]);
                        t[1][j] = _mm256_add_ps(d[1], d[2]);
                        t[2][j] = _mm256_sub_ps(d[2], d[1]);
                        t[3][j] = _mm256_sub_ps(d[1], d[3]);
                    }
                    for (int a = 0; a < 4; a++) { /* (Bᵀ d) B: the same on the columns */
                        float *target = out + (long)(4 * a) * stride + tx;
                        _mm256_storeu_ps(target, _mm256_sub_ps(t[a][0], t[a][2]));
                        _mm256_storeu_ps(target + stride, _mm256_add_ps(t[a][1], t[a][2]));
                        _mm256_storeu_ps(target + 2 * stride, _mm256_sub_ps(t[a][2], t[a][1]));
                        _mm256_storeu_ps(target + 3 * stride, _mm256_sub_ps(t[a][1], t[a][3]));
                    }
                }
            }
        }
}

/* Images [first, end) of `output` [batch, F, H, W] from the products [16, F, tileCount]:
   (Aᵀ m A) + bias[f] (no bias when `bias` is NULL). */
__attribute__((target("avx2")))
static void transform_output(
    int filters, int height, int width, const float *products, long tileCount, const float *bias, float *output,
    int first, int end) {
    const int rows = (height + 1) / 2, columns = (width + 1) / 2;
    const long stride = folio_winograd_stride(filters, tileCount);
    const float *limit = output + (long)end * filters * height * width; /* the end of the range's images */
    for (int n = first; n < end; n++)
        for (int f = 0; f < filters; f++) {
            float *plane = output + ((long)n * filters + f) * height * width;
            const __m256 b = _mm256_set1_ps(bias ? bias[f] : 0);
            for (int ty = 0; ty < rows; ty++) {
                const float *m = products + (long)f * tileCount + ((long)n * rows + ty) * columns;
                const int y = 2 * ty;
                for (int tx = 0; tx < columns; tx += 8) {
                    const int count = columns - tx < 8 ? columns - tx : 8;
                    const __m256i mask = lanes(count);
                    __m256 s[2][4]; /* Aᵀ m: rows m0 + m1 + m2, m1 − m2 − m3 */
                    for (int j = 0; j < 4; j++) {
                        const __m256 m0 = _mm256_maskload_ps(m + (long)j * stride + tx, mask),
                                     m1 = _mm256_maskload_ps(m + (long)(4 + j) * stride + tx, mask),
                                     m2 = _mm256_maskload_ps(m + (long)(8 + j) * stride + tx, mask),
                                     m3 = _mm256_maskload_ps(m + (long)(12 + j) * stride + tx, mask);
                        s[0][j] = _mm256_add_ps(_mm256_add_ps(m0, m1), m2);
                        s[1][j] = _mm256_sub_ps(_mm256_sub_ps(m1, m2), m3);
                    }
                    const int x = 2 * tx, values = width - x < 2 * count ? width - x : 2 * count;
                    for (int i = 0; i < 2 && y + i < height; i++) { /* (Aᵀ m) A, plus the bias */
                        const __m256 left = _mm256_add_ps(_mm256_add_ps(_mm256_add_ps(s[i][0], s[i][1]), s[i][2]), b);
                        const __m256 right = _mm256_add_ps(_mm256_sub_ps(_mm256_sub_ps(s[i][1], s[i][2]), s[i][3]), b);
                        float *target = plane + (long)(y + i) * width + x;
                        interleave(left, right, target, values, values < 16 && (columns > 8 || target + 16 > limit));
                    }
                }
            }
        }
}

/* The output gradient's tiles A dy Aᵀ (dy a tile's 2×2 gradient, zero past the edge) of images
   [first, end) into `tiles` [16, F, tileCount]. */
__attribute__((target("avx2")))
static void transform_gradient(
    int filters, int height, int width, const float *outputGradient, float *tiles, long tileCount, int first, int end) {
    const int rows = (height + 1) / 2, columns = (width + 1) / 2;
    const long stride = folio_winograd_stride(filters, tileCount);
    const __m256 sign = _mm256_set1_ps(-0.0f);
    for (int n = first; n < end; n++)
        for (int f = 0; f < filters; f++) {
            const float *plane = outputGradient + ((long)n * filters + f) * height * width;
            for (int ty = 0; ty < rows; ty++) {
                const int y = 2 * ty, below = y + 1 < height;
                float *out = tiles + (long)f * tileCount + ((long)n * rows + ty) * columns;
                for (int tx = 0; tx < columns; tx += 8) {
                    const int count = columns - tx < 8 ? columns - tx : 8, x = 2 * tx;
                    const int values = width - x < 2 * count ? width - x : 2 * count;
                    /* The tiles' 2×2 output gradients [p q; r s], zero past the image's edge. */
                    __m256 p, q, r = _mm256_setzero_ps(), s = _mm256_setzero_ps();
                    columns_of(plane + (long)y * width + x, values, &p, &q);
                    if (below) columns_of(plane + (long)(y + 1) * width + x, values, &r, &s);
                    /* A g: rows [p, q], [p + r, q + s], [p − r, q − s], [−r, −s]; then each row [u, v]
                       times Aᵀ: [u, u + v, u − v, −v]. */
                    const __m256 u[4] = {p, _mm256_add_ps(p, r), _mm256_sub_ps(p, r), _mm256_xor_ps(r, sign)};
                    const __m256 v[4] = {q, _mm256_add_ps(q, s), _mm256_sub_ps(q, s), _mm256_xor_ps(s, sign)};
                    for (int a = 0; a < 4; a++) {
                        float *target = out + (long)(4 * a) * stride + tx;
                        _mm256_storeu_ps(target, u[a]);
                        _mm256_storeu_ps(target + stride, _mm256_add_ps(u[a], v[a]));
                        _mm256_storeu_ps(target + 2 * stride, _mm256_sub_ps(u[a], v[a]));
                        _mm256_storeu_ps(target + 3 * stride, _mm256_xor_ps(v[a], sign));
                    }
                }
            }
        }
}

/* U = G g Gᵀ [16, F, C] of filters [first, end). */
__attribute__((target("avx2")))
void folio_winograd_filters(int filters, int channels, const float *weights, float *transformed, int first, int end) {
    const long stride = folio_winograd_stride(filters, channels);
    for (int f = first; f < end; f++)
        for (int c = 0; c < channels; c++) {
            const float *g = weights + ((long)f * channels + c) * 9;
            float h[4][3]; /* G g: rows g0, (g0 + g1 + g2)·½, (g0 − g1 + g2)·½, g2 */
            for (int j = 0; j < 3; j++) {
                h[0][j] = g[j];
                h[1][j] = (g[j] + g[3 + j] + g[6 + j]) * 0.5f;
                h[2][j] = (g[j] - g[3 + j] + g[6 + j]) * 0.5f;
                h[3][j] = g[6 + j];
            }
            float *out = transformed + (long)f * channels + c;
            for (int a = 0; a < 4; a++) { /* (G g) Gᵀ: the same on the columns */
                out[(4 * a) * stride] = h[a][0];
                out[(4 * a + 1) * stride] = (h[a][0] + h[a][1] + h[a][2]) * 0.5f;
                out[(4 * a + 2) * stride] = (h[a][0] - h[a][1] + h[a][2]) * 0.5f;
                out[(4 * a + 3) * stride] = h[a][2];
            }
        }
}

/* The weight gradient Gᵀ u G [F, C, 3, 3] from its transformed form [16, F, C], for the filters
   [first, end). */
__attribute__((target("avx2")))
static void transform_filter_gradient(int filters, int channels, const float *transformed, float *gradient, int first, int end) {
    const long stride = folio_winograd_stride(filters, channels);
    for (int f = first; f < end; f++)
        for (int c = 0; c < channels; c++) {
            const float *u = transformed + (long)f * channels + c;
            float h[3][4]; /* Gᵀ u: rows u0 + (u1 + u2)·½, (u1 − u2)·½, (u1 + u2)·½ + u3 */
            for (int j = 0; j < 4; j++) {
                const float u0 = u[j * stride], u1 = u[(4 + j) * stride], u2 = u[(8 + j) * stride],
                            u3 = u[(12 + j) * stride];
                h[0][j] = u0 + (u1 + u2) * 0.5f;
                h[1][j] = (u1 - u2) * 0.5f;
                h[2][j] = (u1 + u2) * 0.5f + u3;
            }
            float *g = gradient + ((long)f * channels + c) * 9;
            for (int i = 0; i < 3; i++) { /* (Gᵀ u) G: the same on the columns */
                g[3 * i] = h[i][0] + (h[i][1] + h[i][2]) * 0.5f;
                g[3 * i + 1] = (h[i][1] - h[i][2]) * 0.5f;
                g[3 * i + 2] = (h[i][1] + h[i][2]) * 0.5f + h[i][3];
            }
        }
}

/* ---- Products ---- */

/* Columns [t, t + 8·V) of rows r0 … r0 + R − 1 of c = a · b (V = 1 or 2 and R = 1 … 6,
   constants at every call): c[r, t] = fma chain from zero over p = 0, …, k − 1 of a(r, p) ·
   b[p, t], a(r, p) at a[(r0 + r) · rs + p · ps]. */
KERNEL void product_block(int V, int R, const float *a, long rs, long ps, int k, const float *b, long ldb, float *c, long ldc) {
    __m256 acc[6][2];
    for (int i = 0; i < R; i++)
        for (int v = 0; v < V; v++) acc[i][v] = _mm256_setzero_ps();
    for (int p = 0; p < k; p++) {
        __m256 column[2];
        for (int v = 0; v < V; v++) column[v] = _mm256_loadu_ps(b + (long)p * ldb + 8 * v);
        for (int i = 0; i < R; i++) {
            const __m256 value = _mm256_broadcast_ss(a + i * rs + (long)p * ps);
            for (int v = 0; v < V; v++) acc[i][v] = _mm256_fmadd_ps(value, column[v], acc[i][v]);
        }
    }
    for (int i = 0; i < R; i++)
        for (int v = 0; v < V; v++) _mm256_storeu_ps(c + (long)i * ldc + 8 * v, acc[i][v]);
}

/* Rows r0 … r0 + R − 1 of c, sixteen columns at a time, then eight. */
KERNEL void product_rows(int R, int n, int k, const float *a, long rs, long ps, const float *b, long ldb, float *c, long ldc) {
    int t = 0;
    for (; t + 16 <= n; t += 16) product_block(2, R, a, rs, ps, k, b + t, ldb, c + t, ldc);
    if (t < n) product_block(1, R, a, rs, ps, k, b + t, ldb, c + t, ldc);
}

/* c [m, n] = a [m, k] · b [k, n] for n a multiple of 8, a(r, p) at a[r · rs + p · ps]; each
   element as `product_block` says. Rows go six at a time, so that each loaded column of b
   serves twelve multiply-adds, and the last m mod 6 together. */
__attribute__((target("avx2,fma")))
static void product(int m, int n, int k, const float *a, long rs, long ps, const float *b, long ldb, float *c, long ldc) {
    int r0 = 0;
    for (; r0 + 6 <= m; r0 += 6) product_rows(6, n, k, a + r0 * rs, rs, ps, b, ldb, c + (long)r0 * ldc, ldc);
    switch (m - r0) {
    case 1: product_rows(1, n, k, a + r0 * rs, rs, ps, b, ldb, c + (long)r0 * ldc, ldc); break;
    case 2: product_rows(2, n, k, a + r0 * rs, rs, ps, b, ldb, c + (long)r0 * ldc, ldc); break;
    case 3: product_rows(3, n, k, a + r0 * rs, rs, ps, b, ldb, c + (long)r0 * ldc, ldc); break;
    case 4: product_rows(4, n, k, a + r0 * rs, rs, ps, b, ldb, c + (long)r0 * ldc, ldc); break;
    case 5: product_rows(5, n, k, a + r0 * rs, rs, ps, b, ldb, c + (long)r0 * ldc, ldc); break;
    default: break;
    }
}

/* g [m, n] = z [m, k] · vᵀ ([k, n] from v [n, k]) for k a multiple of 8: g[i, j] = lane_sum of
   eight fma chains from zero, lane l over the p ≡ l (mod 8) in order, of z[i, p] · v[j, p].
   Four rows of z against three of v at a time (past the end, the last again, not stored). */
__attribute__((target("avx2,fma")))
static void product_transposed(int m, int n, int k, const float *z, long ldz, const float *v, long ldv, float *g, long ldg) {
    for (int i0 = 0; i0 < m; i0 += 4)
        for (int j0 = 0; j0 < n; j0 += 3) {
            const float *left[4], *right[3];
            for (int i = 0; i < 4; i++) left[i] = z + (long)(i0 + i < m ? i0 + i : m - 1) * ldz;
            for (int j = 0; j < 3; j++) right[j] = v + (long)(j0 + j < n ? j0 + j : n - 1) * ldv;
            __m256 acc[4][3];
            for (int i = 0; i < 4; i++)
                for (int j = 0; j < 3; j++) acc[i][j] = _mm256_setzero_ps();
            for (int p = 0; p < k; p += 8) {
                __m256 columns[3];
                for (int j = 0; j < 3; j++) columns[j] = _mm256_loadu_ps(right[j] + p);
                for (int i = 0; i < 4; i++) {
                    const __m256 row = _mm256_loadu_ps(left[i] + p);
                    for (int j = 0; j < 3; j++) acc[i][j] = _mm256_fmadd_ps(row, columns[j], acc[i][j]);
                }
            }
            for (int i = 0; i < 4 && i0 + i < m; i++)
                for (int j = 0; j < 3 && j0 + j < n; j++) g[(long)(i0 + i) * ldg + j0 + j] = lane_sum(acc[i][j]);
        }
}

/* s[i] = lane_sum of eight lanes of sums, lane l over the p ≡ l (mod 8) in order, of z[i, p], for
   k a multiple of 8. */
__attribute__((target("avx2,fma")))
static void row_sums(int m, int k, const float *z, long ldz, float *s) {
    for (int i = 0; i < m; i++) {
        __m256 sum = _mm256_setzero_ps();
        for (int p = 0; p < k; p += 8) sum = _mm256_add_ps(sum, _mm256_loadu_ps(z + (long)i * ldz + p));
        s[i] = lane_sum(sum);
    }
}

/* ---- Blocks ---- */

/* Where a block's pieces are: its images, and the scratch space's parts. */
typedef struct {
    int first, count;      /* the block's first image and its number of images */
    long tiles, columns;   /* its tiles, and those rounded up to 8 (the products' width) */
    long row;              /* the tile matrices' row length */
    float *narrow, *wide;  /* tile matrices [16, C, row] and [16, F, row] */
    long narrowStride, wideStride;
} Block;

static Block block(int channels, int height, int width, int filters, int batch, float *scratch, int index) {
    const int images = folio_winograd_block_images(height, width);
    Block b;
    b.first = index * images;
    b.count = batch - b.first < images ? batch - b.first : images;
    b.tiles = (long)b.count * ((height + 1) / 2) * ((width + 1) / 2);
    b.columns = (b.tiles + 7) / 8 * 8;
    b.row = folio_winograd_block_row(height, width);
    b.narrow = scratch; /* the parts in the order `folio_winograd_scratch` counts them */
    b.narrowStride = folio_winograd_stride(channels, b.row);
    b.wide = b.narrow + 16 * b.narrowStride;
    b.wideStride = folio_winograd_stride(filters, b.row);
    return b;
}

/* Zeros columns [tiles, columns) of a tile matrix's 16 × rows rows, which the transforms leave. */
static void clear_tail(const Block *b, float *tiles, int rows, long stride) {
    for (int x = 0; x < 16; x++)
        for (int r = 0; r < rows; r++)
            for (long t = b->tiles; t < b->columns; t++) tiles[x * stride + r * b->row + t] = 0;
}

/* The block's images of `images` [batch, rows, H, W] transformed into `tiles`. */
static void transform_block(const Block *b, int rows, int height, int width, const float *images, float *tiles) {
    transform_input(rows, height, width, images + (long)b->first * rows * height * width, tiles, b->row, 0, b->count);
}

void folio_winograd_forward(
    int channels, int height, int width, int filters, int batch, const float *input, const float *transformed,
    const float *bias, float *output, float *scratch, int first, int end) {
    const long filterStride = folio_winograd_stride(filters, channels);
    for (int index = first; index < end; index++) {
        const Block b = block(channels, height, width, filters, batch, scratch, index);
        transform_block(&b, channels, height, width, input, b.narrow);
        for (int x = 0; x < 16; x++) /* M[ξ] = U[ξ] · V[ξ]: [F, C] · [C, tiles] */
            product(filters, (int)b.columns, channels, transformed + x * filterStride, channels, 1, b.narrow + x * b.narrowStride,
                b.row, b.wide + x * b.wideStride, b.row);
        transform_output(filters, height, width, b.wide, b.row, bias,
            output + (long)b.first * filters * height * width, 0, b.count);
    }
}

/* σ: where row or column a of a transformed filter goes when the filter is rotated by 180°. */
static int rotated(int a) { return a == 0 || a == 3 ? 3 - a : a; }

void folio_winograd_backward(
    int channels, int height, int width, int filters, int batch, const float *input, const float *outputGradient,
    const float *transformed, float *shares, float *inputGradient, float *scratch, int first, int end) {
    const long filterStride = folio_winograd_stride(filters, channels);
    const long plane = (long)height * width;
    for (int index = first; index < end; index++) {
        const Block b = block(channels, height, width, filters, batch, scratch, index);
        float *share = shares + index * folio_winograd_share(filters, channels);
        transform_block(&b, channels, height, width, input, b.narrow); /* V */
        clear_tail(&b, b.narrow, channels, b.narrowStride);
        transform_gradient(filters, height, width, outputGradient + (long)b.first * filters * plane, b.wide, b.row, 0, b.count);
        clear_tail(&b, b.wide, filters, b.wideStride); /* Z */
        for (int x = 0; x < 16; x++) /* Z[ξ] · V[ξ]ᵀ: [F, tiles] · [tiles, C] */
            product_transposed(filters, channels, (int)b.columns, b.wide + x * b.wideStride, b.row,
                b.narrow + x * b.narrowStride, b.row, share + x * filterStride, channels);
        row_sums(filters, (int)b.columns, b.wide + 5 * b.wideStride, b.row, share + 16 * filterStride);
        if (!inputGradient) continue;
        transform_block(&b, filters, height, width, outputGradient, b.wide);
        for (int x = 0; x < 16; x++) { /* [C, F] · [F, tiles]: the rotated filters, channels and filters swapped */
            const int source = rotated(x / 4) * 4 + rotated(x % 4);
            product(channels, (int)b.columns, filters, transformed + source * filterStride, 1, channels,
                b.wide + x * b.wideStride, b.row, b.narrow + x * b.narrowStride, b.row);
        }
        transform_output(channels, height, width, b.narrow, b.row, NULL, inputGradient + (long)b.first * channels * plane, 0,
            b.count);
    }
}

void folio_winograd_gradients(
    int filters, int channels, int blocks, const float *shares, float *transformed, float *weightGradient,
    float *biasGradient, int first, int end) {
    const long filterStride = folio_winograd_stride(filters, channels), share = folio_winograd_share(filters, channels);
    const long weights = 16 * filterStride, from = (long)first * channels, to = (long)end * channels;
    for (int position = 0; position < 16; position++) {
        float *sum = transformed + position * filterStride;
        const float *part = shares + position * filterStride;
        for (long i = from; i < to; i++) sum[i] = part[i];
        for (int index = 1; index < blocks; index++)
            for (long i = from; i < to; i++) sum[i] += part[index * share + i];
    }
    for (int f = first; f < end; f++) {
        biasGradient[f] = shares[weights + f];
        for (int index = 1; index < blocks; index++) biasGradient[f] += shares[index * share + weights + f];
    }
    transform_filter_gradient(filters, channels, transformed, weightGradient, first, end);
}

#else

void folio_winograd_filters(int filters, int channels, const float *weights, float *transformed, int first, int end) {
    (void)filters; (void)channels; (void)weights; (void)transformed; (void)first; (void)end;
    __builtin_trap();
}
void folio_winograd_forward(
    int channels, int height, int width, int filters, int batch, const float *input, const float *transformed,
    const float *bias, float *output, float *scratch, int first, int end) {
    (void)channels; (void)height; (void)width; (void)filters; (void)batch; (void)input; (void)transformed; (void)bias;
    (void)output; (void)scratch; (void)first; (void)end;
    __builtin_trap();
}
void folio_winograd_backward(
    int channels, int height, int width, int filters, int batch, const float *input, const float *outputGradient,
    const float *transformed, float *shares, float *inputGradient, float *scratch, int first, int end) {
    (void)channels; (void)height; (void)width; (void)filters; (void)batch; (void)input; (void)outputGradient;
    (void)transformed; (void)shares; (void)inputGradient; (void)scratch; (void)first; (void)end;
    __builtin_trap();
}
void folio_winograd_gradients(
    int filters, int channels, int blocks, const float *shares, float *transformed, float *weightGradient,
    float *biasGradient, int first, int end) {
    (void)filters; (void)channels; (void)blocks; (void)shares; (void)transformed; (void)weightGradient; (void)biasGradient;
    (void)first; (void)end;
    __builtin_trap();
}

#endif
