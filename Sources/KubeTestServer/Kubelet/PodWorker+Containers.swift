import Foundation
import KubeClient

#if canImport(Glibc)
import Glibc
#endif

extension PodWorker {
    static let defaultPath = "/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin"

    /// One container's life: start, probe, exit, and restart per the pod's restartPolicy with kubelet's back-off.
    func runContainer(_ index: Int) async {
        let container = PodSpecReader.containers(pod)[index]
        let name = containers[index].name
        var backoff = CrashBackoff()
        while !Task.isCancelled, !terminating {
            let startedAt = Date()
            let spec: ProcessLauncher.Spec
            do {
                // Volumes are written before each start (a missing ConfigMap is retried here), not per exec probe.
                try sandbox.prepare(pod, lookup: context.lookup)
                spec = try launchSpec(for: container)
            } catch {
                update(container: index) { $0.current = .waiting(reason: error.reason, message: error.message) }
                context.events.record(pod, type: "Warning", reason: error.reason == "FailedMount" ? "FailedMount" : "Failed",
                                      message: error.message, fieldPath: "spec.containers{\(name)}")
                // kubelet retries on its next sync; ConfigMap and Secret changes also reach configChanged().
                try? await Task.sleep(for: .seconds(2))
                continue
            }
            let log = ContainerLog()
            logs[name] = (log, logs[name]?.current ?? logs[name]?.previous)
            try? Data().write(to: URL(fileURLWithPath: sandbox.terminationLog(name)))
            let exitCode: Int32
            let message: String?
            var reason = "Error"
            do {
                let process = try await ProcessLauncher.shared.launch(spec) { line in log.append(line) }
                processes[name] = process
                let hasStartupProbe = container["startupProbe"] != nil
                update(container: index) { state in
                    state.current = .running(startedAt: startedAt)
                    state.pid = process.pid
                    state.started = !hasStartupProbe
                    state.ready = state.started && container["readinessProbe"] == nil
                }
                context.events.record(pod, reason: "Started", message: "Started container \(name)", fieldPath: "spec.containers{\(name)}")
                if terminating { process.signal(SIGTERM) }
                let probes = Task { await self.runProbes(index, container: container, process: process) }
                exitCode = await process.exitCode()
                probes.cancel()
                await probes.value
                processes[name] = nil
                log.close()
                message = terminationMessage(container, name: name, exitCode: exitCode, log: log)
            } catch {
                exitCode = 128
                reason = "StartError"
                message = error.description
                log.append(error.description)
                log.close()
                context.events.record(pod, type: "Warning", reason: "Failed", message: "Error: \(error.description)",
                                      fieldPath: "spec.containers{\(name)}")
            }
            let finishedAt = Date()
            let terminated = ContainerState.Terminated(exitCode: exitCode, reason: exitCode == 0 ? "Completed" : reason, message: message, startedAt: startedAt, finishedAt: finishedAt)
            let restart = !terminating && (restartPolicy == "Always" || (restartPolicy == "OnFailure" && exitCode != 0))
            guard restart else {
                update(container: index) { state in
                    state.current = .terminated(terminated)
                    state.ready = false
                    state.started = false
                    state.pid = nil
                }
                return
            }
            let delay = backoff.delay(finishedAt: finishedAt, now: Date())
            update(container: index) { state in
                state.lastTerminated = terminated
                state.ready = false
                state.started = false
                state.pid = nil
                if delay > 0 {
                    let window = Int(backoff.window ?? CrashBackoff.initial)
                    state.current = .waiting(reason: "CrashLoopBackOff",
                                             message: "back-off \(window)s restarting failed container=\(name) pod=\(key.name)_\(key.namespace)(\(uid))")
                }
            }
            if delay > 0 {
                context.events.record(pod, type: "Warning", reason: "BackOff",
                                      message: "Back-off restarting failed container \(name) in pod \(key.name)_\(key.namespace)(\(uid))",
                                      fieldPath: "spec.containers{\(name)}")
                try? await Task.sleep(for: .milliseconds(Int64(delay * 1000)))
                if Task.isCancelled || terminating {
                    update(container: index) { $0.current = .terminated(terminated) }
                    return
                }
            }
            backoff.recordRestart(finishedAt: finishedAt, now: Date())
            containers[index].restartCount += 1
        }
    }

    /// The termination message file's content; with FallbackToLogsOnError and a failure, the log's end instead.
    func terminationMessage(_ container: JSONValue, name: String, exitCode: Int32, log: ContainerLog) -> String? {
        let file = (try? String(contentsOfFile: sandbox.terminationLog(name), encoding: .utf8)) ?? ""
        if !file.isEmpty { return String(file.prefix(4096)) }
        guard exitCode != 0, container["terminationMessagePolicy"]?.stringValue == "FallbackToLogsOnError" else { return nil }
        let tail = log.lines.suffix(80).map(\.text).joined(separator: "\n")
        return String(tail.suffix(2048))
    }

    /// What runs: the mapped image's entrypoint (or `command`), arguments, environment and working directory,
    /// with `$(VAR)` expanded and mount paths mapped into the sandbox.
    func launchSpec(for container: JSONValue, command override: [String]? = nil) throws(PodSetupError) -> ProcessLauncher.Spec {
        guard let image = context.images.image(for: container["image"]?.stringValue ?? "") else {
            throw .config("image \(container["image"]?.stringValue ?? "") is not mapped to an executable")
        }
        guard let podIP else { throw .config("the pod has no address yet") }
        let mapper = sandbox.pathMapper(for: container)
        var environment = try ContainerEnvironment(pod: pod, podIP: podIP, lookup: context.lookup)
            .resolve(container, image: image.environment).mapValues(mapper.map)
        environment["PATH"] = environment["PATH"] ?? Self.defaultPath
        environment["HOSTNAME"] = key.name
        environment["HOME"] = environment["HOME"] ?? sandbox.directory
        let expand = { (value: String) in mapper.map(ContainerEnvironment.expand(value, with: environment)) }
        let command = (override ?? container["command"]?.arrayValue?.compactMap(\.stringValue) ?? []).map(expand)
        let args = override == nil ? (container["args"]?.arrayValue?.compactMap(\.stringValue) ?? []).map(expand) : []
        var executable = image.executable
        var arguments = args
        if let first = command.first {
            executable = try Self.resolveExecutable(first, image: image, path: environment["PATH"] ?? Self.defaultPath)
            arguments = Array(command.dropFirst()) + args
        }
        var directory = sandbox.directory
        if let workingDir = container["workingDir"]?.stringValue, !workingDir.isEmpty {
            directory = mapper.hostPath(workingDir) ?? workingDir
        }
        return .init(executable: executable, arguments: arguments, environment: environment, workingDirectory: directory,
                     hostsFile: ProcessLauncher.canBindHostsFile ? sandbox.hostsFile : nil)
    }

    /// A `command` names the image's entrypoint (by its file name), an absolute path, or a program on PATH.
    static func resolveExecutable(_ name: String, image: ImageMap.Image, path: String) throws(PodSetupError) -> String {
        if (name as NSString).lastPathComponent == (image.executable as NSString).lastPathComponent { return image.executable }
        if name.contains("/") {
            if FileManager.default.isExecutableFile(atPath: name) { return name }
        } else {
            for directory in path.split(separator: ":") where FileManager.default.isExecutableFile(atPath: "\(directory)/\(name)") {
                return "\(directory)/\(name)"
            }
        }
        throw .init(reason: "CreateContainerError", message: "exec: \"\(name)\": executable file not found in $PATH")
    }
}
