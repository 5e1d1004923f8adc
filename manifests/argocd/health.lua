-- Argo CD health check for modelship.dev/ModelDeployment (resource.customizations.health.modelship.dev_ModelDeployment).
-- Healthy only when the operator has observed the latest spec and reports the Healthy phase.
local hs = {}
local status = obj.status
if status == nil or status.observedGeneration == nil or obj.metadata.generation == nil
    or status.observedGeneration < obj.metadata.generation then
  hs.status = "Progressing"
  hs.message = "Waiting for the operator to observe generation " .. tostring(obj.metadata.generation)
  return hs
end
local phase = status.phase
local message = status.message or phase or ""
if phase == "Healthy" then
  local replicas = obj.spec and obj.spec.scaling and obj.spec.scaling.replicas
  if replicas == 0 then
    hs.status = "Suspended"
    hs.message = "Scaled to zero"
    return hs
  end
  hs.status = "Healthy"
elseif phase == "Progressing" or phase == "Pending" then
  hs.status = "Progressing"
elseif phase == "Paused" then
  hs.status = "Suspended"
elseif phase == "Degraded" or phase == "Failed" then
  hs.status = "Degraded"
else
  hs.status = "Progressing"
  message = "Waiting for the operator to report a phase"
end
hs.message = message
return hs
