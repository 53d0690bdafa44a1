import Foundation
import NeuralNet

/// One experiment key as written in a notebook, typed when the notebook is read: after
/// parsing, nothing looks at its YAML again. Settings come from the front matter's
/// `defaults`, an `{experiment}`, one of its `variants` or one value of a `sweep`, and are
/// applied to a `RunSpec` in that order.
struct Setting: Sendable {
    /// A key's typed value.
    enum Value: Sendable {
        case dataset(DataSource)
        case path(String)
        case validation(RunSpec.Validation)
        case limit(Int)
        case model([LayerSpec])
        case optimizer(OptimizerKind)
        case learningRate(Double)
        case batchSize(Int)
        case epochs(Int)
        case seed(UInt64)
        case initializer(Initializer)
        case batchNorm(momentum: Float?, epsilon: Float?, runningVariance: BatchNormOptions.RunningVariance?)
        case record(RunSpec.Record)
        case repeatCount(Int)
    }

    var key: String
    var value: Value
    /// Where the value was written.
    var location: SourceLocation

    /// Sets the key in `spec`.
    func apply(to spec: inout RunSpec) {
        switch value {
        case .dataset(let source): spec.dataset = source
        case .path(let path): spec.path = path
        case .validation(let validation): spec.validation = validation
        case .limit(let limit): spec.limit = limit
        case .model(let layers): spec.model = layers
        case .optimizer(let optimizer): spec.optimizer = optimizer
        case .learningRate(let rate): spec.learningRate = rate
        case .batchSize(let size): spec.batchSize = size
        case .epochs(let epochs): spec.epochs = epochs
        case .seed(let seed): spec.seed = seed
        case .initializer(let initializer): spec.initializer = initializer
        case .batchNorm(let momentum, let epsilon, let runningVariance):
            if let momentum { spec.batchNorm.momentum = momentum }
            if let epsilon { spec.batchNorm.epsilon = epsilon }
            if let runningVariance { spec.batchNorm.runningVariance = runningVariance }
        case .record(let record): spec.record = record
        case .repeatCount(let count): spec.repeatCount = count
        }
    }
}

/// The keys an `{experiment}` accepts, and how each is read. Adding a key means adding a
/// `Setting.Value` case, one line in `apply`, and its reader here.
enum ExperimentKeys {
    typealias Reader = @Sendable (YAMLValue, inout Diagnostics) -> Setting.Value?

    /// Each key that defaults, variants and sweeps may set, with its reader, in the order
    /// the docs list them.
    static let readers: [(key: String, read: Reader)] = [
        ("dataset", readDataset),
        ("path", { value, diagnostics in value.string("path", &diagnostics).map(Setting.Value.path) }),
        ("validation", readValidation),
        ("limit", { value, diagnostics in value.integer("limit", &diagnostics, minimum: 1).map(Setting.Value.limit) }),
        ("model", readModel),
        ("optimizer", readOptimizer),
        ("learning_rate", { value, diagnostics in
            value.number("learning_rate", &diagnostics, positive: true).map(Setting.Value.learningRate)
        }),
        ("batch_size", { value, diagnostics in value.integer("batch_size", &diagnostics, minimum: 1).map(Setting.Value.batchSize) }),
        ("epochs", { value, diagnostics in value.integer("epochs", &diagnostics, minimum: 1).map(Setting.Value.epochs) }),
        ("seed", { value, diagnostics in value.integer("seed", &diagnostics, minimum: 0).map { .seed(UInt64($0)) } }),
        ("init", readInitializer),
        ("batchnorm", readBatchNorm),
        ("record", readRecord),
        ("repeat", { value, diagnostics in value.integer("repeat", &diagnostics, minimum: 1, maximum: 1000).map(Setting.Value.repeatCount) }),
    ]

    /// The keys that defaults, variants and sweeps may set.
    static let overridable = readers.map(\.key)
    /// Every key of an `{experiment}` body.
    static let all = overridable + ["variants", "sweep", "may_diverge"]

    /// The typed setting of `entry`, or nil after reporting why it cannot be read.
    static func read(_ entry: YAMLValue.Entry, _ diagnostics: inout Diagnostics) -> Setting? {
        read(entry.key, entry.value, keyLocation: entry.keyLocation, &diagnostics)
    }

