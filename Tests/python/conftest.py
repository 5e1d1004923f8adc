"""Starts the embedded control plane (modelship-dev-cluster) for tests that drive it with real clients."""
import itertools
import os
import pathlib
import subprocess

import pytest

ROOT = pathlib.Path(__file__).resolve().parents[2]
BIN = ROOT / ".build" / "debug"


SERVER_IMAGE = "ghcr.io/modelship/modelship-server"
# The data plane as tests and the demo run it: the server image and a Python image run as local processes.
# The server image declares where it writes its termination message, and listens on the pod's address.
LIVE_IMAGES = [
    "--run-image", f"{SERVER_IMAGE}={BIN / 'modelship-server'}",
    "--image-env", f"{SERVER_IMAGE}=MODELSHIP_TERMINATION_LOG=/dev/termination-log",
    "--image-env", f"{SERVER_IMAGE}=MODELSHIP_HOST=$(POD_IP)",
    "--run-image", "python=/usr/bin/python3",
]


_networks = itertools.count()


def live_images():
    """LIVE_IMAGES with loopback networks of their own, so that several live dev clusters can run at once."""
    index = next(_networks) % 60
    return [*LIVE_IMAGES, "--pod-network", f"127.{10 + 2 * index}", "--service-network", f"127.{11 + 2 * index}"]


class DevCluster:
    def __init__(self, tmp: pathlib.Path, args=()):
        self.kubeconfig = tmp / "kubeconfig"
        self.log = open(tmp / "dev-cluster.log", "w+")
        self.pod_directory = tmp / "pods"
        self.process = subprocess.Popen(
            [str(BIN / "modelship-dev-cluster"), "--port", "0", "--kubeconfig", str(self.kubeconfig), "--log-level", "warning",
             "--pod-directory", str(self.pod_directory), *args],
            stdout=subprocess.PIPE, stderr=self.log, text=True)
        # The server prints "export KUBECONFIG=..." on stdout once it listens and the kubeconfig is written.
        line = self.process.stdout.readline()
        if not line.startswith("export KUBECONFIG="):
            self.process.kill()
            self.log.seek(0)
            raise RuntimeError("modelship-dev-cluster did not start:\n" + self.log.read())

    def kubectl(self, *args, input=None, check=True, timeout=150):
        env = dict(os.environ, KUBECONFIG=str(self.kubeconfig))
        result = subprocess.run(["kubectl", *args], input=input, capture_output=True, text=True, env=env, timeout=timeout)
        if check and result.returncode != 0:
            raise AssertionError(f"kubectl {' '.join(args)} failed ({result.returncode}):\n{result.stderr}")
        return result

    def env(self):
        return dict(os.environ, KUBECONFIG=str(self.kubeconfig))

    def stop(self):
        self.process.terminate()
        self.process.wait(timeout=15)
        self.log.close()


@pytest.fixture(scope="module")
def cluster(tmp_path_factory):
    dev = DevCluster(tmp_path_factory.mktemp("cluster"))
    yield dev
    dev.stop()


class Operator:
    """modelship-operator as a process, against a DevCluster with the CRD installed."""

    def __init__(self, cluster: DevCluster, tmp: pathlib.Path, metrics_port: int = 0, args=("--leader-elect=false",)):
        cluster.kubectl("apply", "-f", str(ROOT / "crds" / "modelship.dev_modeldeployments.yaml"))
        cluster.kubectl("wait", "--for=condition=Established", "crd/modeldeployments.modelship.dev", "--timeout=30s")
        self.log = open(tmp / f"operator-{len(list(tmp.glob('operator*.log')))}.log", "w+")
        env = dict(os.environ, KUBECONFIG=str(cluster.kubeconfig))
        self.process = subprocess.Popen(
            [str(BIN / "modelship-operator"), *args, "--metrics-bind-address", f"127.0.0.1:{metrics_port}",
             "--health-probe-bind-address", "127.0.0.1:0", "--log-format", "json"],
            stdout=self.log, stderr=subprocess.STDOUT, env=env)

    def stop(self):
        self.process.terminate()
        code = self.process.wait(timeout=15)
        self.log.close()
        return code


@pytest.fixture(scope="module")
def operated(tmp_path_factory):
    """A dev cluster with the CRD and a running operator."""
    tmp = tmp_path_factory.mktemp("operated")
    dev = DevCluster(tmp)
    operator = Operator(dev, tmp)
    yield dev
    assert operator.stop() == 0, "the operator did not shut down cleanly on SIGTERM"
    dev.stop()
