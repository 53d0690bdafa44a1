import CKernels

/// 3×3 convolutions at stride 1 with 'same' padding over more channels than
/// `DirectConvolution` takes, through Winograd's F(2×2, 3×3) (Lavin & Gray, 2016): each 2×2
/// block of the output ("tile") is Aᵀ[(G g Gᵀ) ⊙ (Bᵀ d B)]A for the 4×4 input block d around
/// it, so a convolution becomes 16 matrix products, one per position of the transformed 4×4
/// tile, with 16 multiplications per tile and channel pair instead of im2col's 36: 2.25 times
/// fewer flops, and no patch matrix nine times the input's size.
///
/// - Forward: the input tiles V = Bᵀ d B [16, C, T] (T tiles in the batch) and the filters'
///   U = G g Gᵀ [16, F, C]; M = U · V [16, F, T]; the output is Aᵀ M A plus the bias.
/// - Weight gradient: the output gradient's tiles Z = A dy Aᵀ [16, F, T]; Z · Vᵀ [16, F, C]
///   (V kept from the forward pass); dW = Gᵀ (Z · Vᵀ) G; the bias gradient is the sum of
///   position 5 of Z (the sum of each tile's four gradients).
/// - Input gradient: the same forward transform over the padded output gradient, with the
///   filters rotated by 180° and channels and filters swapped. Rotating g permutes the rows
///   and columns of G g Gᵀ (0 ↔ 3), so the product at position (a, b) uses Uᵀ at (σa, σb),
///   σ = (3, 1, 2, 0), with no second filter transform.
///
/// The transforms (CKernels' `winograd.c`) add, subtract and halve only, and every output is
/// computed the same way however the work is split (by images or filters); the products go
/// to sgemm. Results differ from im2col's in the last bits, as any other order of summation
/// would. Used where the CPU has AVX2 (the transforms are compiled for it); elsewhere layers
/// take the im2col path.
final class WinogradConvolution {
    /// Whether the transforms compute a convolution of this geometry on this CPU (layers over
    /// one to three channels take `DirectConvolution` instead, `Convolution.Method`).
    static func fits(kernel: Int, stride: Int, padding: Padding) -> Bool {
        AVX2.isAvailable && kernel == 3 && stride == 1 && padding == .same
    }

    private let shape: FeatureShape
    private let filters: Int
    /// The input with its zero border [batch, C·H″·W″], then the output gradient's [batch, F·H″·W″].
    private let padded: Matrix
    /// V, 16 matrices [C, T] (kept from forward to backward), then the input gradient's tiles.
    private let inputTiles: Matrix
    /// M = U · V, 16 matrices [F, T]; in the backward pass Z, then the output gradient's tiles.
    private let productTiles: Matrix
    /// U, 16 matrices [F, C].
    private let transformedFilters: Matrix
    /// Z · Vᵀ, 16 matrices [F, C].
    private let transformedGradient: Matrix
    /// Tiles in the batch of the last forward pass.
    private var tiles = 0

    init(shape: FeatureShape, filters: Int) {
        self.shape = shape
        self.filters = filters
        padded = Matrix(rows: 0, columns: max(shape.channels, filters) * Self.padded(shape.height) * Self.padded(shape.width))
        inputTiles = Matrix(rows: 16, columns: 1)
        productTiles = Matrix(rows: 16, columns: 1)
        let filterStride = folio_winograd_stride(Int32(filters), shape.channels)
        transformedFilters = Matrix(rows: 16, columns: filterStride)
        transformedGradient = Matrix(rows: 16, columns: filterStride)
    }

    /// σ: where row or column a of a transformed filter goes when the filter is rotated by 180°.
    private static func rotated(_ a: Int) -> Int { a == 0 || a == 3 ? 3 - a : a }

    private static func padded(_ size: Int) -> Int { Int(folio_winograd_padded(Int32(size))) }

    private var tilesPerImage: Int { (shape.height + 1) / 2 * ((shape.width + 1) / 2) }

    /// output [batch, F·H·W] = the convolution of `input` [batch, C·H·W] with `weights` [F, C·9], plus `bias`.
    func forward(input: Matrix, weights: Matrix, bias: Matrix, output: Matrix) {
        let batch = input.rows, channels = shape.channels
        tiles = batch * tilesPerImage
        padded.resize(rows: batch)
        inputTiles.reshape(columns: folio_winograd_stride(Int32(channels), tiles))
        productTiles.reshape(columns: folio_winograd_stride(Int32(filters), tiles))
        Parallel.split(filters, work: weights.count * 16, Loop(step: .transformFilters, layer: self, first: weights))
        Parallel.split(batch, work: inputTiles.count, Loop(step: .transformInput, layer: self, first: input))
        for position in 0..<16 {
            // M[ξ] = U[ξ] · V[ξ]: [F, C] · [C, T]
            BLAS.gemm(
                transposeA: false, transposeB: false, m: filters, n: tiles, k: channels,
                a: transformedFilters.row(position), lda: channels, b: inputTiles.row(position), ldb: tiles,
                beta: 0, c: productTiles.row(position), ldc: tiles)
        }
        Parallel.split(batch, work: productTiles.count, Loop(step: .transformOutput, layer: self, first: output, second: bias))
    }

