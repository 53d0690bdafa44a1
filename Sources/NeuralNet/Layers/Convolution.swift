/// A 2-D convolution over NCHW images, computed as one matrix product per batch (im2col):
/// every K×K×C patch of every image becomes a column, and the F filters multiply them all
/// at once. 3×3 convolutions at stride 1 ('same') over at most three channels are computed
/// directly instead (`DirectConvolution`), and over more channels through Winograd's
/// F(2×2, 3×3) (`WinogradConvolution`).
///
/// Shapes: input [batch, C·H·W], weight [F, C·K·K], bias [1, F], output [batch, F·H'·W']
/// with H' = (H + 2P − K) / S + 1.
public final class Convolution: Layer {
    public let inputShape: FeatureShape
    public let outputShape: FeatureShape
    /// Filters, [F, C·K·K]: row f is filter f, its values in (channel, row, column) order.
    public let weight: Parameter
    /// One bias per filter, [1, F].
    public let bias: Parameter
    public var parameters: [Parameter] { [weight, bias] }
    public let kernel: Int, stride: Int, padding: Padding
    public var description: String {
        "conv \(outputShape.channels) \(kernel)x\(kernel)" + (stride == 1 ? "" : " stride \(stride)")
            + (padding == .same ? "" : " \(padding)")
    }

    /// How a convolution is computed.
    enum Method: CaseIterable, Sendable {
        /// im2col: every patch a column of one matrix, multiplied by the filters (sgemm).
        case patches
        /// The engine's direct kernels (`DirectConvolution`).
        case direct
        /// Winograd's F(2×2, 3×3) transforms around 16 sgemm products (`WinogradConvolution`).
        case winograd

        /// Whether the method can compute a convolution of this geometry on this CPU.
        func fits(channels: Int, kernel: Int, stride: Int, padding: Padding) -> Bool {
            switch self {
            case .patches: true
            case .direct: DirectConvolution.fits(channels: channels, kernel: kernel, stride: stride, padding: padding)
            case .winograd: WinogradConvolution.fits(kernel: kernel, stride: stride, padding: padding)
            }
        }

        /// The fastest method that fits: direct over a few channels (a first layer), Winograd
        /// over more, im2col for every other geometry.
        static func preferred(channels: Int, kernel: Int, stride: Int, padding: Padding) -> Method {
            if Method.direct.fits(channels: channels, kernel: kernel, stride: stride, padding: padding) { return .direct }
            if Method.winograd.fits(channels: channels, kernel: kernel, stride: stride, padding: padding) { return .winograd }
            return .patches
        }
    }

    /// How this layer computes its convolution.
    let method: Method
    private let pad: Int
    /// The layer's Winograd transforms and products (Winograd layers only).
    private let winograd: WinogradConvolution?
    /// The input with a zero border, kept for the weight gradient (direct layers only).
    private let padded: Matrix
    /// Patches of the batch, [C·K·K, batch·H'·W'].
    private let columns: Matrix
    /// Output (or its gradient) with filters first, [F, batch·H'·W'].
    private let filterMajor: Matrix
    private let output: Matrix
    private let inputGradient: Matrix
    private var input: Matrix?

    /// The output shape for `input`, or why the layer does not fit it.
    public static func outputShape(
        input: FeatureShape, filters: Int, kernel: Int, stride: Int, padding: Padding
    ) -> Result<FeatureShape, ShapeError> {
        guard !input.isVector || input.count == 1 else {
            return .failure(ShapeError("conv needs image input, not a vector of \(input.count)"))
        }
        if padding == .same && kernel % 2 == 0 {
            return .failure(ShapeError("'same' padding needs an odd kernel size, not \(kernel)x\(kernel)"))
        }
        let pad = padding.amount(kernel: kernel)
        let height = (input.height + 2 * pad - kernel) / stride + 1, width = (input.width + 2 * pad - kernel) / stride + 1
        guard input.height + 2 * pad >= kernel, input.width + 2 * pad >= kernel, height > 0, width > 0 else {
            return .failure(ShapeError("a \(kernel)x\(kernel) kernel does not fit a \(input.height)x\(input.width) input"))
        }
        return .success(FeatureShape(channels: filters, height: height, width: width))
    }

    /// F filters of K×K over `inputShape`; weights drawn by `initializer` with Keras's fans
    /// (C·K·K in, F·K·K out).
    public convenience init(
        inputShape: FeatureShape, filters: Int, kernel: Int, stride: Int = 1, padding: Padding = .same,
        initializer: Initializer, generator: RandomGenerator
    ) {
        self.init(
            inputShape: inputShape, filters: filters, kernel: kernel, stride: stride, padding: padding, initializer: initializer,
            generator: generator,
            method: .preferred(channels: inputShape.channels, kernel: kernel, stride: stride, padding: padding))
    }

