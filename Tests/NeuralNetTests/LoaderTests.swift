import Foundation
import Testing
import Zlib

@testable import NeuralNet

@Suite struct IDXLoaderTests {
    let directory = TemporaryDirectory()

    func load(images: [UInt8], labels: [UInt8], imageName: String = "images", labelName: String = "labels") throws(DataError) -> Dataset {
        let imageURL = directory.write(imageName, images)
        let labelURL = directory.write(labelName, labels)
        return try IDX.load(images: imageURL, labels: labelURL, name: "test", classNames: (0..<10).map(String.init))
    }

    @Test func loadsImagesScaledToUnitRange() throws {
        let data = try load(images: DataFiles.idxImages(count: 4), labels: DataFiles.idxLabels(count: 4))
        #expect(data.count == 4)
        #expect(data.shape == FeatureShape(channels: 1, height: 3, width: 2))
        #expect(data.labels == [0, 1, 2, 3])
        // Image 2, pixel 5 = 2·7 + 5 = 19.
        #expect(data.features[2 * 6 + 5] == Float(19) / 255)
        #expect(data.features.allSatisfy { $0 >= 0 && $0 <= 1 })
    }

    @Test func gzippedFilesLoadTheSame() throws {
        let plain = try load(images: DataFiles.idxImages(count: 5), labels: DataFiles.idxLabels(count: 5))
        let gzipped = try load(
            images: Zlib.gzip(DataFiles.idxImages(count: 5)), labels: Zlib.gzip(DataFiles.idxLabels(count: 5)),
            imageName: "images.gz", labelName: "labels.gz")
        #expect(plain.features == gzipped.features)
        #expect(plain.labels == gzipped.labels)
    }

    /// Each broken file gives a typed error naming the file and the problem.
    @Test(arguments: [
        ("empty", [UInt8](), DataError.Problem.empty),
        ("magic", DataFiles.idxHeader(magic: 0x801, dimensions: [2, 3, 2]) + [UInt8](repeating: 0, count: 12),
         .wrongMagic(expected: 0x803, found: 0x801)),
        ("short header", [0, 0, 8, 3, 0, 0], .truncated(expected: 16, found: 6)),
        ("short data", Array(DataFiles.idxImages(count: 2).dropLast(3)), .truncated(expected: 28, found: 25)),
        ("trailing", DataFiles.idxImages(count: 2) + [1], .trailingBytes(expected: 28, found: 29)),
        ("corrupt gzip", Array(Zlib.gzip(DataFiles.idxImages(count: 50)).prefix(30)),
         .corruptCompression("the stream ends early after 30 of 30 bytes; the file is truncated")),
        // Dimensions whose product overflows 64 bits (it used to trap).
        ("huge dimensions", DataFiles.idxHeader(magic: 0x803, dimensions: [0xFFFF_FFFF, 0xFFFF_FFFF, 0xFFFF_FFFF]),
         .wrongDimensions("4294967295x4294967295x4294967295 is more values than any data set holds")),
    ])
    func brokenImageFiles(_ name: String, _ bytes: [UInt8], _ problem: DataError.Problem) {
        #expect(throws: DataError(path: directory.url.appendingPathComponent("images").path, problem)) {
            _ = try load(images: bytes, labels: DataFiles.idxLabels(count: 2))
        }
    }

    /// A small gzip file that would decompress to more than the limit is refused, not read.
    @Test func gzipBombIsRefused() {
        let bomb = Zlib.gzip([UInt8](repeating: 0, count: 4 << 20))
        #expect(throws: DataError(path: "bomb", .corruptCompression("it decompresses to more than 1 MiB, more than any data set Folio reads"))) {
            _ = try FileBytes.decode(bomb, path: "bomb", limit: 1 << 20)
        }
    }

    @Test func missingFile() {
        let url = directory.url.appendingPathComponent("nowhere")
        #expect(throws: DataError(path: url.path, .missing)) {
            _ = try IDX.read(url, magic: IDX.imageMagic)
        }
    }

    @Test func labelCountMustMatch() {
        #expect(throws: DataError(path: directory.url.appendingPathComponent("labels").path, .countMismatch(images: 3, labels: 2))) {
            _ = try load(images: DataFiles.idxImages(count: 3), labels: DataFiles.idxLabels(count: 2))
        }
    }

    @Test func labelsMustBeClasses() {
        let labels = DataFiles.idxHeader(magic: 0x801, dimensions: [2]) + [3, 12]
        #expect(throws: DataError(path: directory.url.appendingPathComponent("labels").path, .badLabel(value: 12, index: 1, classes: 10))) {
            _ = try load(images: DataFiles.idxImages(count: 2), labels: labels)
        }
    }

    @Test func zeroImagesIsAnError() {
        #expect(throws: DataError.self) {
            _ = try load(images: DataFiles.idxImages(count: 0), labels: DataFiles.idxLabels(count: 0))
        }
    }

    @Test func errorMessageNamesFileAndProblem() {
        let error = DataError(path: "/data/train-images-idx3-ubyte", .wrongMagic(expected: 0x803, found: 0x801))
        #expect(error.description == "/data/train-images-idx3-ubyte: not the expected file type: magic number 0x00000801, expected 0x00000803")
    }

    @Test func dataSourceFindsPlainAndGzippedFiles() throws {
        directory.write("mnist/train-images-idx3-ubyte.gz", Zlib.gzip(DataFiles.idxImages(count: 6, rows: 28, columns: 28)))
        directory.write("mnist/train-labels-idx1-ubyte.gz", Zlib.gzip(DataFiles.idxLabels(count: 6)))
        directory.write("mnist/t10k-images-idx3-ubyte", DataFiles.idxImages(count: 3, rows: 28, columns: 28))
        directory.write("mnist/t10k-labels-idx1-ubyte", DataFiles.idxLabels(count: 3))
        let root = DataSource.mnist.defaultDirectory(dataRoot: directory.url.path)
        let training = try DataSource.mnist.load(.train, directory: root)
        let test = try DataSource.mnist.load(.test, directory: root)
        #expect(training.count == 6 && test.count == 3)
        #expect(training.shape.count == 784)
        #expect(training.classNames.first == "0")
    }

    @Test func dataSourceNamesTheMissingFile() {
        let root = directory.url.path
        #expect(throws: DataError(path: root + "/train-images-idx3-ubyte", .invalid("file not found (nor train-images-idx3-ubyte.gz beside it)"))) {
            _ = try DataSource.fashionMNIST.load(.train, directory: root)
        }
    }
}

