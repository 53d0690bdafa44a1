import CKernels

/// 3×3 convolutions at stride 1 with 'same' padding over at most three input channels (a
/// network's first layer: grey or colour images), through the engine's own kernels
/// (CKernels) instead of im2col and sgemm. There the product has only C·9 terms per output,
/// and building the patch matrix, multiplying it and transposing the result to NCHW moved
/// ten times the data the convolution needs; the kernels read each image once (padded with
/// a zero border) and write NCHW directly. The weight and bias gradients come from the
/// padded images and the output gradient; the input gradient, when a layer needs one, still
/// goes through sgemm (`Convolution.backward`).
///
/// Forward work is split by images and gradient work by filters, so splitting changes no
/// number. On CPUs without AVX2 and FMA, convolutions take the im2col path.
enum DirectConvolution {
    /// Whether a convolution of this geometry goes through the kernels.
    static func applies(channels: Int, kernel: Int, stride: Int, padding: Padding) -> Bool {
        AVX2.isAvailable && kernel == 3 && stride == 1 && padding == .same && channels <= 3
    }

    /// Values per padded image of `shape`.
    static func paddedCount(_ shape: FeatureShape) -> Int { shape.channels * (shape.height + 2) * (shape.width + 2) }

    /// Pads `input` into `padded` (resized) and writes the convolution of it into `output`.
    static func forward(input: Matrix, padded: Matrix, weights: Matrix, bias: Matrix, shape: FeatureShape, output: Matrix) {
        padded.resize(rows: input.rows)
        let step = Step(kind: .pad, shape: shape, filters: weights.rows, matrices: [input, padded])
        Parallel.split(input.rows, work: input.count, step)
        let convolve = Step(kind: .forward, shape: shape, filters: weights.rows, matrices: [padded, weights, bias, output])
        Parallel.split(input.rows, work: output.count * weights.columns, convolve)
    }

    /// The weight and bias gradients from the padded input of the forward pass.
    static func weightGradient(padded: Matrix, outputGradient: Matrix, shape: FeatureShape, weightGradient: Matrix, biasGradient: Matrix) {
        let step = Step(
            kind: .weightGradient, shape: shape, filters: weightGradient.rows,
            matrices: [padded, outputGradient, weightGradient, biasGradient])
        Parallel.split(weightGradient.rows, work: outputGradient.count * weightGradient.columns, step)
    }

    private struct Step: SplitLoop {
        enum Kind { case pad, forward, weightGradient }
        let kind: Kind
        let shape: FeatureShape
        let filters: Int
        let matrices: [Matrix]

        func run(_ range: Range<Int>) {
            let c = Int32(shape.channels), h = Int32(shape.height), w = Int32(shape.width), f = Int32(filters)
            let first = Int32(range.lowerBound), end = Int32(range.upperBound)
            switch kind {
            case .pad:
                folio_pad_planes(c, h, w, matrices[0].data, matrices[1].data, first, end)
            case .forward:
                folio_conv3x3_forward(c, h, w, f, matrices[0].data, matrices[1].data, matrices[2].data, matrices[3].data, first, end)
            case .weightGradient:
                folio_conv3x3_weight_gradient(
                    c, h, w, f, Int32(matrices[1].rows), matrices[0].data, matrices[1].data, matrices[2].data, matrices[3].data,
                    first, end)
            }
        }
    }
}
