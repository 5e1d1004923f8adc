"""The peer users would otherwise write: FastAPI + onnxruntime serving the same OIP v2 JSON, written the way
the usual MLOps guides write it (pydantic request models, numpy conversion, tolist() responses).
Run: MODEL=path THREADS=n uvicorn fastapi_app:app --port P [--loop asyncio --http h11 | --loop uvloop --http httptools]
"""
import os
from typing import Any, List, Optional

import numpy as np
import onnxruntime as ort
from fastapi import FastAPI, HTTPException
from pydantic import BaseModel

options = ort.SessionOptions()
options.intra_op_num_threads = int(os.environ.get("THREADS", "1"))
session = ort.InferenceSession(os.environ["MODEL"], options, providers=["CPUExecutionProvider"])
app = FastAPI()


class InferInput(BaseModel):
    name: str
    shape: List[int]
    datatype: str
    data: List[Any]


class InferRequest(BaseModel):
    id: Optional[str] = None
    inputs: List[InferInput]


@app.get("/v2/health/ready")
def ready():
    return {"ready": True}


@app.post("/v2/models/{name}/infer")
def infer(name: str, request: InferRequest):
    if request.inputs[0].datatype != "FP32":
        raise HTTPException(status_code=400, detail="FP32 only")
    feeds = {i.name: np.array(i.data, dtype=np.float32).reshape(i.shape) for i in request.inputs}
    outputs = session.run(None, feeds)
    return {"model_name": name, "id": request.id, "outputs": [
        {"name": meta.name, "datatype": "FP32", "shape": list(value.shape), "data": value.flatten().tolist()}
        for meta, value in zip(session.get_outputs(), outputs)]}
