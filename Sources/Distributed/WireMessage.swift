import Scene
import Raster

/// The coordinator–worker protocol (ROUTER coordinator, DEALER workers). Every message is one
/// header frame — magic "UNPW", protocol version, message type, then little-endian fields — plus,
/// for bulk data, raw frames after it. Documented in `PROTOCOL.md` beside this file.
enum WireMessage {
    /// Worker → coordinator, first: who it is and what it can do.
    case hello(Hello)
    /// Coordinator → worker: the model to run, checked by SHA-256 on arrival.
    case model(ModelPackage)
    /// Worker → coordinator: the worker takes `credit` more jobs at a time (credit-based flow).
    case ready(credit: Int)
    /// Coordinator → worker: one tile to run.
    case job(Job)
    /// Worker → coordinator: a tile's quantized probabilities. Returns one credit.
    case result(JobResult)
    /// Worker → coordinator: a tile failed. Returns one credit.
    case failure(JobFailure)
    /// Both ways, when idle or busy: I am alive.
    case heartbeat
    /// Both ways: I am leaving (worker) / the run is over (coordinator).
    case bye(reason: String)
    /// Coordinator → a worker it does not know (it timed out, or the coordinator restarted): start
    /// again with HELLO.
    case reset
    /// Coordinator → worker: train one trial of a `pipeline tune` search.
    case trial(TrialJob)
    /// Worker → coordinator: a trial's progress (extends its lease; checkpoints after each epoch).
    case progress(TrialProgress)
    /// Worker → coordinator: a trial's result, model and metrics. Returns one credit.
    case trialResult(TrialOutcome)
    /// Coordinator → worker, shared storage: one tile to read from the scene and run.
    case windowJob(WindowJob)
    /// Worker → coordinator, shared storage: a tile's probabilities and weight mask, or that its
    /// core has no data. Returns one credit.
    case windowResult(WindowResult)

    static let magic: [UInt8] = Array("UNPW".utf8)
    static let protocolVersion: UInt8 = 4
    /// No message has more frames than this (a JOB has one per band, 2 more); more is malformed.
    static let maxFrames = 4098

    private enum Kind: UInt8 {
        case hello = 1, model, ready, job, result, failure, heartbeat, bye, reset, trial, progress, trialResult, windowJob, windowResult
    }

    // MARK: Encoding

    func frames() -> [[UInt8]] {
        var header = BinaryWriter()
        header.writeRaw(WireMessage.magic)
        header.write(WireMessage.protocolVersion)
        switch self {
        case .hello(let hello):
            header.write(Kind.hello.rawValue)
            header.write(UInt16(hello.threads))
            header.write(hello.capabilities)
            header.write(hello.name)
            return [header.bytes]
        case .model(let package):
            header.write(Kind.model.rawValue)
            header.writeRaw(package.sha256)
            header.write(package.kind)
            header.write(package.classNames)
            header.write(package.normalization.scale)
            header.write(package.normalization.offset)
            header.write(package.options)
            return [header.bytes, package.bytes]
        case .ready(let credit):
            header.write(Kind.ready.rawValue)
            header.write(UInt16(clamping: credit))
            return [header.bytes]
        case .job(let job):
            return WireMessage.withJobFrames(job) { $0.map { Array($0) } }
        case .result(let result):
            header.write(Kind.result.rawValue)
            header.write(UInt64(result.tileIndex))
            header.write(UInt32(result.attempt))
            header.write(UInt32(result.classCount))
            header.write(UInt32(result.size))
            header.write(UInt64(result.computeMicroseconds))
            return [header.bytes, result.probabilities]
        case .failure(let failure):
            header.write(Kind.failure.rawValue)
            header.write(UInt64(failure.tileIndex))
            header.write(UInt32(failure.attempt))
            header.write(failure.message)
            return [header.bytes]
        case .heartbeat:
            header.write(Kind.heartbeat.rawValue)
            return [header.bytes]
        case .bye(let reason):
            header.write(Kind.bye.rawValue)
            header.write(reason)
            return [header.bytes]
        case .reset:
            header.write(Kind.reset.rawValue)
            return [header.bytes]
        case .trial(let job):
            header.write(Kind.trial.rawValue)
            return job.write(to: &header)
        case .progress(let progress):
            header.write(Kind.progress.rawValue)
            return progress.write(to: &header)
        case .trialResult(let outcome):
            header.write(Kind.trialResult.rawValue)
            return outcome.write(to: &header)
        case .windowJob(let job):
            header.write(Kind.windowJob.rawValue)
            header.write(UInt64(job.tile.index))
            header.write(UInt32(job.attempt))
            WireMessage.writePlace(job.tile, into: &header)
            return [header.bytes, job.recipe]
        case .windowResult(let result):
            header.write(Kind.windowResult.rawValue)
            header.write(UInt64(result.tileIndex))
            header.write(UInt32(result.attempt))
            header.write(UInt32(result.classCount))
            header.write(UInt32(result.size))
            header.write(UInt64(result.computeMicroseconds))
            header.write(UInt8(result.hasData ? 1 : 0))
            return result.hasData ? [header.bytes, result.probabilities, result.validity] : [header.bytes]
        }
    }

