/// Settings of a batch-normalization layer (Keras's names and defaults).
public struct BatchNormOptions: Hashable, Sendable, Codable {
    /// Which batch variance the running variance follows.
    public enum RunningVariance: String, Hashable, Sendable, Codable, CaseIterable {
        /// The batch's biased variance, Σ(x − μ)² / M, the one that normalizes the batch
        /// (Keras, TensorFlow).
        case biased
        /// The unbiased estimate, Σ(x − μ)² / (M − 1) (PyTorch). Batches still normalize
        /// with the biased variance.
        case unbiased
    }

    /// Weight of the old running statistics in each update: running = m · running + (1 - m) · batch.
    public var momentum: Float
    /// Added to the variance before the square root.
    public var epsilon: Float
    /// Which batch variance the running variance follows.
    public var runningVariance: RunningVariance

    /// Keras's defaults: momentum 0.99, epsilon 0.001, biased running variance.
    public init(momentum: Float = 0.99, epsilon: Float = 0.001, runningVariance: RunningVariance = .biased) {
        self.momentum = momentum
        self.epsilon = epsilon
        self.runningVariance = runningVariance
    }

    private enum CodingKeys: String, CodingKey { case momentum, epsilon, runningVariance }

    public init(from decoder: any Decoder) throws {
        let container = try decoder.container(keyedBy: CodingKeys.self)
        momentum = try container.decode(Float.self, forKey: .momentum)
        epsilon = try container.decode(Float.self, forKey: .epsilon)
        runningVariance = try container.decodeIfPresent(RunningVariance.self, forKey: .runningVariance) ?? .biased
    }

    /// Writes `runningVariance` only when it is not the default, so that specs (and the
    /// result keys hashed from them) written before the option existed stay the same.
    public func encode(to encoder: any Encoder) throws {
        var container = encoder.container(keyedBy: CodingKeys.self)
        try container.encode(momentum, forKey: .momentum)
        try container.encode(epsilon, forKey: .epsilon)
        if runningVariance != .biased { try container.encode(runningVariance, forKey: .runningVariance) }
    }
}

/// Batch normalization (Ioffe and Szegedy, 2015).
///
/// Normalizes each channel over the batch (and, after a convolution, over height and width
/// too: BatchNorm2d): x̂ = (x − μ_B) / sqrt(σ²_B + ε), y = γ x̂ + β. In training, μ_B and σ²_B
/// are the batch's mean and biased variance, and the running statistics move towards them
/// with `momentum` (the running variance towards the biased or, as in PyTorch, the unbiased
/// batch variance: `BatchNormOptions.runningVariance`); in evaluation the running statistics
/// stand in for them. For vectors, every feature is its own channel.
///
/// The backward pass, with M = batch × positions values per channel:
///   dβ = Σ dy,  dγ = Σ dy · x̂,  dx = γ / (M sqrt(σ² + ε)) · (M dy − dβ − x̂ dγ),
/// which is why Σ dx = 0 and Σ dx · x̂ = 0 per channel.
public final class BatchNorm: Layer {
    public let inputShape: FeatureShape
    public var outputShape: FeatureShape { inputShape }
    /// Scale γ, [1, channels], starts at 1.
    public let gamma: Parameter
    /// Shift β, [1, channels], starts at 0.
    public let beta: Parameter
    public var parameters: [Parameter] { [gamma, beta] }
    /// Momentum and epsilon.
    public let options: BatchNormOptions
    public var description: String { "batchnorm" }

    private let channels: Int
    private let positions: Int
    private let mean: UnsafeMutablePointer<Float>
    private let inverseDeviation: UnsafeMutablePointer<Float>
    private let runningMeanStorage: UnsafeMutablePointer<Float>
    private let runningVarianceStorage: UnsafeMutablePointer<Float>
    private let scratch: UnsafeMutablePointer<Float>
    /// Each plane's sums [batch, channels · 2], for images: the passes that sum over a
    /// channel's planes split the planes between threads (memory in order) and write each
    /// plane's sums here, and `addPlaneTotals` adds them image by image, as a loop over the
    /// batch would.
    let planeTotals: Matrix
    /// x̂ of the last forward pass, which the backward pass reads.
    private let normalized: Matrix
    private let output: Matrix
    private let inputGradient: Matrix

