import Foundation
import Synchronization

#if canImport(Glibc)
import Glibc
#endif

/// Starts pod processes. Each runs under `setpriv --pdeathsig KILL`, which ends it when the dev cluster dies,
/// even by SIGKILL, and leads its own process group, so a signal reaches whatever it started. The parent-death signal fires when the *thread* that started the process ends, and
/// Swift's pool threads come and go, so every process starts from one thread that lives as long as this.
/// (It is not inherited across fork: what a pod process forks outlives a SIGKILLed dev cluster, though a
/// graceful stop signals the whole group.)
final class ProcessLauncher: Sendable {
    struct Spec: Sendable {
        var executable: String
        var arguments: [String]
        var environment: [String: String]
        var workingDirectory: String
        /// Bound over /etc/hosts in a mount namespace of the process's own (the pod's view of Service names).
        var hostsFile: String?

        /// The command line that starts it: in its directory, with its own /etc/hosts when asked, with the
        /// parent-death signal set last so that it applies to the program itself.
        var commandLine: [String] {
            var line = ["/usr/bin/env", "--chdir=\(workingDirectory)"]
            if let hostsFile {
                line += ["/usr/bin/unshare", "--mount", "--propagation", "private", "--",
                         "/bin/sh", "-c", "/usr/bin/mount --bind \"$0\" /etc/hosts && exec \"$@\"", hostsFile]
            }
            return line + ["/usr/bin/setpriv", "--pdeathsig", "KILL", "--", executable] + arguments
        }
    }

    /// Whether processes can have an /etc/hosts of their own: private mount namespaces need privileges
    /// (root, or CAP_SYS_ADMIN) that an unprivileged dev cluster lacks.
    static let canBindHostsFile: Bool = {
        let probe = Process()
        probe.executableURL = URL(fileURLWithPath: "/usr/bin/unshare")
        probe.arguments = ["--mount", "--propagation", "private", "--", "/usr/bin/mount", "--bind", "/etc/hosts", "/etc/hosts"]
        probe.standardOutput = FileHandle.nullDevice
        probe.standardError = FileHandle.nullDevice
        guard (try? probe.run()) != nil else { return false }
        probe.waitUntilExit()
        return probe.terminationStatus == 0
    }()

    enum LaunchError: Error, CustomStringConvertible {
        case failed(String)
        var description: String { if case .failed(let message) = self { message } else { "" } }
    }

    static let shared = ProcessLauncher()

    /// Work for the launcher thread.
    private final class Queue: Sendable {
        let jobs = Mutex<[@Sendable () -> Void]>([])
        let wakeUp = DispatchSemaphore(value: 0)

        func add(_ job: @escaping @Sendable () -> Void) {
            jobs.withLock { $0.append(job) }
            wakeUp.signal()
        }

        func next() -> @Sendable () -> Void {
            while true {
                wakeUp.wait()
                if let job = jobs.withLock({ $0.isEmpty ? nil : $0.removeFirst() }) { return job }
            }
        }
    }

    private let queue = Queue()

    private init() {
        let queue = self.queue
        let thread = Thread {
            while true { queue.next()() }
        }
        thread.name = "modelship-kubelet-launcher"
        thread.start()
    }

    /// Starts the process; every line it prints (stdout and stderr, in order) goes to `output`.
    func launch(_ spec: Spec, output: @escaping @Sendable (String) -> Void) async throws(LaunchError) -> RunningProcess {
        let result: Result<RunningProcess, LaunchError> = await withCheckedContinuation { continuation in
            queue.add { continuation.resume(returning: Self.start(spec, output: output)) }
        }
        return try result.get()
    }

    private static func start(_ spec: Spec, output: @escaping @Sendable (String) -> Void) -> Result<RunningProcess, LaunchError> {
        guard FileManager.default.isExecutableFile(atPath: spec.executable) else {
            return .failure(.failed("exec: \"\(spec.executable)\": stat \(spec.executable): no such file or directory"))
        }
        var fds: [Int32] = [0, 0]
        // Close-on-exec, so no other child inherits it (every spawn happens on the launcher thread).
        guard pipe(&fds) == 0 else { return .failure(.failed("pipe: \(String(cString: strerror(errno)))")) }
        _ = fcntl(fds[0], F_SETFD, FD_CLOEXEC)
        _ = fcntl(fds[1], F_SETFD, FD_CLOEXEC)
        let pid: pid_t
        do {
            // env --chdir: Glibc's module does not expose posix_spawn_file_actions_addchdir_np.
            pid = try spawn(spec.commandLine, environment: spec.environment.map { "\($0.key)=\($0.value)" }, output: fds[1])
        } catch {
            close(fds[0])
            close(fds[1])
            return .failure(error)
        }
        close(fds[1])
        let running = RunningProcess(pid: pid)
        // Blocking reads on a thread of its own, not a dispatch source: closing a descriptor a source still
        // watches, then reusing its number, crashes libdispatch's event loop on Linux.
        let readFD = fds[0]
        let reader = Thread {
            var splitter = LineSplitter()
            var buffer = [UInt8](repeating: 0, count: 65536)
            while true {
                let count = buffer.withUnsafeMutableBytes { read(readFD, $0.baseAddress, $0.count) }
                if count < 0, errno == EINTR { continue }
                guard count > 0 else { break }
                for line in splitter.feed(buffer[0..<count]) { output(line) }
            }
            if let last = splitter.finish() { output(last) }
            close(readFD)
            running.outputClosed()
        }
        reader.name = "modelship-kubelet-output-\(pid)"
        reader.start()
        // One thread per process blocks in waitpid for it (pods are few; it also reaps it).
        let waiter = Thread {
            var status: Int32 = 0
            while waitpid(pid, &status, 0) == -1, errno == EINTR {}
            let signaled = (status & 0x7F) != 0 && (status & 0x7F) != 0x7F
            running.exited(code: signaled ? 128 + (status & 0x7F) : (status >> 8) & 0xFF)
        }
        waiter.name = "modelship-kubelet-wait-\(pid)"
        waiter.start()
        return .success(running)
    }

