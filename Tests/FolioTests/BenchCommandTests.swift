import Foundation
import Testing

@testable import Bench

@Suite struct BenchmarkTests {
    @Test func medianOfOddAndEvenCounts() {
        #expect(median([3, 1, 2]) == 2)
        #expect(median([4, 1, 3, 2]) == 2.5)
        #expect(median([]).isNaN)
    }

    @Test func resultEncodesWithTheDocumentedKeys() throws {
        let result = BenchmarkResult(
            network: .mlpBatchNorm, batchSize: 32, secondsPerEpoch: 0.5, samplesPerSecond: 110_000, valAccuracy: 0.86, epochs: 3,
            flopsPerEpoch: 1e11, sgemmGFLOPS: 400)
        let object = try JSONSerialization.jsonObject(with: JSONEncoder().encode(result)) as! [String: Any]
        #expect(Set(object.keys) == ["network", "batch_size", "seconds_per_epoch", "samples_per_second", "val_accuracy", "epochs",
                                     "flops_per_epoch", "sgemm_gflops", "limit_ratio"])
        // 1e11 flops at 400 GFLOP/s take 0.25 s: the epoch took twice that.
        #expect(object["limit_ratio"] as? Double == 2)
        #expect(object["network"] as? String == "mlp-bn")
    }
}

/// `folio bench` and `folio --help` run as the real binary.
@Suite struct BenchCommandTests {
    /// A Fashion-MNIST stand-in: 5,120 training images of 28×28 (5,000 go to validation,
    /// 120 train), so that the benchmark's split and one epoch run in a moment.
    static func smallFashionMNIST(in directory: TemporaryDirectory) -> URL {
        let count = 5120
        func header(_ words: [Int]) -> [UInt8] {
            words.flatMap { word in [24, 16, 8, 0].map { UInt8(truncatingIfNeeded: word >> $0) } }
        }
        var pixels = [UInt8](repeating: 0, count: count * 784)
        for image in 0..<count { for p in stride(from: image % 10, to: 784, by: 10) { pixels[image * 784 + p] = 200 } }
        directory.write("fashion-mnist/train-images-idx3-ubyte", header([0x803, count, 28, 28]) + pixels)
        directory.write("fashion-mnist/train-labels-idx1-ubyte", header([0x801, count]) + (0..<count).map { UInt8($0 % 10) })
        return directory.url.appendingPathComponent("fashion-mnist")
    }

    @Test func helpListsBench() throws {
        let result = try FolioProcess.run(["--help"])
        #expect(result.status == 0)
        #expect(result.standardOutput.contains("bench"))
        #expect(result.standardOutput.contains("Exit codes"))
    }

    @Test func benchPrintsJSONRowsAndProgress() throws {
        let directory = TemporaryDirectory()
        let data = Self.smallFashionMNIST(in: directory)
        let result = try FolioProcess.run(
            ["bench", "--json", "--network", "mlp-bn", "--batch-sizes", "32,64", "--epochs", "1", "--data", data.path])
        #expect(result.status == 0, "\(result.standardError)")
        let rows = try JSONSerialization.jsonObject(with: Data(result.standardOutput.utf8)) as! [[String: Any]]
        #expect(rows.count == 2)
        #expect(rows.map { $0["batch_size"] as? Int } == [32, 64])
        #expect(rows.allSatisfy { $0["network"] as? String == "mlp-bn" && ($0["seconds_per_epoch"] as? Double ?? 0) > 0 })
        #expect(result.standardError.contains("mlp-bn batch 32 epoch 1/1"))
        // 784-300-100-10: 4·784·300 (no input gradient for the first layer) + 6 · (300·100 + 100·10)
        // flops per example, 120 examples.
        #expect(rows.allSatisfy { $0["flops_per_epoch"] as? Double == Double(4 * 235_200 + 6 * 31_000) * 120 })
        #expect(rows.allSatisfy { ($0["sgemm_gflops"] as? Double ?? 0) > 0 && ($0["limit_ratio"] as? Double ?? 0) > 0 })
    }

    @Test(arguments: [
        (["bench", "--network", "resnet"], "unknown network 'resnet' (known: mlp, mlp-bn, cnn, cnn-bn)"),
        (["bench", "--batch-sizes", "32,zero"], "'zero' is not a positive batch size"),
        (["bench", "--epochs", "0"], "--epochs must be at least 1"),
    ])
    func badArgumentsAreUsageErrors(_ arguments: [String], _ message: String) throws {
        let result = try FolioProcess.run(arguments)
        #expect(result.status == 2)
        #expect(result.errorLines.contains("Error: " + message), "\(result.standardError)")
    }

    @Test func missingDataIsALocatedError() throws {
        let directory = TemporaryDirectory()
        let result = try FolioProcess.run(["bench", "--epochs", "1", "--data", directory.url.path])
        #expect(result.status == 2)
        #expect(result.errorLines.contains("folio: error: \(directory.url.path)/train-images-idx3-ubyte: file not found (nor train-images-idx3-ubyte.gz beside it)"), "\(result.standardError)")
    }
}