    /// The weight and bias gradients, and the input gradient unless it is nil, from the
    /// output gradient of the last forward pass (whose weights must not have changed since).
    func backward(outputGradient: Matrix, weightGradient: Matrix, biasGradient: Matrix, inputGradient: Matrix?) {
        precondition(outputGradient.rows * tilesPerImage == tiles, "conv: backward for another batch than forward")
        let batch = outputGradient.rows, channels = shape.channels
        Parallel.split(batch, work: productTiles.count, Loop(step: .transformGradient, layer: self, first: outputGradient))
        let sums = productTiles.row(5)
        for f in 0..<filters { biasGradient.data[f] = Elementwise.sum(sums + f * tiles, count: tiles) }
        for position in 0..<16 {
            // Z[ξ] · V[ξ]ᵀ: [F, T] · [T, C]
            BLAS.gemm(
                transposeA: false, transposeB: true, m: filters, n: channels, k: tiles,
                a: productTiles.row(position), lda: tiles, b: inputTiles.row(position), ldb: tiles,
                beta: 0, c: transformedGradient.row(position), ldc: channels)
        }
        Parallel.split(filters, work: weightGradient.count * 16, Loop(step: .filterGradient, layer: self, first: weightGradient))
        guard let inputGradient else { return }
        Parallel.split(batch, work: productTiles.count, Loop(step: .transformOutputGradient, layer: self, first: outputGradient))
        for position in 0..<16 {
            let source = Self.rotated(position / 4) * 4 + Self.rotated(position % 4)
            // [C, F] · [F, T]: the rotated filters, channels and filters swapped.
            BLAS.gemm(
                transposeA: true, transposeB: false, m: channels, n: tiles, k: filters,
                a: transformedFilters.row(source), lda: channels, b: productTiles.row(position), ldb: tiles,
                beta: 0, c: inputTiles.row(position), ldc: tiles)
        }
        Parallel.split(batch, work: inputTiles.count, Loop(step: .transformInputGradient, layer: self, first: inputGradient))
    }

    /// The transforms, split over images or filters.
    private struct Loop: SplitLoop {
        enum Step {
            /// U from the weights (`first`), over filters.
            case transformFilters
            /// The input (`first`) padded, then V, over images.
            case transformInput
            /// M to the output (`first`), adding the bias (`second`), over images.
            case transformOutput
            /// Z from the output gradient (`first`), over images.
            case transformGradient
            /// The weight gradient (`first`) from Z · Vᵀ, over filters.
            case filterGradient
            /// The output gradient (`first`) padded, then its tiles, over images.
            case transformOutputGradient
            /// The products to the input gradient (`first`), over images.
            case transformInputGradient
        }
        let step: Step
        let layer: WinogradConvolution
        let first: Matrix
        var second: Matrix? = nil

        func run(_ range: Range<Int>) {
            let shape = layer.shape
            let (c, h, w, f) = (Int32(shape.channels), Int32(shape.height), Int32(shape.width), Int32(layer.filters))
            let (lower, upper) = (Int32(range.lowerBound), Int32(range.upperBound))
            let (ph, pw) = (folio_winograd_padded(h), folio_winograd_padded(w))
            let tiles = layer.tiles
            switch step {
            case .transformFilters:
                folio_winograd_filters(f, c, first.data, layer.transformedFilters.data, lower, upper)
            case .transformInput:
                folio_pad_planes(c, h, w, ph, pw, first.data, layer.padded.data, lower, upper)
                folio_winograd_input(c, h, w, layer.padded.data, layer.inputTiles.data, tiles, lower, upper)
            case .transformOutput:
                folio_winograd_output(f, h, w, layer.productTiles.data, tiles, second?.data, first.data, lower, upper)
            case .transformGradient:
                folio_winograd_gradient_tiles(f, h, w, first.data, layer.productTiles.data, tiles, lower, upper)
            case .filterGradient:
                folio_winograd_filter_gradient(f, c, layer.transformedGradient.data, first.data, lower, upper)
            case .transformOutputGradient:
                folio_pad_planes(f, h, w, ph, pw, first.data, layer.padded.data, lower, upper)
                folio_winograd_input(f, h, w, layer.padded.data, layer.productTiles.data, tiles, lower, upper)
            case .transformInputGradient:
                folio_winograd_output(c, h, w, layer.inputTiles.data, tiles, nil, first.data, lower, upper)
            }
        }
    }
}
