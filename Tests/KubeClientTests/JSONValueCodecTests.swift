import Foundation
import Testing
@testable import KubeClient

@Suite("JSONValue parser and writer")
struct JSONValueCodecTests {
    /// A deterministic generator, so a failure can be reproduced.
    struct SplitMix: RandomNumberGenerator {
        var state: UInt64
        mutating func next() -> UInt64 {
            state &+= 0x9E37_79B9_7F4A_7C15
            var z = state
            z = (z ^ (z >> 30)) &* 0xBF58_476D_1CE4_E5B9
            z = (z ^ (z >> 27)) &* 0x94D0_49BB_1331_11EB
            return z ^ (z >> 31)
        }
    }

    static let keys = ["a", "B", "apiVersion", "kind", "metadata", "Name", "name", "_x", "10", "9", "é", "z/y", "a.b", "", "über", "Ä"]
    static let strings = ["", "plain", "quote\"and\\back", "line\nbreak\ttab\r", "\u{01}\u{1F}", "slash/", "ünïcode ✓ 😀", "<html>&"]
    static let doubles: [Double] = [0.5, -1.25, 1.0, 3.0e10, 1e21, 1.5e-7, 0.1, 123456.789, 2.5e300] // not -0.0: "-0" reads back as the integer 0

    func randomValue(_ rng: inout SplitMix, depth: Int = 0) -> JSONValue {
        switch Int.random(in: 0..<(depth > 3 ? 5 : 7), using: &rng) {
        case 0: return .null
        case 1: return .bool(Bool.random(using: &rng))
        case 2: return .int(Int64.random(in: Int64.min...Int64.max, using: &rng) >> UInt64.random(in: 0...62, using: &rng))
        case 3: return .double(Self.doubles.randomElement(using: &rng)!)
        case 4: return .string(Self.strings.randomElement(using: &rng)!)
        case 5: return .array((0..<Int.random(in: 0...4, using: &rng)).map { _ in randomValue(&rng, depth: depth + 1) })
        default:
            var members: [String: JSONValue] = [:]
            for _ in 0..<Int.random(in: 0...6, using: &rng) {
                members[Self.keys.randomElement(using: &rng)!] = randomValue(&rng, depth: depth + 1)
            }
            return .object(members)
        }
    }

    @Test func writerMatchesJSONEncoderByteForByte() throws {
        var rng = SplitMix(state: 2026)
        let encoder = JSONEncoder()
        encoder.outputFormatting = [.sortedKeys, .withoutEscapingSlashes]
        for _ in 0..<2_000 {
            let value = randomValue(&rng)
            let expected = String(decoding: try encoder.encode(value), as: UTF8.self)
            #expect(value.jsonString == expected)
        }
    }

    @Test func parserReadsWhatTheWriterWrites() throws {
        var rng = SplitMix(state: 11)
        for _ in 0..<2_000 {
            let value = randomValue(&rng)
            let parsed = try JSONValue.decode(value.encoded())
            #expect(parsed.jsonString == value.jsonString)
        }
    }

    @Test func numbersKeepIntegersApart() throws {
        let value = try JSONValue.decode(Data(#"{"i":9223372036854775807,"n":-42,"d":1.5,"e":1e3,"big":18446744073709551616}"#.utf8))
        #expect(value["i"] == .int(Int64.max))
        #expect(value["n"] == .int(-42))
        #expect(value["d"] == .double(1.5))
        #expect(value["e"] == .double(1000))
        #expect(value["big"] == .double(18446744073709551616))
    }

    @Test func escapesAndUnicode() throws {
        let value = try JSONValue.decode(Data(#"["a\"b\\c\/d\n", "\u00e9\ud83d\ude00", "ü"]"#.utf8))
        #expect(value == .array([.string("a\"b\\c/d\n"), .string("é😀"), .string("ü")]))
    }

    @Test(arguments: ["", "{", "[1,]", "{\"a\" 1}", "01", "1.", "\"\u{01}\"", "tru", "[1] 2", "{\"a\":1,}", "\"\\x\""])
    func malformedDocumentsAreRejected(_ text: String) {
        #expect(throws: (any Error).self) { try JSONValue.decode(Data(text.utf8)) }
    }
}
