import Testing

@testable import NeuralNet

@Suite struct ConvolutionTests {
    struct Geometry: CustomTestStringConvertible, Sendable {
        var channels: Int, size: Int, filters: Int, kernel: Int, stride: Int, padding: Padding
        var testDescription: String { "\(channels)x\(size)x\(size) conv \(filters) \(kernel)x\(kernel) stride \(stride) \(padding)" }
    }

    static let geometries = [
        Geometry(channels: 1, size: 5, filters: 2, kernel: 3, stride: 1, padding: .same),
        Geometry(channels: 2, size: 6, filters: 3, kernel: 3, stride: 2, padding: .same),
        Geometry(channels: 2, size: 5, filters: 2, kernel: 1, stride: 1, padding: .valid),
        Geometry(channels: 1, size: 7, filters: 2, kernel: 5, stride: 1, padding: .valid),
        Geometry(channels: 2, size: 6, filters: 2, kernel: 2, stride: 2, padding: .valid),
        Geometry(channels: 1, size: 4, filters: 2, kernel: 3, stride: 1, padding: .explicit(2)),
        Geometry(channels: 2, size: 6, filters: 2, kernel: 5, stride: 1, padding: .same),
        // Small maps, where a kernel column can lie wholly left of or past the image.
        Geometry(channels: 1, size: 1, filters: 2, kernel: 3, stride: 1, padding: .same),
        Geometry(channels: 1, size: 1, filters: 2, kernel: 3, stride: 2, padding: .same),
        Geometry(channels: 2, size: 2, filters: 2, kernel: 5, stride: 2, padding: .same),
        Geometry(channels: 1, size: 2, filters: 2, kernel: 5, stride: 1, padding: .same),
        Geometry(channels: 2, size: 2, filters: 2, kernel: 3, stride: 2, padding: .explicit(2)),
        Geometry(channels: 1, size: 2, filters: 3, kernel: 1, stride: 2, padding: .valid),
        Geometry(channels: 2, size: 3, filters: 2, kernel: 5, stride: 2, padding: .same),
        Geometry(channels: 1, size: 3, filters: 2, kernel: 3, stride: 3, padding: .same),
        Geometry(channels: 2, size: 3, filters: 2, kernel: 5, stride: 1, padding: .same),
        // 3×3 'same' at stride 1, which every method fits (the direct kernels up to 3 channels):
        // rows of 8 values and more, and fewer; odd sizes, where Winograd's last tiles hang over
        // the edge; a 3×3 map (four tiles, three of them partly outside).
        Geometry(channels: 3, size: 10, filters: 3, kernel: 3, stride: 1, padding: .same),
        Geometry(channels: 1, size: 9, filters: 2, kernel: 3, stride: 1, padding: .same),
        Geometry(channels: 4, size: 5, filters: 2, kernel: 3, stride: 1, padding: .same),
        Geometry(channels: 5, size: 6, filters: 3, kernel: 3, stride: 1, padding: .same),
        Geometry(channels: 4, size: 3, filters: 2, kernel: 3, stride: 1, padding: .same),
    ]

    /// Every method that fits a geometry on this CPU (`Convolution.Method`), so that each is
    /// checked whichever a layer would prefer.
    static func methods(channels: Int, kernel: Int, stride: Int, padding: Padding) -> [Convolution.Method] {
        Convolution.Method.allCases.filter { $0.fits(channels: channels, kernel: kernel, stride: stride, padding: padding) }
    }

    @Test(arguments: geometries)
    func convolutionGradients(_ geometry: Geometry) {
        let (channels, kernel, stride, padding) = (geometry.channels, geometry.kernel, geometry.stride, geometry.padding)
        for method in Self.methods(channels: channels, kernel: kernel, stride: stride, padding: padding) {
            let layer = Convolution(
                inputShape: FeatureShape(channels: channels, height: geometry.size, width: geometry.size),
                filters: geometry.filters, kernel: kernel, stride: stride, padding: padding,
                initializer: .glorot, generator: RandomGenerator(seed: 3), method: method)
            #expect(layer.method == method)
            for f in 0..<geometry.filters { layer.bias.value.data[f] = 0.1 * Float(f) - 0.05 }
            checkGradients(of: layer, batch: 2, margin: 0)
        }
    }