    /// The layer computed by `method`, which must fit the geometry (tests compare the methods).
    init(
        inputShape: FeatureShape, filters: Int, kernel: Int, stride: Int, padding: Padding,
        initializer: Initializer, generator: RandomGenerator, method: Method
    ) {
        precondition(filters > 0 && kernel > 0 && stride > 0)
        precondition(method.fits(channels: inputShape.channels, kernel: kernel, stride: stride, padding: padding))
        guard case .success(let shape) = Self.outputShape(input: inputShape, filters: filters, kernel: kernel, stride: stride, padding: padding)
        else { preconditionFailure("conv: kernel does not fit the input") }
        self.inputShape = inputShape
        self.outputShape = shape
        self.kernel = kernel
        self.stride = stride
        self.padding = padding
        self.pad = padding.amount(kernel: kernel)
        self.method = method
        self.winograd = method == .winograd ? WinogradConvolution(shape: inputShape, filters: filters) : nil
        self.padded = Matrix(rows: 0, columns: DirectConvolution.paddedCount(inputShape))
        let patch = inputShape.channels * kernel * kernel
        let weights = Matrix(rows: filters, columns: patch)
        initializer.fill(weights.data, count: weights.count, fanIn: patch, fanOut: filters * kernel * kernel, generator: generator)
        weight = Parameter(name: "weight", value: weights)
        bias = Parameter(name: "bias", value: Matrix(rows: 1, columns: filters))
        columns = Matrix(rows: patch, columns: 1)
        filterMajor = Matrix(rows: filters, columns: 1)
        output = Matrix(rows: 0, columns: shape.count)
        inputGradient = Matrix(rows: 0, columns: inputShape.count)
    }

    public func forward(_ input: Matrix, training: Bool) -> Matrix {
        precondition(input.columns == inputShape.count, "conv: input has \(input.columns) features, expected \(inputShape.count)")
        self.input = input
        let batch = input.rows, filters = outputShape.channels, positions = outputShape.spatialCount
        if method == .direct {
            output.resize(rows: batch)
            DirectConvolution.forward(input: input, padded: padded, weights: weight.value, bias: bias.value, shape: inputShape, output: output)
            return output
        }
        if let winograd {
            output.resize(rows: batch)
            winograd.forward(input: input, weights: weight.value, bias: bias.value, output: output)
            return output
        }
        let width = batch * positions
        columns.reshape(columns: width)
        filterMajor.reshape(columns: width)
        gatherPatches(input)
        // [F, CKK] · [CKK, batch·H'W'] = [F, batch·H'W']
        BLAS.gemm(
            transposeA: false, transposeB: false, m: filters, n: width, k: columns.rows,
            a: weight.value.data, lda: columns.rows, b: columns.data, ldb: width, beta: 0, c: filterMajor.data, ldc: width)
        // To NCHW, adding each filter's bias.
        output.resize(rows: batch)
        Parallel.split(batch, work: output.count, Loop(layer: self, step: .addBias, matrix: output))
        return output
    }

    public func backward(_ outputGradient: Matrix, needsInputGradient: Bool) -> Matrix {
        guard let input else { preconditionFailure("conv: backward before forward") }
        let batch = input.rows, filters = outputShape.channels, positions = outputShape.spatialCount
        let width = batch * positions
        inputGradient.resize(rows: batch)
        if let winograd {
            winograd.backward(
                input: input, outputGradient: outputGradient, weightGradient: weight.gradient, biasGradient: bias.gradient,
                inputGradient: needsInputGradient ? inputGradient : nil)
            return inputGradient
        }
        if method == .direct {
            DirectConvolution.weightGradient(
                padded: padded, outputGradient: outputGradient, shape: inputShape, weightGradient: weight.gradient,
                biasGradient: bias.gradient)
            guard needsInputGradient else { return inputGradient }
            columns.reshape(columns: width)
            filterMajor.reshape(columns: width)
            Parallel.split(filters, work: outputGradient.count, Loop(layer: self, step: .transposeOnly, matrix: outputGradient))
        } else {
            // dy to filters-first, [F, batch·H'W'], and db = its row sums.
            Parallel.split(filters, work: outputGradient.count, Loop(layer: self, step: .transposeGradient, matrix: outputGradient))
            // dW = dy · colsᵀ: [F, W] · [W, CKK]
            BLAS.gemm(
                transposeA: false, transposeB: true, m: filters, n: columns.rows, k: width,
                a: filterMajor.data, lda: width, b: columns.data, ldb: width, beta: 0, c: weight.gradient.data, ldc: columns.rows)
            guard needsInputGradient else { return inputGradient }
        }
        // dcols = Wᵀ · dy: [CKK, F] · [F, W], written over the patches (no longer needed).
        BLAS.gemm(
            transposeA: true, transposeB: false, m: columns.rows, n: width, k: filters,
            a: weight.value.data, lda: columns.rows, b: filterMajor.data, ldb: width, beta: 0, c: columns.data, ldc: width)
        scatterPatches(into: inputGradient)
        return inputGradient
    }

