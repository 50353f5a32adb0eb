@testable import Distributed
import Messaging
import Testing

/// What a worker tells its operator when the handshake with its coordinator fails.
@Suite struct HandshakeDiagnosisTests {
    let endpoint = "tcp://10.0.0.5:5555"
    let files = HandshakeDiagnosis.KeyFiles(serverPublicKey: "keys/coordinator.pub", clientPublicKey: "keys/w1.pub")

    private func diagnose(_ kind: SocketEvent.Kinds, value: UInt32 = 0, files: HandshakeDiagnosis.KeyFiles?) -> HandshakeDiagnosis? {
        HandshakeDiagnosis(SocketEvent(kind: kind, value: value, endpoint: endpoint), keyFiles: files)
    }

    @Test func aRefusedKeyNamesThePublicKeyFileToAllow() throws {
        let diagnosis = try #require(diagnose(.handshakeFailedAuth, value: 400, files: files))
        #expect(diagnosis.cause == .refused(status: 400))
        #expect("\(diagnosis)" == "the coordinator at tcp://10.0.0.5:5555 refused this worker's key (is keys/w1.pub on its allow-list?)")
        let otherStatus = try #require(diagnose(.handshakeFailedAuth, value: 500, files: files))
        #expect("\(otherStatus)".hasSuffix("(status 500)"))
    }

    @Test func aHangUpMidHandshakeNamesBothLikelyCauses() throws {
        let diagnosis = try #require(diagnose(.handshakeFailedNoDetail, value: 104, files: files))
        #expect(diagnosis.cause == .keysDoNotMatch)
        let text = "\(diagnosis)"
        #expect(text.contains(endpoint) && text.contains("keys/coordinator.pub its public key (a wrong server key)") && text.contains("keys/w1.pub on its allow-list"))
        #expect(diagnose(.handshakeFailedProtocol, value: 0x1100_0001, files: files)?.cause == .keysDoNotMatch, "a cryptographic error")
    }

    @Test func curveOnOneSideOnlyIsSaidWhicheverSideItIs() throws {
        let workerWithout = try #require(diagnose(.handshakeFailedProtocol, value: 0x1100_0002, files: nil))
        #expect(workerWithout.cause == .mechanismMismatch)
        #expect("\(workerWithout)".contains("uses CURVE and this worker does not"))
        let coordinatorWithout = try #require(diagnose(.handshakeFailedProtocol, value: 0x1100_0002, files: files))
        #expect("\(coordinatorWithout)".contains("does not use CURVE and this worker does"))
    }

    @Test func otherEventsAreNotDiagnosed() {
        #expect(diagnose(.handshakeSucceeded, files: files) == nil)
        #expect(diagnose(.connected, files: files) == nil)
        #expect(diagnose(.disconnected, files: nil) == nil)
    }

    @Test func preciseCausesOutrankVagueOnes() throws {
        let vague = try #require(diagnose(.handshakeFailedNoDetail, files: files))
        let precise = try #require(diagnose(.handshakeFailedAuth, value: 400, files: files))
        #expect(precise.cause.specificity > vague.cause.specificity)
    }
}
