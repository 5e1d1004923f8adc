-- Runs manifests/argocd/health.lua (as Argo CD does: a chunk with a global `obj`) against sample objects.
local script = assert(loadfile(arg[1] or "manifests/argocd/health.lua"))

local function check(name, object, want_status, want_message)
  obj = object
  local hs = script()
  assert(hs.status == want_status, name .. ": status " .. tostring(hs.status) .. ", want " .. want_status)
  if want_message then
    assert(string.find(hs.message, want_message, 1, true), name .. ": message '" .. tostring(hs.message) .. "' lacks '" .. want_message .. "'")
  end
  print("ok - " .. name)
end

local function object(generation, status, spec)
  return { metadata = { name = "m", generation = generation }, spec = spec or { scaling = { replicas = 2 } }, status = status }
end

check("no status yet", object(1, nil), "Progressing", "observe generation 1")
check("stale status", object(2, { observedGeneration = 1, phase = "Healthy" }), "Progressing", "generation 2")
check("healthy", object(3, { observedGeneration = 3, phase = "Healthy", message = "Model version 7 is serving on 2/2 replicas" }),
      "Healthy", "2/2 replicas")
check("rolling out", object(3, { observedGeneration = 3, phase = "Progressing", message = "Rolling out model version 8" }),
      "Progressing", "model version 8")
check("pending", object(1, { observedGeneration = 1, phase = "Pending" }), "Progressing")
check("stalled", object(4, { observedGeneration = 4, phase = "Degraded", message = "ImagePullBackOff" }), "Degraded", "ImagePullBackOff")
check("invalid spec", object(5, { observedGeneration = 5, phase = "Failed", message = "Invalid spec: x" }), "Degraded", "Invalid spec")
check("scaled to zero", object(1, { observedGeneration = 1, phase = "Healthy" }, { scaling = { replicas = 0 } }), "Suspended")
check("paused", object(1, { observedGeneration = 1, phase = "Paused", message = "waiting for promotion" }), "Suspended", "promotion")
check("unknown phase", object(1, { observedGeneration = 1 }), "Progressing", "report a phase")
print("10 passed, 0 failed")
