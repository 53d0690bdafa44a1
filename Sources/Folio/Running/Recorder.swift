import NeuralNet

/// Records the traces a spec asks for while its network trains, and forwards progress.
final class Recorder: TrainingObserver {
    let run: String, seed: UInt64, spec: RunSpec, network: Network
    let progress: ProgressSink?
    var steps: [Float] = []
    var activations: [ActivationSample] = []
    var gradients: [GradientSample] = []
    private var stepsPerEpoch = 1, interval = 1
    private let probe: Matrix?
    private let probeLayer: Int?
    private let unit: Int

    init(run: String, seed: UInt64, spec: RunSpec, network: Network, probe validation: Dataset, progress: ProgressSink?) {
        self.run = run
        self.seed = seed
        self.spec = spec
        self.network = network
        self.progress = progress
        unit = spec.record.activations?.unit ?? 0
        if let activations = spec.record.activations {
            // The layer feeding the chosen nonlinearity (1-based; the last by default).
            let nonlinearities = network.layers.indices.filter { network.layers[$0] is Activation }
            let chosen = nonlinearities[(activations.layer ?? nonlinearities.count) - 1]
            probeLayer = chosen - 1
            let count = min(256, validation.count), width = validation.shape.count
            probe = Matrix(rows: count, columns: width, values: Array(validation.features[0..<count * width]))
        } else {
            probeLayer = nil
            probe = nil
        }
    }

    func trainingWillStart(epochs: Int, stepsPerEpoch: Int) {
        self.stepsPerEpoch = stepsPerEpoch
        interval = max(1, epochs * stepsPerEpoch / 100)
        progress?.started(run: run, seed: seed, epochs: epochs, stepsPerEpoch: stepsPerEpoch)
        sample(step: 0)
    }

    func stepDidFinish(epoch: Int, step: Int, loss: Float) {
        if spec.record.steps { steps.append(loss) }
        let global = (epoch - 1) * stepsPerEpoch + step
        if global % interval == 0 { sample(step: global) }
        progress?.step(run: run, seed: seed, epoch: epoch, step: step)
    }

    func epochDidFinish(_ metrics: EpochMetrics) {
        progress?.epoch(run: run, seed: seed, metrics: metrics, epochs: spec.epochs)
    }

    private func sample(step: Int) {
        if let probe, let probeLayer {
            let output = network.output(of: probe, throughLayer: probeLayer, training: false)
            let values = (0..<output.rows).map { Double(output[$0, unit]) }.sorted()
            activations.append(ActivationSample(
                step: step, p15: percentile(values, 0.15), p50: percentile(values, 0.5), p85: percentile(values, 0.85)))
        }
        if spec.record.gradients && step > 0 {
            let norms = network.layers.compactMap { $0 as? Dense }.map { layer in
                layer.weight.gradient.values.reduce(0.0) { $0 + Double($1) * Double($1) }.squareRoot()
            }
            gradients.append(GradientSample(step: step, norms: norms))
        }
    }
}
