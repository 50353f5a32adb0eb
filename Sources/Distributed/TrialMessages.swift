/// Training trials as jobs (`pipeline tune`): what travels in TRIAL, PROGRESS and TRIAL_RESULT.
/// The trial's definition (`spec`) is opaque here: the command-line tool writes and reads it; this
/// module only moves it, with the files a trial needs to resume and the files it produced.

/// The files that travel with a trial, each a known kind (never a path: a peer cannot name where
/// anything is written).
public struct TrialFiles: Sendable, Equatable {
    public enum Kind: UInt8, Sendable, CaseIterable {
        /// `checkpoints/last.ckpt`: where a re-run attempt resumes.
        case lastCheckpoint = 1
        /// `checkpoints/best.ckpt`: the best epoch so far, whose weights the model is exported with.
        case bestCheckpoint = 2
        /// `metrics.csv`: one row per finished epoch.
        case metrics = 3
        /// `model.onnx`: the trial's exported model.
        case model = 4
    }

    public var files: [Kind: [UInt8]]

    public init(_ files: [Kind: [UInt8]] = [:]) { self.files = files }

    public subscript(kind: Kind) -> [UInt8]? {
        get { files[kind] }
        set { files[kind] = newValue }
    }

    public var isEmpty: Bool { files.isEmpty }
    var totalBytes: Int { files.values.reduce(0) { $0 + $1.count } }

    /// One bulk frame: UInt32 count, then per file kind UInt8 · size UInt64 · bytes.
    func frame() -> [UInt8] {
        var writer = BinaryWriter()
        writer.write(UInt32(files.count))
        for kind in Kind.allCases {
            guard let bytes = files[kind] else { continue }
            writer.write(kind.rawValue)
            writer.write(UInt64(bytes.count))
            writer.writeRaw(bytes)
        }
        return writer.bytes
    }

    init(frame: [UInt8]) throws {
        var reader = BinaryReader(frame)
        let count = Int(try reader.read(UInt32.self))
        guard count <= Kind.allCases.count else { throw WireError.malformed("\(count) trial files") }
        var files: [Kind: [UInt8]] = [:]
        for _ in 0..<count {
            let raw = try reader.read(UInt8.self)
            guard let kind = Kind(rawValue: raw), files[kind] == nil else { throw WireError.malformed("trial file of kind \(raw) unknown or repeated") }
            let size = try reader.readIndex()
            files[kind] = try reader.readRaw(size)
        }
        guard reader.remaining == 0 else { throw WireError.malformed("\(reader.remaining) bytes after the trial files") }
        self.files = files
    }
}

/// Coordinator → worker: train one trial. `trial` is the job id (the trial's number), `attempt`
/// counts from 1 as for tiles.
public struct TrialJob: Sendable, Equatable {
    public var trial: Int
    public var attempt: Int
    /// The trial's definition (JSON written by `pipeline tune`: the training file's absolute path
    /// and the values drawn for this trial).
    public var spec: String
    /// A previous attempt's checkpoints and metrics to resume from (empty: start afresh).
    public var files: TrialFiles

    public init(trial: Int, attempt: Int, spec: String, files: TrialFiles = TrialFiles()) {
        self.trial = trial
        self.attempt = attempt
        self.spec = spec
        self.files = files
    }
}

/// Worker → coordinator while a trial trains: extends the trial's lease. After each epoch it
/// carries the checkpoints and metrics, so a re-run attempt (another worker, or after --resume)
/// continues from there.
public struct TrialProgress: Sendable, Equatable {
    public enum Kind: UInt8, Sendable {
        /// A training step (sent at most every few seconds).
        case step = 1
        /// An epoch finished and was validated.
        case epoch = 2
    }

    public var trial: Int
    public var attempt: Int
    public var kind: Kind
    public var epoch: Int
    public var epochs: Int
    public var step: Int
    public var stepsPerEpoch: Int
    public var loss: Double
    /// The last finished epoch's mean validation Jaccard (nil before the first).
    public var validationJaccard: Double?
    /// For an epoch: the epoch's seconds, validation included.
    public var seconds: Double
    public var files: TrialFiles

    public init(trial: Int, attempt: Int, kind: Kind, epoch: Int, epochs: Int, step: Int, stepsPerEpoch: Int, loss: Double,
                validationJaccard: Double?, seconds: Double = 0, files: TrialFiles = TrialFiles()) {
        self.trial = trial
        self.attempt = attempt
        self.kind = kind
        self.epoch = epoch
        self.epochs = epochs
        self.step = step
        self.stepsPerEpoch = stepsPerEpoch
        self.loss = loss
        self.validationJaccard = validationJaccard
        self.seconds = seconds
        self.files = files
    }
}