    /// The layer's loops that the helper thread can share, each over images or filters.
    private struct Loop: SplitLoop {
        enum Step {
            /// Output (`matrix`) to NCHW from filters-first, adding each filter's bias.
            case addBias
            /// The output gradient (`matrix`) to filters-first, and the bias gradient.
            case transposeGradient
            /// The output gradient (`matrix`) to filters-first only.
            case transposeOnly
            /// im2col of the input (`matrix`).
            case gatherPatches
            /// col2im into the input gradient (`matrix`).
            case scatterPatches
        }
        let layer: Convolution
        let step: Step
        let matrix: Matrix

        func run(_ range: Range<Int>) {
            switch step {
            case .addBias: layer.addBias(into: matrix, images: range)
            case .transposeGradient: layer.transposeGradient(matrix, filters: range, biasGradient: true)
            case .transposeOnly: layer.transposeGradient(matrix, filters: range, biasGradient: false)
            case .gatherPatches: layer.gatherPatches(matrix, images: range)
            case .scatterPatches: layer.scatterPatches(into: matrix, images: range)
            }
        }
    }

    private func addBias(into output: Matrix, images: Range<Int>) {
        let filters = outputShape.channels, positions = outputShape.spatialCount
        for n in images {
            for f in 0..<filters {
                let b = bias.value.data[f], from = filterMajor.row(f) + n * positions, to = output.row(n) + f * positions
                for p in 0..<positions { to[p] = from[p] + b }
            }
        }
    }

    private func transposeGradient(_ outputGradient: Matrix, filters: Range<Int>, biasGradient: Bool) {
        let batch = outputGradient.rows, positions = outputShape.spatialCount
        for f in filters {
            let to = filterMajor.row(f)
            for n in 0..<batch { (to + n * positions).update(from: outputGradient.row(n) + f * positions, count: positions) }
            if biasGradient { bias.gradient.data[f] = Elementwise.sum(to, count: batch * positions) }
        }
    }

    /// im2col: columns[(c·K + i)·K + j, n·H'W' + y·W' + x] = input[n, c, y·S + i − P, x·S + j − P], 0 outside.
    private func gatherPatches(_ input: Matrix) {
        Parallel.split(input.rows, work: columns.count, Loop(layer: self, step: .gatherPatches, matrix: input))
    }

    private func gatherPatches(_ input: Matrix, images: Range<Int>) {
        if shiftsWholePlanes {
            forEachShiftedPlane(images: images) { image, channel, patch, shift, range, clearColumns in
                let plane = input.row(image) + channel * inputShape.spatialCount
                (patch + range.lowerBound).update(from: plane + range.lowerBound + shift, count: range.count)
                clearColumns()
            }
            return
        }
        forEachPatchRow(images: images) { image, channel, row, outputRow, column, count, sourceColumn in
            let source = input.row(image) + (channel * inputShape.height + row) * inputShape.width
            let target = columns.row(outputRow) + column
            if stride == 1 {
                target.update(from: source + sourceColumn, count: count)
            } else {
                for x in 0..<count { target[x] = source[sourceColumn + x * stride] }
            }
        }
    }

    /// col2im: the transpose of `gatherPatches`, summing every patch's gradient into the
    /// pixels it came from.
    private func scatterPatches(into gradient: Matrix) {
        Parallel.split(gradient.rows, work: columns.count, Loop(layer: self, step: .scatterPatches, matrix: gradient))
    }

    private func scatterPatches(into gradient: Matrix, images: Range<Int>) {
        gradient.row(images.lowerBound).update(repeating: 0, count: images.count * gradient.columns)
        if shiftsWholePlanes {
            forEachShiftedPlane(images: images) { image, channel, patch, shift, range, clearColumns in
                // Patch entries from outside the image are the padding's gradient: drop them
                // (zero them), or the flat sum below would add them to the neighbouring row.
                clearColumns()
                let plane = gradient.row(image) + channel * inputShape.spatialCount + shift
                for k in range { plane[k] += patch[k] }
            }
            return
        }
        forEachPatchRow(images: images) { image, channel, row, outputRow, column, count, sourceColumn in
            let target = gradient.row(image) + (channel * inputShape.height + row) * inputShape.width
            let source = columns.row(outputRow) + column
            if stride == 1 {
                for x in 0..<count { target[sourceColumn + x] += source[x] }
            } else {
                for x in 0..<count { target[sourceColumn + x * stride] += source[x] }
            }
        }
    }

