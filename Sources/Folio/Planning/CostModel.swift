import NeuralNet

/// How long a run will train, estimated from the work its network does per epoch.
///
/// One training step costs a fixed overhead per layer (dispatch, small-matrix set-up) plus
/// the matrix products, counted in floating-point operations by the engine (`MatrixWork`),
/// plus element-wise passes over every layer's output and the optimizer's update of every
/// parameter, both bound by memory rather than arithmetic:
///
///     seconds per epoch = steps · (stepOverhead + layerOverhead · layers + updateCost · parameters)
///                       + examples · (flops / flopRate + values · valueCost)
///
/// plus the forward pass over the validation examples (a third of the flops). The rates
/// were fitted to this machine's runs of the report (`bench/fit_cost_model.py` reads
/// `folio plan --json` and the results file); a build rescales them by what earlier runs of
/// the same notebook took on the machine at hand.
struct CostModel: Sendable {
    // Fitted to the report's 46 runs that did not diverge, on the 2-core AMD EPYC (AVX2,
    // OpenBLAS 0.3.21 "Zen" kernels) that CI uses. On an earlier machine of the same kind,
    // whose OpenBLAS chose other kernels, the per-layer cost was 5.9 µs and the element-wise
    // cost 1.3 ns: there the build's calibration (the median ratio of
    // measured to estimated time over its cached runs) makes up the difference. The per-step
    // term came out at zero on both; it stays for machines where it does not.
    var stepOverhead = 0.0
    var layerOverhead = 2.088e-5
    /// Seconds per parameter per step for SGD; momentum and Adam read and write more state.
    var updateCost = 2.683e-10
    /// Close to what `folio bench` measures for sgemm on 1024×1024 matrices here (121–135 GFLOP/s).
    var flopRate = 1.225e11
    var valueCost = 2.544e-9

    /// What a spec's training does per epoch, as the model counts it.
    struct Work: Codable, Hashable, Sendable {
        var epochs: Int
        var stepsPerEpoch: Int
        var examples: Int
        var validationExamples: Int
        var layers: Int
        var parameters: Double
        /// Multiply-adds ×2, forward and backward, per training example.
        var flopsPerExample: Double
        /// Values written by all layers per example (each read and written a few times).
        var valuesPerExample: Double
        /// State the optimizer touches per parameter relative to SGD.
        var updateFactor: Double
    }

    /// The work of a single-seed spec; nil when its layers do not fit its data.
    static func work(_ spec: RunSpec) -> Work? {
        guard let matrices = MatrixWork(spec.model, input: spec.dataset.exampleShape) else { return nil }
        let all = spec.dataset.nominalTrainingCount
        let validation = min(spec.validationCount(of: all), all)
        let examples = min(all - validation, spec.limit ?? Int.max)
        let updateFactor: Double = switch spec.optimizer {
        case .sgd: 1
        case .momentum: 2
        case .adam: 4
        }
        return Work(epochs: spec.epochs, stepsPerEpoch: (examples + spec.batchSize - 1) / max(spec.batchSize, 1), examples: examples,
                    validationExamples: validation, layers: spec.model.count, parameters: matrices.parameters,
                    flopsPerExample: matrices.flopsPerExample, valuesPerExample: matrices.valuesPerExample, updateFactor: updateFactor)
    }

    /// Estimated seconds to train `work` (every epoch, one seed).
    func seconds(_ work: Work) -> Double {
        let perStep = stepOverhead + layerOverhead * Double(work.layers) + updateCost * work.updateFactor * work.parameters
        let perExample = work.flopsPerExample / flopRate + work.valuesPerExample * valueCost
        let evaluation = Double(work.validationExamples) * (work.flopsPerExample / 3 / flopRate + work.valuesPerExample * valueCost / 3)
        return Double(work.epochs) * (Double(work.stepsPerEpoch) * perStep + Double(work.examples) * perExample + evaluation)
    }
}

extension DataSource {
    /// Training examples the set has when its files are the standard ones.
    var nominalTrainingCount: Int {
        switch self {
        case .fashionMNIST, .mnist: 60_000
        case .cifar10: 50_000
        case .spirals, .blobs: 2_000
        }
    }
}