    /// A layer's methods: the one it prefers, the others only where the preferred one does
    /// not fit (so that a CPU without AVX2 takes im2col).
    @Test func preferredMethods() {
        let avx2 = AVX2.isAvailable
        #expect(Convolution.Method.preferred(channels: 1, kernel: 3, stride: 1, padding: .same) == (avx2 ? .direct : .patches))
        #expect(Convolution.Method.preferred(channels: 3, kernel: 3, stride: 1, padding: .same) == (avx2 ? .direct : .patches))
        #expect(Convolution.Method.preferred(channels: 4, kernel: 3, stride: 1, padding: .same) == (avx2 ? .winograd : .patches))
        #expect(Convolution.Method.preferred(channels: 32, kernel: 3, stride: 2, padding: .same) == .patches)
        #expect(Convolution.Method.preferred(channels: 32, kernel: 5, stride: 1, padding: .same) == .patches)
        #expect(Convolution.Method.preferred(channels: 32, kernel: 3, stride: 1, padding: .valid) == .patches)
    }

    /// Each method against the definition, summed directly, on a 5×4 input: im2col row by row
    /// (stride 2) and as shifted planes ('same' at stride 1, with 3×3 and 5×5 kernels); on
    /// maps of 2×1 to 3×3, where kernels reach past the image on both sides; and 3×3 'same'
    /// maps of odd and even sizes, through every method.
    @Test(arguments: [
        (3, 2, Padding.explicit(1), 5, 4), (3, 1, .same, 5, 4), (5, 1, .same, 5, 4),
        (5, 2, .same, 2, 2), (3, 2, .explicit(2), 2, 1), (5, 1, .same, 3, 2), (5, 2, .same, 3, 3), (3, 1, .same, 1, 2),
        (3, 1, .same, 11, 10), (3, 1, .same, 3, 17),
    ])
    func convolutionMatchesTheDefinition(kernel: Int, stride: Int, padding: Padding, height: Int, width: Int) {
        for method in Self.methods(channels: 2, kernel: kernel, stride: stride, padding: padding) {
            convolutionMatchesTheDefinition(kernel: kernel, stride: stride, padding: padding, height: height, width: width, method: method)
        }
    }

    func convolutionMatchesTheDefinition(kernel: Int, stride: Int, padding: Padding, height: Int, width: Int, method: Convolution.Method) {
        let shape = FeatureShape(channels: 2, height: height, width: width)
        let layer = Convolution(inputShape: shape, filters: 3, kernel: kernel, stride: stride, padding: padding,
                                initializer: .he, generator: RandomGenerator(seed: 4), method: method)
        for f in 0..<3 { layer.bias.value.data[f] = Float(f) }
        let input = randomMatrix(rows: 2, columns: shape.count, seed: 5, margin: 0)
        let output = layer.forward(input, training: true)
        let out = layer.outputShape, pad = padding.amount(kernel: kernel)
        #expect(out == FeatureShape(channels: 3, height: (height + 2 * pad - kernel) / stride + 1, width: (width + 2 * pad - kernel) / stride + 1))
        for n in 0..<2 {
            for f in 0..<3 {
                for y in 0..<out.height {
                    for x in 0..<out.width {
                        var sum = Double(f)
                        for c in 0..<2 {
                            for i in 0..<kernel {
                                for j in 0..<kernel {
                                    let row = y * stride + i - pad, column = x * stride + j - pad
                                    guard row >= 0, row < height, column >= 0, column < width else { continue }
                                    sum += Double(layer.weight.value[f, (c * kernel + i) * kernel + j])
                                        * Double(input[n, (c * height + row) * width + column])
                                }
                            }
                        }
                        #expect(abs(Double(output[n, (f * out.height + y) * out.width + x]) - sum) < 1e-5, "\(method)")
                    }
                }
            }
        }
    }

