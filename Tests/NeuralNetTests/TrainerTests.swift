import Testing

@testable import NeuralNet

@Suite struct TrainerTests {
    static let spirals = DataSourceFixtures.spirals

    func train(
        specs: [LayerSpec], optimizer: OptimizerKind = .sgd, learningRate: Float = 0.05, epochs: Int = 3,
        batchSize: Int = 32, seed: UInt64, keepsGradients: Bool = false
    ) -> (TrainingHistory, Network) {
        let (training, validation) = Self.spirals
        let generator = RandomGenerator(seed: seed)
        let network = Network(specs: specs, inputShape: training.shape, generator: generator)
        let trainer = Trainer(
            network: network, optimizer: optimizer.make(learningRate: learningRate, parameters: network.parameters),
            generator: generator)
        trainer.keepsGradients = keepsGradients
        let history = trainer.train(on: training, validation: validation, epochs: epochs, batchSize: batchSize)
        return (history, network)
    }

    static let regularized: [LayerSpec] = [
        .dense(units: 16), .batchNorm, .activation(.relu), .dropout(rate: 0.1), .dense(units: 3),
    ]

    /// Everything but wall time, for comparing runs.
    func numbers(_ history: TrainingHistory) -> [[Double?]] {
        history.epochs.map { [$0.loss, $0.accuracy, $0.validationLoss, $0.validationAccuracy] }
    }

    @Test func sameSeedGivesIdenticalNumbers() {
        let first = train(specs: Self.regularized, seed: 7).0
        let second = train(specs: Self.regularized, seed: 7).0
        #expect(first.epochs.count == 3)
        #expect(numbers(first) == numbers(second))
    }

    @Test func differentSeedsGiveDifferentNumbers() {
        let first = train(specs: Self.regularized, seed: 7).0
        let second = train(specs: Self.regularized, seed: 8).0
        #expect(numbers(first) != numbers(second))
    }

    @Test func learnsSpirals() {
        let specs: [LayerSpec] = [.dense(units: 64), .activation(.relu), .dense(units: 64), .activation(.relu), .dense(units: 3)]
        let (history, _) = train(specs: specs, optimizer: .adam, learningRate: 0.01, epochs: 30, seed: 1)
        let last = history.epochs.last!
        #expect(last.accuracy > 0.9)
        #expect(last.validationAccuracy! > 0.9)
        #expect(history.epochs.first!.loss > last.loss)
    }

    /// Keeping gradients for an observer (`record: gradients`) changes no number of a run,
    /// and the kept gradients are the step's.
    @Test func keepingGradientsChangesNoNumber() {
        let (plainHistory, plain) = train(specs: Self.regularized, epochs: 2, seed: 3)
        let (keptHistory, kept) = train(specs: Self.regularized, epochs: 2, seed: 3, keepsGradients: true)
        #expect(numbers(plainHistory) == numbers(keptHistory))
        for (a, b) in zip(plain.parameters, kept.parameters) {
            #expect(a.value.values == b.value.values, "\(a.name) differs")
        }
        let weight = kept.parameters[0]
        #expect(weight.gradient.values.contains { $0 != 0 }, "the first dense layer's weight gradient was not kept")
    }

    /// The fused update (dense weights updated inside the backward product) is plain SGD: one
    /// step of it against `backward` and `SGD.step()`, from the same weights and batch, at a
    /// batch for sgemm and one for the engine's small-batch kernels.
    @Test(arguments: [16, 2])
    func fusedSGDIsPlainSGD(batchSize: Int) {
        let (training, _) = Self.spirals
        func network() -> Network {
            Network(specs: Self.regularized.filter { if case .dropout = $0 { false } else { true } }, inputShape: training.shape,
                    generator: RandomGenerator(seed: 4))
        }
        let fused = network(), separate = network()
        let batch = Matrix(rows: batchSize, columns: 2, values: Array(training.features[0..<2 * batchSize]))
        let labels = Array(training.labels[0..<batchSize])
        let loss = SoftmaxCrossEntropy(classes: 3)
        _ = loss.evaluate(logits: fused.forward(batch, training: true), labels: labels, computeGradient: true)
        fused.backwardUpdating(loss.gradient, learningRate: 0.5)
        _ = loss.evaluate(logits: separate.forward(batch, training: true), labels: labels, computeGradient: true)
        separate.backward(loss.gradient)
        SGD(learningRate: 0.5, parameters: separate.parameters).step()
        for (a, b) in zip(fused.parameters, separate.parameters) {
            let difference = zip(a.value.values, b.value.values).map { abs($0 - $1) }.max()!
            #expect(difference < 1e-6, "\(a.name) differs by \(difference)")
        }
    }

    @Test func reportsDivergence() {
        // A linear network (nothing saturates or dies) with an absurd rate overflows Float.
        let specs: [LayerSpec] = [.dense(units: 32), .dense(units: 3)]
        let (history, _) = train(specs: specs, learningRate: 1e9, epochs: 5, seed: 1)
        #expect(history.divergence != nil)
        #expect(history.epochs.count < 5)
    }

    @Test func partialLastBatchAndBatchOfOne() {
        // 2,000 examples in batches of 3 leave a last batch of 2; batches of 1 give BN zero variance.
        let (history, _) = train(specs: Self.regularized, epochs: 1, batchSize: 3, seed: 2)
        #expect(history.epochs.count == 1 && history.divergence == nil)
        let (single, _) = train(specs: Self.regularized, epochs: 1, batchSize: 1, seed: 2)
        #expect(single.epochs.first?.loss.isFinite == true)
    }

    @Test func observerHearsEveryStepAndEpoch() {
        final class Counter: TrainingObserver {
            var steps = 0, epochs: [Int] = [], announced: (Int, Int)?
            func trainingWillStart(epochs: Int, stepsPerEpoch: Int) { announced = (epochs, stepsPerEpoch) }
            func stepDidFinish(epoch: Int, step: Int, loss: Float) { steps += 1 }
            func epochDidFinish(_ metrics: EpochMetrics) { epochs.append(metrics.epoch) }
        }
        let (training, _) = Self.spirals
        let generator = RandomGenerator(seed: 1)
        let network = Network(specs: [.dense(units: 3)], inputShape: training.shape, generator: generator)
        let trainer = Trainer(network: network, optimizer: OptimizerKind.sgd.make(learningRate: 0.1, parameters: network.parameters), generator: generator)
        let counter = Counter()
        _ = trainer.train(on: training, validation: nil, epochs: 2, batchSize: 100, observer: counter)
        // 1,800 training examples in batches of 100.
        #expect(counter.announced! == (2, 18))
        #expect(counter.steps == 36)
        #expect(counter.epochs == [1, 2])
    }
}

enum DataSourceFixtures {
    /// The spirals set split 1,800 / 200.
    static let spirals: (Dataset, Dataset) = {
        let all = try! DataSource.spirals.load(.train, directory: "")
        let (training, validation) = all.splitValidation(count: 200)
        return (training, validation)
    }()
}
