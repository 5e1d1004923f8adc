"""`make demo` is the README's first command and CI runs only `make test`: this runs the demo script itself and
checks that each part showed what it promises, on real processes."""
import re
import subprocess

from conftest import ROOT


def test_the_demo_runs_end_to_end():
    result = subprocess.run([str(ROOT / "scripts" / "demo.sh")], capture_output=True, text=True, timeout=600, cwd=ROOT)
    output = re.sub(r"\x1b\[[0-9;]*m", "", result.stdout + result.stderr)
    assert result.returncode == 0, output
    assert re.search(r"fraud-detector\s+Healthy\s+7\s+2\s+2", output), output
    assert re.search(r"fraud-detector-stable-\S+\s+1/1\s+Running\s+0", output), output
    assert '"model_name":"fraud-detector","model_version":"7","outputs"' in output
    assert '"model_name":"fraud-detector","model_version":"8","outputs"' in output
    assert "[ModelServer] model ready" in output
    assert re.search(r'"metric":\{"model_version":"7"\},"value":\[[0-9.]+,"[1-9][0-9]*"\]', output), output
    assert "Model version 8 is serving on 2/2 replicas" in output
    assert re.search(r"broken-model-stable-\S+\s+0/1\s+CrashLoopBackOff", output), output
    assert "missing.onnx was not found (HTTP 404)" in output
    assert "spec.model.uri in body should match" in output
