/// ⌊a / b⌋ for b > 0 (Swift's `/` rounds toward zero).
@inline(__always)
func floorDivide(_ a: Int, _ b: Int) -> Int {
    a >= 0 ? a / b : -((-a + b - 1) / b)
}
