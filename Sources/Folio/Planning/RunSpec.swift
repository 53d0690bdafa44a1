import NeuralNet

/// Everything that determines one training run with one seed. A run is a pure function
/// of this, its data and the engine version, so its JSON (sorted keys) is the cache key.
struct RunSpec: Codable, Hashable, Sendable {
    /// How many training examples are held out for validation.
    enum Validation: Codable, Hashable, Sendable {
        case count(Int)
        case fraction(Double)
    }

    /// Extra traces a run records.
    struct Record: Codable, Hashable, Sendable {
        /// Training loss at every step.
        var steps = false
        /// Percentiles of the input to one unit's nonlinearity: (hidden layer, unit), 1-based layer.
        var activations: Activations?
        /// Each dense layer's weight-gradient norm.
        var gradients = false
        /// Test loss and accuracy after the last epoch.
        var test = false

        struct Activations: Codable, Hashable, Sendable {
            /// 1-based index among the network's nonlinearities; nil for the last.
            var layer: Int?
            var unit: Int
        }
    }

    var dataset = DataSource.fashionMNIST
    var path: String?
    var validation: Validation?
    var limit: Int?
    var model: [LayerSpec] = []
    var optimizer = OptimizerKind.sgd
    var learningRate = 0.01
    var batchSize = 32
    var epochs = 10
    var seed: UInt64 = 0
    var initializer = Initializer.glorot
    var batchNorm = BatchNormOptions()
    var record = Record()
    var repeatCount = 1

    /// Held-out count for a training set of `count` examples.
    func validationCount(of count: Int) -> Int {
        switch validation {
        case .count(let value): return value
        case .fraction(let fraction): return Int((Double(count) * fraction).rounded())
        case nil: return dataset.isSynthetic ? count / 10 : 5000
        }
    }
}

/// The keys of an `{experiment}` and which of them variants, sweeps and defaults may set.
enum ExperimentKeys {
    static let overridable = [
        "dataset", "path", "validation", "limit", "model", "optimizer", "learning_rate", "batch_size", "epochs", "seed",
        "init", "batchnorm", "record", "repeat",
    ]
    static let all = overridable + ["variants", "sweep"]
    static let layers = ["dense", "batchnorm", "layernorm", "relu", "sigmoid", "tanh", "dropout", "conv", "maxpool", "flatten"]

    /// Sets `key` of `spec` from `value`, reporting wrong types and impossible values.
    static func apply(_ key: String, _ value: YAMLValue, to spec: inout RunSpec, _ diagnostics: inout Diagnostics) {
        switch key {
        case "dataset":
            guard let name = value.string("dataset", &diagnostics) else { return }
            guard let source = DataSource(rawValue: name) else {
                let names = DataSource.allCases.map(\.rawValue)
                diagnostics.error(value.location, "unknown dataset '\(name)'\(suggestion(for: name, in: names)); known: \(names.joined(separator: ", "))")
                return
            }
            spec.dataset = source
        case "path": spec.path = value.string("path", &diagnostics)
        case "validation":
            guard let number = value.number("validation", &diagnostics) else { return }
            if number > 0 && number < 1 {
                spec.validation = .fraction(number)
            } else if number >= 1 && number == number.rounded() {
                spec.validation = .count(Int(number))
            } else {
                diagnostics.error(value.location, "validation must be a count of examples or a fraction between 0 and 1, not \(number)")
            }
        case "limit": spec.limit = value.integer("limit", &diagnostics, minimum: 1)
        case "model":
            let items: [(String, SourceLocation)]?
            if let text = value.text, text.hasPrefix("[") || text.contains(",") {
                // A flow list written as one string: split it ourselves.
                items = text.trimmingCharacters(in: CharacterSet(charactersIn: "[] ")).split(separator: ",")
                    .map { (String($0).trimmingCharacters(in: .whitespaces), value.location) }
            } else {
                items = value.strings("model", &diagnostics)
            }
            guard let items else { return }
            var layers: [LayerSpec] = []
            for (text, location) in items {
                if let layer = parseLayer(text, location, &diagnostics) { layers.append(layer) }
            }
            if layers.isEmpty {
                diagnostics.error(value.location, "model needs at least one layer")
            } else if case .dense = layers.last! {
                spec.model = layers
            } else {
                diagnostics.error(items.last!.1, "the model's last layer must be 'dense N' (the class scores), not '\(items.last!.0)'")
            }
        case "optimizer":
            guard let name = value.string("optimizer", &diagnostics) else { return }
            switch name {
            case "sgd": spec.optimizer = .sgd
            case "momentum": spec.optimizer = .momentum(0.9)
            case "adam": spec.optimizer = .adam
            default:
                diagnostics.error(value.location, "unknown optimizer '\(name)'\(suggestion(for: name, in: ["sgd", "momentum", "adam"])); known: sgd, momentum, adam")
            }
        case "learning_rate": spec.learningRate = value.number("learning_rate", &diagnostics, positive: true) ?? spec.learningRate
        case "batch_size": spec.batchSize = value.integer("batch_size", &diagnostics, minimum: 1) ?? spec.batchSize
        case "epochs": spec.epochs = value.integer("epochs", &diagnostics, minimum: 1) ?? spec.epochs
        case "seed": spec.seed = value.integer("seed", &diagnostics, minimum: 0).map(UInt64.init) ?? spec.seed
        case "repeat": spec.repeatCount = value.integer("repeat", &diagnostics, minimum: 1) ?? spec.repeatCount
        case "init":
            guard let text = value.string("init", &diagnostics) else { return }
            let words = text.split(separator: " ")
            switch words.first {
            case "glorot" where words.count == 1: spec.initializer = .glorot
            case "he" where words.count == 1: spec.initializer = .he
            case "normal" where words.count == 2:
                guard let deviation = Double(words[1]), deviation > 0 else {
                    diagnostics.error(value.location, "init 'normal S' needs a positive deviation S, not '\(words[1])'")
                    return
                }
                spec.initializer = .normal(deviation)
            default:
                diagnostics.error(value.location, "unknown init '\(text)'; known: glorot, he, normal S (e.g. normal 0.05)")
            }
        case "batchnorm":
            guard let entries = value.entries("batchnorm", known: ["momentum", "epsilon"], &diagnostics) else { return }
            for entry in entries {
                guard let number = entry.value.number("batchnorm.\(entry.key)", &diagnostics) else { continue }
                if entry.key == "momentum" {
                    guard number >= 0 && number < 1 else {
                        diagnostics.error(entry.value.location, "batchnorm.momentum must be in [0, 1), not \(number)")
                        continue
                    }
                    spec.batchNorm.momentum = Float(number)
                } else {
                    guard number > 0 else {
                        diagnostics.error(entry.value.location, "batchnorm.epsilon must be greater than 0, not \(number)")
                        continue
                    }
                    spec.batchNorm.epsilon = Float(number)
                }
            }
        case "record": applyRecord(value, to: &spec, &diagnostics)
        default:
            diagnostics.error(value.location, "unknown key '\(key)'\(suggestion(for: key, in: overridable))")
        }
    }

