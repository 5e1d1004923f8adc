import Foundation
import KubeClient
import Testing

/// Canonical forms as kube-apiserver stores them (apimachinery's `Quantity.String()` after parsing).
@Suite struct QuantityTests {
    @Test(arguments: [
        ("0.5", "500m"), ("1000m", "1"), ("1.5", "1500m"), ("2", "2"), ("2000", "2k"), ("100m", "100m"), ("0.05", "50m"),
        ("1.5Gi", "1536Mi"), ("0.5Gi", "512Mi"), ("1024", "1024"), ("1Ki", "1Ki"), ("1024Ki", "1Mi"), ("0.5Ki", "512"),
        ("1536", "1536"), ("1e3", "1e3"), ("1E3", "1e3"), ("1000e-3", "1"), ("12e-1", "1200e-3"), ("1M", "1M"),
        ("1000k", "1M"), ("0.1m", "100u"), ("1n", "1n"), ("0.1n", "1n"), ("1.0000000001", "1000000001n"),
        ("-0.5", "-500m"), ("+2", "2"), ("0", "0"), ("0Gi", "0"), ("00.500", "500m"), (".5", "500m"), ("1.5Ki", "1536"),
        ("3Ei", "3Ei"), ("8Ti", "8Ti"), ("1000000u", "1"),
    ])
    func canonicalForm(written: String, stored: String) {
        #expect(Quantity(written).canonical == stored)
    }

    @Test(arguments: ["", "abc", "1K", "1.2.3", "1iB", "Gi", "1Gb", "--1", "1e", "."])
    func textThatIsNotAQuantityIsKeptAsWritten(text: String) {
        #expect(Quantity(text).amount == nil)
        #expect(Quantity(text).canonical == text)
    }

    @Test func quantitiesAreEqualByAmount() throws {
        #expect(Quantity("0.5") == Quantity("500m"))
        #expect(Quantity("1Gi") == Quantity("1024Mi"))
        #expect(Quantity("1G") != Quantity("1Gi"))
        #expect(Quantity("1Ki") == Quantity("1024") && Quantity("1Ki").canonical != Quantity("1024").canonical)
        #expect(Quantity("2").amount! > Quantity("1500m").amount! && Quantity("1Mi").amount! < Quantity("1.1M").amount!)
        #expect(Set([Quantity("1"), Quantity("1000m")]).count == 1)
        let decoded = try JSONValue.decode(Array(#"{"cpu": 0.25, "memory": 2048}"#.utf8)).decode(as: [String: Quantity].self)
        #expect(decoded["cpu"] == "250m")
        #expect(try JSONValue(encoding: decoded) == ["cpu": "250m", "memory": "2048"])
    }
}
