#include "kernels.h"

/* Winograd F(2×2, 3×3): the transforms around the 16 matrix products (see kernels.h).
   Only additions, subtractions and multiplications by ½: no multiply-add is fused (the
   functions are compiled for AVX2 without FMA where the CPU has it, and contraction is off), so
   every value is the same on every machine and however the work is split. */

#pragma clang fp contract(off)

#if defined(__x86_64__)
#define TRANSFORM __attribute__((target("avx2")))
#else
#define TRANSFORM
#endif

TRANSFORM
void folio_winograd_input(
    int channels, int height, int width, const float *padded, float *tiles, long tileCount, int first, int end) {
    const int rows = (height + 1) / 2, columns = (width + 1) / 2;
    const int paddedWidth = folio_winograd_padded(width);
    const long paddedPlane = (long)folio_winograd_padded(height) * paddedWidth, stride = folio_winograd_stride(channels, tileCount);
    for (int n = first; n < end; n++)
        for (int c = 0; c < channels; c++) {
            const float *plane = padded + ((long)n * channels + c) * paddedPlane;
            for (int ty = 0; ty < rows; ty++) {
                const float *r0 = plane + (long)(2 * ty) * paddedWidth, *r1 = r0 + paddedWidth, *r2 = r1 + paddedWidth,
                            *r3 = r2 + paddedWidth;
                float *out = tiles + (long)c * tileCount + ((long)n * rows + ty) * columns;
                for (int tx = 0; tx < columns; tx++) {
                    const int x = 2 * tx;
                    float t[4][4]; /* Bᵀ d: rows d0 − d2, d1 + d2, d2 − d1, d1 − d3 */
                    for (int j = 0; j < 4; j++) {
                        t[0][j] = r0[x + j] - r2[x + j];
                        t[1][j] = r1[x + j] + r2[x + j];
                        t[2][j] = r2[x + j] - r1[x + j];
                        t[3][j] = r1[x + j] - r3[x + j];
                    }
                    for (int a = 0; a < 4; a++) { /* (Bᵀ d) B: the same on the columns */
                        float *o = out + (long)(4 * a) * stride + tx;
                        o[0] = t[a][0] - t[a][2];
                        o[stride] = t[a][1] + t[a][2];
                        o[2 * stride] = t[a][2] - t[a][1];
                        o[3 * stride] = t[a][1] - t[a][3];
                    }
                }
            }
        }
}

TRANSFORM
void folio_winograd_output(
    int filters, int height, int width, const float *products, long tileCount, const float *bias, float *output,
    int first, int end) {
    const int rows = (height + 1) / 2, columns = (width + 1) / 2;
    const long stride = folio_winograd_stride(filters, tileCount);
    for (int n = first; n < end; n++)
        for (int f = 0; f < filters; f++) {
            float *plane = output + ((long)n * filters + f) * height * width;
            const float b = bias ? bias[f] : 0;
            for (int ty = 0; ty < rows; ty++) {
                const float *m = products + (long)f * tileCount + ((long)n * rows + ty) * columns;
                const int y = 2 * ty;
                for (int tx = 0; tx < columns; tx++) {
                    float s[2][4]; /* Aᵀ m: rows m0 + m1 + m2, m1 − m2 − m3 */
                    for (int j = 0; j < 4; j++) {
                        const float m0 = m[(long)j * stride + tx], m1 = m[(long)(4 + j) * stride + tx],
                                    m2 = m[(long)(8 + j) * stride + tx], m3 = m[(long)(12 + j) * stride + tx];
                        s[0][j] = m0 + m1 + m2;
                        s[1][j] = m1 - m2 - m3;
                    }
                    const int x = 2 * tx;
                    for (int i = 0; i < 2 && y + i < height; i++) { /* (Aᵀ m) A, plus the bias */
                        float *row = plane + (long)(y + i) * width;
                        row[x] = (s[i][0] + s[i][1] + s[i][2]) + b;
                        if (x + 1 < width) row[x + 1] = (s[i][1] - s[i][2] - s[i][3]) + b;
                    }
                }
            }
        }
}

TRANSFORM
void folio_winograd_gradient_tiles(
    int filters, int height, int width, const float *outputGradient, float *tiles, long tileCount, int first, int end) {
    const int rows = (height + 1) / 2, columns = (width + 1) / 2;
    const long stride = folio_winograd_stride(filters, tileCount);
    for (int n = first; n < end; n++)
        for (int f = 0; f < filters; f++) {
            const float *plane = outputGradient + ((long)n * filters + f) * height * width;
            for (int ty = 0; ty < rows; ty++) {
                const int y = 2 * ty;
                float *out = tiles + (long)f * tileCount + ((long)n * rows + ty) * columns;
                for (int tx = 0; tx < columns; tx++) {
                    const int x = 2 * tx;
                    /* The tile's 2×2 output gradient, zero past the image's edge. */
                    const int right = x + 1 < width, below = y + 1 < height;
                    const float p = plane[(long)y * width + x], q = right ? plane[(long)y * width + x + 1] : 0;
                    const float r = below ? plane[(long)(y + 1) * width + x] : 0;
                    const float s = below && right ? plane[(long)(y + 1) * width + x + 1] : 0;
                    /* A g: rows [p, q], [p + r, q + s], [p − r, q − s], [−r, −s]; then each row [u, v]
                       times Aᵀ: [u, u + v, u − v, −v]. */
                    const float u[4] = {p, p + r, p - r, -r}, v[4] = {q, q + s, q - s, -s};
                    for (int a = 0; a < 4; a++) {
                        float *o = out + (long)(4 * a) * stride + tx;
                        o[0] = u[a];
                        o[stride] = u[a] + v[a];
                        o[2 * stride] = u[a] - v[a];
                        o[3 * stride] = -v[a];
                    }
                }
            }
        }
}

TRANSFORM
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

TRANSFORM
void folio_winograd_filter_gradient(
    int filters, int channels, const float *transformed, float *gradient, int first, int end) {
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
