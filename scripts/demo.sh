#!/usr/bin/env bash
# The demo: Modelship on the embedded control plane, with pods that really run. Starts modelship-dev-cluster (an
# in-process Kubernetes API server whose local kubelet runs the model server image and a Python image as
# processes, with a Service proxy), installs the CRD, runs the operator, serves a model from an in-cluster store,
# sends it real requests, rolls a new version out, shows a model that cannot load, and asks Prometheus for the
# request rate per model version: what an on-call engineer sees with kubectl and PromQL.
set -euo pipefail
cd "$(dirname "$0")/.."
state=.modelship
rm -rf "$state/pods" "$state/prometheus" "$state/models"
mkdir -p "$state"
export KUBECONFIG="$PWD/$state/kubeconfig"
rm -f "$KUBECONFIG"
python=.venv/bin/python
server_image=ghcr.io/modelship/modelship-server

pids=()
cleanup() { for pid in "${pids[@]}"; do kill "$pid" 2>/dev/null || true; done; wait 2>/dev/null || true; }
trap cleanup EXIT

# The server image and a Python image run as local processes (docs/embedded-control-plane.md, "The data plane").
.build/debug/modelship-dev-cluster --port 0 --kubeconfig "$KUBECONFIG" --log-level warning --pod-directory "$state/pods" \
  --run-image "$server_image=$PWD/.build/debug/modelship-server" \
  --image-env "$server_image=MODELSHIP_TERMINATION_LOG=/dev/termination-log" \
  --image-env "$server_image=MODELSHIP_HOST=\$(POD_IP)" \
  --run-image python=/usr/bin/python3 > "$state/dev-cluster.log" 2>&1 &
pids+=($!)
for _ in $(seq 1 300); do [ -s "$KUBECONFIG" ] && break; sleep 0.1; done
[ -s "$KUBECONFIG" ] || { cat "$state/dev-cluster.log"; exit 1; }

step() { printf '\n\033[1m$ %s\033[0m\n' "$*"; "$@"; }
say() { printf '\n\033[1m# %s\033[0m\n' "$*"; }
wait_phase() {  # name phase version
  kubectl wait --for=jsonpath='{.status.phase}'="$2" "mdep/$1" --timeout=120s >/dev/null
  kubectl wait --for=jsonpath='{.status.stable.modelVersion}'="$3" "mdep/$1" --timeout=120s >/dev/null
}
infer() {  # service: one request with four features, through the Service's ClusterIP
  local ip
  ip=$(kubectl get service "$1" -o jsonpath='{.spec.clusterIP}')
  curl -sS --fail-with-body "http://$ip/v2/models/$1/infer" -H 'Content-Type: application/json' \
    -d '{"inputs":[{"name":"x","shape":[1,4],"datatype":"FP32","data":[0.5,-1.2,3.3,0.7]}]}'
  echo
}

step kubectl apply -f crds/modelship.dev_modeldeployments.yaml
kubectl wait --for=condition=Established crd/modeldeployments.modelship.dev --timeout=30s >/dev/null
.build/debug/modelship-operator --leader-elect=false --metrics-bind-address 127.0.0.1:0 \
  --health-probe-bind-address 127.0.0.1:0 --log-level warning > "$state/operator.log" 2>&1 &
pids+=($!)

say "An artifact store in the cluster serves two versions of a model:"
$python scripts/make-demo-models.py "$state/models" >/dev/null
kubectl create configmap model-store --from-file="$state/models" >/dev/null
step kubectl apply -f examples/demo/model-store.yaml
kubectl rollout status deployment/model-store --timeout=60s >/dev/null

say "A ModelDeployment: the operator creates the Deployment, the kubelet runs modelship-server pods that fetch the model by the store's DNS name:"
step kubectl apply -f examples/demo/fraud-detector.yaml
wait_phase fraud-detector Healthy 7
step kubectl get modeldeployments
step kubectl get pods -o wide -l app.kubernetes.io/instance=fraud-detector
step kubectl get service,endpointslices -l app.kubernetes.io/instance=fraud-detector

