#!/usr/bin/env bash
# The demo: the embedded control plane, driven by kubectl and by Modelship's Swift client.
set -euo pipefail
cd "$(dirname "$0")/.."
state=.modelship
mkdir -p "$state"
export KUBECONFIG="$PWD/$state/kubeconfig"
rm -f "$KUBECONFIG"

.build/debug/modelship-dev-cluster --port 0 --kubeconfig "$KUBECONFIG" --log-level warning > "$state/dev-cluster.log" 2>&1 &
cluster=$!
trap 'kill $cluster 2>/dev/null; wait $cluster 2>/dev/null || true' EXIT
for _ in $(seq 1 300); do [ -s "$KUBECONFIG" ] && break; sleep 0.1; done
[ -s "$KUBECONFIG" ] || { cat "$state/dev-cluster.log"; exit 1; }

step() { printf '\n\033[1m$ %s\033[0m\n' "$*"; "$@"; }
step kubectl version
step kubectl get namespaces
step kubectl create namespace models
step kubectl apply -n models -f examples/embedded/deployment.yaml
step kubectl get deployments -n models
step kubectl scale deployment fraud-detector -n models --replicas=3
step kubectl get deployment fraud-detector -n models -o jsonpath='{.metadata.generation} {.spec.replicas}{"\n"}'
step kubectl describe deployment fraud-detector -n models
step kubectl delete namespace models
step kubectl get namespaces
printf '\nThe embedded API server is at %s (kubeconfig: %s).\n' "$(kubectl config view -o jsonpath='{.clusters[0].cluster.server}')" "$KUBECONFIG"
