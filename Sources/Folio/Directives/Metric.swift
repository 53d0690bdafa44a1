/// The metrics a run records per epoch (test metrics after the last epoch only).
enum Metric: String, CaseIterable, Codable, Sendable {
    case loss, accuracy, val_loss, val_accuracy, test_loss, test_accuracy, seconds

    /// Whether larger is better (accuracies), which decides what `best` means.
    var higherIsBetter: Bool { self == .accuracy || self == .val_accuracy || self == .test_accuracy }

    /// An axis or column title with its unit.
    var title: String {
        switch self {
        case .loss: "training loss (cross-entropy)"
        case .accuracy: "training accuracy"
        case .val_loss: "validation loss (cross-entropy)"
        case .val_accuracy: "validation accuracy"
        case .test_loss: "test loss (cross-entropy)"
        case .test_accuracy: "test accuracy"
        case .seconds: "time per epoch (s)"
        }
    }
}
