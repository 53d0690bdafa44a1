import Charts
import Foundation
import NeuralNet

/// Sample images and class counts of a data set, computed once and cached.
struct DatasetPreview: Codable, Sendable {
    var name: String
    var classNames: [String]
    var trainingCounts: [Int]
    var testCounts: [Int]
    /// A PNG of `samplesPerClass` images per class (one row per class), base64.
    var pngBase64: String?
    var pixelWidth: Int
    var pixelHeight: Int
}

/// Makes the previews of a notebook's `{dataset}` blocks. Each is cached under the data's
/// fingerprint with a checksum, like run results: an entry that does not verify, or does
/// not fit the directive, is made again.
enum DatasetPreviews {
    /// A cache file: the preview and the SHA-256 of its JSON.
    struct Entry: Codable {
        var checksum: String
        var preview: DatasetPreview
    }

    /// Previews keyed by `dataset|path`.
    static func make(_ notebook: Notebook, options: BuildOptions, loader: Runner, _ diagnostics: inout Diagnostics) -> [String: DatasetPreview] {
        var previews: [String: DatasetPreview] = [:]
        for (_, block) in notebook.blocks {
            guard case .dataset(let directive) = block, let source = DataSource(rawValue: directive.dataset) else { continue }
            let key = directive.dataset + "|" + (directive.path ?? "")
            if previews[key] != nil { continue }
            let directory = DataLocation.directory(for: source, path: directive.path, baseDirectory: options.workingDirectory)
            let fingerprint = loader.fingerprints.fingerprint(for: source, directory: directory)
            let cacheFile = options.cacheDirectory.appendingPathComponent(
                "datasets/" + SHA256.hex(Array("\(fingerprint)|\(directive.samplesPerClass)|preview-2".utf8)) + ".json")
            if options.useCache, let cached = load(cacheFile) {
                previews[key] = cached
                continue
            }
            do {
                // Through the runner, which keeps what it reads for the runs that train on it.
                let training = try loader.load(source, .train, directory)
                let test = try? loader.load(source, .test, directory)
                let preview = makePreview(training: training, test: test, name: source.rawValue, samples: directive.samplesPerClass)
                previews[key] = preview
                store(preview, cacheFile)
            } catch {
                diagnostics.error(directive.location, "cannot load the data set \(source.rawValue): \(error)")
            }
        }
        return previews
    }

    /// The cached preview, or nil when absent, unreadable, or its checksum or shape is wrong.
    static func load(_ file: URL) -> DatasetPreview? {
        guard let data = try? Data(contentsOf: file),
              let entry = try? JSONDecoder().decode(Entry.self, from: data),
              ResultCache.checksum(entry.preview) == entry.checksum,
              entry.preview.trainingCounts.count == entry.preview.classNames.count
        else { return nil }
        return entry.preview
    }

    /// Stores a preview atomically; a cache that cannot be written only costs time.
    static func store(_ preview: DatasetPreview, _ file: URL) {
        guard let checksum = ResultCache.checksum(preview), let data = try? ResultCache.encoder().encode(Entry(checksum: checksum, preview: preview))
        else { return }
        try? FileManager.default.createDirectory(at: file.deletingLastPathComponent(), withIntermediateDirectories: true)
        try? AtomicFile.write(data, to: file)
    }

    static func makePreview(training: Dataset, test: Dataset?, name: String, samples: Int) -> DatasetPreview {
        var preview = DatasetPreview(
            name: name, classNames: training.classNames, trainingCounts: training.classCounts,
            testCounts: test?.classCounts ?? [], pngBase64: nil, pixelWidth: 0, pixelHeight: 0)
        let shape = training.shape
        guard samples > 0, shape.channels == 1 || shape.channels == 3, !shape.isVector else { return preview }
        let width = shape.count
        var rows: [[[Float]]] = Array(repeating: [], count: training.classCount)
        for index in 0..<training.count {
            let label = Int(training.labels[index])
            guard rows[label].count < samples else { continue }
            let pixels = Array(training.features[index * width..<(index + 1) * width])
            // Colour images are shown as their grey-level mean over channels.
            let plane = shape.spatialCount
            rows[label].append(shape.channels == 1 ? pixels : (0..<plane).map { p in
                (pixels[p] + pixels[plane + p] + pixels[2 * plane + p]) / 3
            })
            if rows.allSatisfy({ $0.count == samples }) { break }
        }
        let grid = GrayImageGrid(imageWidth: shape.width, imageHeight: shape.height, rows: rows)
        preview.pngBase64 = Data(grid.png()).base64EncodedString()
        preview.pixelWidth = grid.pixelWidth
        preview.pixelHeight = grid.pixelHeight
        return preview
    }
}
