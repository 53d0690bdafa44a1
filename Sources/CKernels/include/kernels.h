#ifndef FOLIO_KERNELS_H
#define FOLIO_KERNELS_H

/// Matrix products of a fully connected layer at small batches (a few rows), where a
/// general sgemm spends most of its time packing operands it then uses once or twice.
/// These read the weights once per pair of batch rows in the forward pass and once in the
/// whole backward pass (input gradient, weight gradient and update together), with AVX2 and
/// FMA; the caller checks at run time that the CPU has them.
///
/// Every result element is computed in one fixed order of fused multiply-adds (written out
/// at each function), whatever range of it a call covers: calls over disjoint ranges, from
/// any number of threads, compute exactly what one call over the whole would.
///
/// All matrices are row-major floats. `x` is the layer's input [m, k] (row stride `ldx`),
/// `w` its weights [k, n], `y` its output [m, n], `dy` the output's gradient [m, n].

/// Whether this CPU runs the kernels (x86-64 with AVX2 and FMA); if not, calling them is an error.
int folio_kernels_available(void);

/// Adam's update of `count` elements: m = β₁ m + (1 − β₁) g, v = β₂ v + (1 − β₂) g · g,
/// value −= rate · m / (√v + ε), each product and sum rounded on its own as in Swift's scalar
/// loop (`Optimizers.swift`), eight elements at a time.
void folio_adam(
    long count, float *value, const float *gradient, float *m, float *v, float beta1, float beta2, float rate,
    float epsilon);

/// y[r, j] += Σ_p x[r, p] · w[p, j] for the columns j in [first, end), m ≤ 4: starting from
/// y's value, y = fma(x[r, p], w[p, j], y) for p = 0, 1, …, k − 1.
void folio_small_forward(
    int m, int n, int k, const float *x, int ldx, const float *w, float *y, int first, int end);

/// For the weight rows i in [first, end), m ≤ 4, in one pass over them:
/// - dx[r, i] = Σ_j dy[r, j] · w[i, j] with the weights before any update (skipped when
///   `dx` is NULL; row stride k): eight lanes of fma chains, lane l over the columns
///   j ≡ l (mod 8) in order, then the lanes summed pairwise (l + (l+4), then + (l+2), then
///   lane 0 + lane 1);
/// - g[i, j] = Σ_r x[r, i] · dy[r, j] (x[0, i] · dy[0, j], then fma over r = 1, …, m − 1),
///   stored to `gradient` unless it is NULL;
/// - when `update` is nonzero, w[i, j] = fma(s_r, dy[r, j], w[i, j]) for r = 0, …, m − 1 with
///   s_r = −rate · x[r, i]: the update does not go through g, so it is the same whether the
///   gradient is kept or not.
void folio_small_backward(
    int m, int n, int k, const float *x, int ldx, const float *dy, float *w, float *dx, float *gradient,
    float rate, int update, int first, int end);

/// A 3×3 convolution at stride 1 with 'same' padding over few input channels (a network's
/// first layer), computed directly instead of through im2col and sgemm, whose product has only
/// C·9 terms per output there and whose patch matrix and transposes cost more than the
/// product. Images are NCHW; `padded` holds each image's C planes with a border of one zero
/// row above and below and one zero column left and right: [batch, C, H + 2, W + 2].

/// Copies images [first, end) of `input` [batch, C, H, W] into `padded` [batch, C, H + 2,
/// W + 2], the image at row 1, column 1, zeros around it.
void folio_pad_planes(int channels, int height, int width, const float *input, float *padded, int first, int end);

/// out[n, f, y, x] = fma chain from bias[f] over c, i, j (in that order, j fastest) of
/// weights[f, c, i, j] · padded[n, c, y + i, x + j], for images n in [first, end), F filters.
void folio_conv3x3_forward(
    int channels, int height, int width, int filters, const float *padded, const float *weights, const float *bias,
    float *output, int first, int end);

/// For the filters f in [first, end): gradient[f, c, i, j] = Σ_n Σ_y Σ_x dy[n, f, y, x] ·
/// padded[n, c, y + i, x + j] and biasGradient[f] = Σ dy[n, f, ·, ·], each as eight lanes of
/// fma chains (lane l over the columns x ≡ l (mod 8), images and rows in order) summed
/// pairwise as in `folio_small_backward`.
void folio_conv3x3_weight_gradient(
    int channels, int height, int width, int filters, int batch, const float *padded, const float *outputGradient,
    float *gradient, float *biasGradient, int first, int end);