    /// A JOB's header frame; its bulk frames are the tile's bands, each in its `BandEncoding`, and
    /// its weight mask.
    static func jobHeader(_ job: Job, encodings: [BandEncoding]) -> [UInt8] {
        var header = BinaryWriter()
        header.writeRaw(WireMessage.magic)
        header.write(WireMessage.protocolVersion)
        header.write(Kind.job.rawValue)
        header.write(UInt64(job.tileIndex))
        header.write(UInt32(job.attempt))
        header.write(UInt32(job.input.bandCount))
        header.write(UInt32(job.input.size))
        // Where the tile lies (models may depend on it; the stitching drills use one that does).
        WireMessage.writePlace(job.tile, into: &header)
        header.writeRaw(encodings.map(\.rawValue))
        return header.bytes
    }

    /// Calls `body` with a JOB's frames: the header, one frame per band — Float32 bands pointing
    /// into the tile's own array, whole-number bands narrowed to UInt16 (`BandEncoding`) — and
    /// the weight mask. A JOB is the coordinator's largest message (20 bands x 256² x 4 B =
    /// 5.2 MB): copying it into a `[UInt8]` first cost as much as sending it.
    static func withJobFrames<R>(_ job: Job, _ body: ([UnsafeRawBufferPointer]) throws -> R) rethrows -> R {
        let bands = job.input.bandCount, plane = job.input.size * job.input.size
        var narrowed: [UInt16] = []
        var encodings: [BandEncoding] = []
        job.input.values.withUnsafeBufferPointer { values in
            narrowed = [UInt16](unsafeUninitializedCapacity: bands * plane) { out, initialized in
                var used = 0
                for b in 0..<bands {
                    let band = UnsafeBufferPointer(rebasing: values[b * plane..<(b + 1) * plane])
                    let slot = UnsafeMutableBufferPointer(rebasing: out[used * plane..<(used + 1) * plane])
                    let fits = BandEncoding.narrow(band, into: slot)
                    encodings.append(fits ? .uint16 : .float32)
                    if fits { used += 1 }
                }
                // Only whole slots of bands that fit are kept (UInt16 needs no deinitialization).
                initialized = used * plane
            }
        }
        let header = jobHeader(job, encodings: encodings)
        return try header.withUnsafeBytes { h in
            try job.input.values.withUnsafeBytes { v in
                try narrowed.withUnsafeBytes { n in
                    try job.input.validity.withUnsafeBytes { m in
                        var parts = [h]
                        var used = 0
                        for (b, encoding) in encodings.enumerated() {
                            switch encoding {
                            case .float32: parts.append(UnsafeRawBufferPointer(rebasing: v[b * plane * 4..<(b + 1) * plane * 4]))
                            case .uint16:
                                parts.append(UnsafeRawBufferPointer(rebasing: n[used * plane * 2..<(used + 1) * plane * 2]))
                                used += 1
                            }
                        }
                        parts.append(m)
                        return try body(parts)
                    }
                }
            }
        }
    }

    private static func writePlace(_ tile: Tile, into header: inout BinaryWriter) {
        header.write(UInt32(tile.row))
        header.write(UInt32(tile.col))
        for window in [tile.window, tile.core] {
            for value in [window.col, window.row, window.width, window.height] { header.write(Int32(value)) }
        }
    }

    private static func readPlace(index: Int, from reader: inout BinaryReader) throws -> Tile {
        let row = Int(try reader.read(UInt32.self)), col = Int(try reader.read(UInt32.self))
        var windows: [PixelWindow] = []
        for _ in 0..<2 {
            let v = try (0..<4).map { _ in Int(try reader.read(Int32.self)) }
            windows.append(PixelWindow(col: v[0], row: v[1], width: v[2], height: v[3]))
        }
        return Tile(index: index, row: row, col: col, window: windows[0], core: windows[1])
    }

