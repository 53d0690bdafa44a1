import Foundation
import NeuralNet

/// Plans a build's runs (cached, frozen or to train, with estimates) and trains what is to
/// train, by a `TrainingSchedule` for `jobs` jobs.
final class Runner: @unchecked Sendable {
    struct Outcome {
        var results: [RunResult]
        var trained: [String]
        var diagnostics: Diagnostics
    }

    let cache: ResultCache
    let useCache: Bool
    let frozen: [String: SeedRecord]
    let fingerprints: DataFingerprints
    let jobs: Int
    let baseDirectory: URL
    let progress: ProgressSink?
    let costModel = CostModel()
    private let datasets = DatasetStore()

    /// `frozen`: records by key from the committed results file; with `useCache` false
    /// neither they nor the cache are used.
    init(cache: ResultCache, useCache: Bool, frozen: [String: SeedRecord] = [:], jobs: Int, baseDirectory: URL, progress: ProgressSink?) {
        self.cache = cache
        self.useCache = useCache
        self.frozen = frozen
        fingerprints = DataFingerprints(cacheDirectory: cache.directory)
        self.jobs = max(1, jobs)
        self.baseDirectory = baseDirectory
        self.progress = progress
    }

    /// Every seed's key and where its result will come from. Estimates are the cost model's,
    /// scaled by how long this notebook's reused seeds took against their estimates (the
    /// median ratio), which calibrates them to the machine the results came from.
    func plan(_ runs: [PlannedRun]) -> BuildPlan {
        var planned: [BuildPlan.Run] = []
        for run in runs {
            let directory = DataLocation.directory(for: run.spec.dataset, path: run.spec.path, baseDirectory: baseDirectory)
            let fingerprint = fingerprints.fingerprint(for: run.spec.dataset, directory: directory)
            let work = CostModel.work(run.spec(seed: run.spec.seed))
            let estimate = work.map(costModel.seconds) ?? 0
            let seeds = run.seeds.map { seed -> BuildPlan.Seed in
                let key = ResultCache.key(spec: run.spec(seed: seed), fingerprint: fingerprint)
                var found: (BuildPlan.Status, SeedRecord?) = (.train, nil)
                if useCache, let record = cache.load(key) {
                    found = (.cached, record)
                } else if useCache, let record = frozen[key] {
                    found = (.frozen, record)
                }
                return BuildPlan.Seed(seed: seed, key: key, status: found.0, record: found.1, estimatedSeconds: estimate, modelSeconds: estimate)
            }
            planned.append(BuildPlan.Run(run: run, seeds: seeds, work: work))
        }
        fingerprints.save()
        let ratios = planned.flatMap(\.seeds).compactMap { seed -> Double? in
            guard let record = seed.record, seed.estimatedSeconds > 0, record.divergence == nil else { return nil }
            return record.epochs.reduce(0) { $0 + $1.seconds } / seed.estimatedSeconds
        }.sorted()
        if !ratios.isEmpty {
            let scale = ratios[ratios.count / 2]
            for index in planned.indices {
                for seed in planned[index].seeds.indices { planned[index].seeds[seed].estimatedSeconds *= scale }
            }
        }
        return BuildPlan(runs: planned)
    }

    /// Trains the plan's seeds that are to train (only those in `only`, when given) and
    /// returns the runs whose every seed has a result.
    func run(_ plan: BuildPlan, only: Set<String>? = nil) -> Outcome {
        let runs = plan.runs.map(\.run)
        let queue = WorkQueue(records: plan.runs.map { $0.seeds.map(\.record) })
        let schedule = TrainingSchedule(items(plan, only: only))
        progress?.willTrain(seeds: schedule.wide.count + schedule.narrow.count, of: queue.records.reduce(0) { $0 + $1.count })
        let threads = Engine.matrixThreads
        // Wide seeds one at a time on two threads, then narrow ones `jobs` at a time on one each.
        for (items, threadsPerSeed, atOnce) in [(schedule.wide, TrainingSchedule.wideThreads, 1), (schedule.narrow, 1, jobs)]
        where !items.isEmpty {
            Engine.setMatrixThreads(threadsPerSeed)
            queue.enqueue(items)
            train(runs, from: queue, jobs: atOnce)
        }
        Engine.setMatrixThreads(threads)
        return outcome(runs, queue, trained: schedule.wide + schedule.narrow)
    }