    /// Batch normalization over the channels of `shape`.
    public init(shape: FeatureShape, options: BatchNormOptions = BatchNormOptions()) {
        self.inputShape = shape
        self.options = options
        self.channels = shape.channels
        self.positions = shape.spatialCount
        let ones = Matrix(rows: 1, columns: channels)
        ones.fill(1)
        gamma = Parameter(name: "gamma", value: ones)
        beta = Parameter(name: "beta", value: Matrix(rows: 1, columns: channels))
        func buffer(_ value: Float) -> UnsafeMutablePointer<Float> {
            let pointer = UnsafeMutablePointer<Float>.allocate(capacity: shape.channels)
            pointer.initialize(repeating: value, count: shape.channels)
            return pointer
        }
        mean = buffer(0)
        inverseDeviation = buffer(1)
        runningMeanStorage = buffer(0)
        runningVarianceStorage = buffer(1)
        scratch = buffer(0)
        planeTotals = Matrix(rows: 0, columns: 2 * shape.channels)
        normalized = Matrix(rows: 0, columns: shape.count)
        output = Matrix(rows: 0, columns: shape.count)
        inputGradient = Matrix(rows: 0, columns: shape.count)
    }

    deinit {
        for pointer in [mean, inverseDeviation, runningMeanStorage, runningVarianceStorage, scratch] {
            pointer.deallocate()
        }
    }

    /// Running mean per channel, used in evaluation.
    public var runningMean: [Float] { Array(UnsafeBufferPointer(start: runningMeanStorage, count: channels)) }
    /// Running variance per channel (biased or unbiased as `options` says), used in evaluation.
    public var runningVariance: [Float] { Array(UnsafeBufferPointer(start: runningVarianceStorage, count: channels)) }

    public func forward(_ input: Matrix, training: Bool) -> Matrix {
        prepare(input, training: training)
        normalized.resize(rows: input.rows)
        output.resize(rows: input.rows)
        Parallel.split(input.rows, work: input.count, Loop(layer: self, step: .normalize, matrix: input))
        return output
    }

    /// The first half of `forward`: the batch's statistics (in training, moving the running
    /// ones) or the running statistics (in evaluation) into `mean` and `inverseDeviation`. A
    /// pass that normalizes the input itself (`RectifiedPooling`) calls this, then uses
    /// `normalization` forward and `inputGradientFactors` backward, and leaves `normalized`
    /// and this layer's `backward` unused.
    func prepare(_ input: Matrix, training: Bool) {
        precondition(input.columns == inputShape.count, "batchnorm: input has \(input.columns) features, expected \(inputShape.count)")
        let batch = input.rows
        if training {
            precondition(batch > 0, "batchnorm: empty batch")
            let count = Float(batch * positions)
            sumChannels(.sums, of: input, into: mean)
            for c in 0..<channels { mean[c] /= count }
            sumChannels(.squaredDeviations, of: input, into: scratch)
            let momentum = options.momentum
            // M / (M − 1) turns the biased variance into the unbiased one (1 for a single value).
            let correction: Float = options.runningVariance == .unbiased && count > 1 ? count / (count - 1) : 1
            for c in 0..<channels {
                let variance = scratch[c] / count
                inverseDeviation[c] = 1 / (variance + options.epsilon).squareRoot()
                runningMeanStorage[c] = momentum * runningMeanStorage[c] + (1 - momentum) * mean[c]
                runningVarianceStorage[c] = momentum * runningVarianceStorage[c] + (1 - momentum) * (variance * correction)
            }
        } else {
            for c in 0..<channels {
                mean[c] = runningMeanStorage[c]
                inverseDeviation[c] = 1 / (runningVarianceStorage[c] + options.epsilon).squareRoot()
            }
        }
    }

