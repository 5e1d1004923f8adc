#!/usr/bin/env bash
# The demo: Modelship on the embedded control plane. Starts modelship-dev-cluster (an in-process Kubernetes
# API server with simulated Deployment/Job/HPA controllers), installs the CRD, runs the operator, applies an
# example ModelDeployment and shows what an on-call engineer sees with kubectl.
set -euo pipefail
cd "$(dirname "$0")/.."
state=.modelship
mkdir -p "$state"
export KUBECONFIG="$PWD/$state/kubeconfig"
rm -f "$KUBECONFIG"

pids=()
cleanup() { for pid in "${pids[@]}"; do kill "$pid" 2>/dev/null || true; done; wait 2>/dev/null || true; }
trap cleanup EXIT

.build/debug/modelship-dev-cluster --port 0 --kubeconfig "$KUBECONFIG" --log-level warning > "$state/dev-cluster.log" 2>&1 &
pids+=($!)
for _ in $(seq 1 300); do [ -s "$KUBECONFIG" ] && break; sleep 0.1; done
[ -s "$KUBECONFIG" ] || { cat "$state/dev-cluster.log"; exit 1; }

step() { printf '\n\033[1m$ %s\033[0m\n' "$*"; "$@"; }
wait_for_phase() {  # name phase [version]
  for _ in $(seq 1 200); do
    line=$(kubectl get mdep "$1" -o jsonpath='{.status.phase} {.status.stable.modelVersion}' 2>/dev/null || true)
    [ "$line" = "$2 ${3:-}" ] || [ -z "${3:-}" ] && [ "${line%% *}" = "$2" ] && return 0
    sleep 0.1
  done
  echo "timed out waiting for $1 to be $2 ${3:-}" >&2; return 1
}

step kubectl apply -f crds/modelship.dev_modeldeployments.yaml
kubectl wait --for=condition=Established crd/modeldeployments.modelship.dev --timeout=30s >/dev/null
.build/debug/modelship-operator --leader-elect=false --metrics-bind-address 127.0.0.1:0 \
  --health-probe-bind-address 127.0.0.1:0 --log-level warning > "$state/operator.log" 2>&1 &
pids+=($!)

step kubectl apply -f examples/minimal.yaml
wait_for_phase fraud-detector Healthy 7
step kubectl get modeldeployments
step kubectl get deployments,services,poddisruptionbudgets -l app.kubernetes.io/instance=fraud-detector
step kubectl describe modeldeployment fraud-detector

printf '\n\033[1m# A new model version rolls out:\033[0m\n'
step kubectl patch mdep fraud-detector --type=merge -p '{"spec":{"model":{"version":"8","uri":"s3://models/fraud-detector/8/model.onnx"}}}'
wait_for_phase fraud-detector Healthy 8
step kubectl get mdep fraud-detector -o wide
step kubectl get events --field-selector involvedObject.name=fraud-detector --sort-by=.lastTimestamp

printf '\n\033[1m# Bad input is refused at admission, or reported in status:\033[0m\n'
kubectl apply -f - <<'YAML' || true
apiVersion: modelship.dev/v1alpha1
kind: ModelDeployment
metadata: {name: broken}
spec:
  model: {uri: ftp://nowhere/model.onnx, version: "1"}
YAML
step kubectl explain modeldeployment.spec.scaling
printf '\nThe embedded API server keeps running only for this script; see docs/ for the real install.\n'