/// Winograd F(2×2, 3×3) for 3×3 convolutions at stride 1 with 'same' padding over many
/// channels (`winograd.c`): each 2×2 block ("tile") of the output comes from the 4×4 block of
/// the padded input around it, y = Aᵀ[(G g Gᵀ) ⊙ (Bᵀ d B)]A, so that the 9·4 multiplications
/// per tile and channel pair of the direct product become 16, done as 16 matrix products (one
/// per position ξ = 4a + b of the 4×4 transformed tile):
///   Bᵀ = [1 0 −1 0; 0 1 1 0; 0 −1 1 0; 0 1 0 −1], G = [1 0 0; ½ ½ ½; ½ −½ ½; 0 0 1],
///   Aᵀ = [1 1 1 0; 0 1 −1 −1].
/// An H×W image has ⌈H/2⌉·⌈W/2⌉ tiles, numbered row by row, image after image; tiles past an
/// odd edge read zeros and their outputs are dropped. The transforms add, subtract and halve
/// only (no multiply-add fused), so they give the same values on every machine.
///
/// The batch is worked through in blocks of `folio_winograd_block_images` images, each
/// transformed, multiplied and transformed back while its tile matrices (a few hundred KiB)
/// are in the core's cache: [16, rows, `folio_winograd_block_row`] each, the 16 matrices
/// `folio_winograd_stride` values apart. The products are the engine's own (AVX2 and FMA):
/// every product element is one chain of fused multiply-adds from zero over the summed index
/// in order, so a block's values do not depend on which thread computes it, or with what.

/// Values from one of a tile matrix's 16 matrices to the next: rows · tileCount rounded up to
/// a multiple of 1024, plus 16. The transforms read or write all 16 at once, and 16 streams a
/// multiple of 4 KiB apart would compete for the same cache sets.
static inline long folio_winograd_stride(int rows, long tileCount) {
    return ((long)rows * tileCount + 1023) / 1024 * 1024 + 16;
}

/// Images per block: as many as make about 100 tiles, at least one.
static inline int folio_winograd_block_images(int height, int width) {
    const int tiles = (height + 1) / 2 * ((width + 1) / 2);
    return tiles >= 100 ? 1 : 100 / tiles;
}

/// The length of a row of a block's tile matrices: its tiles rounded up to a multiple of 8 (the
/// products' width), and 8 more, which the transforms may write past the last tile.
static inline long folio_winograd_block_row(int height, int width) {
    const long tiles = (long)((height + 1) / 2 * ((width + 1) / 2)) * folio_winograd_block_images(height, width);
    return (tiles + 7) / 8 * 8 + 8;
}

/// Floats of the scratch space one thread works a block in: two tile matrices, one over C
/// rows and one over F.
static inline long folio_winograd_scratch(int channels, int height, int width, int filters) {
    const long row = folio_winograd_block_row(height, width);
    return 16 * (folio_winograd_stride(channels, row) + folio_winograd_stride(filters, row));
}

/// Floats of a block's share of the gradients (`folio_winograd_backward`): the transformed
/// weight gradient [16, F, C] (16 matrices `folio_winograd_stride(F, C)` apart), then the bias
/// gradient [F], rounded up to a multiple of 16.
static inline long folio_winograd_share(int filters, int channels) {
    return (16 * folio_winograd_stride(filters, channels) + filters + 15) / 16 * 16;
}

/// The transformed filters G g Gᵀ of filters [first, end) of `weights` [F, C, 3, 3] into
/// `transformed` [16, F, C] (16 matrices `folio_winograd_stride(F, C)` apart).
void folio_winograd_filters(int filters, int channels, const float *weights, float *transformed, int first, int end);

/// Blocks [first, end) of the forward pass: output [batch, F, H, W] = the convolution of
/// `input` [batch, C, H, W] with the filters `transformed` by `folio_winograd_filters`, plus
/// `bias`. `scratch` holds `folio_winograd_scratch` floats, one thread's own.
void folio_winograd_forward(
    int channels, int height, int width, int filters, int batch, const float *input, const float *transformed,
    const float *bias, float *output, float *scratch, int first, int end);