    static func parseLayer(_ text: String, _ location: SourceLocation, _ diagnostics: inout Diagnostics) -> LayerSpec? {
        let words = text.split(separator: " ").map(String.init)
        guard let name = words.first else {
            diagnostics.error(location, "empty layer in model")
            return nil
        }
        func argumentCount(_ count: Int, _ usage: String) -> Bool {
            guard words.count == count + 1 else {
                diagnostics.error(location, "layer '\(text)' should be written '\(usage)'")
                return false
            }
            return true
        }
        switch name {
        case "dense":
            guard argumentCount(1, "dense N") else { return nil }
            guard let units = Int(words[1]), units > 0 else {
                diagnostics.error(location, "dense needs a positive number of units, not '\(words[1])'")
                return nil
            }
            return .dense(units: units)
        case "dropout":
            guard argumentCount(1, "dropout P") else { return nil }
            guard let rate = Double(words[1]), rate >= 0, rate < 1 else {
                diagnostics.error(location, "dropout needs a rate in [0, 1), not '\(words[1])'")
                return nil
            }
            return .dropout(rate: rate)
        case "conv":
            // conv N KxK [stride S] [same | valid | padding P]
            let usage = "conv N KxK [stride S] [same | valid | padding P]"
            guard words.count >= 3, let filters = Int(words[1]), filters > 0 else {
                diagnostics.error(location, "layer '\(text)' should be written '\(usage)'")
                return nil
            }
            let sides = words[2].split(separator: "x")
            guard sides.count == 2, let kernel = Int(sides[0]), kernel > 0, Int(sides[1]) == kernel else {
                diagnostics.error(location, "conv needs a square kernel such as 3x3, not '\(words[2])'")
                return nil
            }
            var stride = 1, padding = Padding.same, index = 3
            while index < words.count {
                switch words[index] {
                case "same": padding = .same
                case "valid": padding = .valid
                case "stride", "padding":
                    guard index + 1 < words.count, let value = Int(words[index + 1]), value >= (words[index] == "stride" ? 1 : 0) else {
                        diagnostics.error(location, "'\(words[index])' in '\(text)' needs a whole number after it")
                        return nil
                    }
                    if words[index] == "stride" { stride = value } else { padding = .explicit(value) }
                    index += 1
                default:
                    diagnostics.error(location, "unknown conv option '\(words[index])'\(suggestion(for: words[index], in: ["stride", "padding", "same", "valid"])); write '\(usage)'")
                    return nil
                }
                index += 1
            }
            return .convolution(filters: filters, kernel: kernel, stride: stride, padding: padding)
        case "maxpool":
            guard argumentCount(1, "maxpool K") else { return nil }
            guard let size = Int(words[1]), size > 0 else {
                diagnostics.error(location, "maxpool needs a positive window size, not '\(words[1])'")
                return nil
            }
            return .maxPool(size: size)
        case "batchnorm", "layernorm", "relu", "sigmoid", "tanh", "flatten":
            guard argumentCount(0, name) else { return nil }
            switch name {
            case "batchnorm": return .batchNorm
            case "layernorm": return .layerNorm
            case "flatten": return .flatten
            default: return .activation(Activation.Function(rawValue: name)!)
            }
        default:
            diagnostics.error(location, "unknown layer '\(name)'\(suggestion(for: name, in: layers)); known: \(layers.joined(separator: ", "))")
            return nil
        }
    }

    private static func applyRecord(_ value: YAMLValue, to spec: inout RunSpec, _ diagnostics: inout Diagnostics) {
        let known = ["steps", "activations", "gradients", "test"]
        var record = RunSpec.Record()
        func set(_ name: String, _ setting: YAMLValue?, _ location: SourceLocation) {
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
                diagnostics.error(location, "unknown record '\(name)'\(suggestion(for: name, in: known)); known: \(known.joined(separator: ", "))")
            }
        }
        switch value {
        case .mapping:
            for entry in value.entries("record", known: known, &diagnostics) ?? [] {
                if entry.value.text.map({ ["false", "no", "off"].contains($0) }) == true { continue }
                set(entry.key, entry.value, entry.keyLocation)
            }
        default:
            for (name, location) in value.strings("record", &diagnostics) ?? [] { set(name, nil, location) }
        }
        spec.record = record
    }
}

import Foundation
