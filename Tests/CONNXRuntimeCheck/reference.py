"""Compares check.c's output with the Python onnxruntime reference; exits 1 on any mismatch.

The same library sits under both (the wheel's libonnxruntime), so model metadata must match exactly
and outputs to float tolerance. Usage: reference.py MODEL.onnx CHECK_OUTPUT
"""
import sys

import numpy as np
import onnxruntime as ort

ELEMENT_TYPES = {"tensor(float)": 1, "tensor(uint8)": 2, "tensor(int8)": 3, "tensor(int32)": 6,
                 "tensor(int64)": 7, "tensor(string)": 8, "tensor(bool)": 9, "tensor(float16)": 10,
                 "tensor(double)": 11}


def describe(kind, index, arg):
    dims = [d if isinstance(d, int) else -1 for d in arg.shape]
    names = [d if isinstance(d, str) else "_" for d in arg.shape]
    onnx_type = 1 if arg.type.startswith("tensor(") else 0
    return (f"{kind} {index} {arg.name} type={ELEMENT_TYPES.get(arg.type, -1)} onnx={onnx_type} "
            f"dims={','.join(map(str, dims))} dim_names={','.join(names)}")


def main(model_path, output_path):
    lines = open(output_path).read().splitlines()
    records = {line.split(" ", 1)[0]: line for line in lines}
    problems = []

    def expect(line):
        if line not in lines:
            problems.append(f"missing line: {line!r}")

    def expect_prefix(key, prefix):
        if not records.get(key, "").startswith(prefix):
            problems.append(f"{key}: expected {prefix!r}..., got {records.get(key)!r}")

    session = ort.InferenceSession(model_path, providers=["CPUExecutionProvider"])
    expect(f"version {ort.__version__}")
    expect("api_version 16")
    expect("status_roundtrip code=2 message=probe")
    providers = ort.get_available_providers()
    expect("providers " + " ".join(providers))
    expect_prefix("missing_model", "missing_model code=3 message=")  # ORT_NO_SUCHFILE
    expect_prefix("bad_input", "bad_input code=2 message=")          # ORT_INVALID_ARGUMENT
    expect(f"inputs {len(session.get_inputs())}")
    for i, arg in enumerate(session.get_inputs()):
        expect(describe("input", i, arg))
    expect(f"outputs {len(session.get_outputs())}")
    for i, arg in enumerate(session.get_outputs()):
        expect(describe("output", i, arg))
    expect("from_array inputs=1 outputs=1")
    expect("strings a|bc|def total=6")
    if "CUDAExecutionProvider" in providers:
        if not (records.get("cuda", "").startswith(("cuda appended", "cuda append_failed", "cuda runtime_missing"))):
            problems.append(f"cuda: got {records.get('cuda')!r}")
    else:
        expect_prefix("cuda", "cuda unavailable code=")
    if not lines or lines[-1] != "done":
        problems.append("check did not reach 'done'")

    # Feed the C side's input to the reference and compare outputs.
    try:
        _, x_shape, *x_values = records["x"].split(" ")
        _, y_shape, *y_values = records["y"].split(" ")
        x = np.array(x_values, dtype=np.float32).reshape([int(d) for d in x_shape.split(",")])
        y = np.array(y_values, dtype=np.float32).reshape([int(d) for d in y_shape.split(",")])
        (want,) = session.run(["y"], {"x": x})
        if want.shape != y.shape or not np.allclose(want, y, rtol=1e-5, atol=1e-6):
            problems.append(f"y mismatch: C {y.tolist()} vs Python {want.tolist()}")
    except (KeyError, ValueError) as error:
        problems.append(f"unreadable x/y records: {error}")

    for problem in problems:
        print("MISMATCH", problem)
    print("reference:", "FAILED" if problems else f"all checks match onnxruntime {ort.__version__}")
    return 1 if problems else 0


if __name__ == "__main__":
    sys.exit(main(*sys.argv[1:]))
