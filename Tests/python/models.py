"""Small ONNX models the server tests serve, built with the `onnx` package (no files are checked in)."""
import pathlib

import numpy as np
import onnx
from onnx import TensorProto, helper, numpy_helper

OPSET = [helper.make_opsetid("", 17)]


def _save(graph, path: pathlib.Path) -> pathlib.Path:
    model = helper.make_model(graph, opset_imports=OPSET, ir_version=8)
    onnx.checker.check_model(model)
    onnx.save(model, str(path))
    return path


def mlp(path: pathlib.Path, sizes=(4, 16, 3), seed=0) -> pathlib.Path:
    """FP32 MLP with ReLU between layers and a dynamic batch dimension: x [batch, sizes[0]] -> y [batch, sizes[-1]]."""
    rng = np.random.default_rng(seed)
    nodes, initializers, current = [], [], "x"
    for layer, (n_in, n_out) in enumerate(zip(sizes, sizes[1:])):
        w, b = f"W{layer}", f"B{layer}"
        initializers += [numpy_helper.from_array((rng.standard_normal((n_in, n_out)) / np.sqrt(n_in)).astype(np.float32), w),
                         numpy_helper.from_array((rng.standard_normal(n_out) * 0.1).astype(np.float32), b)]
        out = "y" if layer == len(sizes) - 2 else f"h{layer}"
        nodes += [helper.make_node("MatMul", [current, w], [f"mm{layer}"]),
                  helper.make_node("Add", [f"mm{layer}", b], [out if layer == len(sizes) - 2 else f"a{layer}"])]
        if layer < len(sizes) - 2:
            nodes.append(helper.make_node("Relu", [f"a{layer}"], [out]))
        current = out
    graph = helper.make_graph(
        nodes, "mlp",
        inputs=[helper.make_tensor_value_info("x", TensorProto.FLOAT, ["batch", sizes[0]])],
        outputs=[helper.make_tensor_value_info("y", TensorProto.FLOAT, ["batch", sizes[-1]])],
        initializer=initializers)
    return _save(graph, path)


def int64_sums(path: pathlib.Path) -> pathlib.Path:
    """INT64 ids [batch, 3] -> total [batch, 1] (row sums) and doubled [batch, 3]: two outputs to select from."""
    graph = helper.make_graph(
        [helper.make_node("ReduceSum", ["ids", "axes"], ["total"], keepdims=1),
         helper.make_node("Mul", ["ids", "two"], ["doubled"])],
        "int64_sums",
        inputs=[helper.make_tensor_value_info("ids", TensorProto.INT64, ["batch", 3])],
        outputs=[helper.make_tensor_value_info("total", TensorProto.INT64, ["batch", 1]),
                 helper.make_tensor_value_info("doubled", TensorProto.INT64, ["batch", 3])],
        initializer=[numpy_helper.from_array(np.array([1], dtype=np.int64), "axes"),
                     numpy_helper.from_array(np.array(2, dtype=np.int64), "two")])
    return _save(graph, path)


def static_scale(path: pathlib.Path) -> pathlib.Path:
    """A fixed-shape model (x FP32 [2, 2] -> y = 3x): its first dimension is not a batch dimension."""
    graph = helper.make_graph(
        [helper.make_node("Mul", ["x", "three"], ["y"])], "static_scale",
        inputs=[helper.make_tensor_value_info("x", TensorProto.FLOAT, [2, 2])],
        outputs=[helper.make_tensor_value_info("y", TensorProto.FLOAT, [2, 2])],
        initializer=[numpy_helper.from_array(np.array(3, dtype=np.float32), "three")])
    return _save(graph, path)


def two_inputs(path: pathlib.Path) -> pathlib.Path:
    """a FP64 [batch, 2] + b FP64 [batch, 2] -> s; and flag BOOL [batch] -> not_flag: several types at once."""
    graph = helper.make_graph(
        [helper.make_node("Add", ["a", "b"], ["s"]), helper.make_node("Not", ["flag"], ["not_flag"])], "two_inputs",
        inputs=[helper.make_tensor_value_info("a", TensorProto.DOUBLE, ["batch", 2]),
                helper.make_tensor_value_info("b", TensorProto.DOUBLE, ["batch", 2]),
                helper.make_tensor_value_info("flag", TensorProto.BOOL, ["batch"])],
        outputs=[helper.make_tensor_value_info("s", TensorProto.DOUBLE, ["batch", 2]),
                 helper.make_tensor_value_info("not_flag", TensorProto.BOOL, ["batch"])])
    return _save(graph, path)


def strings_identity(path: pathlib.Path) -> pathlib.Path:
    """BYTES in, BYTES out: text [batch] -> same [batch]."""
    graph = helper.make_graph(
        [helper.make_node("Identity", ["text"], ["same"])], "strings_identity",
        inputs=[helper.make_tensor_value_info("text", TensorProto.STRING, ["batch"])],
        outputs=[helper.make_tensor_value_info("same", TensorProto.STRING, ["batch"])])
    return _save(graph, path)
