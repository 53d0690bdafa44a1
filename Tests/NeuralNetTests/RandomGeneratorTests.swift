import Testing

@testable import NeuralNet

@Suite struct RandomGeneratorTests {
    @Test func seedFixesTheStream() {
        let a = RandomGenerator(seed: 12), b = RandomGenerator(seed: 12), c = RandomGenerator(seed: 13)
        let first = (0..<5).map { _ in a.next() }
        #expect(first == (0..<5).map { _ in b.next() })
        #expect(first != (0..<5).map { _ in c.next() })
    }

    @Test func uniformAndNormalMoments() {
        let generator = RandomGenerator(seed: 1)
        let uniforms = (0..<20000).map { _ in generator.uniform() }
        #expect(uniforms.allSatisfy { $0 >= 0 && $0 < 1 })
        #expect(abs(uniforms.reduce(0, +) / 20000 - 0.5) < 0.01)
        let normals = (0..<20000).map { _ in generator.normal() }
        let mean = normals.reduce(0, +) / 20000
        let variance = normals.map { ($0 - mean) * ($0 - mean) }.reduce(0, +) / 20000
        #expect(abs(mean) < 0.03 && abs(variance - 1) < 0.03)
    }

    @Test func integersAreUnbiasedAndInRange() {
        let generator = RandomGenerator(seed: 2)
        var counts = [Int](repeating: 0, count: 6)
        for _ in 0..<60000 { counts[generator.integer(below: 6)] += 1 }
        #expect(counts.allSatisfy { abs($0 - 10000) < 400 })
    }

    @Test func shuffleIsAPermutation() {
        let generator = RandomGenerator(seed: 3)
        var values = Array(0..<100)
        values.withUnsafeMutableBufferPointer { generator.shuffle($0) }
        #expect(values != Array(0..<100))
        #expect(values.sorted() == Array(0..<100))
    }
}