    /// The per-channel affine map after `prepare`: x̂ = (x − center) · scale, y = gain · x̂ + shift.
    var normalization: (center: UnsafePointer<Float>, scale: UnsafePointer<Float>, gain: UnsafePointer<Float>, shift: UnsafePointer<Float>) {
        (UnsafePointer(mean), UnsafePointer(inverseDeviation), UnsafePointer(gamma.value.data), UnsafePointer(beta.value.data))
    }

    public func backward(_ outputGradient: Matrix, needsInputGradient: Bool) -> Matrix {
        let batch = outputGradient.rows
        precondition(batch == normalized.rows, "batchnorm: backward batch differs from forward")
        inputGradient.resize(rows: batch)
        sumChannels(.parameterGradients, of: outputGradient, into: beta.gradient.data, and: gamma.gradient.data)
        guard needsInputGradient else { return inputGradient }
        _ = inputGradientFactors(batch: batch)
        Parallel.split(batch, work: outputGradient.count, Loop(layer: self, step: .inputGradient, matrix: outputGradient))
        return inputGradient
    }

    /// Runs one of the passes that sum over each channel (`Loop.Step`'s sums, squared
    /// deviations and parameter gradients) into `first` (and `second`): over channels for
    /// vectors, over planes and then `addPlaneTotals` for images.
    private func sumChannels(
        _ step: Loop.Step, of matrix: Matrix, into first: UnsafeMutablePointer<Float>,
        and second: UnsafeMutablePointer<Float>? = nil
    ) {
        let loop = Loop(layer: self, step: step, matrix: matrix)
        if positions == 1 {
            Parallel.split(channels, work: matrix.count, loop)
            return
        }
        planeTotals.resize(rows: matrix.rows)
        Parallel.split(matrix.rows * channels, work: matrix.count, loop)
        addPlaneTotals(into: first, second)
    }

    /// first[c] = Σ planeTotals[image, 2c] and second[c] = Σ planeTotals[image, 2c + 1] (when
    /// not nil), adding the images in order.
    func addPlaneTotals(into first: UnsafeMutablePointer<Float>, _ second: UnsafeMutablePointer<Float>?) {
        for c in 0..<channels {
            var firstTotal: Float = 0, secondTotal: Float = 0
            for image in 0..<planeTotals.rows {
                let totals = planeTotals.row(image) + 2 * c
                firstTotal += totals[0]
                secondTotal += totals[1]
            }
            first[c] = firstTotal
            second?[c] = secondTotal
        }
    }

    /// γ / (M σ) per channel into `scratch`, for a batch of `batch` examples (M = batch ×
    /// positions): dx = scratch · (M dy − dβ − x̂ dγ).
    func inputGradientFactors(batch: Int) -> UnsafePointer<Float> {
        let count = Float(batch * positions), g = gamma.value.data
        for c in 0..<channels { scratch[c] = g[c] * inverseDeviation[c] / count }
        return UnsafePointer(scratch)
    }

    /// The layer's loops that the helper thread can share, over rows, or (the sums) over
    /// channels for vectors and planes for images.
    private struct Loop: SplitLoop {
        enum Step {
            /// Per-channel sums of the input (`matrix`).
            case sums
            /// Per-channel sums of squared deviations from `mean`.
            case squaredDeviations
            /// x̂ and y from the input (`matrix`).
            case normalize
            /// dβ and dγ from the output gradient (`matrix`): per-channel sums of dy and dy · x̂.
            case parameterGradients
            /// dx from the output gradient (`matrix`), dβ, dγ and `scratch`.
            case inputGradient
        }
        let layer: BatchNorm
        let step: Step
        let matrix: Matrix

        func run(_ range: Range<Int>) {
            switch step {
            case .sums, .squaredDeviations, .parameterGradients:
                if layer.positions == 1 {
                    layer.vectorSums(step, of: matrix, channels: range)
                } else {
                    layer.planeSums(step, of: matrix, planes: range)
                }
            case .normalize: layer.normalize(matrix, rows: range)
            case .inputGradient: layer.inputGradient(matrix, rows: range)
            }
        }
    }

