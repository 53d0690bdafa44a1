import CKernels

/// 3×3 convolutions at stride 1 with 'same' padding over more channels than
/// `DirectConvolution` takes, through Winograd's F(2×2, 3×3) (Lavin & Gray, 2016): each 2×2
/// block of the output ("tile") is Aᵀ[(G g Gᵀ) ⊙ (Bᵀ d B)]A for the 4×4 input block d around
/// it, so a convolution becomes 16 matrix products, one per position of the transformed 4×4
/// tile, with 16 multiplications per tile and channel pair instead of im2col's 36: 2.25 times
/// fewer flops, and no patch matrix nine times the input's size.
///
/// - Forward: the input tiles V = Bᵀ d B [16, C, T] (T tiles) and the filters'
///   U = G g Gᵀ [16, F, C]; M = U · V [16, F, T]; the output is Aᵀ M A plus the bias.
/// - Weight gradient: the output gradient's tiles Z = A dy Aᵀ [16, F, T]; Z · Vᵀ [16, F, C];
///   dW = Gᵀ (Z · Vᵀ) G; the bias gradient is the sum of position 5 of Z (the sum of each
///   tile's four gradients).
/// - Input gradient: the same forward transform over the padded output gradient, with the
///   filters rotated by 180° and channels and filters swapped. Rotating g permutes the rows
///   and columns of G g Gᵀ (0 ↔ 3), so the product at position (a, b) uses Uᵀ at (σa, σb),
///   σ = (3, 1, 2, 0), with no second filter transform.
///
/// The batch goes through in blocks of a few images (about 100 tiles, CKernels' `winograd.c`),
/// each transformed, multiplied and transformed back while its tile matrices are in the core's
/// cache, with the engine's own products: no tile matrix of the whole batch is written to
/// memory, nothing is packed, and V is computed again in the backward pass rather than kept.
/// The weight gradient is summed block by block into one share per block, and the shares in
/// block order, so every number is the same however the blocks are split over threads, and on
/// every machine with AVX2 and FMA whatever its BLAS. Results differ from im2col's in the last
/// bits, as any other order of summation would. Used where the CPU has AVX2 and FMA; elsewhere
/// layers take the im2col path.
final class WinogradConvolution {
    /// Whether the transforms compute a convolution of this geometry on this CPU (layers over
    /// one to three channels take `DirectConvolution` instead, `Convolution.Method`).
    static func fits(kernel: Int, stride: Int, padding: Padding) -> Bool {
        AVX2.isAvailable && kernel == 3 && stride == 1 && padding == .same
    }

    private let shape: FeatureShape
    private let filters: Int
    /// U, 16 matrices [F, C].
    private let transformedFilters: Matrix
    /// Σ Z · Vᵀ, 16 matrices [F, C].
    private let transformedGradient: Matrix
    /// Two threads' scratch space for their blocks (`folio_winograd_scratch` floats each).
    private let scratch: Matrix
    /// Each block's share of the weight and bias gradients, [blocks, `folio_winograd_share`].
    private let shares: Matrix
    /// The batch size of the last forward pass.
    private var batch = 0

    init(shape: FeatureShape, filters: Int) {
        self.shape = shape
        self.filters = filters
        let filterStride = folio_winograd_stride(Int32(filters), shape.channels)
        transformedFilters = Matrix(rows: 16, columns: filterStride)
        transformedGradient = Matrix(rows: 16, columns: filterStride)
        let (c, h, w, f) = (Int32(shape.channels), Int32(shape.height), Int32(shape.width), Int32(filters))
        scratch = Matrix(rows: 2, columns: folio_winograd_scratch(c, h, w, f))
        shares = Matrix(rows: 0, columns: folio_winograd_share(f, c))
    }

    private var blockImages: Int { Int(folio_winograd_block_images(Int32(shape.height), Int32(shape.width))) }

    private func blocks(_ batch: Int) -> Int { (batch + blockImages - 1) / blockImages }

    /// output [batch, F·H·W] = the convolution of `input` [batch, C·H·W] with `weights` [F, C·9], plus `bias`.
    func forward(input: Matrix, weights: Matrix, bias: Matrix, output: Matrix) {
        batch = input.rows
        Parallel.split(filters, work: weights.count * 16, Loop(step: .transformFilters, layer: self, first: weights))
        Parallel.split(
            blocks(batch), work: output.count * 16, grain: 1,
            Loop(step: .forward, layer: self, first: input, second: output, third: bias))
    }

    /// The weight and bias gradients, and the input gradient unless it is nil, from the
    /// output gradient of the last forward pass, whose input (`input`) and weights must not
    /// have changed since.
    func backward(
        input: Matrix, outputGradient: Matrix, weightGradient: Matrix, biasGradient: Matrix, inputGradient: Matrix?
    ) {
        precondition(outputGradient.rows == batch && input.rows == batch, "conv: backward for another batch than forward")
        let count = blocks(batch)
        shares.resize(rows: count)
        Parallel.split(
            count, work: outputGradient.count * 32, grain: 1,
            Loop(step: .backward, layer: self, first: input, second: outputGradient, third: inputGradient))
        Parallel.split(
            filters, work: shares.count,
            Loop(step: .gradients(blocks: count), layer: self, first: weightGradient, second: biasGradient))
    }

    /// The filter transform and the gradients' sums, split over filters, and the passes, over
    /// blocks taken in turn (each thread in its own scratch space).
    private struct Loop: SplitLoop {
        enum Step {
            /// U from the weights (`first`), over filters.
            case transformFilters
            /// The output (`second`) from the input (`first`) and the bias (`third`), over blocks.
            case forward
            /// The blocks' shares and the input gradient (`third`, unless nil) from the input
            /// (`first`) and the output gradient (`second`), over blocks.
            case backward
            /// The weight gradient (`first`) and bias gradient (`second`) from the shares of
            /// `blocks` blocks, over filters.
            case gradients(blocks: Int)
        }
        let step: Step
        let layer: WinogradConvolution
        let first: Matrix
        var second: Matrix? = nil
        var third: Matrix? = nil

        func run(_ range: Range<Int>) { run(range, worker: 0) }

        func run(_ range: Range<Int>, worker: Int) {
            let shape = layer.shape
            let (c, h, w, f) = (Int32(shape.channels), Int32(shape.height), Int32(shape.width), Int32(layer.filters))
            let (lower, upper) = (Int32(range.lowerBound), Int32(range.upperBound))
            let scratch = layer.scratch.row(worker)
            let batch = Int32(layer.batch)
            switch step {
            case .transformFilters:
                folio_winograd_filters(f, c, first.data, layer.transformedFilters.data, lower, upper)
            case .forward:
                folio_winograd_forward(
                    c, h, w, f, batch, first.data, layer.transformedFilters.data, third?.data, second?.data, scratch,
                    lower, upper)
            case .backward:
                folio_winograd_backward(
                    c, h, w, f, batch, first.data, second?.data, layer.transformedFilters.data, layer.shares.data,
                    third?.data, scratch, lower, upper)
            case .gradients(let blocks):
                folio_winograd_gradients(
                    f, c, Int32(blocks), layer.shares.data, layer.transformedGradient.data, first.data, second?.data, lower,
                    upper)
            }
        }
    }
}