/// Worker → coordinator: a trial trained to its end, with its model and metrics. Returns the credit.
public struct TrialOutcome: Sendable, Equatable {
    public var trial: Int
    public var attempt: Int
    public var bestJaccard: Double?
    public var bestEpoch: Int?
    public var epochsDone: Int
    /// Training seconds summed over the trial's epochs (every attempt's).
    public var trainingSeconds: Double
    public var files: TrialFiles

    public init(trial: Int, attempt: Int, bestJaccard: Double?, bestEpoch: Int?, epochsDone: Int, trainingSeconds: Double, files: TrialFiles) {
        self.trial = trial
        self.attempt = attempt
        self.bestJaccard = bestJaccard
        self.bestEpoch = bestEpoch
        self.epochsDone = epochsDone
        self.trainingSeconds = trainingSeconds
        self.files = files
    }
}

/// Runs a trial on a worker (the command-line tool trains it). Called on the worker's compute
/// thread; `progress` may be called from it at any time. Errors become the attempt's ERROR.
public typealias TrialRunner = @Sendable (TrialJob, _ progress: @escaping @Sendable (TrialProgress) -> Void) throws -> TrialOutcome

/// HELLO capability bits.
public enum WorkerCapability {
    /// The worker can train trials (it was given a `TrialRunner`).
    public static let trials: UInt32 = 1
}

// MARK: Wire encoding (called from `WireMessage`)

extension TrialJob {
    func write(to header: inout BinaryWriter) -> [[UInt8]] {
        header.write(UInt64(trial))
        header.write(UInt32(attempt))
        header.write(spec)
        return [header.bytes, files.frame()]
    }

    init(reader: inout BinaryReader, frames: [[UInt8]]) throws {
        trial = try reader.readIndex()
        attempt = Int(try reader.read(UInt32.self))
        spec = try reader.readString()
        files = try TrialFiles(frame: frames[1])
    }
}

extension TrialProgress {
    func write(to header: inout BinaryWriter) -> [[UInt8]] {
        header.write(UInt64(trial))
        header.write(UInt32(attempt))
        header.write(kind.rawValue)
        for value in [epoch, epochs, step, stepsPerEpoch] { header.write(UInt32(clamping: value)) }
        header.write(loss)
        header.write(validationJaccard ?? .nan)
        header.write(seconds)
        return [header.bytes, files.frame()]
    }

    init(reader: inout BinaryReader, frames: [[UInt8]]) throws {
        trial = try reader.readIndex()
        attempt = Int(try reader.read(UInt32.self))
        let raw = try reader.read(UInt8.self)
        guard let kind = Kind(rawValue: raw) else { throw WireError.malformed("progress of unknown kind \(raw)") }
        self.kind = kind
        epoch = Int(try reader.read(UInt32.self))
        epochs = Int(try reader.read(UInt32.self))
        step = Int(try reader.read(UInt32.self))
        stepsPerEpoch = Int(try reader.read(UInt32.self))
        loss = try reader.read(Double.self)
        let jaccard = try reader.read(Double.self)
        validationJaccard = jaccard.isNaN ? nil : jaccard
        seconds = try reader.read(Double.self)
        files = try TrialFiles(frame: frames[1])
    }
}

extension TrialOutcome {
    func write(to header: inout BinaryWriter) -> [[UInt8]] {
        header.write(UInt64(trial))
        header.write(UInt32(attempt))
        header.write(bestJaccard ?? .nan)
        // 0: no best epoch (a trial of no epochs).
        header.write(UInt32(clamping: bestEpoch ?? 0))
        header.write(UInt32(clamping: epochsDone))
        header.write(trainingSeconds)
        return [header.bytes, files.frame()]
    }

    init(reader: inout BinaryReader, frames: [[UInt8]]) throws {
        trial = try reader.readIndex()
        attempt = Int(try reader.read(UInt32.self))
        let jaccard = try reader.read(Double.self)
        bestJaccard = jaccard.isNaN ? nil : jaccard
        let best = Int(try reader.read(UInt32.self))
        bestEpoch = best == 0 ? nil : best
        epochsDone = Int(try reader.read(UInt32.self))
        trainingSeconds = try reader.read(Double.self)
        files = try TrialFiles(frame: frames[1])
    }
}
