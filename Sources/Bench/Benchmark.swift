import NeuralNet

/// The reference networks `folio bench` trains: 784-300-100-10 with ReLU (SGD 0.01), and a
/// small CNN (Adam 0.001, batch 64), each without and with batch normalization before each
/// hidden nonlinearity.
public enum BenchmarkNetwork: String, CaseIterable, Sendable, Codable {
    /// dense 300, relu, dense 100, relu, dense 10
    case mlp
    /// dense 300, batchnorm, relu, dense 100, batchnorm, relu, dense 10
    case mlpBatchNorm = "mlp-bn"
    /// conv 32 3x3, relu, maxpool 2, conv 64 3x3, relu, maxpool 2, flatten, dense 128, relu, dense 10
    case cnn
    /// The CNN with batchnorm after each convolution (per channel) and after dense 128
    case cnnBatchNorm = "cnn-bn"

    /// The networks `folio bench` trains when none is named.
    public static let defaults: [BenchmarkNetwork] = [.mlp, .mlpBatchNorm]

    /// Batch sizes measured when none are named.
    public var defaultBatchSizes: [Int] { isConvolutional ? [64] : [16, 32, 64, 128, 256] }

    var isConvolutional: Bool { self == .cnn || self == .cnnBatchNorm }
    var optimizer: OptimizerKind { isConvolutional ? .adam : .sgd }
    var learningRate: Float { isConvolutional ? 0.001 : 0.01 }

    /// The layers, as a notebook would write them.
    public var layers: [LayerSpec] {
        switch self {
        case .mlp: [.dense(units: 300), .activation(.relu), .dense(units: 100), .activation(.relu), .dense(units: 10)]
        case .mlpBatchNorm:
            [.dense(units: 300), .batchNorm, .activation(.relu), .dense(units: 100), .batchNorm, .activation(.relu),
             .dense(units: 10)]
        case .cnn, .cnnBatchNorm:
            Self.convolutional(batchNorm: self == .cnnBatchNorm)
        }
    }

    static func convolutional(batchNorm: Bool) -> [LayerSpec] {
        let norm: [LayerSpec] = batchNorm ? [.batchNorm] : []
        let conv32: [LayerSpec] = [.convolution(filters: 32, kernel: 3, stride: 1, padding: .same)]
        let conv64: [LayerSpec] = [.convolution(filters: 64, kernel: 3, stride: 1, padding: .same)]
        let pool: [LayerSpec] = [.activation(.relu), .maxPool(size: 2)]
        return conv32 + norm + pool + conv64 + norm + pool + [.flatten, .dense(units: 128)] + norm
            + [.activation(.relu), .dense(units: 10)]
    }
}

/// One row of `folio bench`: a network at a batch size.
public struct BenchmarkResult: Codable, Sendable, Equatable {
    public var network: BenchmarkNetwork
    public var batchSize: Int
    /// Median over the epochs of the training pass's wall seconds.
    public var secondsPerEpoch: Double
    /// Training examples per second at that median.
    public var samplesPerSecond: Double
    /// Validation accuracy after the last epoch.
    public var valAccuracy: Double
    public var epochs: Int
    /// Floating-point operations of the epoch's matrix products, forward and backward,
    /// counted from the layers (see `MatrixWork`).
    public var flopsPerEpoch: Double
    /// This machine's sgemm speed at a large square shape, measured in the same run (GFLOP/s).
    public var sgemmGFLOPS: Double
    /// The epoch's time over the time sgemm at that speed needs for its flops: 1 would be
    /// matrix products alone at their best; the rest is smaller products, element-wise work
    /// and overhead.
    public var limitRatio: Double

    public init(network: BenchmarkNetwork, batchSize: Int, secondsPerEpoch: Double, samplesPerSecond: Double, valAccuracy: Double,
                epochs: Int, flopsPerEpoch: Double, sgemmGFLOPS: Double) {
        self.network = network
        self.batchSize = batchSize
        self.secondsPerEpoch = secondsPerEpoch
        self.samplesPerSecond = samplesPerSecond
        self.valAccuracy = valAccuracy
        self.epochs = epochs
        self.flopsPerEpoch = flopsPerEpoch
        self.sgemmGFLOPS = sgemmGFLOPS
        limitRatio = secondsPerEpoch / (flopsPerEpoch / (sgemmGFLOPS * 1e9))
    }