    /// The typed setting of `key: value`.
    static func read(_ key: String, _ value: YAMLValue, keyLocation: SourceLocation, _ diagnostics: inout Diagnostics) -> Setting? {
        guard let reader = readers.first(where: { $0.key == key })?.read else {
            diagnostics.error(keyLocation, "unknown key '\(key)'\(suggestion(for: key, in: overridable))")
            return nil
        }
        // A `$name` still here named an unknown param, which has been reported.
        if let text = value.text, text.hasPrefix("$"), text.count > 1, !text.hasPrefix("$`") { return nil }
        return reader(value, &diagnostics).map { Setting(key: key, value: $0, location: value.location) }
    }

    // MARK: - One reader per key that needs more than a type check

    private static func readDataset(_ value: YAMLValue, _ diagnostics: inout Diagnostics) -> Setting.Value? {
        guard let name = value.string("dataset", &diagnostics) else { return nil }
        guard let source = DataSource(rawValue: name) else {
            let names = DataSource.allCases.map(\.rawValue)
            diagnostics.error(value.location, "unknown dataset '\(name)'\(suggestion(for: name, in: names)); known: \(names.joined(separator: ", "))")
            return nil
        }
        return .dataset(source)
    }

    private static func readValidation(_ value: YAMLValue, _ diagnostics: inout Diagnostics) -> Setting.Value? {
        guard let number = value.number("validation", &diagnostics) else { return nil }
        if number > 0 && number < 1 { return .validation(.fraction(number)) }
        if number >= 1 && number == number.rounded() && number <= Double(Int32.max) { return .validation(.count(Int(number))) }
        diagnostics.error(value.location, "validation must be a count of examples or a fraction between 0 and 1, not \(value.text ?? "")")
        return nil
    }

    private static func readModel(_ value: YAMLValue, _ diagnostics: inout Diagnostics) -> Setting.Value? {
        let items: [(String, SourceLocation)]?
        if let text = value.text, text.hasPrefix("[") || text.contains(",") {
            // A flow list written as one string: split it here.
            items = text.trimmingCharacters(in: CharacterSet(charactersIn: "[] ")).split(separator: ",")
                .map { (String($0).trimmingCharacters(in: .whitespaces), value.location) }
        } else {
            items = value.strings("model", &diagnostics)
        }
        guard let items else { return nil }
        var layers: [LayerSpec] = [], failed = false
        for (text, location) in items {
            if let layer = LayerSyntax.parse(text, location, &diagnostics) { layers.append(layer) } else { failed = true }
        }
        guard !failed else { return nil }
        guard let last = layers.last, let lastItem = items.last else {
            diagnostics.error(value.location, "model needs at least one layer")
            return nil
        }
        guard case .dense = last else {
            diagnostics.error(lastItem.1, "the model's last layer must be 'dense N' (the class scores), not '\(lastItem.0)'")
            return nil
        }
        return .model(layers)
    }

    private static func readOptimizer(_ value: YAMLValue, _ diagnostics: inout Diagnostics) -> Setting.Value? {
        guard let name = value.string("optimizer", &diagnostics) else { return nil }
        switch name {
        case "sgd": return .optimizer(.sgd)
        case "momentum": return .optimizer(.momentum(0.9))
        case "adam": return .optimizer(.adam)
        default:
            diagnostics.error(value.location, "unknown optimizer '\(name)'\(suggestion(for: name, in: ["sgd", "momentum", "adam"])); known: sgd, momentum, adam")
            return nil
        }
    }

    private static func readInitializer(_ value: YAMLValue, _ diagnostics: inout Diagnostics) -> Setting.Value? {
        guard let text = value.string("init", &diagnostics) else { return nil }
        let words = text.split(separator: " ")
        switch words.first {
        case "glorot" where words.count == 1: return .initializer(.glorot)
        case "he" where words.count == 1: return .initializer(.he)
        case "normal" where words.count == 2:
            guard let deviation = Double(words[1]), deviation > 0, deviation.isFinite else {
                diagnostics.error(value.location, "init 'normal S' needs a positive deviation S, not '\(words[1])'")
                return nil
            }
            return .initializer(.normal(deviation))
        default:
            diagnostics.error(value.location, "unknown init '\(text)'; known: glorot, he, normal S (e.g. normal 0.05)")
            return nil
        }
    }

