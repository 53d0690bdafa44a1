import Foundation
import NeuralNet

/// Hears about training progress; the command line draws it.
public protocol ProgressSink: AnyObject, Sendable {
    /// The build's plan is made: how many runs are cached, frozen and to train, and about
    /// how long training will take.
    func planned(_ summary: BuildPlan.Summary)
    /// The build will train `seeds` run seeds (the rest of its `total` come from the cache).
    func willTrain(seeds: Int, of total: Int)
    /// A run's seed started training.
    func started(run: String, seed: UInt64, epochs: Int, stepsPerEpoch: Int)
    /// A step finished.
    func step(run: String, seed: UInt64, epoch: Int, step: Int)
    /// An epoch finished.
    func epoch(run: String, seed: UInt64, metrics: EpochMetrics, epochs: Int)
    /// A run's seed finished (or stopped on divergence).
    func finished(run: String, seed: UInt64)
}

extension ProgressSink {
    public func planned(_ summary: BuildPlan.Summary) {}
    public func willTrain(seeds: Int, of total: Int) {}
}

/// Plans a build's runs (cached, frozen or to train, with estimates) and trains what is to
/// train, `jobs` seeds at a time.
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
    private let lock = NSLock()
    private var datasets: [String: Result<Dataset, DataError>] = [:]

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
        var diagnostics = Diagnostics()
        let runs = plan.runs.map(\.run)
        let records = plan.runs.map { $0.seeds.map(\.record) }
        var work: [(run: Int, seedIndex: Int, key: String)] = []
        for (index, run) in plan.runs.enumerated() {
            for (seedIndex, seed) in run.seeds.enumerated() where seed.status == .train && only.map({ $0.contains(seed.key) }) ?? true {
                work.append((index, seedIndex, seed.key))
            }
        }
        progress?.willTrain(seeds: work.count, of: records.reduce(0) { $0 + $1.count })
        if jobs > 1 { Engine.setMatrixThreads(1) }
        let queue = WorkQueue(work: work, records: records)
        DispatchQueue.concurrentPerform(iterations: min(jobs, max(work.count, 1))) { _ in
            while let item = queue.next() {
                let run = runs[item.run]
                do throws(DataError) {
                    let record = try train(run, seed: run.seeds[item.seedIndex])
                    do { try cache.store(record, key: item.key) } catch { queue.storeFailed("\(error)") }
                    queue.finished(item, record)
                } catch {
                    queue.failed(item, error)
                }
            }
        }
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
        let trained = Array(Set(work.map { runs[$0.run].name })).sorted()
        return Outcome(results: results, trained: trained, diagnostics: diagnostics)
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
        let key = "\(source.rawValue)|\(split.rawValue)|\(directory)"
        lock.lock()
        if let cached = datasets[key] {
            lock.unlock()
            return try cached.get()
        }
        lock.unlock()
        let result: Result<Dataset, DataError>
        do { result = .success(try source.load(split, directory: directory)) } catch { result = .failure(error) }
        lock.lock()
        datasets[key] = result
        lock.unlock()
        return try result.get()
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
        // Gradient norms need the gradients, which the fused SGD update never writes.
        trainer.fusesPlainSGD = !spec.record.gradients
        let recorder = Recorder(run: run.name, seed: seed, spec: spec, network: network, probe: validation, progress: progress)
        let history = trainer.train(
            on: training, validation: validation, epochs: spec.epochs, batchSize: spec.batchSize, observer: recorder)
        var record = SeedRecord(
            seed: seed, epochs: history.epochs, divergence: history.divergence,
            steps: spec.record.steps ? recorder.steps : nil,
            activations: spec.record.activations != nil ? recorder.activations : nil,
            gradients: spec.record.gradients ? recorder.gradients : nil)
        if let test, history.divergence == nil {
            let measured = trainer.evaluate(test)
            record.testLoss = measured.loss
            record.testAccuracy = measured.accuracy
        }
        progress?.finished(run: run.name, seed: seed)
        return record
    }
}

