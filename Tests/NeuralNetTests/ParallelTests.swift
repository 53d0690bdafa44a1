import Foundation
import Testing

@testable import NeuralNet

/// The helper thread shares loops without changing a single bit of the results.
@Suite(.serialized) struct ParallelTests {
    /// Counts visits per index, and records the first range it is given.
    struct Visits: SplitLoop {
        let counts: UnsafeMutableBufferPointer<Int>
        let firstRange: UnsafeMutablePointer<Range<Int>?>

        func run(_ range: Range<Int>) {
            for i in range { counts[i] += 1 }
            if range.lowerBound == 0 { firstRange.pointee = range }
        }
    }

    func visit(_ count: Int, work: Int) -> (counts: [Int], firstRange: Range<Int>?) {
        let counts = UnsafeMutableBufferPointer<Int>.allocate(capacity: count)
        let firstRange = UnsafeMutablePointer<Range<Int>?>.allocate(capacity: 1)
        defer {
            counts.deallocate()
            firstRange.deallocate()
        }
        counts.initialize(repeating: 0)
        firstRange.initialize(to: nil)
        Parallel.split(count, work: work, Visits(counts: counts, firstRange: firstRange))
        return (Array(counts), firstRange.pointee)
    }

    @Test func splitCoversEveryIndexOnce() {
        for work in [1, Parallel.minimumWork] {
            #expect(visit(1001, work: work).counts.allSatisfy { $0 == 1 }, "work \(work)")
        }
    }

    /// Counts visits per index and the workers that ran them.
    struct WorkerVisits: SplitLoop {
        let counts: UnsafeMutableBufferPointer<Int>
        let workers: UnsafeMutableBufferPointer<Int>

        func run(_ range: Range<Int>) { run(range, worker: 0) }

        func run(_ range: Range<Int>, worker: Int) {
            for i in range {
                counts[i] += 1
                workers[i] = worker
            }
        }
    }

    /// Ranges taken in turn, of several sizes including ones that do not divide the count,
    /// cover every index once, each run by worker 0 or 1.
    @Test func rangesTakenInTurnCoverEveryIndexOnce() {
        for grain in [1, 7, 64, 5000] {
            let counts = UnsafeMutableBufferPointer<Int>.allocate(capacity: 1001)
            let workers = UnsafeMutableBufferPointer<Int>.allocate(capacity: 1001)
            defer {
                counts.deallocate()
                workers.deallocate()
            }
            counts.initialize(repeating: 0)
            workers.initialize(repeating: -1)
            Parallel.split(1001, work: Parallel.minimumWork, grain: grain, WorkerVisits(counts: counts, workers: workers))
            #expect(counts.allSatisfy { $0 == 1 }, "grain \(grain)")
            #expect(workers.allSatisfy { $0 == 0 || $0 == 1 }, "grain \(grain)")
        }
    }

    @Test func smallLoopsStayOnTheCallingThread() {
        let before = Parallel.handOffs
        #expect(visit(100, work: Parallel.minimumWork - 1).firstRange == 0..<100)
        #expect(Parallel.handOffs == before)
    }

    /// A few Adam steps of small CNNs with batch normalization, large enough that every
    /// layer splits its loops, give bit-identical parameters with the helper and without: one
    /// whose second convolution, over 8 channels, has 32 Winograd blocks where the CPU has AVX2,
    /// and one whose normalization, ReLU and pooling after the first convolution run as one
    /// stage (`RectifiedPooling`, its passes split by row pairs and planes).
    @Test(arguments: [false, true])
    func networkNumbersDoNotDependOnSplitting(pooling: Bool) {
        let (alone, shared) = withHelperOffAndOn { trainSmallCNN(pooling: pooling) }
        #expect(alone.count == shared.count)
        for (index, (a, b)) in zip(alone, shared).enumerated() {
            #expect(a.elementsEqual(b), "parameter \(index) differs")
        }
    }

    private func trainSmallCNN(pooling: Bool) -> [[Float]] {
        let shape = FeatureShape(channels: 2, height: pooling ? 16 : 12, width: pooling ? 16 : 12)
        let generator = RandomGenerator(seed: 11)
        let specs: [LayerSpec] =
            pooling
            ? [.convolution(filters: 8, kernel: 3, stride: 1, padding: .same), .batchNorm, .activation(.relu), .maxPool(size: 2),
               .flatten, .dense(units: 4)]
            : [.convolution(filters: 8, kernel: 3, stride: 1, padding: .same), .batchNorm, .activation(.relu),
               .convolution(filters: 8, kernel: 3, stride: 1, padding: .same), .activation(.relu),
               .maxPool(size: 2), .flatten, .dense(units: 32), .batchNorm, .activation(.relu), .dense(units: 4)]
        let network = Network(specs: specs, inputShape: shape, generator: generator)
        let optimizer = OptimizerKind.adam.make(learningRate: 0.01, parameters: network.parameters)
        let loss = SoftmaxCrossEntropy(classes: 4)
        let input = randomMatrix(rows: 64, columns: shape.count, seed: 12, margin: 0)
        let labels = (0..<64).map { Int32($0 % 4) }
        labels.withUnsafeBufferPointer { labels in
            for _ in 0..<3 {
                _ = loss.evaluate(logits: network.forward(input, training: true), labels: labels.baseAddress!, computeGradient: true)
                network.backward(loss.gradient)
                optimizer.step()
            }
        }
        return network.parameters.map(\.value.values)
    }
}
