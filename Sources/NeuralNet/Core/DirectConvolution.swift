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
    /// Whether the kernels compute a convolution of this geometry on this CPU.
    static func fits(channels: Int, kernel: Int, stride: Int, padding: Padding) -> Bool {
        AVX2.isAvailable && kernel == 3 && stride == 1 && padding == .same && channels <= 3
    }

    /// Values per padded image of `shape`.
    static func paddedCount(_ shape: FeatureShape) -> Int { shape.channels * (shape.height + 2) * (shape.width + 2) }

    /// Pads `input` into `padded` (resized) and writes the convolution of it into `output`:
    /// each thread pads its own images and convolves them while they are in its cache.
    static func forward(input: Matrix, padded: Matrix, weights: Matrix, bias: Matrix, shape: FeatureShape, output: Matrix) {
        padded.resize(rows: input.rows)
        let loop = Forward(shape: shape, input: input, padded: padded, weights: weights, bias: bias, output: output)
        Parallel.split(input.rows, work: output.count * weights.columns, loop)
    }

    /// The weight and bias gradients from the padded input of the forward pass.
    static func weightGradient(padded: Matrix, outputGradient: Matrix, shape: FeatureShape, weightGradient: Matrix, biasGradient: Matrix) {
        let loop = WeightGradient(
            shape: shape, padded: padded, outputGradient: outputGradient, weightGradient: weightGradient, biasGradient: biasGradient)
        Parallel.split(weightGradient.rows, work: outputGradient.count * weightGradient.columns, loop)
    }

    // The loops hold their matrices by name, not in an array: an array would be allocated on
    // every call, and a training step allocates nothing (bench/allocations.py).

    /// Over images.
    private struct Forward: SplitLoop {
        let shape: FeatureShape
        let input: Matrix, padded: Matrix, weights: Matrix, bias: Matrix, output: Matrix

        func run(_ images: Range<Int>) {
            let (c, h, w) = (Int32(shape.channels), Int32(shape.height), Int32(shape.width))
            let (first, end) = (Int32(images.lowerBound), Int32(images.upperBound))
            folio_pad_planes(c, h, w, input.data, padded.data, first, end)
            folio_conv3x3_forward(c, h, w, Int32(weights.rows), padded.data, weights.data, bias.data, output.data, first, end)
        }
    }

    /// Over filters.
    private struct WeightGradient: SplitLoop {
        let shape: FeatureShape
        let padded: Matrix, outputGradient: Matrix, weightGradient: Matrix, biasGradient: Matrix

        func run(_ filters: Range<Int>) {
            folio_conv3x3_weight_gradient(
                Int32(shape.channels), Int32(shape.height), Int32(shape.width), Int32(weightGradient.rows),
                Int32(outputGradient.rows), padded.data, outputGradient.data, weightGradient.data, biasGradient.data,
                Int32(filters.lowerBound), Int32(filters.upperBound))
        }
    }
}
