/// What one epoch measured.
public struct EpochMetrics: Hashable, Sendable, Codable {
    /// 1-based epoch number.
    public var epoch: Int
    /// Training loss, the mean of the epoch's batch losses weighted by batch size (as Keras
    /// reports it: measured while the weights change, in training mode).
    public var loss: Double
    /// Training accuracy over the epoch's batches, likewise.
    public var accuracy: Double
    /// Validation loss after the epoch, in evaluation mode (nil without validation data).
    public var validationLoss: Double?
    /// Validation accuracy after the epoch, in evaluation mode.
    public var validationAccuracy: Double?
    /// Wall seconds of the epoch's training pass (validation excluded).
    public var seconds: Double

    public init(epoch: Int, loss: Double, accuracy: Double, validationLoss: Double?, validationAccuracy: Double?, seconds: Double) {
        self.epoch = epoch
        self.loss = loss
        self.accuracy = accuracy
        self.validationLoss = validationLoss
        self.validationAccuracy = validationAccuracy
        self.seconds = seconds
    }
}

/// Where a run stopped because its loss was no longer a finite number.
public struct Divergence: Hashable, Sendable, Codable {
    /// 1-based epoch.
    public var epoch: Int
    /// 1-based step within the epoch.
    public var step: Int
}

/// The result of `Trainer.train`.
public struct TrainingHistory: Hashable, Sendable, Codable {
    /// Metrics of every completed epoch.
    public var epochs: [EpochMetrics]
    /// Set when training stopped early on a NaN or infinite loss.
    public var divergence: Divergence?
}

/// Receives progress while a network trains. Every method has an empty default.
public protocol TrainingObserver: AnyObject {
    /// Called once before the first step.
    func trainingWillStart(epochs: Int, stepsPerEpoch: Int)
    /// Called after each step's update, with that batch's loss. Parameter gradients still
    /// hold this step's values unless plain SGD was fused (`Trainer.fusesPlainSGD`).
    func stepDidFinish(epoch: Int, step: Int, loss: Float)
    /// Called after each epoch's validation.
    func epochDidFinish(_ metrics: EpochMetrics)
}

extension TrainingObserver {
    public func trainingWillStart(epochs: Int, stepsPerEpoch: Int) {}
    public func stepDidFinish(epoch: Int, step: Int, loss: Float) {}
    public func epochDidFinish(_ metrics: EpochMetrics) {}
}

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
    /// Whether plain SGD is fused into the backward pass (`Network.backwardUpdating`): the
    /// same updates, faster, but parameter gradients are not kept. Turn it off to read
    /// gradients from an observer. Other optimizers always use the gradients.
    public var fusesPlainSGD = true
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
                if fusesPlainSGD, optimizer is SGD {
                    network.backwardUpdating(loss.gradient, learningRate: optimizer.learningRate)
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
    public func evaluate(_ dataset: Dataset, batchSize: Int = 1000) -> (loss: Double, accuracy: Double) {
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

extension Duration {
    /// The duration in seconds, as a Double.
    public var seconds: Double {
        let (whole, attoseconds) = components
        return Double(whole) + Double(attoseconds) * 1e-18
    }
}
