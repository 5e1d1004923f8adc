"""Writes a tiny ONNX model for the CONNXRuntime check: y = x @ W + B.

x is FP32 [batch, 4] with a symbolic batch dim (the runtime reports it as -1), y is FP32 [batch, 2].
W and B are fixed, so the C program and the Python reference run the same function.
Usage: make_model.py OUT.onnx
"""
import sys

import numpy as np
import onnx
from onnx import TensorProto, helper, numpy_helper

W = np.arange(8, dtype=np.float32).reshape(4, 2) / 4 - 1  # -1.0 .. 0.75
B = np.array([0.5, -0.25], dtype=np.float32)

graph = helper.make_graph(
    nodes=[
        helper.make_node("MatMul", ["x", "W"], ["xw"]),
        helper.make_node("Add", ["xw", "B"], ["y"]),
    ],
    name="matmul_add",
    inputs=[helper.make_tensor_value_info("x", TensorProto.FLOAT, ["batch", 4])],
    outputs=[helper.make_tensor_value_info("y", TensorProto.FLOAT, ["batch", 2])],
    initializer=[numpy_helper.from_array(W, "W"), numpy_helper.from_array(B, "B")],
)
# Opset 17 / IR 8: old enough for any runtime we pin, new enough for the ops used.
model = helper.make_model(graph, opset_imports=[helper.make_opsetid("", 17)], ir_version=8)
onnx.checker.check_model(model)
onnx.save(model, sys.argv[1])