    enum CodingKeys: String, CodingKey {
        case network, batchSize = "batch_size", secondsPerEpoch = "seconds_per_epoch"
        case samplesPerSecond = "samples_per_second", valAccuracy = "val_accuracy", epochs
        case flopsPerEpoch = "flops_per_epoch", sgemmGFLOPS = "sgemm_gflops", limitRatio = "limit_ratio"
    }
}

/// Engine speed on the reference networks: Fashion-MNIST, 55,000 training and 5,000
/// validation examples, Glorot initialization, seed 0.
public struct Benchmark: Sendable {
    public var networks: [BenchmarkNetwork]
    /// Batch sizes for every network; nil for each network's defaults.
    public var batchSizes: [Int]?
    public var epochs: Int
    /// Folder holding the Fashion-MNIST IDX files.
    public var dataDirectory: String

    public init(networks: [BenchmarkNetwork], batchSizes: [Int]?, epochs: Int, dataDirectory: String) {
        self.networks = networks
        self.batchSizes = batchSizes
        self.epochs = epochs
        self.dataDirectory = dataDirectory
    }

    /// Trains every network at every batch size; `progress` hears of each finished epoch.
    public func run(
        progress: @escaping (_ network: BenchmarkNetwork, _ batchSize: Int, _ metrics: EpochMetrics) -> Void
    ) throws(DataError) -> [BenchmarkResult] {
        let (training, validation) = try DataSource.fashionMNIST.load(.train, directory: dataDirectory)
            .splitValidation(count: 5000)
        // Measured before and after the training, the faster counting: the machine is shared.
        let before = Engine.matrixProductRate()
        var rows: [(BenchmarkNetwork, Int, Double, Double, Int, Double)] = []
        for network in networks {
            for batchSize in batchSizes ?? network.defaultBatchSizes {
                let generator = RandomGenerator(seed: 0)
                let model = Network(specs: network.layers, inputShape: training.shape, generator: generator)
                let trainer = Trainer(
                    network: model, optimizer: network.optimizer.make(learningRate: network.learningRate, parameters: model.parameters),
                    generator: generator)
                let observer = EpochReporter { progress(network, batchSize, $0) }
                let history = trainer.train(
                    on: training, validation: validation, epochs: epochs, batchSize: batchSize, observer: observer)
                let flops = (MatrixWork(network.layers, input: training.shape)?.flopsPerExample ?? 0) * Double(training.count)
                rows.append((network, batchSize, median(history.epochs.map(\.seconds)),
                             history.epochs.last?.validationAccuracy ?? .nan, history.epochs.count, flops))
            }
        }
        let rate = max(before, Engine.matrixProductRate()) / 1e9
        return rows.map { network, batchSize, seconds, accuracy, epochs, flops in
            BenchmarkResult(network: network, batchSize: batchSize, secondsPerEpoch: seconds, samplesPerSecond: Double(training.count) / seconds,
                            valAccuracy: accuracy, epochs: epochs, flopsPerEpoch: flops, sgemmGFLOPS: rate)
        }
    }
}

/// Forwards epoch ends to a closure.
private final class EpochReporter: TrainingObserver {
    let report: (EpochMetrics) -> Void
    init(_ report: @escaping (EpochMetrics) -> Void) { self.report = report }
    func epochDidFinish(_ metrics: EpochMetrics) { report(metrics) }
}

/// The middle value (the mean of the two middle values for an even count); NaN when empty.
func median(_ values: [Double]) -> Double {
    guard !values.isEmpty else { return .nan }
    let sorted = values.sorted(), middle = sorted.count / 2
    return sorted.count % 2 == 1 ? sorted[middle] : (sorted[middle - 1] + sorted[middle]) / 2
}
