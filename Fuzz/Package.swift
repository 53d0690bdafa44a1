// swift-tools-version:6.0
// libFuzzer targets for Folio's parsers. A package of its own, because a fuzz target has no
// `main` (libFuzzer's is linked in) and the main package must build without it. Build and run
// with `make fuzz` from the repository's root; see README.md here.
import Foundation
import PackageDescription

// The repository root, and SwiftPM's name for a package given by path: its folder's name.
let root = URL(fileURLWithPath: Context.packageDirectory).deletingLastPathComponent()
let rootPackage = root.lastPathComponent.lowercased()

let package = Package(
    name: "FolioFuzz",
    platforms: [.macOS(.v15)],
    dependencies: [.package(path: root.path)],
    targets: [
        .executableTarget(
            name: "FolioFuzz",
            dependencies: [
                .product(name: "Folio", package: rootPackage),
                .product(name: "NeuralNet", package: rootPackage),
            ]),
    ]
)
