/// Mini-batch training with softmax cross-entropy.
///
/// Each epoch visits the training examples in a fresh order drawn from the run's generator,
/// in batches of `batchSize` (the last one may be smaller). All buffers a step needs are
/// allocated before the first step, so the step itself allocates nothing.
public final class Trainer {
    /// The network being trained.
    public let network: Network
    /// The update rule.
    public let optimizer: Optimizer
    /// The run's random stream (shuffling; the network's dropout shares it).
    public let generator: RandomGenerator
    /// Whether every parameter's gradient is kept after each step, for an observer to read.
    /// Plain SGD is always fused into the backward pass (`Network.backwardUpdating`), which
    /// keeps no dense weight gradient; keeping them costs one more product per dense layer
    /// and changes no number of the run. Other optimizers always keep them.
    public var keepsGradients = false
    private let loss: SoftmaxCrossEntropy

    /// A trainer for `network`, updating it with `optimizer` and shuffling with `generator`.
    public init(network: Network, optimizer: Optimizer, generator: RandomGenerator) {
        self.network = network
        self.optimizer = optimizer
        self.generator = generator
        self.loss = SoftmaxCrossEntropy(classes: network.outputShape.count)
    }

    /// Trains for `epochs` epochs, measuring `validation` (if any) after each.
    public func train(
        on training: Dataset, validation: Dataset?, epochs: Int, batchSize: Int,
        observer: (any TrainingObserver)? = nil
    ) -> TrainingHistory {
        precondition(training.count > 0 && batchSize > 0 && epochs >= 0)
        precondition(training.shape.count == network.inputShape.count, "trainer: data and network disagree on the input size")
        let stepsPerEpoch = (training.count + batchSize - 1) / batchSize
        let batch = Matrix(rows: batchSize, columns: training.shape.count)
        let labels = UnsafeMutablePointer<Int32>.allocate(capacity: batchSize)
        let order = UnsafeMutableBufferPointer<Int>.allocate(capacity: training.count)
        defer {
            labels.deallocate()
            order.deallocate()
        }
        _ = order.initialize(from: 0..<training.count)
        // Subnormal floats are slow on x86; none of them matters at Float precision.
        Engine.flushSubnormals()
        observer?.trainingWillStart(epochs: epochs, stepsPerEpoch: stepsPerEpoch)

        var history = TrainingHistory(epochs: [], divergence: nil)
        for epoch in stride(from: 1, through: epochs, by: 1) {
            let start = ContinuousClock.now
            generator.shuffle(order)
            var lossSum = 0.0, correct = 0
            for step in 0..<stepsPerEpoch {
                let lower = step * batchSize, upper = min(lower + batchSize, training.count)
                training.gather(UnsafeBufferPointer(rebasing: order[lower..<upper]), into: batch, labels: labels)
                let logits = network.forward(batch, training: true)
                let result = loss.evaluate(logits: logits, labels: labels, computeGradient: true)
                guard result.loss.isFinite else {
                    history.divergence = Divergence(epoch: epoch, step: step + 1)
                    return history
                }
                if let rate = optimizer.fusableRate {
                    network.backwardUpdating(loss.gradient, learningRate: rate, keepingGradients: keepsGradients)
                } else {
                    network.backward(loss.gradient)
                    optimizer.step()
                }
                lossSum += Double(result.loss) * Double(upper - lower)
                correct += result.correct
                observer?.stepDidFinish(epoch: epoch, step: step + 1, loss: result.loss)
            }
            let seconds = (ContinuousClock.now - start).seconds
            let measured = validation.map { evaluate($0) }
            let metrics = EpochMetrics(
                epoch: epoch, loss: lossSum / Double(training.count), accuracy: Double(correct) / Double(training.count),
                validationLoss: measured?.loss, validationAccuracy: measured?.accuracy, seconds: seconds)
            history.epochs.append(metrics)
            observer?.epochDidFinish(metrics)
        }
        return history
    }

    /// Mean loss and accuracy over `dataset` in evaluation mode, in batches of `batchSize`.
    /// Every layer keeps buffers as large as the largest batch it has seen, so an evaluation
    /// batch far above the training batch costs memory and page faults in every run: at 1000,
    /// the report's BN-CNN touched 1.26 GB and a one-epoch `folio bench --network cnn-bn`
    /// spent 3.9 s outside its training pass; at 250, 0.51 GB and 1.3 s.
    public func evaluate(_ dataset: Dataset, batchSize: Int = 250) -> (loss: Double, accuracy: Double) {
        precondition(dataset.count > 0)
        let size = min(batchSize, dataset.count)
        let batch = Matrix(rows: size, columns: dataset.shape.count)
        let labels = UnsafeMutablePointer<Int32>.allocate(capacity: size)
        let indices = UnsafeMutableBufferPointer<Int>.allocate(capacity: dataset.count)
        defer {
            labels.deallocate()
            indices.deallocate()
        }
        _ = indices.initialize(from: 0..<dataset.count)
        var lossSum = 0.0, correct = 0
        for lower in stride(from: 0, to: dataset.count, by: size) {
            let upper = min(lower + size, dataset.count)
            dataset.gather(UnsafeBufferPointer(rebasing: indices[lower..<upper]), into: batch, labels: labels)
            let logits = network.forward(batch, training: false)
            let result = loss.evaluate(logits: logits, labels: labels, computeGradient: false)
            lossSum += Double(result.loss) * Double(upper - lower)
            correct += result.correct
        }
        return (lossSum / Double(dataset.count), Double(correct) / Double(dataset.count))
    }
}