/// Blocks [first, end) of the backward pass, from the forward pass's input and the output
/// gradient: each block's share of the transformed weight gradient Σ Z · Vᵀ (Z = A dy Aᵀ the
/// output gradient's tiles, V = Bᵀ d B the input's; each element eight lanes of fma chains, lane
/// l over the tiles ≡ l (mod 8) in order, summed as `lane_sum`) and of the bias gradient (the
/// sum of Z at ξ = 5, eight lanes of sums likewise) into `shares` [blocks,
/// `folio_winograd_share`]; and, unless `inputGradient` is NULL, the input gradient of the
/// block's images: the forward transform over the output gradient, with the filters rotated by
/// 180° and channels and filters swapped.
void folio_winograd_backward(
    int channels, int height, int width, int filters, int batch, const float *input, const float *outputGradient,
    const float *transformed, float *shares, float *inputGradient, float *scratch, int first, int end);

/// The weight gradient [F, C, 3, 3] and bias gradient [F] of the filters [first, end) from the
/// blocks' shares: summed block after block in order, then the weight gradient Gᵀ u G.
/// `transformed` is scratch for 16 matrices `folio_winograd_stride(F, C)` apart.
void folio_winograd_gradients(
    int filters, int channels, int blocks, const float *shares, float *transformed, float *weightGradient,
    float *biasGradient, int first, int end);

/// Batch normalization (optional), ReLU and 2×2 max pooling over a convolution's output
/// [batch, C, H, W] with even H and W, as one pass forward and one or two backward
/// (`rectified_pooling.c`). The layers' expressions, in their order: x̂ = (x − center[c]) ·
/// scale[c], y = gain[c] · x̂ + shift[c] (product, then sum), r = y < 0 ? 0 : y, the output
/// max(max(r₀₀, r₀₁), max(r₁₀, r₁₁)) with max(a, b) = b ≥ a ? b : a. Without normalization
/// (`gain` NULL) r comes from the input itself. Backward, each output's gradient goes to the
/// first cell of its window (top left, top right, bottom left, bottom right) whose r equals
/// the output, and is kept there where r > 0: that is dy, the gradient of the normalization's
/// output (of the input without normalization); every other cell's dy is 0.
///
/// Forward, over the row pairs [first, end) (pair p: rows 2·(p mod H/2) and the next of plane
/// p / (H/2), channel (p / (H/2)) mod C): the pooled output [batch, C, H/2, W/2].
void folio_relu_pool_forward(
    int channels, int height, int width, const float *input, const float *center, const float *scale, const float *gain,
    const float *shift, float *output, int first, int end);

/// Backward without normalization, over the row pairs [first, end): dy into `gradient`
/// [batch, C, H, W].
void folio_relu_pool_backward(
    int width, const float *input, const float *output, const float *outputGradient, float *gradient, int first, int end);

/// Backward with normalization, first pass, over the planes (an image's channel) [first,
/// end): each plane's Σ dy and Σ dy · x̂ into `sums`[2·plane] and `sums`[2·plane + 1], summed as
/// `Elementwise.sumAndDot` sums them (eight lanes, lane l over the cells ≡ l (mod 8), the lanes
/// added in order, then the last H·W mod 8 cells). The parameter gradients dβ and dγ of a
/// channel are its planes' sums added in the order of the images. `scratch` holds
/// 2 · (H·W + 16) floats, the calling thread's own.
void folio_norm_relu_pool_sums(
    int channels, int height, int width, const float *input, const float *center, const float *scale, const float *gain,
    const float *shift, const float *output, const float *outputGradient, float *sums, float *scratch, int first,
    int end);

/// Backward with normalization, second pass, over the planes [first, end) (plane p: image
/// p / C, channel p mod C): the normalization's input gradient dx = factor[c] · (count · dy −
/// shiftGradient[c] − x̂ · gainGradient[c]) into `gradient` [batch, C, H, W].
void folio_norm_relu_pool_gradient(
    int channels, int height, int width, const float *input, const float *center, const float *scale, const float *gain,
    const float *shift, const float *output, const float *outputGradient, const float *shiftGradient,
    const float *gainGradient, const float *factor, float count, float *gradient, int first, int end);

#endif
