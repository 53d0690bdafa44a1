import CKernels

/// A fully connected layer's three products at small batches, through the engine's own
/// kernels (CKernels) instead of sgemm: at a few rows, sgemm spends most of its time packing
/// operands it then uses once or twice (at batch 2, packing took a quarter of a training
/// step's time, its kernel most of the rest). The forward kernel reads the weights once per
/// pair of batch rows, and the backward kernel computes the input gradient, the weight
/// gradient and the update in one pass over them.
///
/// Every result element is computed the same way however the work is split, so splitting it
/// over the helper thread (done only for large layers, `minimumSplitWeights`) changes no
/// number. Used for batches of at most `maximumRows` rows on CPUs with AVX2 and FMA;
/// elsewhere, and at larger batches, layers use sgemm.
enum SmallProducts {
    /// The largest batch the kernels take. Up to 4 rows they beat sgemm on one thread here
    /// (forward 2·784 · 784·300: 27 µs against 70–80 µs; at 4 rows 60 against 64–97 µs);
    /// at 8 rows sgemm is as fast or faster.
    static let maximumRows = 4

    /// Layers with fewer weights run on the calling thread alone. A product this small is
    /// over in tens of microseconds, about what waking a sleeping helper can cost: the
    /// report's 784·300 layer at batch 2 (`folio bench --network mlp-bn --batch-sizes 2`, 3
    /// epochs, 3 runs each, alternating) took 2.06–2.48 s an epoch on one thread against
    /// 2.31–3.81 s split.
    static let minimumSplitWeights = 1 << 20

    /// Whether a product with `rows` batch rows goes through the kernels.
    @inline(__always)
    static func apply(rows: Int) -> Bool { rows <= maximumRows && AVX2.isAvailable }

    /// output += input · weights, [m, k] · [k, n] (output holds the bias already).
    static func forward(input: Matrix, weights: Matrix, output: Matrix) {
        precondition(input.rows <= maximumRows && input.columns == weights.rows && output.columns == weights.columns)
        let blocks = (weights.columns + columnsPerBlock - 1) / columnsPerBlock
        split(blocks, weights: weights.count, Forward(input: input, weights: weights, output: output))
    }

    /// The backward pass of y = x · W over W's rows: inputGradient = dy · Wᵀ (unless nil),
    /// gradient = xᵀ · dy (unless nil), and, with `update`, W −= rate · xᵀ · dy, the input
    /// gradient computed from W before its update.
    static func backward(
        input: Matrix, outputGradient: Matrix, weights: Matrix, inputGradient: Matrix?, gradient: Matrix?,
        rate: Float, update: Bool
    ) {
        precondition(input.rows <= maximumRows && input.columns == weights.rows && outputGradient.columns == weights.columns)
        let loop = Backward(
            input: input, outputGradient: outputGradient, weights: weights, inputGradient: inputGradient, gradient: gradient,
            rate: rate, update: update)
        split(weights.rows, weights: weights.count, loop)
    }

    private static func split<Loop: SplitLoop>(_ count: Int, weights: Int, _ loop: Loop) {
        if weights < minimumSplitWeights { loop.run(0..<count) } else { Parallel.split(count, work: weights, loop) }
    }

    /// Columns of the forward product per unit of split work.
    private static let columnsPerBlock = 24

    private struct Forward: SplitLoop {
        let input: Matrix, weights: Matrix, output: Matrix

        func run(_ blocks: Range<Int>) {
            let first = blocks.lowerBound * columnsPerBlock, end = min(blocks.upperBound * columnsPerBlock, weights.columns)
            folio_small_forward(
                Int32(input.rows), Int32(weights.columns), Int32(weights.rows), input.data, Int32(input.columns),
                weights.data, output.data, Int32(first), Int32(end))
        }
    }

    private struct Backward: SplitLoop {
        let input: Matrix, outputGradient: Matrix, weights: Matrix, inputGradient: Matrix?, gradient: Matrix?
        let rate: Float, update: Bool

        func run(_ rows: Range<Int>) {
            folio_small_backward(
                Int32(input.rows), Int32(weights.columns), Int32(weights.rows), input.data, Int32(input.columns),
                outputGradient.data, weights.data, inputGradient?.data, gradient?.data, rate, update ? 1 : 0,
                Int32(rows.lowerBound), Int32(rows.upperBound))
        }
    }
}
