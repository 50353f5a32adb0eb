/// Caps on one received multipart message, so a misbehaving peer cannot make a receiver
/// buffer unbounded data.
///
/// Exceeding a cap throws (`.tooManyFrames` or `.messageTooLarge`) only after the rest of the
/// message has been drained, so the socket stays aligned on message boundaries and the next
/// receive starts at the next message.
public struct ReceiveLimits: Sendable, Hashable {
    /// Most frames per message, including ROUTER identity frames and empty delimiters.
    public var maxFrames: Int
    /// Most bytes per message, summed over all frames.
    public var maxTotalBytes: Int

    public init(maxFrames: Int, maxTotalBytes: Int) {
        precondition(maxFrames >= 1 && maxTotalBytes >= 0, "invalid receive limits")
        self.maxFrames = maxFrames
        self.maxTotalBytes = maxTotalBytes
    }

    /// 64 frames and 256 MiB: room for an identity envelope plus several tensors of a tile batch.
    public static let `default` = ReceiveLimits(maxFrames: 64, maxTotalBytes: 256 << 20)
}