    /// dx for the examples in `rows`, from dβ, dγ and `scratch`.
    private func inputGradient(_ outputGradient: Matrix, rows: Range<Int>) {
        let width = inputShape.count, dBeta = beta.gradient.data, dGamma = gamma.gradient.data
        let dy = outputGradient.data, xHat = normalized.data, dx = inputGradient.data
        let count = Float(outputGradient.rows * positions)
        for row in rows {
            let dyRow = dy + row * width, xRow = xHat + row * width, dxRow = dx + row * width
            if positions == 1 {
                for c in 0..<channels {
                    dxRow[c] = scratch[c] * (count * dyRow[c] - dBeta[c] - xRow[c] * dGamma[c])
                }
            } else {
                for c in 0..<channels {
                    let offset = c * positions, scale = scratch[c], shift = dBeta[c], slope = dGamma[c]
                    for p in 0..<positions {
                        dxRow[offset + p] = scale * (count * dyRow[offset + p] - shift - xRow[offset + p] * slope)
                    }
                }
            }
        }
    }

    /// A sum over each channel, for vectors (every feature its own channel), over the channels
    /// in `range`: mean[c] = Σ x, scratch[c] = Σ (x − mean[c])², or dβ[c] = Σ dy and
    /// dγ[c] = Σ dy · x̂, over the batch in order.
    private func vectorSums(_ step: Loop.Step, of matrix: Matrix, channels range: Range<Int>) {
        let values = matrix.data, xHat = normalized.data, dBeta = beta.gradient.data, dGamma = gamma.gradient.data
        for c in range {
            switch step {
            case .sums: mean[c] = 0
            case .squaredDeviations: scratch[c] = 0
            default: (dBeta[c], dGamma[c]) = (0, 0)
            }
        }
        for row in 0..<matrix.rows {
            let value = values + row * channels, xHatRow = xHat + row * channels
            switch step {
            case .sums:
                for c in range { mean[c] += value[c] }
            case .squaredDeviations:
                for c in range {
                    let deviation = value[c] - mean[c]
                    scratch[c] += deviation * deviation
                }
            default:  // value is dy
                for c in range {
                    dBeta[c] += value[c]
                    dGamma[c] += value[c] * xHatRow[c]
                }
            }
        }
    }

    /// The same sums for images, for the planes (an image's channel) in `range`: each plane's
    /// Σ x, Σ (x − mean[c])², or Σ dy and Σ dy · x̂ (with `Elementwise`'s lanes) into `planeTotals`.
    private func planeSums(_ step: Loop.Step, of matrix: Matrix, planes range: Range<Int>) {
        let totals = planeTotals.data
        for plane in range {
            let values = matrix.data + plane * positions, c = plane % channels
            switch step {
            case .sums:
                totals[2 * plane] = Elementwise.sum(values, count: positions)
            case .squaredDeviations:
                totals[2 * plane] = Elementwise.squaredDeviations(values, from: mean[c], count: positions)
            default:
                (totals[2 * plane], totals[2 * plane + 1]) =
                    Elementwise.sumAndDot(values, normalized.data + plane * positions, count: positions)
            }
        }
    }

    /// x̂ = (x − mean) · inverseDeviation into `normalized`, y = γ x̂ + β into `output`, for
    /// the examples in `rows`.
    private func normalize(_ input: Matrix, rows: Range<Int>) {
        let x = input.data
        let width = inputShape.count, g = gamma.value.data, b = beta.value.data
        for row in rows {
            let xRow = x + row * width, xHat = normalized.row(row), y = output.row(row)
            if positions == 1 {
                for c in 0..<channels {
                    let value = (xRow[c] - mean[c]) * inverseDeviation[c]
                    xHat[c] = value
                    y[c] = g[c] * value + b[c]
                }
            } else {
                for c in 0..<channels {
                    let center = mean[c], scale = inverseDeviation[c], gain = g[c], shift = b[c]
                    for p in c * positions..<(c + 1) * positions {
                        let value = (xRow[p] - center) * scale
                        xHat[p] = value
                        y[p] = gain * value + shift
                    }
                }
            }
        }
    }
}