    // MARK: Decoding

    /// Decodes a message; `tiling` (when known) bounds tile sizes so a hostile header cannot make
    /// the receiver allocate gigabytes.
    init(frames: [[UInt8]], maxTileSize: Int = 8192, maxBands: Int = 4096) throws {
        guard let first = frames.first, frames.count <= WireMessage.maxFrames else {
            throw WireError.malformed("\(frames.count) frames")
        }
        var reader = BinaryReader(first)
        guard try reader.readRaw(4) == WireMessage.magic else { throw WireError.malformed("bad magic") }
        let version = try reader.read(UInt8.self)
        guard version == WireMessage.protocolVersion else { throw WireError.unsupportedVersion(version) }
        let raw = try reader.read(UInt8.self)
        guard let kind = Kind(rawValue: raw) else { throw WireError.unknownType(raw) }
        func expectFrames(_ n: Int) throws {
            guard frames.count == n else { throw WireError.malformed("\(kind) with \(frames.count) frames, expected \(n)") }
        }
        switch kind {
        case .hello:
            try expectFrames(1)
            self = .hello(Hello(threads: Int(try reader.read(UInt16.self)), capabilities: try reader.read(UInt32.self),
                                name: try reader.readString(maxBytes: 256)))
        case .model:
            try expectFrames(2)
            let sha = try reader.readRaw(32)
            let kind = try reader.readString(maxBytes: 64)
            let classes = try reader.readStrings()
            let scale = try reader.readFloats(), offset = try reader.readFloats()
            let options = try reader.readString()
            self = .model(ModelPackage(kind: kind, bytes: frames[1], classNames: classes,
                                       normalization: Normalization(scale: scale, offset: offset), options: options, sha256: sha))
        case .ready:
            try expectFrames(1)
            self = .ready(credit: Int(try reader.read(UInt16.self)))
        case .job:
            let tile = try reader.readIndex(), attempt = Int(try reader.read(UInt32.self))
            let bands = Int(try reader.read(UInt32.self)), size = Int(try reader.read(UInt32.self))
            guard (1...maxBands).contains(bands), (1...maxTileSize).contains(size) else {
                throw WireError.malformed("job of \(bands) bands x \(size)^2")
            }
            let placed = try WireMessage.readPlace(index: tile, from: &reader)
            guard placed.window.width == size, placed.window.height == size else {
                throw WireError.malformed("job of a \(size)-pixel tile with a \(placed.window.width)x\(placed.window.height) window")
            }
            let encodings = try reader.readRaw(bands).map { raw in
                guard let encoding = BandEncoding(rawValue: raw) else { throw WireError.malformed("job band encoding \(raw)") }
                return encoding
            }
            try expectFrames(bands + 2)
            let plane = size * size
            guard zip(encodings, frames[1...bands]).allSatisfy({ $0.width * plane == $1.count }), frames[bands + 1].count == plane else {
                throw WireError.malformed("job of \(bands) bands x \(size)^2 with frames of \(frames.dropFirst().map(\.count)) bytes")
            }
            let values = [Float](unsafeUninitializedCapacity: bands * plane) { out, initialized in
                for (b, encoding) in encodings.enumerated() {
                    let band = UnsafeMutableBufferPointer(rebasing: out[b * plane..<(b + 1) * plane])
                    switch encoding {
                    case .float32: frames[b + 1].withUnsafeBytes { _ = band.initialize(from: $0.bindMemory(to: Float.self)) }
                    case .uint16: BandEncoding.widened(frames[b + 1], into: band)
                    }
                }
                initialized = bands * plane
            }
            self = .job(Job(tile: placed, attempt: attempt, input: RawTile(bandCount: bands, size: size, values: values, validity: frames[bands + 1])))
        case .result:
            try expectFrames(2)
            let tile = try reader.readIndex(), attempt = Int(try reader.read(UInt32.self))
            let classes = Int(try reader.read(UInt32.self)), size = Int(try reader.read(UInt32.self))
            let micros = Int(truncatingIfNeeded: try reader.read(UInt64.self))
            guard (1...4096).contains(classes), (1...maxTileSize).contains(size), frames[1].count == classes * size * size else {
                throw WireError.malformed("result of \(classes) classes x \(size)^2 with \(frames[1].count) bytes")
            }
            self = .result(JobResult(tileIndex: tile, attempt: attempt, classCount: classes, size: size,
                                     probabilities: frames[1], computeMicroseconds: micros))
        case .failure:
            try expectFrames(1)
            self = .failure(JobFailure(tileIndex: try reader.readIndex(), attempt: Int(try reader.read(UInt32.self)),
                                       message: try reader.readString(maxBytes: 4096)))
        case .heartbeat:
            try expectFrames(1)
            self = .heartbeat
        case .bye:
            try expectFrames(1)
            self = .bye(reason: try reader.readString(maxBytes: 4096))
        case .reset:
            try expectFrames(1)
            self = .reset
        case .trial:
            try expectFrames(2)
            self = .trial(try TrialJob(reader: &reader, frames: frames))
        case .progress:
            try expectFrames(2)
            self = .progress(try TrialProgress(reader: &reader, frames: frames))
        case .trialResult:
            try expectFrames(2)
            self = .trialResult(try TrialOutcome(reader: &reader, frames: frames))
        case .windowJob:
            try expectFrames(2)
            let index = try reader.readIndex(), attempt = Int(try reader.read(UInt32.self))
            let tile = try WireMessage.readPlace(index: index, from: &reader)
            guard (1...maxTileSize).contains(tile.window.width), tile.window.width == tile.window.height, frames[1].count <= 1 << 20 else {
                throw WireError.malformed("window job of a \(tile.window.width)x\(tile.window.height) window with a recipe of \(frames[1].count) bytes")
            }
            self = .windowJob(WindowJob(tile: tile, attempt: attempt, recipe: frames[1]))
        case .windowResult:
            let tile = try reader.readIndex(), attempt = Int(try reader.read(UInt32.self))
            let classes = Int(try reader.read(UInt32.self)), size = Int(try reader.read(UInt32.self))
            let micros = Int(truncatingIfNeeded: try reader.read(UInt64.self))
            let hasData = try reader.read(UInt8.self) != 0
            try expectFrames(hasData ? 3 : 1)
            guard (1...maxTileSize).contains(size), !hasData
                    || ((1...4096).contains(classes) && frames[1].count == classes * size * size && frames[2].count == size * size) else {
                throw WireError.malformed("window result of \(classes) classes x \(size)^2 with frames of \(frames.dropFirst().map(\.count)) bytes")
            }
            self = .windowResult(WindowResult(tileIndex: tile, attempt: attempt, classCount: classes, size: size, hasData: hasData,
                                              probabilities: hasData ? frames[1] : [], validity: hasData ? frames[2] : [],
                                              computeMicroseconds: micros))
        }
    }
}

