/// Key files.
///
/// A **secret key file** (conventionally `NAME.key`, mode 0600) holds both keys of a pair:
///
///     # CurveZMQ secret key file (Z85). Keep private: whoever has it can act as this peer.
///     public=6ZR/hqs=SSXJTV2e8ZC{QOo1HM<e6U5ZYUPkpM.g
///     secret=HA#&FE)MQNCN0Zx*MZD2qb/C{KYp&Wg}jQl)Rr*]
///
/// A **public key file** (`NAME.pub`, shareable) holds the public key only:
///
///     # CurveZMQ public key (Z85)
///     public=6ZR/hqs=SSXJTV2e8ZC{QOo1HM<e6U5ZYUPkpM.g
///
/// One `name=value` per line; blank lines and lines starting with `#` are ignored; spaces around
/// names and values are trimmed. A malformed file gives one `.invalidKeyFile` error whose
/// subject is `path:line`.
extension CurveKeyPair {
    /// Reads a secret key file and checks that its public key belongs to its secret key.
    public static func read(secretKeyFile path: String) throws -> CurveKeyPair {
        let parser = KeyFileParser(path: path)
        let fields = try parser.fields(of: KeyFileIO.readText(path), allowed: ["public", "secret"])
        let publicField = try parser.require("public", in: fields)
        let secretField = try parser.require("secret", in: fields)
        let pair = try CurveKeyPair(secretKey: secretField.value)
        guard pair.publicKey == publicField.value else {
            throw parser.error(
                publicField.line, "public key does not belong to the secret key on line \(secretField.line)")
        }
        return pair
    }

    /// Reads a public key file (a `public=` line and nothing else).
    public static func readPublicKey(file path: String) throws -> String {
        let parser = KeyFileParser(path: path)
        let fields = try parser.fields(of: KeyFileIO.readText(path), allowed: ["public"])
        return try parser.require("public", in: fields).value
    }

    /// Writes both keys to `path` with mode 0600. Without `overwrite`, an existing file is an
    /// error (`.keyFileFailed`, errno `EEXIST`) and stays as it was.
    public func write(secretKeyFile path: String, overwrite: Bool = false) throws {
        let text = """
            # CurveZMQ secret key file (Z85). Keep private: whoever has it can act as this peer.
            public=\(publicKey)
            secret=\(secretKey)

            """
        try KeyFileIO.writeText(text, to: path, mode: 0o600, overwrite: overwrite)
    }

    /// Writes the public key alone to `path` with mode 0644, for handing to peers (a worker's
    /// `.pub` goes on the coordinator's allow-list; the coordinator's goes to the workers).
    public func writePublicKey(file path: String, overwrite: Bool = false) throws {
        let text = """
            # CurveZMQ public key (Z85)
            public=\(publicKey)

            """
        try KeyFileIO.writeText(text, to: path, mode: 0o644, overwrite: overwrite)
    }
}
