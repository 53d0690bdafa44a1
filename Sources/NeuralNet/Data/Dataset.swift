/// Labelled examples held in memory: features scaled to [0, 1] (or real-valued for the
/// synthetic sets), one row per example, and integer labels in `0..<classCount`.
public struct Dataset: Sendable {
    /// Display name, e.g. `fashion-mnist (train)`.
    public var name: String
    /// Shape of one example.
    public var shape: FeatureShape
    /// Names of the classes, `classCount` of them.
    public var classNames: [String]
    /// `count × shape.count` features, row-major.
    public var features: [Float]
    /// `count` labels.
    public var labels: [Int32]

    /// A data set; `features` must hold `labels.count` examples of `shape`.
    public init(name: String, shape: FeatureShape, classNames: [String], features: [Float], labels: [Int32]) {
        precondition(features.count == labels.count * shape.count, "Dataset: features and labels disagree")
        self.name = name
        self.shape = shape
        self.classNames = classNames
        self.features = features
        self.labels = labels
    }

    /// Number of examples.
    public var count: Int { labels.count }
    /// Number of classes.
    public var classCount: Int { classNames.count }

    /// The examples at `range`, in order.
    public func slice(_ range: Range<Int>, name: String? = nil) -> Dataset {
        let width = shape.count
        return Dataset(
            name: name ?? self.name, shape: shape, classNames: classNames,
            features: Array(features[range.lowerBound * width..<range.upperBound * width]),
            labels: Array(labels[range]))
    }

    /// Holds out the first `validationCount` examples for validation; the rest train.
    /// The order of examples is left as it is, so the split is the same on every machine.
    public func splitValidation(count validationCount: Int) -> (training: Dataset, validation: Dataset) {
        precondition(validationCount >= 0 && validationCount < count, "validation must leave training examples")
        return (slice(validationCount..<count), slice(0..<validationCount))
    }

    /// Number of examples of each class.
    public var classCounts: [Int] {
        var counts = [Int](repeating: 0, count: classCount)
        for label in labels { counts[Int(label)] += 1 }
        return counts
    }

    /// Copies the examples at `indices` into `batch` (resized to `indices.count` rows) and
    /// their labels into `batchLabels`.
    func gather(_ indices: UnsafeBufferPointer<Int>, into batch: Matrix, labels batchLabels: UnsafeMutablePointer<Int32>) {
        let width = shape.count
        batch.resize(rows: indices.count)
        features.withUnsafeBufferPointer { source in
            for (row, index) in indices.enumerated() {
                batch.row(row).update(from: source.baseAddress! + index * width, count: width)
                batchLabels[row] = labels[index]
            }
        }
    }
}
