/// A batch of feature vectors: `rows` examples × `columns` features, Float32, row-major.
///
/// Storage only ever grows, so a layer can keep one matrix for its output and reuse it for
/// every batch: resizing to a batch no larger than the largest seen allocates nothing. That
/// is what keeps the training step free of allocation. Images are stored flattened per
/// example in NCHW order (channel, then row, then column), see `FeatureShape`.
public final class Matrix {
    /// Number of examples (the batch dimension).
    public private(set) var rows: Int
    /// Number of features per example.
    public private(set) var columns: Int
    /// The elements, `rows * columns` of them, row-major. Valid until the next `resize`.
    private(set) var data: UnsafeMutablePointer<Float>
    private var capacity: Int

    /// A zero-filled `rows × columns` matrix.
    public init(rows: Int, columns: Int) {
        precondition(rows >= 0 && columns > 0, "Matrix needs rows >= 0 and columns > 0")
        self.rows = rows
        self.columns = columns
        self.capacity = max(rows * columns, 1)
        self.data = FloatStorage.allocate(capacity)
    }

    /// A `rows × columns` matrix holding `values` (row-major).
    public convenience init(rows: Int, columns: Int, values: [Float]) {
        precondition(values.count == rows * columns, "Matrix: \(values.count) values for \(rows)x\(columns)")
        self.init(rows: rows, columns: columns)
        values.withUnsafeBufferPointer { data.update(from: $0.baseAddress!, count: values.count) }
    }

    deinit { FloatStorage.free(data) }

    /// `rows * columns`.
    @inlinable public var count: Int { rows * columns }

    /// Changes the number of rows. Contents are unspecified afterwards; allocates only
    /// when the matrix has never held this many elements.
    public func resize(rows newRows: Int) {
        precondition(newRows >= 0)
        rows = newRows
        let needed = newRows * columns
        if needed > capacity {
            FloatStorage.free(data)
            capacity = needed
            data = FloatStorage.allocate(needed)
        }
    }

    /// Keeps the rows and changes the number of columns (for scratch matrices whose width
    /// depends on the batch). Contents are unspecified afterwards; allocates only when the
    /// matrix has never held this many elements.
    public func reshape(columns newColumns: Int) {
        precondition(newColumns > 0)
        columns = newColumns
        resize(rows: rows)
    }

    /// Element at (`row`, `column`); both must be in range (checked: this is not a hot path).
    public subscript(row: Int, column: Int) -> Float {
        get { data[offset(row, column)] }
        set { data[offset(row, column)] = newValue }
    }

    /// The element's offset in `data`, after checking that it lies inside the matrix.
    private func offset(_ row: Int, _ column: Int) -> Int {
        precondition(row >= 0 && row < rows && column >= 0 && column < columns, "Matrix[\(row), \(column)] outside \(rows)x\(columns)")
        return row * columns + column
    }

    /// A copy of the elements, row-major.
    public var values: [Float] { Array(UnsafeBufferPointer(start: data, count: count)) }

    /// Sets every element to `value`.
    public func fill(_ value: Float) { data.update(repeating: value, count: count) }

    /// A pointer to the first element of `row`.
    @inline(__always) func row(_ row: Int) -> UnsafeMutablePointer<Float> { data + row * columns }
}
