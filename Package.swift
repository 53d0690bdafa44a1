// swift-tools-version:6.0
import PackageDescription

let package = Package(
    name: "Folio",
    platforms: [.macOS(.v15)],
    products: [
        .executable(name: "folio", targets: ["FolioCLI"]),
        .library(name: "NeuralNet", targets: ["NeuralNet"]),
        // Notebooks as a library: the fuzz targets in Fuzz/ link it.
        .library(name: "Folio", targets: ["Folio"]),
    ],
    dependencies: [
        .package(url: "https://github.com/apple/swift-argument-parser", from: "1.5.0"),
        .package(url: "https://github.com/jpsim/Yams", from: "6.2.2"),
        // The preview's HTTP and WebSocket server: small, pure Swift on sockets (no SwiftNIO),
        // so it adds seconds to a clean build rather than minutes.
        .package(url: "https://github.com/swhitty/FlyingFox", from: "0.27.1"),
    ],
    targets: [
        // System libraries. Debian: libcmark-dev, libopenblas-dev, zlib1g-dev (see Makefile).
        .systemLibrary(
            name: "CMark", path: "Sources/CMark", pkgConfig: "libcmark",
            providers: [.apt(["libcmark-dev"]), .brew(["cmark"])]),
        .systemLibrary(
            name: "CBLAS", path: "Sources/CBLAS", pkgConfig: "openblas",
            providers: [.apt(["libopenblas-dev"]), .brew(["openblas"])]),
        .systemLibrary(
            name: "CZlib", path: "Sources/CZlib", pkgConfig: "zlib",
            providers: [.apt(["zlib1g-dev"]), .brew(["zlib"])]),

        // What C can reach and Swift cannot: the CPU's handling of subnormal floats, and how
        // long OpenBLAS's idle threads spin.
        .target(name: "CPlatform"),
        // The engine's own kernels (AVX2 and FMA, chosen at run time): a dense layer's products
        // at batches of a few rows, where sgemm mostly packs operands; 3×3 convolutions,
        // directly over few channels and through Winograd's transforms over more.
        .target(name: "CKernels"),
        // zlib for Swift: gzip for the data loaders, zlib streams and CRC-32 for PNG. The one
        // module that imports CZlib.
        .target(name: "Zlib", dependencies: ["CZlib"]),
        // The engine: tensors, layers, losses, optimizers, training, data sets.
        .target(name: "NeuralNet", dependencies: ["CBLAS", "CKernels", "CPlatform", "Zlib"]),
        // SVG charts and image grids from plain numbers. Knows nothing of neural nets.
        .target(name: "Charts", dependencies: ["Zlib"]),
        // `folio bench`: the engine's speed on reference networks against this machine's sgemm.
        .target(name: "Bench", dependencies: ["NeuralNet"]),
        // Notebooks: parsing, the directive language, planning, the result cache, HTML.
        .target(name: "Folio", dependencies: ["NeuralNet", "Charts", "CMark", "Yams"]),
        // `folio preview`: serves the output folder, rebuilds on save, and tells open pages to
        // update (WebSocket), with training progress and build errors shown over the page.
        // NeuralNet: the progress it shows arrives as the engine's `EpochMetrics`.
        .target(
            name: "Preview",
            dependencies: ["Folio", "NeuralNet", .product(name: "FlyingFox", package: "FlyingFox"),
                           .product(name: "FlyingSocks", package: "FlyingFox")]),
        // The command line. Thin: parses arguments and calls Folio, Preview and Bench.
        // NeuralNet, deliberately: progress arrives as the engine's `EpochMetrics`, and the
        // bench and build commands name data sets (`DataSource`) and set engine threads.
        // (Not `folio`: it would clash with `Folio` on case-insensitive file systems.)
        .executableTarget(
            name: "FolioCLI",
            dependencies: ["Folio", "Preview", "Bench", "NeuralNet",
                           .product(name: "ArgumentParser", package: "swift-argument-parser")]),

        // Helpers shared by the test targets.
        .target(name: "TestSupport", path: "Tests/TestSupport"),
        .testTarget(
            name: "NeuralNetTests", dependencies: ["NeuralNet", "Zlib", "TestSupport"],
            // Read by path: the numpy and PyTorch scripts and the values they wrote.
            exclude: ["Fixtures"]),
        .testTarget(name: "ChartsTests", dependencies: ["Charts"]),
        // FolioCLI: the tests run the `folio` binary, which must be built first.
        .testTarget(name: "FolioTests", dependencies: ["Folio", "NeuralNet", "Bench", "FolioCLI", "TestSupport"]),
        .testTarget(name: "PreviewTests", dependencies: ["Preview", "FolioCLI", "TestSupport"]),
    ]
)
