// Every test file sees the shared helpers (TemporaryDirectory, FolioProcess, ...).
@_exported import TestSupport
