/// "Did you mean" suggestions for misspelt keys, by edit distance.
enum KeySuggestion {
    /// `unknown key 'tilesize' (did you mean 'tile_size'?)`, or the list of allowed keys when none
    /// is close.
    /// `noun` names what the key stands for where keys are names from elsewhere (`class`).
    static func unknownKeyMessage(_ key: String, allowed: [String], noun: String = "key") -> String {
        if let suggestion = closest(to: key, among: allowed) {
            return "unknown \(noun) '\(key)' (did you mean '\(suggestion)'?)"
        }
        if allowed.isEmpty {
            return "unknown \(noun) '\(key)' (no \(noun)s are expected here)"
        }
        return "unknown \(noun) '\(key)' (expected one of \(allowed.joined(separator: ", ")))"
    }

    /// The allowed key nearest to `key`, if it is close: within a third of its length in edits
    /// (at least one), ignoring case. Ties go to the earlier key in schema order.
    static func closest(to key: String, among candidates: [String]) -> String? {
        let typed = Array(key.lowercased())
        var best: (key: String, distance: Int)?
        for candidate in candidates {
            let distance = editDistance(typed, Array(candidate.lowercased()))
            guard distance <= max(1, candidate.count / 3) else { continue }
            if best == nil || distance < best!.distance {
                best = (candidate, distance)
            }
        }
        return best?.key
    }

    /// Levenshtein distance (insertions, deletions, substitutions), one row at a time.
    static func editDistance(_ a: [Character], _ b: [Character]) -> Int {
        if a.isEmpty { return b.count }
        if b.isEmpty { return a.count }
        var previous = Array(0...b.count)
        var current = [Int](repeating: 0, count: b.count + 1)
        for i in 1...a.count {
            current[0] = i
            for j in 1...b.count {
                let substitution = previous[j - 1] + (a[i - 1] == b[j - 1] ? 0 : 1)
                current[j] = min(previous[j] + 1, current[j - 1] + 1, substitution)
            }
            swap(&previous, &current)
        }
        return previous[b.count]
    }
}
