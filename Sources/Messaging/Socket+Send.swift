import CZeroMQ

extension Socket {
    /// Sends one multipart message: every frame but the last goes with `ZMQ_SNDMORE`.
    /// Frames may be empty (e.g. the REQ/ROUTER envelope delimiter).
    ///
    /// Blocks according to `setSendTimeout(_:)` (infinite by default); `dontWait` fails at once
    /// instead. Either way a message that cannot be queued throws `.sendFailed` with errno
    /// `EAGAIN`; a ROUTER with `setRouterMandatory(true)` throws `EHOSTUNREACH` for an unknown
    /// identity. ZeroMQ delivers a multipart message atomically: all frames or none.
    public func send(_ frames: [[UInt8]], dontWait: Bool = false) throws {
        precondition(!frames.isEmpty, "a ZeroMQ message has at least one frame")
        for (index, frame) in frames.enumerated() {
            var flags: Int32 = dontWait ? ZMQ_DONTWAIT : 0
            if index < frames.count - 1 { flags |= ZMQ_SNDMORE }
            try frame.withUnsafeBytes { bytes in
                // zmq_send copies the bytes, so the buffer need only live for the call;
                // a nil base address with count 0 is valid for an empty frame.
                _ = try checkedCall("zmq_send", .sendFailed) {
                    zmq_send(handle, bytes.baseAddress, bytes.count, flags)
                }
            }
        }
    }
}

extension Socket {
    /// `send(_:dontWait:)` for frames the caller already holds in memory (e.g. a tile's Float32
    /// pixels): zmq_send copies from them directly, with no intermediate `[UInt8]` copy. The
    /// buffers need only live for the call.
    public func send(parts: [UnsafeRawBufferPointer], dontWait: Bool = false) throws {
        precondition(!parts.isEmpty, "a ZeroMQ message has at least one frame")
        for (index, part) in parts.enumerated() {
            var flags: Int32 = dontWait ? ZMQ_DONTWAIT : 0
            if index < parts.count - 1 { flags |= ZMQ_SNDMORE }
            _ = try checkedCall("zmq_send", .sendFailed) { zmq_send(handle, part.baseAddress, part.count, flags) }
        }
    }
}
