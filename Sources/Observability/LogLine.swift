import Foundation
import Logging

/// Renders one log event as a line of text, in either format.
public enum LogLine {
    /// `component: message`: the runtime's messages already name the tile, attempt and worker they
    /// concern, so the human line stays as it always was; the metadata is for the JSON form.
    public static func human(component: String, message: String) -> String {
        "\(component): \(message)"
    }

    /// `{"time":…,"level":…,"component":…,"message":…, metadata keys in sorted order}`. Integer and
    /// floating-point metadata stay numbers; a metadata key equal to a fixed field is left out.
    public static func json(time: Date, level: Logger.Level, component: String, message: String, metadata: Logger.Metadata) -> String {
        var out = "{\"time\":\(quoted(timestamp(time))),\"level\":\(quoted(level.rawValue)),"
            + "\"component\":\(quoted(component)),\"message\":\(quoted(message))"
        for key in metadata.keys.sorted() where !fixedKeys.contains(key) {
            out += ",\(quoted(key)):\(json(metadata[key]!))"
        }
        return out + "}"
    }

    private static let fixedKeys: Set<String> = ["time", "level", "component", "message"]

    static func json(_ value: Logger.MetadataValue) -> String {
        switch value {
        case .string(let text): return quoted(text)
        case .stringConvertible(let item):
            switch item {
            case let number as Int: return String(number)
            case let number as Int64: return String(number)
            case let number as UInt64: return String(number)
            case let number as Double where number.isFinite: return String(number)
            case let flag as Bool: return flag ? "true" : "false"
            default: return quoted(item.description)
            }
        case .array(let items): return "[" + items.map(json).joined(separator: ",") + "]"
        case .dictionary(let fields):
            return "{" + fields.keys.sorted().map { "\(quoted($0)):\(json(fields[$0]!))" }.joined(separator: ",") + "}"
        }
    }

    /// A JSON string literal (RFC 8259: quote, backslash and control characters escaped).
    static func quoted(_ text: String) -> String {
        var out = "\""
        out.reserveCapacity(text.utf8.count + 2)
        for scalar in text.unicodeScalars {
            switch scalar {
            case "\"": out += "\\\""
            case "\\": out += "\\\\"
            case "\n": out += "\\n"
            case "\r": out += "\\r"
            case "\t": out += "\\t"
            case _ where scalar.value < 0x20:
                out += "\\u" + String(repeating: "0", count: 4 - String(scalar.value, radix: 16).count) + String(scalar.value, radix: 16)
            default: out.unicodeScalars.append(scalar)
            }
        }
        return out + "\""
    }

    /// UTC, milliseconds: `2026-12-01T13:05:20.123Z`.
    static func timestamp(_ date: Date) -> String {
        let milliseconds = Int64((date.timeIntervalSince1970 * 1000).rounded(.down))
        var seconds = time_t(milliseconds / 1000)
        var parts = tm()
        gmtime_r(&seconds, &parts)
        return String(format: "%04d-%02d-%02dT%02d:%02d:%02d.%03dZ", Int(parts.tm_year) + 1900, Int(parts.tm_mon) + 1, Int(parts.tm_mday),
                      Int(parts.tm_hour), Int(parts.tm_min), Int(parts.tm_sec), Int(milliseconds % 1000))
    }
}