    /// The weight, bias and input gradients of 3×3 'same' convolutions, by every method that
    /// fits (direct up to 3 channels, Winograd and im2col at any), against their definitions,
    /// summed in Double, on even and odd sizes:
    /// dW[f, c, i, j] = Σ dy[n, f, y, x] · x[n, c, y + i − 1, x + j − 1], db[f] = Σ dy[n, f, ·, ·],
    /// dx[n, c, y, x] = Σ dy[n, f, y − i + 1, x − j + 1] · W[f, c, i, j].
    @Test(arguments: [(1, 9, 10), (3, 5, 17), (4, 6, 6), (6, 7, 5), (5, 1, 2)])
    func gradientsMatchTheDefinition(channels: Int, height: Int, width: Int) {
        for method in Self.methods(channels: channels, kernel: 3, stride: 1, padding: .same) {
            gradientsMatchTheDefinition(channels: channels, height: height, width: width, method: method)
        }
    }

    /// Winograd works the batch in blocks of a few images (about 100 tiles): here three blocks of
    /// two 14×14 images, the last of one, with more filters and channels than its products take
    /// at a time (six rows, four by three) and block widths past its sixteen-column steps.
    @Test func gradientsMatchTheDefinitionOverSeveralBlocks() {
        for method in Self.methods(channels: 7, kernel: 3, stride: 1, padding: .same) {
            gradientsMatchTheDefinition(channels: 7, height: 14, width: 14, filters: 13, batch: 5, method: method)
        }
    }

    func gradientsMatchTheDefinition(
        channels: Int, height: Int, width: Int, filters: Int = 3, batch: Int = 3, method: Convolution.Method
    ) {
        let shape = FeatureShape(channels: channels, height: height, width: width)
        let layer = Convolution(inputShape: shape, filters: filters, kernel: 3, stride: 1, padding: .same, initializer: .he,
                                generator: RandomGenerator(seed: 6), method: method)
        let input = randomMatrix(rows: batch, columns: shape.count, seed: 7, margin: 0)
        let dy = randomMatrix(rows: batch, columns: filters * height * width, seed: 8, margin: 0)
        _ = layer.forward(input, training: true)
        let dx = layer.backward(dy, needsInputGradient: true)
        func x(_ n: Int, _ c: Int, _ y: Int, _ x: Int) -> Double {
            y < 0 || y >= height || x < 0 || x >= width ? 0 : Double(input[n, (c * height + y) * width + x])
        }
        var dW = [Double](repeating: 0, count: filters * channels * 9), db = [Double](repeating: 0, count: filters)
        var expectedDx = [Double](repeating: 0, count: batch * shape.count)
        for n in 0..<batch {
            for f in 0..<filters {
                for y in 0..<height {
                    for column in 0..<width {
                        let g = Double(dy[n, (f * height + y) * width + column])
                        db[f] += g
                        for c in 0..<channels {
                            for i in 0..<3 {
                                for j in 0..<3 {
                                    dW[(f * channels + c) * 9 + i * 3 + j] += g * x(n, c, y + i - 1, column + j - 1)
                                    let (row, col) = (y + i - 1, column + j - 1)
                                    guard row >= 0, row < height, col >= 0, col < width else { continue }
                                    expectedDx[n * shape.count + (c * height + row) * width + col] +=
                                        g * Double(layer.weight.value[f, c * 9 + i * 3 + j])
                                }
                            }
                        }
                    }
                }
            }
        }
        expectClose(layer.weight.gradient.values, dW, tolerance: 1e-5, "dW \(method)")
        expectClose(layer.bias.gradient.values, db, tolerance: 1e-5, "db \(method)")
        expectClose(dx.values, expectedDx, tolerance: 1e-5, "dx \(method)")
    }

    @Test func sameShapeAtStrideOne() {
        let layer = Convolution(inputShape: FeatureShape(channels: 1, height: 28, width: 28), filters: 32, kernel: 3,
                                initializer: .glorot, generator: RandomGenerator(seed: 1))
        #expect(layer.outputShape.description == "28x28x32")
        #expect(layer.parameterCount == 32 * 9 + 32)
    }

