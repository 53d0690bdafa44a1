import Foundation
import Testing

@testable import Folio

/// Cost scheduling: which seeds train alone on two threads and which side by side on one,
/// and that a build computes the same numbers with any number of jobs.
@Suite struct TrainingScheduleTests {
    static func item(_ key: String, seconds: Double, stepFlops: Double) -> TrainingSchedule.Item {
        TrainingSchedule.Item(run: 0, seed: 0, key: key, estimatedSeconds: seconds, stepFlops: stepFlops)
    }

    @Test func largeStepsTrainAloneAndSmallOnesLongestFirst() {
        let cnn = Self.item("cnn", seconds: 120, stepFlops: 1.6e9)
        let short = Self.item("short", seconds: 2, stepFlops: 4e8)
        let long = Self.item("long", seconds: 20, stepFlops: 3e6)
        let tie = Self.item("tie", seconds: 2, stepFlops: 1e7)
        let schedule = TrainingSchedule([short, cnn, long, tie])
        #expect(schedule.wide == [cnn])
        // Longest first; equal estimates in key order, so that the order is reproducible.
        #expect(schedule.narrow.map(\.key) == ["long", "short", "tie"])
    }

    /// A notebook with a wide run (about 6 GFLOP per step) and narrow ones, among them one
    /// whose products OpenBLAS would split between threads (784 inputs at batch 64): the
    /// results file of a `--jobs 2` build equals that of a `--jobs 1` build in everything
    /// but wall times.
    @Test func scheduledBuildsComputeTheSameNumbersAsOneAtATime() throws {
        let text = """
            ---
            title: Schedule
            defaults:
              dataset: blobs
              epochs: 1
            ---

            ```{experiment} wide
            model: [dense 4096, relu, dense 4096, batchnorm, relu, dense 3]
            limit: 192
            batch_size: 64
            ```

            ```{experiment} narrow
            model: [dense 32, batchnorm, relu, dense 3]
            repeat: 2
            sweep:
              batch_size: [4, 16, 64]
            ```

            ```{experiment} split
            dataset: fashion-mnist
            path: fashion-mnist
            model: [dense 300, relu, dense 100, relu, dense 10]
            epochs: 3
            batch_size: 32
            ```
            """
        var results: [String] = []
        for jobs in ["1", "2"] {
            let directory = TravellingResultsTests.project(text)
            _ = BenchCommandTests.smallFashionMNIST(in: directory)
            let build = try FolioProcess.run(["build", "t.md", "--jobs", jobs], in: directory.url)
            #expect(build.status == 0, "\(build.standardError)")
            #expect(build.trainedRuns == 5)
            results.append(try TravellingResultsTests.resultsWithoutTimes(directory.url.appendingPathComponent("output/t.json")))
        }
        #expect(results[0] == results[1])
    }
}
