import Foundation

/// Foundation's file errors print as `Error Domain=NSCocoaErrorDomain Code=516 "..." UserInfo=...`;
/// this gives their reason in a few plain words (the system's own, `strerror`, where there is
/// one), for messages of the form "PATH: cannot do X: REASON".
public enum FileErrorReason {
    public static func describe(_ error: Error) -> String {
        let error = error as NSError
        if error.domain == NSPOSIXErrorDomain { return posix(Int32(error.code)) }
        if let underlying = error.userInfo[NSUnderlyingErrorKey] as? NSError, underlying.domain == NSPOSIXErrorDomain {
            return posix(Int32(underlying.code))
        }
        if error.domain == NSCocoaErrorDomain {
            switch CocoaError.Code(rawValue: error.code) {
            case .fileWriteFileExists: return "a file of that name is in the way"
            case .fileNoSuchFile, .fileReadNoSuchFile: return "no such file or folder"
            case .fileReadNoPermission, .fileWriteNoPermission: return "permission denied"
            case .fileWriteOutOfSpace: return "no space left on the device"
            case .fileWriteVolumeReadOnly: return "read-only file system"
            case .fileReadCorruptFile: return "the file is corrupt"
            case .fileReadTooLarge: return "the file is too large"
            default: break
            }
        }
        // Last resort: Foundation's sentence, on one line.
        return error.localizedDescription.split(whereSeparator: \.isNewline).joined(separator: " ")
    }

    private static func posix(_ code: Int32) -> String {
        String(cString: strerror(code)).lowercased()
    }
}