    @Test func shapeErrors() {
        let vector = FeatureShape(vector: 10)
        #expect(Convolution.outputShape(input: vector, filters: 2, kernel: 3, stride: 1, padding: .same)
                == .failure(ShapeError("conv needs image input, not a vector of 10")))
        let image = FeatureShape(channels: 1, height: 4, width: 4)
        #expect(Convolution.outputShape(input: image, filters: 2, kernel: 2, stride: 1, padding: .same)
                == .failure(ShapeError("'same' padding needs an odd kernel size, not 2x2")))
        #expect(MaxPool.outputShape(input: image, size: 5) == .failure(ShapeError("a 5x5 pooling window does not fit a 4x4 input")))
    }

    /// Distinct values, so that every window has one clear maximum and finite differences
    /// never cross a tie. Odd sizes and 3×3 windows take the general path; 2×2 windows over
    /// even sizes take the row-pair one.
    @Test(arguments: [(2, 6, 7), (3, 6, 7), (2, 4, 18), (2, 4, 14), (2, 2, 4)])
    func maxPoolGradients(size: Int, height: Int, width: Int) {
        let layer = MaxPool(shape: FeatureShape(channels: 2, height: height, width: width), size: size)
        #expect(layer.outputShape == FeatureShape(channels: 2, height: height / size, width: width / size))
        let input = distinctValues(rows: 2, columns: layer.inputShape.count, seed: 3)
        checkGradients(of: layer, batch: 2, input: input)
    }

    /// Within a window of equal values the gradient goes to the first cell only, on both paths.
    @Test(arguments: [(2, 2, 16), (2, 2, 8), (2, 2, 4), (2, 3, 5)])
    func maxPoolTiesGoToTheFirstCell(size: Int, height: Int, width: Int) {
        let shape = FeatureShape(channels: 1, height: height, width: width)
        let layer = MaxPool(shape: shape, size: size)
        let input = Matrix(rows: 1, columns: shape.count)
        input.fill(3)
        #expect(layer.forward(input, training: true).values.allSatisfy { $0 == 3 })
        let outputGradient = Matrix(rows: 1, columns: layer.outputShape.count)
        outputGradient.fill(1)
        let gradient = layer.backward(outputGradient, needsInputGradient: true)
        var expected = [Float](repeating: 0, count: shape.count)
        for y in stride(from: 0, to: height - size + 1, by: size) {
            for x in stride(from: 0, to: width - size + 1, by: size) { expected[y * width + x] = 1 }
        }
        #expect(gradient.values == expected)
    }

    @Test func maxPoolPicksTheMaximum() {
        let layer = MaxPool(shape: FeatureShape(channels: 1, height: 2, width: 4), size: 2)
        let output = layer.forward(Matrix(rows: 1, columns: 8, values: [1, 5, 2, 0, 3, 4, 9, 8]), training: false)
        #expect(output.values == [5, 9])
        let gradient = layer.backward(Matrix(rows: 1, columns: 2, values: [10, 20]), needsInputGradient: true)
        #expect(gradient.values == [0, 10, 0, 0, 0, 0, 20, 0])
    }

    @Test func flattenPassesThrough() {
        let layer = Flatten(shape: FeatureShape(channels: 2, height: 2, width: 2))
        #expect(layer.outputShape == FeatureShape(vector: 8))
        checkGradients(of: layer, batch: 2)
    }

    /// Answer C's network end to end: conv, channel BN, pooling, flatten, dense.
    @Test func smallCNNGradients() {
        let network = Network(
            specs: [.convolution(filters: 2, kernel: 3, stride: 1, padding: .same), .batchNorm, .activation(.relu),
                    .maxPool(size: 2), .flatten, .dense(units: 3)],
            inputShape: FeatureShape(channels: 1, height: 4, width: 4), generator: RandomGenerator(seed: 6))
        let input = randomMatrix(rows: 3, columns: 16, seed: 7, margin: 0)
        let labels: [Int32] = [0, 2, 1]
        let loss = SoftmaxCrossEntropy(classes: 3)
        labels.withUnsafeBufferPointer { pointer in
            func value() -> Double {
                Double(loss.evaluate(logits: network.forward(input, training: true), labels: pointer.baseAddress!, computeGradient: false).loss)
            }
            _ = loss.evaluate(logits: network.forward(input, training: true), labels: pointer.baseAddress!, computeGradient: true)
            network.backward(loss.gradient)
            let convolutionBias = network.layers[0].parameters[1]
            for parameter in network.parameters where parameter !== convolutionBias {
                let numeric = numericGradient(of: value, values: parameter.value.data, count: parameter.value.count, step: 5e-3)
                #expect(relativeError(parameter.gradient.values.map(Double.init), numeric) < 2e-2, "\(parameter.name)")
            }
        }
    }
}
