-- wrk script: POSTs the body in $BODY_FILE with $CONTENT_TYPE and, for binary tensor data,
-- Inference-Header-Content-Length from $HEADER_LENGTH.
wrk.method = "POST"
local file = assert(io.open(os.getenv("BODY_FILE"), "rb"))
wrk.body = file:read("*a")
file:close()
wrk.headers["Content-Type"] = os.getenv("CONTENT_TYPE")
local header_length = os.getenv("HEADER_LENGTH")
if header_length and header_length ~= "" then
  wrk.headers["Inference-Header-Content-Length"] = header_length
end
