import Dispatch
import Foundation
import Synchronization

/// A loop over `0..<count` units that two threads can share: `run` does the units in
/// `range`, touching nothing that another range touches.
///
/// Loops are small structs rather than closures: handing a closure to another thread means
/// making it escaping, which allocates its context on every call.
protocol SplitLoop {
    func run(_ range: Range<Int>)
    /// `run` on the thread numbered `worker` (0 for the calling thread, 1 for the helper),
    /// for loops that keep scratch space per thread; the default ignores it.
    func run(_ range: Range<Int>, worker: Int)
}

extension SplitLoop {
    func run(_ range: Range<Int>, worker: Int) { run(range) }

    /// Runs the loop stored at `pointer` over `range` (for the helper, which knows the loop
    /// only by its type and address).
    fileprivate static func run(at pointer: UnsafeRawPointer, _ range: Range<Int>, worker: Int) {
        pointer.assumingMemoryBound(to: Self.self).pointee.run(range, worker: worker)
    }
}

/// Splits the engine's element-wise loops (patch gathering, pooling, normalization,
/// activations, optimizer updates) between the calling thread and one helper thread, while
/// BLAS parallelizes the matrix products itself.
///
/// Every split is by whole units (images, channels, elements) that the two threads compute
/// exactly as one thread would, so results do not depend on whether or how work was split; the
/// helper also takes on the caller's handling of subnormal floats. Nothing allocates per
/// call. Small loops, a single-thread setting (`Engine.setMatrixThreads(1)`) and calls made
/// while another thread is using the helper run on the calling thread alone.
enum Parallel {
    /// Loops touching fewer elements than this run on one thread: handing work over costs
    /// a few microseconds.
    static let minimumWork = 1 << 17

    /// Runs `loop` over ranges that together cover `0..<count` once each, in parallel when
    /// `work` (about the number of elements the whole loop touches) is large enough: in two
    /// halves, or, given a `grain`, in ranges of `grain` units that each thread takes in turn
    /// as it becomes free (for loops of heavy units, so that neither thread waits for the
    /// other when one of them starts late or runs slower).
    @inline(__always)
    static func split<Loop: SplitLoop>(_ count: Int, work: Int, grain: Int? = nil, _ loop: Loop) {
        guard count > 1, work >= minimumWork else {
            loop.run(0..<count, worker: 0)
            return
        }
        let shared = enabled.load(ordering: .relaxed)
            && withUnsafePointer(to: loop) { Helper.shared.run(count, grain: grain, loop: $0, of: Loop.self) }
        if !shared { loop.run(0..<count, worker: 0) }
    }

    private static let enabled = Atomic<Bool>(ProcessInfo.processInfo.activeProcessorCount > 1)

    /// Whether loops may use the helper thread.
    static var isEnabled: Bool {
        get { enabled.load(ordering: .relaxed) }
        set { enabled.store(newValue, ordering: .relaxed) }
    }

    /// How many loops the helper has shared so far (for tests).
    static var handOffs: Int { Helper.shared.finished.load(ordering: .acquiring) }
}

/// The helper thread. It spins briefly after each task, since the next one usually follows
/// within microseconds, then sleeps on a semaphore so as not to take a core from BLAS.
private final class Helper: @unchecked Sendable {
    static let shared = Helper()

    /// Number of tasks posted; the helper runs the latest when it differs from what it has seen.
    private let posted = Atomic<Int>(0)
    /// Number of the last task the helper has finished.
    let finished = Atomic<Int>(0)
    /// Whether the helper is (about to be) waiting on `wake`.
    private let sleeping = Atomic<Bool>(false)
    /// Whether a caller holds the helper.
    private let inUse = Atomic<Bool>(false)
    private let wake = DispatchSemaphore(value: 0)

    // The task, written by the caller before `posted` is incremented and read by the helper
    // after it sees the increment.
    private var loop: UnsafeRawPointer?
    private var loopType: (any SplitLoop.Type)?
    /// The helper's half, when the task is split in halves.
    private var range = 0..<0
    /// With ranges taken in turn: the units, the size of each range, and the first unit
    /// not yet taken.
    private var count = 0
    private var grain = 0
    private let next = Atomic<Int>(0)
    private var flushesSubnormals = false

    /// How long the helper spins for its next task before it sleeps.
    private static let spinning = Duration.microseconds(50)

    private init() {
        let thread = Thread { [unowned self] in serve() }
        thread.name = "NeuralNet helper"
        thread.start()
    }

    /// Runs the loop at `pointer` over `0..<count` here and on the helper: the first half
    /// here and the second there, or, given a `grain`, ranges of that many units taken in
    /// turn; false (having run nothing) when another thread is using the helper.
    func run<Loop: SplitLoop>(_ count: Int, grain: Int?, loop pointer: UnsafePointer<Loop>, of type: Loop.Type) -> Bool {
        guard inUse.compareExchange(expected: false, desired: true, ordering: .acquiring).exchanged
        else { return false }
        defer { inUse.store(false, ordering: .releasing) }
        let middle = count / 2
        loop = UnsafeRawPointer(pointer)
        loopType = type
        self.count = count
        self.grain = max(grain ?? 0, 0)
        next.store(0, ordering: .relaxed)
        range = middle..<count
        flushesSubnormals = FloatingPointMode.flushesSubnormals
        let number = posted.wrappingAdd(1, ordering: .sequentiallyConsistent).newValue
        if sleeping.exchange(false, ordering: .sequentiallyConsistent) { wake.signal() }
        if self.grain > 0 {
            takeRanges { pointer.pointee.run($0, worker: 0) }
        } else {
            pointer.pointee.run(0..<middle, worker: 0)
        }
        while finished.load(ordering: .acquiring) != number {}
        loop = nil
        return true
    }

    /// Runs `body` on ranges of `grain` units until none is left.
    @inline(__always)
    private func takeRanges(_ body: (Range<Int>) -> Void) {
        while true {
            let start = next.wrappingAdd(grain, ordering: .relaxed).oldValue
            guard start < count else { return }
            body(start..<min(start + grain, count))
        }
    }

    private func serve() {
        var seen = 0
        while true {
            waitForTask(after: seen)
            seen = posted.load(ordering: .acquiring)
            FloatingPointMode.flushesSubnormals = flushesSubnormals
            if let loop, let loopType {
                if grain > 0 {
                    takeRanges { loopType.run(at: loop, $0, worker: 1) }
                } else {
                    loopType.run(at: loop, range, worker: 1)
                }
            }
            finished.store(seen, ordering: .releasing)
        }
    }

    private func waitForTask(after seen: Int) {
        var deadline = ContinuousClock.now + Self.spinning
        var spins = 0
        while posted.load(ordering: .sequentiallyConsistent) == seen {
            spins += 1
            guard spins % 256 == 0, ContinuousClock.now > deadline else { continue }
            sleeping.store(true, ordering: .sequentiallyConsistent)
            if posted.load(ordering: .sequentiallyConsistent) != seen {
                // A task arrived meanwhile. If its poster already saw `sleeping`, a signal is
                // on its way and must be consumed.
                if !sleeping.exchange(false, ordering: .sequentiallyConsistent) { wake.wait() }
                return
            }
            wake.wait()
            deadline = ContinuousClock.now + Self.spinning
        }
    }
}
