#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif

/// Small generated data sets for quick examples and tests. A seed fixes every value.
public enum Synthetic {
    /// Interleaved spiral arms in the plane, one per class (Karpathy's CS231n example):
    /// class k's arm has radius growing from 0 to 1 and angle k·2π/K + 4 r, plus Gaussian
    /// noise of deviation `noise` on the angle.
    public static func spirals(count: Int, classes: Int = 3, noise: Double = 0.2, seed: UInt64) -> Dataset {
        precondition(count > 0 && classes > 1)
        let generator = RandomGenerator(seed: seed)
        var features = [Float](), labels = [Int32]()
        features.reserveCapacity(count * 2)
        for index in 0..<count {
            let label = index % classes
            let radius = generator.uniform()
            let angle = Double(label) * 2 * .pi / Double(classes) + 4 * radius + noise * generator.normal()
            features += [Float(radius * sin(angle)), Float(radius * cos(angle))]
            labels.append(Int32(label))
        }
        return Dataset(
            name: "spirals", shape: FeatureShape(vector: 2), classNames: (0..<classes).map { "arm \($0)" },
            features: features, labels: labels)
    }

    /// Gaussian clusters: each class has a centre drawn uniformly in [−2, 2]^dimensions and
    /// examples scattered around it with unit deviation.
    public static func blobs(count: Int, classes: Int = 3, dimensions: Int = 2, seed: UInt64) -> Dataset {
        precondition(count > 0 && classes > 1 && dimensions > 0)
        let generator = RandomGenerator(seed: seed)
        let centres = (0..<classes).map { _ in (0..<dimensions).map { _ in generator.uniform() * 4 - 2 } }
        var features = [Float](), labels = [Int32]()
        features.reserveCapacity(count * dimensions)
        for index in 0..<count {
            let label = index % classes
            for d in 0..<dimensions { features.append(Float(centres[label][d] + 0.5 * generator.normal())) }
            labels.append(Int32(label))
        }
        return Dataset(
            name: "blobs", shape: FeatureShape(vector: dimensions), classNames: (0..<classes).map { "blob \($0)" },
            features: features, labels: labels)
    }
}