struct Hello: Equatable {
    var threads: Int
    /// Bit flags (`WorkerCapability`): 1 = trains trials.
    var capabilities: UInt32
    var name: String
}

/// A tile's pixels as they travel: raw stack values (Float32, NaN = no data), band-sequential,
/// and the stitching weight mask (1 = valid pixel inside the scene).
struct RawTile: Equatable {
    var bandCount: Int
    var size: Int
    var values: [Float]
    var validity: [UInt8]

    static func == (a: RawTile, b: RawTile) -> Bool {
        a.bandCount == b.bandCount && a.size == b.size && a.validity == b.validity
            && a.values.withUnsafeBytes { x in b.values.withUnsafeBytes { y in x.elementsEqual(y) } }
    }
}

struct Job: Equatable {
    /// The tile, placed on the scene's grid; its index is the job id.
    var tile: Tile
    /// Counts from 1; a result is accepted only for the tile's current attempt.
    var attempt: Int
    var input: RawTile

    var tileIndex: Int { tile.index }
}

struct JobResult: Equatable {
    var tileIndex: Int
    var attempt: Int
    var classCount: Int
    var size: Int
    /// Quantized (see `ProbabilityQuantization`), band-sequential.
    var probabilities: [UInt8]
    var computeMicroseconds: Int
}

/// A tile for a worker that reads the scene itself: where it lies and how to build the stack
/// (`SceneRecipe`, as JSON: the same bytes for every job of a run, so a worker opens it once).
struct WindowJob: Equatable {
    var tile: Tile
    var attempt: Int
    var recipe: [UInt8]

    var tileIndex: Int { tile.index }
}

/// A shared-storage tile's outcome: without data in its core (left out, as pixel mode skips it),
/// or its probabilities and the weight mask the worker's read gave.
struct WindowResult: Equatable {
    var tileIndex: Int
    var attempt: Int
    var classCount: Int
    var size: Int
    var hasData: Bool
    var probabilities: [UInt8]
    var validity: [UInt8]
    var computeMicroseconds: Int
}

struct JobFailure: Equatable {
    var tileIndex: Int
    var attempt: Int
    var message: String
}