    private static func readBatchNorm(_ value: YAMLValue, _ diagnostics: inout Diagnostics) -> Setting.Value? {
        guard let entries = value.entries("batchnorm", known: ["momentum", "epsilon", "running_variance"], &diagnostics)
        else { return nil }
        var momentum: Float?, epsilon: Float?, runningVariance: BatchNormOptions.RunningVariance?
        for entry in entries {
            switch entry.key {
            case "running_variance": runningVariance = readRunningVariance(entry.value, &diagnostics)
            case "momentum":
                guard let number = entry.value.number("batchnorm.momentum", &diagnostics) else { continue }
                guard number >= 0 && number < 1 else {
                    diagnostics.error(entry.value.location, "batchnorm.momentum must be in [0, 1), not \(entry.value.text ?? "")")
                    continue
                }
                momentum = Float(number)
            default:
                guard let number = entry.value.number("batchnorm.epsilon", &diagnostics) else { continue }
                guard number > 0 && Float(number) > 0 else {
                    diagnostics.error(entry.value.location, "batchnorm.epsilon must be greater than 0, not \(entry.value.text ?? "")")
                    continue
                }
                epsilon = Float(number)
            }
        }
        return .batchNorm(momentum: momentum, epsilon: epsilon, runningVariance: runningVariance)
    }

    private static func readRunningVariance(_ value: YAMLValue, _ diagnostics: inout Diagnostics) -> BatchNormOptions.RunningVariance? {
        let names = BatchNormOptions.RunningVariance.allCases.map(\.rawValue)
        guard let text = value.text, let choice = BatchNormOptions.RunningVariance(rawValue: text) else {
            let shown = value.text.map { "'\($0)'" } ?? value.kindDescription
            diagnostics.error(
                value.location,
                "batchnorm.running_variance must be biased (Keras) or unbiased (PyTorch), not \(shown)"
                    + (value.text.map { suggestion(for: $0, in: names) } ?? ""))
            return nil
        }
        return choice
    }

    private static let recordNames = ["steps", "activations", "gradients", "test"]

    /// `record: [steps, test]`, or a mapping (`activations: {layer: 2, unit: 5}`, `steps: false`).
    private static func readRecord(_ value: YAMLValue, _ diagnostics: inout Diagnostics) -> Setting.Value? {
        var record = RunSpec.Record()
        if case .mapping = value {
            for entry in value.entries("record", known: recordNames, &diagnostics) ?? [] {
                if entry.value.text.map({ ["false", "no", "off"].contains($0) }) == true { continue }
                recordTrace(entry.key, entry.value, entry.keyLocation, into: &record, &diagnostics)
            }
        } else {
            for (name, location) in value.strings("record", &diagnostics) ?? [] {
                recordTrace(name, nil, location, into: &record, &diagnostics)
            }
        }
        return .record(record)
    }

    private static func recordTrace(
        _ name: String, _ setting: YAMLValue?, _ location: SourceLocation, into record: inout RunSpec.Record, _ diagnostics: inout Diagnostics
    ) {
        switch name {
        case "steps": record.steps = true
        case "gradients": record.gradients = true
        case "test": record.test = true
        case "activations":
            var activations = RunSpec.Record.Activations(layer: nil, unit: 0)
            if let setting, case .mapping = setting {
                for entry in setting.entries("record.activations", known: ["layer", "unit"], &diagnostics) ?? [] {
                    let number = entry.value.integer("record.activations.\(entry.key)", &diagnostics, minimum: entry.key == "layer" ? 1 : 0)
                    if entry.key == "layer" { activations.layer = number } else { activations.unit = number ?? 0 }
                }
            }
            record.activations = activations
        default:
            diagnostics.error(location, "unknown record '\(name)'\(suggestion(for: name, in: recordNames)); known: \(recordNames.joined(separator: ", "))")
        }
    }
}
