import CZeroMQ

#if canImport(Glibc)
    import Glibc
#elseif canImport(Darwin)
    import Darwin
#endif

/// The one place where ZeroMQ failures become Swift errors.
///
/// Calls `call` and, when `failed(result)` says it failed, reads `zmq_errno()` immediately (before
/// any other call can overwrite it) and throws a `MessagingError` naming `function`. `EINTR` is
/// retried: a signal arriving during a blocking call is not a failure of that call.
func checkedCall<Result>(
    _ function: String, _ code: MessagingError.Code, subject: String? = nil,
    failed: (Result) -> Bool, _ call: () -> Result
) throws -> Result {
    while true {
        let result = call()
        guard failed(result) else { return result }
        let errorNumber = zmq_errno()
        if errorNumber == EINTR { continue }
        throw MessagingError(
            code: code, function: function, subject: subject, errorNumber: errorNumber,
            message: String(cString: zmq_strerror(errorNumber)))
    }
}

/// `checkedCall` for the usual ZeroMQ convention: an `Int32` result of -1 means failure.
@discardableResult
func checkedCall(
    _ function: String, _ code: MessagingError.Code, subject: String? = nil,
    _ call: () -> Int32
) throws -> Int32 {
    try checkedCall(function, code, subject: subject, failed: { $0 == -1 }, call)
}

/// `checkedCall` for constructors (`zmq_ctx_new`, `zmq_socket`) that return NULL on failure.
func checkedCall(
    _ function: String, _ code: MessagingError.Code, subject: String? = nil,
    _ call: () -> UnsafeMutableRawPointer?
) throws -> UnsafeMutableRawPointer {
    try checkedCall(function, code, subject: subject, failed: { $0 == nil }, call)!
}
