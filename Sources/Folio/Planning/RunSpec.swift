import NeuralNet

/// Everything that determines one training run with one seed. A run is a pure function
/// of this, its data and the engine version, so its JSON (sorted keys) is the cache key.
struct RunSpec: Codable, Hashable, Sendable {
    /// How many training examples are held out for validation.
    enum Validation: Codable, Hashable, Sendable {
        case count(Int)
        case fraction(Double)
    }

    /// Extra traces a run records.
    struct Record: Codable, Hashable, Sendable {
        /// Training loss at every step.
        var steps = false
        /// Percentiles of the input to one unit's nonlinearity: (hidden layer, unit), 1-based layer.
        var activations: Activations?
        /// Each dense layer's weight-gradient norm.
        var gradients = false
        /// Test loss and accuracy after the last epoch.
        var test = false

        struct Activations: Codable, Hashable, Sendable {
            /// 1-based index among the network's nonlinearities; nil for the last.
            var layer: Int?
            var unit: Int
        }
    }

    var dataset = DataSource.fashionMNIST
    var path: String?
    var validation: Validation?
    var limit: Int?
    var model: [LayerSpec] = []
    var optimizer = OptimizerKind.sgd
    var learningRate = 0.01
    var batchSize = 32
    var epochs = 10
    var seed: UInt64 = 0
    var initializer = Initializer.glorot
    var batchNorm = BatchNormOptions()
    var record = Record()
    var repeatCount = 1

    /// Held-out count for a training set of `count` examples.
    func validationCount(of count: Int) -> Int {
        switch validation {
        case .count(let value): return value
        case .fraction(let fraction): return Int((Double(count) * fraction).rounded())
        case nil: return dataset.isSynthetic ? count / 10 : 5000
        }
    }
}
