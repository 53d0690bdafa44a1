import Foundation

/// The data sets Folio knows by name, and where their files are found.
public enum DataSource: String, Hashable, Sendable, Codable, CaseIterable {
    /// Zalando's Fashion-MNIST: 28×28 grey images of clothing, 60,000 + 10,000 (IDX).
    case fashionMNIST = "fashion-mnist"
    /// LeCun's handwritten digits, same format and shape as Fashion-MNIST.
    case mnist
    /// CIFAR-10: 32×32 colour images, 50,000 + 10,000 (binary batches).
    case cifar10
    /// Three interleaved spirals in the plane (generated).
    case spirals
    /// Gaussian clusters (generated).
    case blobs

    /// The two halves a data set comes in.
    public enum Split: String, Sendable { case train, test }

    /// Where Debian's `dataset-fashion-mnist` package puts its files.
    public static let debianFashionMNIST = "/usr/share/datasets/fashion-mnist"

    /// Whether the examples are generated rather than read from files.
    public var isSynthetic: Bool { self == .spirals || self == .blobs }

    /// Where files are looked for when no path is given: Debian's package for Fashion-MNIST,
    /// otherwise `<dataRoot>/<name>` (dataRoot defaults to `data`).
    public func defaultDirectory(dataRoot: String?) -> String {
        if let dataRoot { return (dataRoot as NSString).appendingPathComponent(rawValue) }
        return self == .fashionMNIST ? Self.debianFashionMNIST : "data/\(rawValue)"
    }

    /// The shape of one example, known without reading the files.
    public var exampleShape: FeatureShape {
        switch self {
        case .fashionMNIST, .mnist: FeatureShape(channels: 1, height: 28, width: 28)
        case .cifar10: FeatureShape(channels: 3, height: 32, width: 32)
        case .spirals, .blobs: FeatureShape(vector: 2)
        }
    }

    /// Class names in label order.
    public var classNames: [String] {
        switch self {
        case .fashionMNIST:
            ["T-shirt/top", "Trouser", "Pullover", "Dress", "Coat", "Sandal", "Shirt", "Sneaker", "Bag", "Ankle boot"]
        case .mnist: (0...9).map(String.init)
        case .cifar10: CIFAR10.classNames
        case .spirals, .blobs: []
        }
    }

    /// Loads one split from `directory`. Synthetic sets ignore the directory: one fixed draw
    /// of 3,000 examples, the first 2,000 for training and the last 1,000 for testing.
    public func load(_ split: Split, directory: String) throws(DataError) -> Dataset {
        let root = URL(fileURLWithPath: directory)
        let name = "\(rawValue) (\(split.rawValue))"
        switch self {
        case .fashionMNIST, .mnist:
            let prefix = split == .train ? "train" : "t10k"
            return try IDX.load(
                images: try locate("\(prefix)-images-idx3-ubyte", in: root),
                labels: try locate("\(prefix)-labels-idx1-ubyte", in: root),
                name: name, classNames: classNames)
        case .cifar10:
            var folder = root
            if !FileManager.default.fileExists(atPath: root.appendingPathComponent("test_batch.bin").path),
               FileManager.default.fileExists(atPath: root.appendingPathComponent("cifar-10-batches-bin").path) {
                folder = root.appendingPathComponent("cifar-10-batches-bin")
            }
            let files = split == .train ? (1...5).map { "data_batch_\($0).bin" } : ["test_batch.bin"]
            return try CIFAR10.load(batches: files.map { folder.appendingPathComponent($0) }, name: name)
        case .spirals, .blobs:
            let all = self == .spirals ? Synthetic.spirals(count: 3000, seed: 7) : Synthetic.blobs(count: 3000, seed: 7)
            return all.slice(split == .train ? 0..<2000 : 2000..<3000, name: name)
        }
    }

    /// `name.gz` if it exists, else `name`; a missing-file error names the plain file.
    private func locate(_ name: String, in root: URL) throws(DataError) -> URL {
        let gzipped = root.appendingPathComponent(name + ".gz")
        if FileManager.default.fileExists(atPath: gzipped.path) { return gzipped }
        let plain = root.appendingPathComponent(name)
        guard FileManager.default.fileExists(atPath: plain.path) else {
            throw DataError(path: plain.path, .invalid("file not found (nor \(name).gz beside it)"))
        }
        return plain
    }
}