/// The work of one build, shared by the job threads under a lock.
private final class WorkQueue: @unchecked Sendable {
    typealias Item = (run: Int, seedIndex: Int, key: String)
    private let lock = NSLock()
    private let work: [Item]
    private var position = 0
    private(set) var records: [[SeedRecord?]]
    private(set) var failures: [Int: DataError] = [:]
    private(set) var storeErrors: [String] = []

    init(work: [Item], records: [[SeedRecord?]]) {
        self.work = work
        self.records = records
    }

    func next() -> Item? {
        lock.withLock {
            guard position < work.count else { return nil }
            position += 1
            return work[position - 1]
        }
    }

    func finished(_ item: Item, _ record: SeedRecord) { lock.withLock { records[item.run][item.seedIndex] = record } }
    func failed(_ item: Item, _ error: DataError) { lock.withLock { failures[item.run] = error } }
    func storeFailed(_ message: String) { lock.withLock { storeErrors.append(message) } }
}

/// Records the traces a spec asks for while its network trains, and forwards progress.
private final class Recorder: TrainingObserver {
    let run: String, seed: UInt64, spec: RunSpec, network: Network
    let progress: ProgressSink?
    var steps: [Float] = []
    var activations: [ActivationSample] = []
    var gradients: [GradientSample] = []
    private var stepsPerEpoch = 1, interval = 1
    private let probe: Matrix?
    private let probeLayer: Int?
    private let unit: Int

    init(run: String, seed: UInt64, spec: RunSpec, network: Network, probe validation: Dataset, progress: ProgressSink?) {
        self.run = run
        self.seed = seed
        self.spec = spec
        self.network = network
        self.progress = progress
        unit = spec.record.activations?.unit ?? 0
        if let activations = spec.record.activations {
            // The layer feeding the chosen nonlinearity (1-based; the last by default).
            let nonlinearities = network.layers.indices.filter { network.layers[$0] is Activation }
            let chosen = nonlinearities[(activations.layer ?? nonlinearities.count) - 1]
            probeLayer = chosen - 1
            let count = min(256, validation.count), width = validation.shape.count
            probe = Matrix(rows: count, columns: width, values: Array(validation.features[0..<count * width]))
        } else {
            probeLayer = nil
            probe = nil
        }
    }

    func trainingWillStart(epochs: Int, stepsPerEpoch: Int) {
        self.stepsPerEpoch = stepsPerEpoch
        interval = max(1, epochs * stepsPerEpoch / 100)
        progress?.started(run: run, seed: seed, epochs: epochs, stepsPerEpoch: stepsPerEpoch)
        sample(step: 0)
    }

    func stepDidFinish(epoch: Int, step: Int, loss: Float) {
        if spec.record.steps { steps.append(loss) }
        let global = (epoch - 1) * stepsPerEpoch + step
        if global % interval == 0 { sample(step: global) }
        progress?.step(run: run, seed: seed, epoch: epoch, step: step)
    }

    func epochDidFinish(_ metrics: EpochMetrics) {
        progress?.epoch(run: run, seed: seed, metrics: metrics, epochs: spec.epochs)
    }

    private func sample(step: Int) {
        if let probe, let probeLayer {
            let output = network.output(of: probe, throughLayer: probeLayer, training: false)
            let values = (0..<output.rows).map { Double(output[$0, unit]) }.sorted()
            activations.append(ActivationSample(
                step: step, p15: percentile(values, 0.15), p50: percentile(values, 0.5), p85: percentile(values, 0.85)))
        }
        if spec.record.gradients && step > 0 {
            let norms = network.layers.compactMap { $0 as? Dense }.map { layer in
                layer.weight.gradient.values.reduce(0.0) { $0 + Double($1) * Double($1) }.squareRoot()
            }
            gradients.append(GradientSample(step: step, norms: norms))
        }
    }
}

/// The `fraction` quantile of sorted `values`, linearly interpolated.
func percentile(_ sorted: [Double], _ fraction: Double) -> Double {
    guard !sorted.isEmpty else { return .nan }
    let position = fraction * Double(sorted.count - 1)
    let lower = Int(position.rounded(.down)), upper = min(lower + 1, sorted.count - 1)
    return sorted[lower] + (sorted[upper] - sorted[lower]) * (position - Double(lower))
}
