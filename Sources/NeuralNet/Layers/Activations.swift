#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif

/// Element-wise nonlinearities. Each stores its output, from which its derivative follows.
public final class Activation: Layer {
    /// The supported nonlinearities.
    public enum Function: String, Hashable, Sendable, Codable, CaseIterable {
        /// max(0, x); derivative 1 where the output is positive.
        case relu
        /// 1 / (1 + e^-x); derivative y (1 - y).
        case sigmoid
        /// tanh x; derivative 1 - y².
        case tanh
    }

    /// Which nonlinearity this is.
    public let function: Function
    public let inputShape: FeatureShape
    public var outputShape: FeatureShape { inputShape }
    public var parameters: [Parameter] { [] }
    public var description: String { function.rawValue }

    private let output: Matrix
    private let inputGradient: Matrix

    /// `function` applied to examples of `shape`.
    public init(_ function: Function, shape: FeatureShape) {
        self.function = function
        self.inputShape = shape
        self.output = Matrix(rows: 0, columns: shape.count)
        self.inputGradient = Matrix(rows: 0, columns: shape.count)
    }

    public func forward(_ input: Matrix, training: Bool) -> Matrix {
        output.resize(rows: input.rows)
        let x = input.data, y = output.data, count = input.count
        switch function {
        case .relu: Parallel.split(count, work: count, ReLU(x: x, y: y))
        case .sigmoid: for i in 0..<count { y[i] = 1 / (1 + expf(-x[i])) }
        case .tanh: for i in 0..<count { y[i] = tanhf(x[i]) }
        }
        return output
    }

    public func backward(_ outputGradient: Matrix, needsInputGradient: Bool) -> Matrix {
        inputGradient.resize(rows: outputGradient.rows)
        guard needsInputGradient else { return inputGradient }
        let dy = outputGradient.data, y = output.data, dx = inputGradient.data, count = output.count
        switch function {
        case .relu: Parallel.split(count, work: count, ReLUGradient(dy: dy, y: y, dx: dx))
        case .sigmoid: for i in 0..<count { dx[i] = dy[i] * y[i] * (1 - y[i]) }
        case .tanh: for i in 0..<count { dx[i] = dy[i] * (1 - y[i] * y[i]) }
        }
        return inputGradient
    }
}

/// y = max(x, 0) over a range of elements.
private struct ReLU: SplitLoop {
    let x: UnsafePointer<Float>, y: UnsafeMutablePointer<Float>

    func run(_ range: Range<Int>) {
        Elementwise.relu(x + range.lowerBound, into: y + range.lowerBound, count: range.count)
    }
}

/// dx = dy where y > 0 over a range of elements.
private struct ReLUGradient: SplitLoop {
    let dy: UnsafePointer<Float>, y: UnsafePointer<Float>, dx: UnsafeMutablePointer<Float>

    func run(_ range: Range<Int>) {
        let start = range.lowerBound
        Elementwise.reluGradient(dy + start, output: y + start, into: dx + start, count: range.count)
    }
}
