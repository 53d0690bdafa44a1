/// Receives progress while a network trains. Every method has an empty default.
public protocol TrainingObserver: AnyObject {
    /// Called once before the first step.
    func trainingWillStart(epochs: Int, stepsPerEpoch: Int)
    /// Called after each step's update, with that batch's loss. Parameter gradients still
    /// hold this step's values when `Trainer.keepsGradients` is set (or the optimizer is not plain SGD).
    func stepDidFinish(epoch: Int, step: Int, loss: Float)
    /// Called after each epoch's validation.
    func epochDidFinish(_ metrics: EpochMetrics)
}

extension TrainingObserver {
    public func trainingWillStart(epochs: Int, stepsPerEpoch: Int) {}
    public func stepDidFinish(epoch: Int, step: Int, loss: Float) {}
    public func epochDidFinish(_ metrics: EpochMetrics) {}
}
