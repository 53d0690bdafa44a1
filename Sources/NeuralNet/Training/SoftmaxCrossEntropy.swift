#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif

/// Softmax followed by cross-entropy against integer labels, averaged over the batch.
///
/// With p = softmax(z), the loss of one example is −log p_label = logsumexp(z) − z_label,
/// computed after subtracting the row's maximum so that no exponential overflows. Its
/// gradient with respect to the logits is (p − onehot(label)) / batch.
public final class SoftmaxCrossEntropy {
    /// Gradient with respect to the logits from the latest `evaluate`, [batch, classes].
    public let gradient: Matrix

    /// A loss for `classes` classes.
    public init(classes: Int) {
        gradient = Matrix(rows: 0, columns: classes)
    }

    /// Mean loss and number of correct predictions (the arg-max matches the label) for
    /// `logits` [batch, classes] and one label per row. Fills `gradient` when
    /// `computeGradient` is set.
    public func evaluate(logits: Matrix, labels: [Int32], computeGradient: Bool) -> (loss: Float, correct: Int) {
        precondition(labels.count == logits.rows, "loss: \(labels.count) labels for \(logits.rows) rows")
        return labels.withUnsafeBufferPointer { evaluate(logits: logits, labels: $0.baseAddress!, computeGradient: computeGradient) }
    }

    /// `evaluate` with the labels at `labels` (the trainer's buffer, which allocates nothing).
    func evaluate(
        logits: Matrix, labels: UnsafePointer<Int32>, computeGradient: Bool
    ) -> (loss: Float, correct: Int) {
        let batch = logits.rows, classes = logits.columns
        precondition(classes == gradient.columns, "loss: \(classes) logits for \(gradient.columns) classes")
        gradient.resize(rows: batch)
        var total: Float = 0
        var correct = 0
        let inverseBatch = 1 / Float(batch)
        for row in 0..<batch {
            let z = logits.row(row), label = Int(labels[row])
            var best = 0
            for k in 1..<classes where z[k] > z[best] { best = k }
            if best == label { correct += 1 }
            let maximum = z[best]
            var sum: Float = 0
            for k in 0..<classes { sum += expf(z[k] - maximum) }
            total += logf(sum) - (z[label] - maximum)
            if computeGradient {
                let g = gradient.row(row), scale = inverseBatch / sum
                for k in 0..<classes { g[k] = expf(z[k] - maximum) * scale }
                g[label] -= inverseBatch
            }
        }
        return (total / Float(batch), correct)
    }
}
