import Foundation
import NeuralNet
import Testing

@testable import Folio

/// Expressions over recorded traces and sweeps, evaluated on results made by hand.
@Suite struct TraceExpressionTests {
    static let location = SourceLocation(file: "x.md", line: 1, column: 1)

    /// A run with two seeds whose traces are known: gradient norms of two layers at steps
    /// 10, 20, 30, and activation percentiles at steps 0, 10, 20.
    static func run(_ name: String, swept: [String: String] = [:], accuracy: Double = 0.5) -> RunResult {
        var spec = RunSpec()
        spec.model = [.dense(units: 4), .activation(.relu), .dense(units: 3)]
        spec.record.gradients = true
        spec.record.activations = .init(layer: nil, unit: 0)
        let planned = PlannedRun(name: name, experiment: String(name.prefix { $0 != "/" }), location: location, spec: spec,
                                 mayDiverge: false, sweptValues: swept)
        func seed(_ number: UInt64, scale: Double) -> SeedRecord {
            SeedRecord(
                seed: number,
                epochs: [EpochMetrics(epoch: 1, loss: 1, accuracy: accuracy, validationLoss: 1, validationAccuracy: accuracy, seconds: 1)],
                divergence: nil, steps: nil,
                activations: [.init(step: 0, p15: -1, p50: 0, p85: 1), .init(step: 10, p15: -2, p50: 0.5, p85: 2),
                              .init(step: 20, p15: -3 * scale, p50: 1 * scale, p85: 3 * scale)],
                gradients: [.init(step: 10, norms: [1 * scale, 100]), .init(step: 20, norms: [2 * scale, 200]),
                            .init(step: 30, norms: [9 * scale, 300])])
        }
        return RunResult(run: planned, seeds: [seed(0, scale: 1), seed(1, scale: 3)])
    }

    func value(_ text: String, _ results: [RunResult]) throws -> Double {
        var parser = ExpressionParser(text, at: Self.location)
        return Evaluator(results: results).value(try parser.expression())
    }

    @Test func gradientIsTheMedianOverTrainingOrTheNearestStep() throws {
        let results = [Self.run("r")]
        // Medians 2 and 6 for the two seeds: their mean.
        #expect(try value("gradient(r, 1)", results) == 4)
        #expect(try value("gradient(r, 2)", results) == 200)
        // Step 24 is nearest step 20: 2 and 6.
        #expect(try value("gradient(r, 1, 24)", results) == 4)
        #expect(try value("gradient(r, 2, 0)", results) == 100)
        #expect(try value("gradient(r, 3)", results).isNaN)
    }

    @Test func activationIsTheLastRecordedValueOrTheNearestStep() throws {
        let results = [Self.run("r")]
        #expect(try value("activation(r, 85)", results) == 6)
        #expect(try value("activation(r, 15, 9)", results) == -2)
        #expect(try value("abs(activation(r, 50) - activation(r, 50, 10)) / 2", results) == 0.75)
    }

    @Test func argbestAndExtremesOverASweep() throws {
        let results = [
            Self.run("rate/learning_rate=0.01", swept: ["learning_rate": "0.01"], accuracy: 0.8),
            Self.run("rate/learning_rate=0.05", swept: ["learning_rate": "0.05"], accuracy: 0.9),
            Self.run("rate/learning_rate=1", swept: ["learning_rate": "1"], accuracy: 0.1),
        ]
        #expect(try value("argbest(rate.val_accuracy, learning_rate)", results) == 0.05)
        #expect(try value("argbest(rate/*.val_loss, learning_rate)", results) == 0.01)
        #expect(try value("max(rate.val_accuracy)", results) == 0.9)
        #expect(try value("min(rate/*.val_accuracy)", results) == 0.1)
    }

    /// A claim of comparisons joined by `or` holds when one of them does; `diverged(run)` is
    /// 1 for a run whose loss became NaN (its final values are NaN, so comparisons of them
    /// fail), and the failed claim's text shows every comparison's values.
    @Test func claimsWithAlternativesAndDivergedRuns() throws {
        var blownUp = Self.run("rate/learning_rate=2", swept: ["learning_rate": "2"])
        let divergence = try JSONDecoder().decode(Divergence.self, from: Data(#"{"epoch": 1, "step": 14}"#.utf8))
        for index in blownUp.seeds.indices {
            blownUp.seeds[index].epochs = []
            blownUp.seeds[index].divergence = divergence
        }
        let results = [Self.run("rate/learning_rate=1", swept: ["learning_rate": "1"], accuracy: 0.1), blownUp]
        func check(_ text: String) throws -> ClaimCheck {
            var parser = ExpressionParser(text, at: Self.location)
            return Evaluator(results: results).check(try parser.claim(text: text))
        }
        #expect(try value("diverged(rate/learning_rate=2)", results) == 1)
        #expect(try value("diverged(rate/learning_rate=1)", results) == 0)
        #expect(try value("diverged(rate/learning_rate=3)", results).isNaN)
        #expect(try check("rate/learning_rate=2.val_accuracy < 0.2").holds == false)
        #expect(try check("rate/learning_rate=2.val_accuracy < 0.2 or diverged(rate/learning_rate=2) > 0").holds)
        #expect(try check("rate/learning_rate=1.val_accuracy < 0.2 or diverged(rate/learning_rate=1) > 0").holds)
        let failed = try check("rate/learning_rate=1.val_accuracy > 0.2 or diverged(rate/learning_rate=1) > 0")
        #expect(!failed.holds)
        #expect(failed.description == "0.1000 > 0.2000 or 0 > 0")
        #expect(try check("rate/learning_rate=2.val_accuracy > 0 or 1 > 2 or 3 >= 3").holds)
    }

    @Test(arguments: [
        ("a.loss > 1 or", "1:14: error: expected a number or a run's metric"),
        ("a.loss > 1 or b.loss", "1:21: error: expected a comparison (<, <=, >, >=) with spaces around it after the expression"),
        ("a.loss > 1 and b.loss < 2", "1:12: error: unexpected 'and' (operators need spaces around them)"),
        ("diverged() > 0", "1:10: error: diverged( needs a run, e.g. diverged(rate/plain/learning_rate=2)"),
    ])
    func claimMistakes(_ text: String, _ message: String) {
        #expect(Self.mistake(text) { parser throws(Diagnostic) in _ = try parser.claim(text: text) } == "x.md:" + message)
    }

    @Test(arguments: [
        ("gradient(r, 0)", "1:13: error: gradient(run, L) needs a dense layer number L from 1, not 0"),
        ("activation(r, 40)", "1:15: error: activation(run, P) records the percentiles 15, 50 and 85, not 40"),
        ("gradient(r)", "1:11: error: expected ','"),
        ("argbest(r.val_accuracy, lr)", "1:25: error: argbest needs a swept key after the comma, e.g. learning_rate, not 'lr'"),
        ("gradient(r, 1, x)", "1:16: error: the step in gradient(…) must be a whole number from 0"),
    ])
    func mistakes(_ text: String, _ message: String) {
        #expect(Self.mistake(text) { parser throws(Diagnostic) in _ = try parser.expression() } == "x.md:" + message)
    }

    /// The error `parse` throws for `text`, nil when it parses.
    static func mistake(_ text: String, _ parse: (inout ExpressionParser) throws(Diagnostic) -> Void) -> String? {
        var parser = ExpressionParser(text, at: location)
        do {
            try parse(&parser)
            return nil
        } catch {
            return error.description
        }
    }
}
