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
