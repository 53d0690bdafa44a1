import ArgumentParser
import Bench
import Foundation
import NeuralNet

struct BenchCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "bench",
        abstract: "Measure the engine's speed on the reference networks.",
        discussion: """
            Trains on Fashion-MNIST (55,000 training and 5,000 validation images) and reports the median \
            seconds per epoch of the training pass, samples per second and the validation accuracy after \
            the last epoch, the flops of its matrix products per epoch (counted from the layers) and the \
            limit ratio: the epoch's time over the time this machine's sgemm, measured in the same run on \
            1024×1024 matrices, needs for those flops. Networks: mlp and mlp-bn, 784-300-100-10 with ReLU, without and with batch \
            normalization, SGD with learning rate 0.01 (batch sizes 16 to 256 by default); cnn and cnn-bn, \
            conv32-pool-conv64-pool-fc128-fc10 without and with batch normalization, Adam with learning \
            rate 0.001 (batch 64 by default). Progress goes to standard error.
            """)

    @Option(name: .customLong("network"), parsing: .upToNextOption,
            help: "Networks to train: mlp, mlp-bn, cnn, cnn-bn (default: mlp, mlp-bn). Repeat or comma-separate.")
    var networkNames: [String] = []

    @Option(name: .customLong("batch-sizes"), help: "Comma-separated batch sizes (default: 16,32,64,128,256 for the MLPs, 64 for the CNNs).")
    var batchSizeList: String?

    @Option(help: "Epochs per network and batch size; the median is taken over them.")
    var epochs: Int = 3

    @Option(help: "Folder with Fashion-MNIST's IDX files (default: $FOLIO_DATA/fashion-mnist, else Debian's package).")
    var data: String?

    @Flag(help: "Print the results as a JSON array on standard output.")
    var json = false

    var networks: [BenchmarkNetwork] {
        get throws {
            let names = networkNames.flatMap { $0.split(separator: ",").map(String.init) }
            guard !names.isEmpty else { return BenchmarkNetwork.defaults }
            return try names.map { name in
                guard let network = BenchmarkNetwork(rawValue: name) else {
                    let known = BenchmarkNetwork.allCases.map(\.rawValue).joined(separator: ", ")
                    throw ValidationError("unknown network '\(name)' (known: \(known))")
                }
                return network
            }
        }
    }

    var batchSizes: [Int]? {
        get throws {
            try batchSizeList?.split(separator: ",").map { text in
                guard let size = Int(text.trimmingCharacters(in: .whitespaces)), size > 0 else {
                    throw ValidationError("'\(text)' is not a positive batch size")
                }
                return size
            }
        }
    }

    func validate() throws {
        _ = try networks
        if let sizes = try batchSizes, sizes.isEmpty { throw ValidationError("--batch-sizes needs at least one size") }
        guard epochs > 0 else { throw ValidationError("--epochs must be at least 1") }
    }

    func run() throws {
        let directory = data ?? DataSource.fashionMNIST.defaultDirectory(
            dataRoot: ProcessInfo.processInfo.environment["FOLIO_DATA"])
        let benchmark = Benchmark(networks: try networks, batchSizes: try batchSizes, epochs: epochs, dataDirectory: directory)
        let results: [BenchmarkResult]
        do {
            results = try benchmark.run { network, batchSize, metrics in
                let accuracy = metrics.validationAccuracy.map { String(format: "%.4f", $0) } ?? "-"
                printError(String(
                    format: "%@ batch %d epoch %d/%d: %.3f s, loss %.4f, val_accuracy %@",
                    network.rawValue, batchSize, metrics.epoch, epochs, metrics.seconds, metrics.loss, accuracy))
            }
        } catch {
            printError("folio: error: \(error)")
            throw ExitCode(2)
        }
        if json {
            let encoder = JSONEncoder()
            encoder.outputFormatting = [.prettyPrinted, .sortedKeys]
            print(String(decoding: try encoder.encode(results), as: UTF8.self))
        } else {
            print("network  batch  s/epoch  samples/s  val_accuracy  epochs  GFLOP/epoch  limit ratio")
            for row in results {
                print(String(
                    format: "%-7@  %5d  %7.3f  %9.0f  %12.4f  %6d  %11.1f  %11.2f", row.network.rawValue, row.batchSize,
                    row.secondsPerEpoch, row.samplesPerSecond, row.valAccuracy, row.epochs, row.flopsPerEpoch / 1e9, row.limitRatio))
            }
            if let rate = results.first?.sgemmGFLOPS {
                print(String(format: "limit ratio: seconds per epoch over the time sgemm needs for the epoch's flops at %.1f GFLOP/s (1024×1024, measured in this run)", rate))
            }
        }
    }
}

/// Writes a line to standard error.
func printError(_ line: String) {
    FileHandle.standardError.write(Data((line + "\n").utf8))
}
