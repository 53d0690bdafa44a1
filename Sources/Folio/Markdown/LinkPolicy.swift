/// Which link and image addresses a report keeps when the notebook has not opted into raw
/// HTML: web addresses, mail, addresses relative to the page and fragments. Anything else
/// (`javascript:`, `vbscript:`, `file:`, `data:` other than images) is a way to run code
/// or read files from a page someone was sent, so the link is replaced by its text.
enum LinkPolicy {
    static let schemes: Set<String> = ["http", "https", "mailto"]
    /// Inline images in these formats cannot run script.
    static let imageDataTypes = ["data:image/png", "data:image/jpeg", "data:image/gif", "data:image/webp"]

    static func allows(_ url: String, image: Bool) -> Bool {
        // Browsers ignore leading spaces and control characters and tabs or newlines inside
        // a scheme ("java\tscript:"): judge the address as they will read it.
        let address = String(url.unicodeScalars.filter { $0.value > 0x20 && $0.value != 0x7F }).lowercased()
        guard let end = address.firstIndex(where: { ":/?#".contains($0) }), address[end] == ":" else {
            return true  // no scheme: relative, or a fragment
        }
        if image && imageDataTypes.contains(where: { address.hasPrefix($0 + ";") || address.hasPrefix($0 + ",") }) { return true }
        return schemes.contains(String(address[..<end]))
    }
}