    /// Whether patch rows are whole shifted input planes: at stride 1 with 'same' padding,
    /// patch row (c, i, j) of an image is channel c shifted by (i − P, j − P) rows and
    /// columns, so one long copy fills it, wrapping at the row ends where the patch runs
    /// off the image; those entries are then cleared.
    private var shiftsWholePlanes: Bool {
        stride == 1 && outputShape.height == inputShape.height && outputShape.width == inputShape.width
            && pad < inputShape.height && pad < inputShape.width
    }

    /// Visits, for every patch row (channel, i, j) and image in `images`, the patch row's part
    /// for that image (`patch`, H·W values, whose rows outside the image it has zeroed), the
    /// offset `shift` from a patch entry to its pixel within the channel's plane, and the
    /// range of entries whose flat offsets stay inside the plane. Those include the entries
    /// that wrap to the next or previous row; `clearColumns` zeroes them.
    @inline(__always)
    private func forEachShiftedPlane(
        images: Range<Int>,
        _ body: (_ image: Int, _ channel: Int, _ patch: UnsafeMutablePointer<Float>, _ shift: Int, _ range: Range<Int>,
                 _ clearColumns: () -> Void) -> Void
    ) {
        let height = inputShape.height, width = inputShape.width, positions = inputShape.spatialCount
        for channel in 0..<inputShape.channels {
            for i in 0..<kernel {
                let rowShift = i - pad, firstRow = max(0, -rowShift), endRow = min(height, height - rowShift)
                for j in 0..<kernel {
                    let columnShift = j - pad, firstColumn = max(0, -columnShift), endColumn = min(width, width - columnShift)
                    let patchRow = (channel * kernel + i) * kernel + j
                    let range = (firstRow * width + firstColumn)..<((endRow - 1) * width + endColumn)
                    for image in images {
                        let patch = columns.row(patchRow) + image * positions
                        patch.update(repeating: 0, count: firstRow * width)
                        (patch + endRow * width).update(repeating: 0, count: (height - endRow) * width)
                        body(image, channel, patch, rowShift * width + columnShift, range) {
                            for y in firstRow..<endRow {
                                let row = patch + y * width
                                for x in 0..<firstColumn { row[x] = 0 }
                                for x in endColumn..<width { row[x] = 0 }
                            }
                        }
                    }
                }
            }
        }
    }

    /// Visits, for every patch row (channel, i, j), image in `images` and output row y, the run of
    /// output columns whose input pixels lie inside the image: `count` values starting at
    /// output column `column` (an offset into the patch row) and input column `sourceColumn`
    /// of input `row`. Entries outside the image are zeroed in `columns` by the visit itself
    /// (harmless in the backward pass: they belong to padding, whose gradient is dropped).
    @inline(__always)
    private func forEachPatchRow(
        images: Range<Int>,
        _ body: (_ image: Int, _ channel: Int, _ row: Int, _ patchRow: Int, _ column: Int, _ count: Int, _ sourceColumn: Int) -> Void
    ) {
        let outputHeight = outputShape.height, outputWidth = outputShape.width, positions = outputShape.spatialCount
        for channel in 0..<inputShape.channels {
            for i in 0..<kernel {
                for j in 0..<kernel {
                    let patchRow = (channel * kernel + i) * kernel + j
                    // Output columns x whose input column x·S + j − P is inside [0, W): from
                    // ⌈(P − j)/S⌉ to ⌊(W − 1 + P − j)/S⌋. Both numerators can be negative (a
                    // kernel column left of or past a small map), so divide rounding down, not
                    // toward zero: rounding −1/2 to 0 would read one column past the image.
                    let firstX = max(0, -floorDivide(j - pad, stride))
                    let lastX = min(outputWidth - 1, floorDivide(inputShape.width - 1 + pad - j, stride))
                    let count = max(0, lastX - firstX + 1)
                    for image in images {
                        for y in 0..<outputHeight {
                            let row = y * stride + i - pad
                            let column = image * positions + y * outputWidth
                            let target = columns.row(patchRow) + column
                            guard row >= 0 && row < inputShape.height && count > 0 else {
                                target.update(repeating: 0, count: outputWidth)
                                continue
                            }
                            if firstX > 0 { target.update(repeating: 0, count: firstX) }
                            if lastX < outputWidth - 1 { (target + lastX + 1).update(repeating: 0, count: outputWidth - 1 - lastX) }
                            body(image, channel, row, patchRow, column + firstX, count, firstX * stride + j - pad)
                        }
                    }
                }
            }
        }
    }
}
