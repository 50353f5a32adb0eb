import CZeroMQ

#if canImport(Glibc)
    import Glibc
#elseif canImport(Darwin)
    import Darwin
#endif

extension Socket {
    /// Receives one multipart message, waiting according to `setReceiveTimeout(_:)` (infinite
    /// by default). Returns nil if the timeout expires before a message arrives.
    public func receive(limits: ReceiveLimits = .default) throws -> [[UInt8]]? {
        try receiveMessage(firstFrameFlags: 0, limits: limits)
    }

    /// Receives one multipart message, waiting at most `timeout` regardless of the socket's
    /// receive timeout; `.zero` only takes a message that is already queued. Returns nil if none
    /// arrives in time.
    public func receive(within timeout: Duration, limits: ReceiveLimits = .default) throws -> [[UInt8]]? {
        guard try waitUntilReadable(timeout) else { return nil }
        return try receiveMessage(firstFrameFlags: ZMQ_DONTWAIT, limits: limits)
    }

    private func waitUntilReadable(_ timeout: Duration) throws -> Bool {
        var item = zmq_pollitem_t(socket: handle, fd: 0, events: Int16(ZMQ_POLLIN), revents: 0)
        let ready = try checkedCall("zmq_poll", .pollFailed) {
            zmq_poll(&item, 1, Int(timeout.zmqMilliseconds))
        }
        return ready > 0
    }

    /// Reads frames until one arrives without the "more" flag. ZeroMQ delivers messages
    /// atomically, so once the first frame is here the rest are too and only the first receive
    /// can time out.
    private func receiveMessage(firstFrameFlags: Int32, limits: ReceiveLimits) throws -> [[UInt8]]? {
        // Heap-allocated because zmq_msg_t must stay at one pointer-aligned address between
        // calls (small messages keep their bytes inside the struct itself).
        let message = UnsafeMutablePointer<zmq_msg_t>.allocate(capacity: 1)
        defer { message.deallocate() }

        var frames: [[UInt8]] = []
        var frameCount = 0
        var totalBytes = 0
        var flags = firstFrameFlags
        var more = true
        while more {
            zmq_msg_init(message)  // cannot fail
            defer { zmq_msg_close(message) }
            do {
                try checkedCall("zmq_msg_recv", .receiveFailed) { zmq_msg_recv(message, handle, flags) }
            } catch let error as MessagingError where error.errorNumber == EAGAIN && frameCount == 0 {
                return nil
            }
            flags = 0
            frameCount += 1
            let size = zmq_msg_size(message)
            totalBytes += size
            more = zmq_msg_more(message) != 0
            // Past a limit, keep draining (so the next receive starts at a message boundary)
            // but stop copying.
            if frameCount <= limits.maxFrames && totalBytes <= limits.maxTotalBytes {
                let data = zmq_msg_data(message)
                frames.append(size == 0 ? [] : Array(UnsafeRawBufferPointer(start: data, count: size)))
            } else {
                frames.removeAll()
            }
        }

        if frameCount > limits.maxFrames {
            throw MessagingError(
                code: .tooManyFrames,
                message: "received a message of \(frameCount) frames; the limit is \(limits.maxFrames) (message discarded)")
        }
        if totalBytes > limits.maxTotalBytes {
            throw MessagingError(
                code: .messageTooLarge,
                message: "received a message of \(totalBytes) bytes; the limit is \(limits.maxTotalBytes) (message discarded)")
        }
        return frames
    }
}