    /// posix_spawn with what a container starts with: default signal handling, nothing blocked (this process
    /// blocks and ignores signals its children must not inherit), its own process group, stdin from
    /// /dev/null, stdout and stderr to `output`.
    private static func spawn(_ argv: [String], environment: [String], output: Int32) throws(LaunchError) -> pid_t {
        var actions = posix_spawn_file_actions_t()
        posix_spawn_file_actions_init(&actions)
        defer { posix_spawn_file_actions_destroy(&actions) }
        posix_spawn_file_actions_addopen(&actions, 0, "/dev/null", O_RDONLY, 0)
        posix_spawn_file_actions_adddup2(&actions, output, 1)
        posix_spawn_file_actions_adddup2(&actions, output, 2)
        var attributes = posix_spawnattr_t()
        posix_spawnattr_init(&attributes)
        defer { posix_spawnattr_destroy(&attributes) }
        var none = sigset_t()
        sigemptyset(&none)
        var all = sigset_t()
        sigfillset(&all)
        posix_spawnattr_setsigmask(&attributes, &none)
        posix_spawnattr_setsigdefault(&attributes, &all)
        posix_spawnattr_setpgroup(&attributes, 0)
        posix_spawnattr_setflags(&attributes, Int16(POSIX_SPAWN_SETSIGMASK | POSIX_SPAWN_SETSIGDEF | POSIX_SPAWN_SETPGROUP))
        let cArguments = argv.map { strdup($0) } + [nil]
        let cEnvironment = environment.map { strdup($0) } + [nil]
        defer {
            cArguments.forEach { free($0) }
            cEnvironment.forEach { free($0) }
        }
        var pid: pid_t = 0
        let result = posix_spawn(&pid, argv[0], &actions, &attributes, cArguments, cEnvironment)
        guard result == 0 else { throw .failed("failed to start \(argv[0]): \(String(cString: strerror(result)))") }
        return pid
    }
}

/// A started process: its pid, a way to signal its group, and its exit.
final class RunningProcess: Sendable {
    let pid: Int32

    private struct State {
        var exitCode: Int32?
        var outputDone = false
        var waiters: [CheckedContinuation<Int32, Never>] = []
    }

    private let state = Mutex(State())

    fileprivate init(pid: Int32) { self.pid = pid }

    fileprivate func exited(code: Int32) {
        resumeIfDone { $0.exitCode = code }
        // A child the process left behind may hold the output open: report the exit a second later anyway
        // (the reader goes on until that child closes it).
        Task { [weak self] in
            try? await Task.sleep(for: .seconds(1))
            self?.outputClosed()
        }
    }

    /// Called by the reader at end of file, or by the fallback above.
    fileprivate func outputClosed() {
        resumeIfDone { $0.outputDone = true }
    }

    /// Exit is reported once the process ended and its output was read to the end, so no line is lost.
    private func resumeIfDone(_ change: (inout State) -> Void) {
        let (waiters, code) = state.withLock { state -> ([CheckedContinuation<Int32, Never>], Int32?) in
            change(&state)
            guard let code = state.exitCode, state.outputDone else { return ([], nil) }
            defer { state.waiters = [] }
            return (state.waiters, code)
        }
        if let code { waiters.forEach { $0.resume(returning: code) } }
    }

    /// The exit code (128 + the signal for a process a signal ended, as container runtimes report it).
    func exitCode() async -> Int32 {
        await withCheckedContinuation { continuation in
            let code = state.withLock { state -> Int32? in
                if let code = state.exitCode, state.outputDone { return code }
                state.waiters.append(continuation)
                return nil
            }
            if let code { continuation.resume(returning: code) }
        }
    }

    var hasExited: Bool { state.withLock { $0.exitCode != nil } }

    /// Signals the process group (what the process started, too).
    func signal(_ signal: Int32) {
        guard !hasExited else { return }
        if kill(-pid, signal) != 0 { kill(pid, signal) }
    }
}

/// A value behind a lock, shared by reference: for state that closures outliving the current scope use (a
/// noncopyable Mutex must not be captured by an escaping closure).
final class Locked<Value: Sendable>: Sendable {
    private let mutex: Mutex<Value>
    init(_ value: Value) { mutex = Mutex(value) }
    func withLock<T>(_ body: (inout Value) -> T) -> T { mutex.withLock { body(&$0) } }
}
