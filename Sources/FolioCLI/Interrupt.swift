import Folio
import Foundation

/// Ctrl-C (or SIGTERM) ends the program between file writes: a report, a result file or a
/// cache entry being written is finished first, so neither a half-written file nor a
/// temporary one is left behind. Training under way is dropped; its finished runs are cached.
func stopCleanlyOnInterrupt(exitCode: Int32) {
    for signalNumber in [SIGINT, SIGTERM] {
        signal(signalNumber, SIG_IGN)
        let source = DispatchSource.makeSignalSource(signal: signalNumber, queue: .global())
        source.setEventHandler {
            AtomicFile.whileNoWriteIsUnderWay {
                printError("stopped")
                // _exit, not exit: exit's clean-up (static destructors, OpenBLAS's) races with
                // the threads still training and can crash. Nothing is left to flush but stdout.
                fflush(nil)
                _exit(exitCode)
            }
        }
        source.resume()
        interruptSources.append(source)
    }
}

/// Kept alive for the program's life (a released source stops delivering).
nonisolated(unsafe) private var interruptSources: [any DispatchSourceSignal] = []
