/// Element-wise loops written over SIMD vectors, for the few places where the compiler's
/// auto-vectorizer gives up (selects and comparisons). Each takes raw pointers to `count`
/// Floats; outputs may alias inputs.
enum Elementwise {
    typealias Vector = SIMD8<Float>
    static let width = Vector.scalarCount

    @inline(__always)
    private static func load(_ pointer: UnsafePointer<Float>, _ index: Int) -> Vector {
        UnsafeRawPointer(pointer + index).loadUnaligned(as: Vector.self)
    }

    @inline(__always)
    private static func store(_ value: Vector, _ pointer: UnsafeMutablePointer<Float>, _ index: Int) {
        UnsafeMutableRawPointer(pointer + index).storeBytes(of: value, as: Vector.self)
    }

    /// y = max(x, 0)
    static func relu(_ x: UnsafePointer<Float>, into y: UnsafeMutablePointer<Float>, count: Int) {
        let zero = Vector(repeating: 0)
        var i = 0
        while i + width <= count {
            let value = load(x, i)
            store(value.replacing(with: zero, where: value .< zero), y, i)
            i += width
        }
        while i < count {
            y[i] = x[i] > 0 ? x[i] : 0
            i += 1
        }
    }

    /// dx = dy where y > 0, else 0
    static func reluGradient(
        _ dy: UnsafePointer<Float>, output y: UnsafePointer<Float>, into dx: UnsafeMutablePointer<Float>, count: Int
    ) {
        let zero = Vector(repeating: 0)
        var i = 0
        while i + width <= count {
            store(zero.replacing(with: load(dy, i), where: load(y, i) .> zero), dx, i)
            i += width
        }
        while i < count {
            dx[i] = y[i] > 0 ? dy[i] : 0
            i += 1
        }
    }

    /// Σ x. Eight running sums, so the loop vectorizes (a single running sum would fix the
    /// order of additions and forbid it).
    static func sum(_ x: UnsafePointer<Float>, count: Int) -> Float {
        var accumulator = Vector(repeating: 0)
        var i = 0
        while i + width <= count {
            accumulator += load(x, i)
            i += width
        }
        var total = accumulator.sum()
        while i < count {
            total += x[i]
            i += 1
        }
        return total
    }

    /// Σ (x − center)².
    static func squaredDeviations(_ x: UnsafePointer<Float>, from center: Float, count: Int) -> Float {
        var accumulator = Vector(repeating: 0)
        let centers = Vector(repeating: center)
        var i = 0
        while i + width <= count {
            let deviation = load(x, i) - centers
            accumulator += deviation * deviation
            i += width
        }
        var total = accumulator.sum()
        while i < count {
            total += (x[i] - center) * (x[i] - center)
            i += 1
        }
        return total
    }

    /// (Σ a, Σ a · b).
    static func sumAndDot(_ a: UnsafePointer<Float>, _ b: UnsafePointer<Float>, count: Int) -> (sum: Float, dot: Float) {
        var sums = Vector(repeating: 0), dots = Vector(repeating: 0)
        var i = 0
        while i + width <= count {
            let left = load(a, i)
            sums += left
            dots += left * load(b, i)
            i += width
        }
        var sum = sums.sum(), dot = dots.sum()
        while i < count {
            sum += a[i]
            dot += a[i] * b[i]
            i += 1
        }
        return (sum, dot)
    }
}