    /// The seeds to train, with what the schedule needs to know of them.
    private func items(_ plan: BuildPlan, only: Set<String>?) -> [TrainingSchedule.Item] {
        var items: [TrainingSchedule.Item] = []
        for (index, run) in plan.runs.enumerated() {
            let stepFlops = run.work.map { $0.flopsPerExample * Double(run.run.spec.batchSize) } ?? 0
            for (seedIndex, seed) in run.seeds.enumerated() where seed.status == .train && only.map({ $0.contains(seed.key) }) ?? true {
                items.append(TrainingSchedule.Item(
                    run: index, seed: seedIndex, key: seed.key, estimatedSeconds: seed.modelSeconds, stepFlops: stepFlops))
            }
        }
        return items
    }

    /// Trains what `queue` hands out, `jobs` seeds at a time, storing each result in the cache.
    private func train(_ runs: [PlannedRun], from queue: WorkQueue, jobs: Int) {
        DispatchQueue.concurrentPerform(iterations: jobs) { _ in
            while let item = queue.next() {
                let run = runs[item.run]
                do throws(DataError) {
                    let record = try train(run, seed: run.seeds[item.seed])
                    do { try cache.store(record, key: item.key) } catch { queue.storeFailed("\(error)") }
                    queue.finished(item, record)
                } catch {
                    queue.failed(item, error)
                }
            }
        }
    }

    /// The runs whose every seed has a result, and what went wrong.
    private func outcome(_ runs: [PlannedRun], _ queue: WorkQueue, trained: [TrainingSchedule.Item]) -> Outcome {
        var diagnostics = Diagnostics()
        for (index, error) in queue.failures.sorted(by: { $0.key < $1.key }) {
            diagnostics.error(runs[index].location, "cannot load the data of run \(runs[index].name): \(error)")
        }
        for message in Set(queue.storeErrors).sorted() {
            diagnostics.append(Diagnostic(runs.first!.location, "could not write to the result cache: \(message)", severity: .warning))
        }
        let results = runs.indices.compactMap { index -> RunResult? in
            let seeds = queue.records[index].compactMap { $0 }
            return seeds.count == runs[index].seeds.count ? RunResult(run: runs[index], seeds: seeds) : nil
        }
        return Outcome(results: results, trained: Array(Set(trained.map { runs[$0.run].name })).sorted(), diagnostics: diagnostics)
    }

    /// The training, validation and (if recorded) test sets of a spec.
    private func data(for spec: RunSpec) throws(DataError) -> (Dataset, Dataset, Dataset?) {
        let directory = DataLocation.directory(for: spec.dataset, path: spec.path, baseDirectory: baseDirectory)
        let all = try load(spec.dataset, .train, directory)
        let held = spec.validationCount(of: all.count)
        guard held > 0, held < all.count else {
            throw DataError(path: directory, .invalid("validation of \(held) examples leaves none of \(all.count) to train on"))
        }
        var (training, validation) = all.splitValidation(count: held)
        if let limit = spec.limit, limit < training.count { training = training.slice(0..<limit) }
        let test = spec.record.test ? try load(spec.dataset, .test, directory) : nil
        return (training, validation, test)
    }

    /// One split of a data set, read once per build and shared by every run and preview.
    func load(_ source: DataSource, _ split: DataSource.Split, _ directory: String) throws(DataError) -> Dataset {
        try datasets.load(source, split, directory)
    }

    private func train(_ run: PlannedRun, seed: UInt64) throws(DataError) -> SeedRecord {
        let spec = run.spec(seed: seed)
        let (training, validation, test) = try data(for: spec)
        let generator = RandomGenerator(seed: seed)
        let network = Network(
            specs: spec.model, inputShape: training.shape, initializer: spec.initializer, batchNorm: spec.batchNorm,
            generator: generator)
        let optimizer = spec.optimizer.make(learningRate: Float(spec.learningRate), parameters: network.parameters)
        let trainer = Trainer(network: network, optimizer: optimizer, generator: generator)
        // Gradient norms need the gradients, which the fused SGD update does not write unless asked.
        trainer.keepsGradients = spec.record.gradients
        let recorder = Recorder(run: run.name, seed: seed, spec: spec, network: network, probe: validation, progress: progress)
        let history = trainer.train(
            on: training, validation: validation, epochs: spec.epochs, batchSize: spec.batchSize, observer: recorder)
        var record = SeedRecord(
            seed: seed, epochs: history.epochs, divergence: history.divergence,
            steps: spec.record.steps ? recorder.steps : nil,
            activations: spec.record.activations != nil ? recorder.activations : nil,
            gradients: spec.record.gradients ? recorder.gradients : nil, arithmetic: Engine.arithmetic)
        if let test, history.divergence == nil {
            let measured = trainer.evaluate(test)
            record.testLoss = measured.loss
            record.testAccuracy = measured.accuracy
        }
        progress?.finished(run: run.name, seed: seed)
        return record
    }
}
