// swift-tools-version:6.1
import PackageDescription

let strict: [SwiftSetting] = [
    .enableUpcomingFeature("ExistentialAny"),
    .enableUpcomingFeature("MemberImportVisibility"),
]

let package = Package(
    name: "modelship",
    platforms: [.macOS(.v15)],
    products: [
        .library(name: "KubeClient", targets: ["KubeClient"]),
        .library(name: "KubeRuntime", targets: ["KubeRuntime"]),
        .library(name: "KubeTestServer", targets: ["KubeTestServer"]),
        .executable(name: "modelship-dev-cluster", targets: ["modelship-dev-cluster"]),
        .executable(name: "modelship-operator", targets: ["modelship-operator"]),
        .executable(name: "modelship-server", targets: ["modelship-server"]),
        .executable(name: "modelship-scale-limit", targets: ["modelship-scale-limit"]),
    ],
    dependencies: [
        .package(url: "https://github.com/swift-server/async-http-client.git", from: "1.37.0"),
        .package(url: "https://github.com/hummingbird-project/hummingbird.git", from: "2.28.1"),
        .package(url: "https://github.com/apple/swift-nio.git", from: "2.101.2"),
        .package(url: "https://github.com/apple/swift-nio-ssl.git", from: "2.37.6"),
        .package(url: "https://github.com/apple/swift-certificates.git", from: "1.21.1"),
        .package(url: "https://github.com/apple/swift-asn1.git", from: "1.7.4"),
        .package(url: "https://github.com/apple/swift-crypto.git", "3.12.3"..<"5.0.0"),
        .package(url: "https://github.com/jpsim/Yams.git", from: "6.2.2"),
        .package(url: "https://github.com/apple/swift-log.git", from: "1.16.2"),
        .package(url: "https://github.com/apple/swift-metrics.git", from: "2.13.0"),
        .package(url: "https://github.com/swift-server/swift-prometheus.git", from: "2.4.1"),
        .package(url: "https://github.com/swift-server/swift-service-lifecycle.git", from: "2.13.0"),
        .package(url: "https://github.com/apple/swift-argument-parser.git", from: "1.8.2"),
        .package(url: "https://github.com/apple/swift-nio-extras.git", from: "1.35.2"),
    ],
    targets: [
        .target(
            name: "KubeClient",
            dependencies: [
                .product(name: "AsyncHTTPClient", package: "async-http-client"),
                .product(name: "NIOCore", package: "swift-nio"),
                .product(name: "NIOHTTP1", package: "swift-nio"),
                .product(name: "NIOSSL", package: "swift-nio-ssl"),
                .product(name: "Yams", package: "Yams"),
                .product(name: "Logging", package: "swift-log"),
                .product(name: "Metrics", package: "swift-metrics"),
            ],
            swiftSettings: strict
        ),
        // What the operator and the server share without either depending on the other: log format, duration syntax.
        .target(name: "ModelshipShared", dependencies: [.product(name: "Logging", package: "swift-log")], swiftSettings: strict),
        .target(
            name: "KubeRuntime",
            dependencies: [
                "KubeClient",
                .product(name: "ServiceLifecycle", package: "swift-service-lifecycle"),
                .product(name: "Logging", package: "swift-log"),
                .product(name: "Metrics", package: "swift-metrics"),
                .product(name: "Prometheus", package: "swift-prometheus"),
                .product(name: "Hummingbird", package: "hummingbird"),
            ],
            swiftSettings: strict
        ),
        .target(name: "ModelshipAPI", dependencies: ["KubeClient", "ModelshipShared"], swiftSettings: strict),
        .target(
            name: "ModelshipController",
            dependencies: [
                "KubeClient", "KubeRuntime", "ModelshipAPI", "ModelshipShared",
                .product(name: "Logging", package: "swift-log"),
            ],
            swiftSettings: strict
        ),
        .target(
            name: "KubeTestServer",
            dependencies: [
                "KubeClient",
                .product(name: "AsyncHTTPClient", package: "async-http-client"),
                .product(name: "NIOCore", package: "swift-nio"),
                .product(name: "NIOPosix", package: "swift-nio"),
                .product(name: "NIOHTTP1", package: "swift-nio"),
                .product(name: "Hummingbird", package: "hummingbird"),
                .product(name: "HummingbirdCore", package: "hummingbird"),
                .product(name: "HummingbirdTLS", package: "hummingbird"),
                .product(name: "NIOSSL", package: "swift-nio-ssl"),
                .product(name: "X509", package: "swift-certificates"),
                .product(name: "SwiftASN1", package: "swift-asn1"),
                .product(name: "Crypto", package: "swift-crypto"),
                .product(name: "Logging", package: "swift-log"),
                .product(name: "ServiceLifecycle", package: "swift-service-lifecycle"),
            ],
            resources: [.copy("Resources/builtin-openapi.json")],
            swiftSettings: strict
        ),
        .executableTarget(
            name: "modelship-operator",
            dependencies: [
                "ModelshipController", "KubeRuntime", "KubeClient", "ModelshipShared",
                .product(name: "ArgumentParser", package: "swift-argument-parser"),
                .product(name: "Logging", package: "swift-log"),
                .product(name: "Metrics", package: "swift-metrics"),
                .product(name: "Prometheus", package: "swift-prometheus"),
                .product(name: "ServiceLifecycle", package: "swift-service-lifecycle"),
                .product(name: "UnixSignals", package: "swift-service-lifecycle"),
                .product(name: "CoreMetrics", package: "swift-metrics"),
            ],
            swiftSettings: strict
        ),
        // The ONNX Runtime C API as we declare it (the wheel ships no header). Linking needs
        // libonnxruntime on the library path: `make` passes -L/-rpath to scripts/setup-onnxruntime.sh's dir.
        .target(name: "CONNXRuntime", linkerSettings: [.linkedLibrary("onnxruntime")]),
        .target(
            name: "ModelServer",
            dependencies: [
                "CONNXRuntime", "ModelshipShared",
                .product(name: "AsyncHTTPClient", package: "async-http-client"),
                .product(name: "NIOExtras", package: "swift-nio-extras"),
                .product(name: "NIOCore", package: "swift-nio"),
                .product(name: "NIOPosix", package: "swift-nio"),
                .product(name: "NIOHTTP1", package: "swift-nio"),
                .product(name: "Crypto", package: "swift-crypto"),
                .product(name: "Logging", package: "swift-log"),
                .product(name: "Metrics", package: "swift-metrics"),
                .product(name: "Prometheus", package: "swift-prometheus"),
                .product(name: "ServiceLifecycle", package: "swift-service-lifecycle"),
            ],
            swiftSettings: strict
        ),
        .executableTarget(
            name: "modelship-server",
            dependencies: [
                "ModelServer", "ModelshipShared",
                .product(name: "ArgumentParser", package: "swift-argument-parser"),
                .product(name: "NIOCore", package: "swift-nio"),
                .product(name: "NIOPosix", package: "swift-nio"),
                .product(name: "Logging", package: "swift-log"),
                .product(name: "Metrics", package: "swift-metrics"),
                .product(name: "Prometheus", package: "swift-prometheus"),
                .product(name: "ServiceLifecycle", package: "swift-service-lifecycle"),
                .product(name: "UnixSignals", package: "swift-service-lifecycle"),
            ],
            swiftSettings: strict
        ),
        .executableTarget(
            name: "modelship-scale-limit",
            dependencies: [
                "ModelshipController", "ModelshipAPI", "KubeRuntime", "KubeClient",
                .product(name: "ArgumentParser", package: "swift-argument-parser"),
                .product(name: "Logging", package: "swift-log"),
            ],
            swiftSettings: strict
        ),
        .executableTarget(
            name: "modelship-dev-cluster",
            dependencies: [
                "KubeTestServer",
                .product(name: "ArgumentParser", package: "swift-argument-parser"),
                .product(name: "Logging", package: "swift-log"),
            ],
            swiftSettings: strict
        ),
        .testTarget(name: "KubeClientTests", dependencies: ["KubeClient", "KubeTestServer"], swiftSettings: strict),
        .testTarget(name: "KubeTestServerTests", dependencies: ["KubeTestServer", "KubeClient"], swiftSettings: strict),
        .testTarget(name: "ModelshipControllerTests",
                    dependencies: ["ModelshipController", "ModelshipAPI", "ModelshipShared", "KubeRuntime", "KubeTestServer", "KubeClient"],
                    swiftSettings: strict),
        .testTarget(name: "ModelServerTests", dependencies: ["ModelServer", "KubeRuntime", "ModelshipShared"], swiftSettings: strict),
        .testTarget(name: "KubeRuntimeTests", dependencies: ["KubeRuntime", "KubeTestServer"], swiftSettings: strict),
    ]
)
