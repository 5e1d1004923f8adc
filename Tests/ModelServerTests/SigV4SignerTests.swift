import Foundation
import Testing
@testable import ModelServer

@Suite("AWS Signature Version 4")
struct SigV4SignerTests {
    /// The GET Object example of the S3 SigV4 documentation ("Examples: Signature Calculations").
    @Test func matchesTheDocumentedExample() {
        let signer = SigV4Signer(
            credentials: .init(accessKeyID: "AKIAIOSFODNN7EXAMPLE", secretAccessKey: "wJalrXUtnFEMI/K7MDENG/bPxRfiCYEXAMPLEKEY"),
            region: "us-east-1")
        let headers = signer.sign(host: "examplebucket.s3.amazonaws.com", path: "/test.txt",
                                  extraHeaders: ["Range": "bytes=0-9"], date: Date(timeIntervalSince1970: 1_369_353_600))
        #expect(headers["authorization"] == "AWS4-HMAC-SHA256 Credential=AKIAIOSFODNN7EXAMPLE/20130524/us-east-1/s3/aws4_request, SignedHeaders=host;range;x-amz-content-sha256;x-amz-date, Signature=f0e8bdb87c964420e857bd35b5d6ed310bd44f0170aba48dd91039c6036bdb41")
        #expect(headers["x-amz-date"] == "20130524T000000Z")
    }

    @Test func keysAreURIEncodedExceptSlashes() {
        #expect(SigV4Signer.encodePath("/bucket/models/a b+c.onnx") == "/bucket/models/a%20b%2Bc.onnx")
    }

    @Test func locationsParse() throws {
        #expect(try ModelLocation("s3://bucket/dir/model.onnx") == .s3(bucket: "bucket", key: "dir/model.onnx"))
        #expect(try ModelLocation("file:///models/m.onnx") == .file(path: "/models/m.onnx"))
        #expect(try ModelLocation("relative/m.onnx") == .file(path: "relative/m.onnx"))
        #expect(throws: ModelStoreError.self) { try ModelLocation("s3://bucket") }
        #expect(throws: ModelStoreError.self) { try ModelLocation("gs://bucket/m") }
    }
}
