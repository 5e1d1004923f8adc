"""The KServe Python model server with a custom Model calling onnxruntime: what a KServe user runs for a
custom model. Serves OIP v2 at /v2/models/mlp/infer. Run: MODEL=path THREADS=n PORT=p python kserve_model.py
"""
import os

import kserve
import numpy as np
import onnxruntime as ort
from kserve import InferOutput, InferRequest, InferResponse


class OnnxModel(kserve.Model):
    def __init__(self, name: str):
        super().__init__(name)
        self.session = None
        self.load()

    def load(self):
        options = ort.SessionOptions()
        options.intra_op_num_threads = int(os.environ.get("THREADS", "1"))
        self.session = ort.InferenceSession(os.environ["MODEL"], options, providers=["CPUExecutionProvider"])
        self.ready = True

    def predict(self, payload: InferRequest, headers=None) -> InferResponse:
        x = payload.inputs[0].as_numpy().astype(np.float32)
        y = self.session.run(None, {"x": x})[0]
        output = InferOutput(name="y", shape=list(y.shape), datatype="FP32")
        output.set_data_from_numpy(y, binary_data=False)
        return InferResponse(model_name=self.name, infer_outputs=[output], response_id=payload.id)


if __name__ == "__main__":
    kserve.ModelServer(http_port=int(os.environ["PORT"]), workers=1, enable_grpc=False,
                       enable_latency_logging=False).start([OnnxModel("mlp")])