say "A real inference request through the Service (ClusterIP, round robin over the ready pods):"
printf '\033[1m$ curl http://<clusterIP>/v2/models/fraud-detector/infer\033[0m\n'
infer fraud-detector
step kubectl logs deploy/fraud-detector-stable --tail=4

say "Prometheus discovers the model pods through the API server (kubernetes_sd_configs, run by vmagent) and scrapes them:"
mkdir -p "$state/prometheus"
prom_config=$($python scripts/prometheus-config.py "$KUBECONFIG" "$state/prometheus")
prom_port=$($python -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1", 0)); print(s.getsockname()[1])')
agent_port=$($python -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1", 0)); print(s.getsockname()[1])')
printf 'global: {}\n' > "$state/prometheus/receiver.yml"
prometheus --config.file="$state/prometheus/receiver.yml" --storage.tsdb.path="$state/prometheus/tsdb" \
  --web.listen-address="127.0.0.1:$prom_port" --web.enable-remote-write-receiver > "$state/prometheus/prometheus.log" 2>&1 &
pids+=($!)
vmagent -promscrape.config="$prom_config" -httpListenAddr="127.0.0.1:$agent_port" -remoteWrite.flushInterval=200ms \
  -remoteWrite.url="http://127.0.0.1:$prom_port/api/v1/write" -remoteWrite.tmpDataPath="$state/prometheus/vmagent" \
  > "$state/prometheus/vmagent.log" 2>&1 &
pids+=($!)
for _ in $(seq 1 300); do curl -sf "http://127.0.0.1:$prom_port/-/ready" >/dev/null && break; sleep 0.1; done
for _ in $(seq 1 20); do infer fraud-detector >/dev/null; done
query='sum by (model_version) (modelship_requests_total{model="fraud-detector"})'
for _ in $(seq 1 300); do
  answer=$(curl -sG "http://127.0.0.1:$prom_port/api/v1/query" --data-urlencode "query=$query")
  echo "$answer" | grep -q '"model_version":"7"' && break
  sleep 0.1
done
printf '\033[1m$ promql: %s\033[0m\n%s\n' "$query" "$answer"

say "A new model version rolls out (a rolling update of real pods):"
step kubectl patch mdep fraud-detector --type=merge \
  -p '{"spec":{"model":{"version":"8","uri":"http://model-store.default.svc.cluster.local/fraud-detector-8.onnx"}}}'
wait_phase fraud-detector Healthy 8
step kubectl get mdep fraud-detector -o wide
printf '\033[1m$ curl http://<clusterIP>/v2/models/fraud-detector/infer\033[0m\n'
infer fraud-detector
step kubectl get events --field-selector involvedObject.name=fraud-detector --sort-by=.lastTimestamp

say "A model that cannot load: its pod crash-loops, and kubectl describe pod says why:"
step kubectl apply -f examples/demo/broken-model.yaml
for _ in $(seq 1 600); do
  [ -n "$(kubectl get pods -l app.kubernetes.io/instance=broken-model -o name 2>/dev/null)" ] && break
  sleep 0.1
done
kubectl wait --for=jsonpath='{.status.containerStatuses[0].state.waiting.reason}'=CrashLoopBackOff \
  pod -l app.kubernetes.io/instance=broken-model --timeout=120s >/dev/null
step kubectl get pods -l app.kubernetes.io/instance=broken-model
broken=$(kubectl get pods -l app.kubernetes.io/instance=broken-model -o jsonpath='{.items[0].metadata.name}')
printf '\n\033[1m$ kubectl describe pod %s\033[0m (container state and events)\n' "$broken"
kubectl describe pod "$broken" | sed -n '/^    State:/,/^    Ready:/p;/^Events:/,$p'

say "Bad input is refused at admission, or reported in status:"
kubectl apply -f - <<'YAML' || true
apiVersion: modelship.dev/v1alpha1
kind: ModelDeployment
metadata: {name: broken}
spec:
  model: {uri: ftp://nowhere/model.onnx, version: "1"}
YAML
step kubectl explain modeldeployment.spec.scaling
printf '\nThe embedded control plane and its pods run only for this script; see docs/ for the real install.\n'
