#!/usr/bin/env python3
"""Writes the demo's models: two versions of a small fraud-detector MLP (4 features -> 3 scores), as ONNX.

    scripts/make-demo-models.py DIRECTORY
"""
import pathlib
import sys

sys.path.insert(0, str(pathlib.Path(__file__).resolve().parent.parent / "Tests" / "python"))
import models  # noqa: E402  (the tests' model builders: no model files are checked in)

directory = pathlib.Path(sys.argv[1])
directory.mkdir(parents=True, exist_ok=True)
for version, seed in [("7", 7), ("8", 8)]:
    print(models.mlp(directory / f"fraud-detector-{version}.onnx", sizes=(4, 16, 3), seed=seed))