/// Layer normalization (Ba, Kiros and Hinton, 2016): each example is normalized over its own
/// features, x̂ = (x − μ) / sqrt(σ² + ε), then y = γ x̂ + β with γ, β per feature. It needs no
/// batch statistics, so it behaves the same in training and evaluation and at any batch size.
public final class LayerNorm: Layer {
    public let inputShape: FeatureShape
    public var outputShape: FeatureShape { inputShape }
    /// Scale γ, [1, features], starts at 1.
    public let gamma: Parameter
    /// Shift β, [1, features], starts at 0.
    public let beta: Parameter
    public var parameters: [Parameter] { [gamma, beta] }
    /// Added to the variance before the square root (Keras's default 0.001).
    public let epsilon: Float
    public var description: String { "layernorm" }

    private let normalized: Matrix
    private let inverseDeviation: Matrix
    private let output: Matrix
    private let inputGradient: Matrix

    /// Layer normalization over the features of `shape`.
    public init(shape: FeatureShape, epsilon: Float = 0.001) {
        self.inputShape = shape
        self.epsilon = epsilon
        let ones = Matrix(rows: 1, columns: shape.count)
        ones.fill(1)
        gamma = Parameter(name: "gamma", value: ones)
        beta = Parameter(name: "beta", value: Matrix(rows: 1, columns: shape.count))
        normalized = Matrix(rows: 0, columns: shape.count)
        inverseDeviation = Matrix(rows: 0, columns: 1)
        output = Matrix(rows: 0, columns: shape.count)
        inputGradient = Matrix(rows: 0, columns: shape.count)
    }

    public func forward(_ input: Matrix, training: Bool) -> Matrix {
        let batch = input.rows, width = inputShape.count, count = Float(width)
        output.resize(rows: batch)
        normalized.resize(rows: batch)
        inverseDeviation.resize(rows: batch)
        let g = gamma.value.data, b = beta.value.data
        for row in 0..<batch {
            let x = input.row(row), xHat = normalized.row(row), y = output.row(row)
            var sum: Float = 0
            for i in 0..<width { sum += x[i] }
            let mean = sum / count
            var squares: Float = 0
            for i in 0..<width { squares += (x[i] - mean) * (x[i] - mean) }
            let scale = 1 / (squares / count + epsilon).squareRoot()
            inverseDeviation.data[row] = scale
            for i in 0..<width {
                xHat[i] = (x[i] - mean) * scale
                y[i] = g[i] * xHat[i] + b[i]
            }
        }
        return output
    }

    public func backward(_ outputGradient: Matrix, needsInputGradient: Bool) -> Matrix {
        let batch = outputGradient.rows, width = inputShape.count, count = Float(width)
        inputGradient.resize(rows: batch)
        let g = gamma.value.data, dGamma = gamma.gradient.data, dBeta = beta.gradient.data
        dGamma.update(repeating: 0, count: width)
        dBeta.update(repeating: 0, count: width)
        for row in 0..<batch {
            let dy = outputGradient.row(row), xHat = normalized.row(row), dx = inputGradient.row(row)
            var sum: Float = 0, product: Float = 0
            for i in 0..<width {
                dBeta[i] += dy[i]
                dGamma[i] += dy[i] * xHat[i]
                let dxHat = dy[i] * g[i]
                sum += dxHat
                product += dxHat * xHat[i]
            }
            guard needsInputGradient else { continue }
            // dx = σ⁻¹ / F · (F dx̂ − Σ dx̂ − x̂ Σ dx̂ x̂)
            let scale = inverseDeviation.data[row] / count
            for i in 0..<width { dx[i] = scale * (count * dy[i] * g[i] - sum - xHat[i] * product) }
        }
        return inputGradient
    }
}
