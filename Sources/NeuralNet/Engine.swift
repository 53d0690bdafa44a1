/// Facts and settings of the engine as a whole.
public enum Engine {
    /// Changes whenever the numbers a run produces may change (layers, initialization,
    /// random streams, data scaling, how many threads a run's products are split over).
    /// Part of every result's cache key. neuralnet-3: runs with small steps train on one
    /// thread (Folio's `TrainingSchedule`). neuralnet-4: dense layers at batches of at most
    /// 4 rows and 3×3 convolutions over at most 3 channels compute through the engine's own
    /// kernels (`SmallProducts`, `DirectConvolution`). neuralnet-5: 3×3 convolutions over more
    /// channels through Winograd's F(2×2, 3×3) (`WinogradConvolution`). neuralnet-6: Winograd's
    /// products are the engine's own, worked block by block (no longer sgemm's).
    public static let version = "neuralnet-6"

    /// What this version's numbers hash to in `GoldenNumbersTests`, per arithmetic (see
    /// `arithmetic`): a change to the engine that moves them fails that test until `version`
    /// moves too and these are recorded again (the test prints the new hashes).
    static let goldenNumbers: (version: String, hashes: [String: [String: String]]) = {
        let zen = [
            "dense-batchnorm-sgd": "8a6edd72cd74aa6f",
            "dense-batchnorm-sgd-keeping-gradients": "8a6edd72cd74aa6f",
            "dense-batchnorm-sgd-batch-2": "5f2a41120ef7cfe9",
            "dense-batchnorm-sgd-batch-2-keeping-gradients": "5f2a41120ef7cfe9",
            "dense-layernorm-dropout-momentum": "7d8df527b4167bcf",
            "dense-batchnorm-adam": "27ac3dfeb4676eba",
            "conv-batchnorm-pool-adam": "6b6531e94bb710a",
            "conv-conv-batchnorm-adam": "6f7b66bc95a54be6",
            "conv-stride-valid-sgd": "eb291c5b20f0020",
        ]
        // OpenBLAS 0.3.21 names AMD's Zen 4 "Haswell"; there its Haswell kernels computed
        // Zen's bits (OPENBLAS_CORETYPE=ZEN and the default gave the same hashes). Where the
        // CPU reports AVX-512 BF16, it takes its Cooperlake kernels (AVX-512), which round
        // the cases that reach sgemm at batch 16 differently.
        var cooperlake = zen
        cooperlake["dense-batchnorm-sgd"] = "1bf5f612186eee66"
        cooperlake["dense-batchnorm-sgd-keeping-gradients"] = "1bf5f612186eee66"
        cooperlake["conv-batchnorm-pool-adam"] = "3f24624ad2126b0b"
        cooperlake["conv-conv-batchnorm-adam"] = "d8d21149156eee88"
        cooperlake["conv-stride-valid-sgd"] = "e11276b467e60c37"
        return (version: "neuralnet-6", hashes: [
            "OpenBLAS Zen + AVX2": zen, "OpenBLAS Haswell + AVX2": zen, "OpenBLAS Cooperlake + AVX2": cooperlake,
        ])
    }()

    /// The arithmetic that produced this machine's numbers: the BLAS library and the kernels
    /// it chose for this CPU (`OpenBLAS Zen`, `OpenBLAS SkylakeX`, `Accelerate`), and
    /// ` + AVX2` where the engine's own kernels run (`SmallProducts`, `DirectConvolution`,
    /// `WinogradConvolution`). Other
    /// kernels round matrix products differently, so the same seed gives other bits
    /// elsewhere, and training can amplify them; results are exactly reproducible only where
    /// this matches.
    public static var arithmetic: String { BLAS.kernels + (AVX2.isAvailable ? " + AVX2" : "") }

    /// This machine's sgemm speed in floating-point operations per second, on 1024×1024
    /// matrices (the median of `repeats` products), for comparing a network's epoch with the
    /// time its matrix products would take at that speed.
    public static func matrixProductRate(size: Int = 1024, repeats: Int = 5) -> Double {
        BLAS.squareProductRate(size: size, repeats: repeats)
    }

    /// Makes the calling thread flush subnormal floats to zero (see `FloatingPointMode`).
    /// The trainer calls it on the thread that trains.
    public static func flushSubnormals() { FloatingPointMode.flushesSubnormals = true }

    /// Threads BLAS uses for matrix products now (what `setMatrixThreads` last set, else the
    /// library's default: every core, or `OPENBLAS_NUM_THREADS`).
    public static var matrixThreads: Int { max(BLAS.threads, Parallel.isEnabled ? 2 : 1) }

    /// Threads one training run may use: BLAS's for matrix products, and with more than one,
    /// a helper thread for element-wise loops. Set 1 when several runs train at once, so
    /// that they do not compete for the same cores.
    public static func setMatrixThreads(_ count: Int) {
        BLAS.threads = count
        Parallel.isEnabled = count > 1
    }
}