@Suite struct CIFARLoaderTests {
    let directory = TemporaryDirectory()

    @Test func loadsRecordsInChannelOrder() throws {
        let url = directory.write("test_batch.bin", DataFiles.cifarBatch(count: 3))
        let data = try CIFAR10.load(batches: [url], name: "cifar")
        #expect(data.count == 3)
        #expect(data.shape == FeatureShape(channels: 3, height: 32, width: 32))
        #expect(DataSource.cifar10.exampleShape == data.shape)
        #expect(data.labels == [0, 1, 2])
        // Example 1, green plane (offset 1024), pixel 5: (1 + 1024 + 5) mod 256.
        #expect(data.features[3072 + 1024 + 5] == Float((1 + 1024 + 5) % 256) / 255)
    }

    @Test func dataSourceReadsFiveTrainingBatchesFromTheArchiveFolder() throws {
        for batch in 1...5 {
            directory.write("cifar-10-batches-bin/data_batch_\(batch).bin", DataFiles.cifarBatch(count: 2, firstIndex: batch * 2))
        }
        directory.write("cifar-10-batches-bin/test_batch.bin", DataFiles.cifarBatch(count: 2))
        let training = try DataSource.cifar10.load(.train, directory: directory.url.path)
        #expect(training.count == 10)
        #expect(training.labels == [2, 3, 4, 5, 6, 7, 8, 9, 0, 1])
        #expect(training.classNames[3] == "cat")
        #expect(try DataSource.cifar10.load(.test, directory: directory.url.path).count == 2)
    }

    @Test func wrongLengthIsTruncation() {
        let url = directory.write("data.bin", Array(DataFiles.cifarBatch(count: 2).dropLast(10)))
        #expect(throws: DataError(path: url.path, .truncated(expected: 6146, found: 6136))) {
            _ = try CIFAR10.load(batches: [url], name: "cifar")
        }
    }

    @Test func badLabel() {
        var bytes = DataFiles.cifarBatch(count: 2)
        bytes[3073] = 10
        let url = directory.write("data.bin", bytes)
        #expect(throws: DataError(path: url.path, .badLabel(value: 10, index: 1, classes: 10))) {
            _ = try CIFAR10.load(batches: [url], name: "cifar")
        }
    }

    @Test func emptyAndMissingBatches() {
        let empty = directory.write("empty.bin", [])
        #expect(throws: DataError(path: empty.path, .empty)) { _ = try CIFAR10.load(batches: [empty], name: "cifar") }
        let missing = directory.url.appendingPathComponent("data_batch_1.bin")
        #expect(throws: DataError(path: missing.path, .missing)) {
            _ = try DataSource.cifar10.load(.train, directory: directory.url.path)
        }
    }
}

@Suite struct DatasetTests {
    @Test func validationHoldsOutTheFirstExamples() {
        let data = Dataset(
            name: "d", shape: FeatureShape(vector: 2), classNames: ["a", "b"],
            features: (0..<10).map(Float.init), labels: [0, 1, 0, 1, 1])
        let (training, validation) = data.splitValidation(count: 2)
        #expect(validation.features == [0, 1, 2, 3])
        #expect(validation.labels == [0, 1])
        #expect(training.labels == [0, 1, 1])
        #expect(training.features == [4, 5, 6, 7, 8, 9])
        #expect(data.classCounts == [2, 3])
    }

    @Test func syntheticSetsAreFixedAndBalanced() throws {
        let first = try DataSource.blobs.load(.train, directory: "")
        let again = try DataSource.blobs.load(.train, directory: "")
        let test = try DataSource.blobs.load(.test, directory: "")
        #expect(first.features == again.features)
        #expect(first.count == 2000 && test.count == 1000)
        #expect(first.features != test.features)
        let spirals = try DataSource.spirals.load(.train, directory: "")
        #expect(spirals.classCounts.allSatisfy { abs($0 - 667) <= 1 })
        #expect(spirals.shape == FeatureShape(vector: 2))
        #expect(DataSource.spirals.exampleShape == spirals.shape && DataSource.blobs.exampleShape == first.shape)
    }

    /// The real data set, when the Debian package is installed (it is, after `make test`).
    @Test(.enabled(if: FileManager.default.fileExists(atPath: DataSource.debianFashionMNIST)))
    func fashionMNISTFromDebianPackage() throws {
        let test = try DataSource.fashionMNIST.load(.test, directory: DataSource.debianFashionMNIST)
        #expect(test.count == 10_000)
        #expect(test.shape == FeatureShape(channels: 1, height: 28, width: 28))
        #expect(DataSource.fashionMNIST.exampleShape == test.shape)
        #expect(test.classCounts == [Int](repeating: 1000, count: 10))
    }
}
