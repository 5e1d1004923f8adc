import ModelshipShared
import Testing

@Suite struct URIRedactionTests {
    @Test(arguments: [
        ("https://user:secret@host.example/m.onnx", "https://REDACTED@host.example/m.onnx"),
        ("https://host.example/m.onnx?X-Amz-Signature=abc&X-Amz-Date=1", "https://host.example/m.onnx?X-Amz-Signature=REDACTED&X-Amz-Date=REDACTED"),
        ("https://u@host.example:8443/a/b.onnx?flag#part", "https://REDACTED@host.example:8443/a/b.onnx?flag#part"),
        ("s3://bucket/key/model.onnx", "s3://bucket/key/model.onnx"),
        ("https://host.example/user@2x/m.onnx", "https://host.example/user@2x/m.onnx"),
        ("/plain/path/model.onnx", "/plain/path/model.onnx"),
    ])
    func whatIsShownKeepsTheLocationButNoSecret(uri: String, shown: String) {
        #expect(URIRedaction.redacted(uri) == shown)
    }

    @Test func credentialsAreRecognised() {
        #expect(URIRedaction.credentials(in: "https://user:pw@host/m.onnx") != nil)
        #expect(URIRedaction.credentials(in: "https://host/m.onnx?X-Amz-Credential=a&X-Amz-Signature=b")?.contains("x-amz-credential") == true)
        #expect(URIRedaction.credentials(in: "https://acct.blob.core.windows.net/c/m.onnx?sv=2022&sig=abc") != nil)
        #expect(URIRedaction.credentials(in: "https://huggingface.co/org/m/resolve/main/model.onnx?download=true") == nil)
        #expect(URIRedaction.credentials(in: "https://host/user@2x/m.onnx") == nil)
        #expect(URIRedaction.credentials(in: "s3://bucket/key") == nil)
    }
}
