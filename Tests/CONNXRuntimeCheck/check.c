/*
 * Exercises every OrtApi member declared in Sources/CONNXRuntime/include/CONNXRuntime.h against the
 * real libonnxruntime. A slot in the wrong place calls the wrong function, which crashes or fails the
 * checks below. Prints one "key value..." record per line for run.sh / reference.py to compare.
 * Usage: check MODEL.onnx (the model from make_model.py: y = x @ W + B, x [batch,4], y [batch,2])
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "CONNXRuntime.h"

static const OrtApi *api;

static void fail(const char *what) {
    fprintf(stderr, "FAIL %s\n", what);
    exit(1);
}

/* Any non-NULL status from a call that must succeed ends the check with its code and message. */
static void ok(OrtStatus *status, const char *what) {
    if (status == NULL) return;
    fprintf(stderr, "FAIL %s: [%d] %s\n", what, (int)api->GetErrorCode(status), api->GetErrorMessage(status));
    api->ReleaseStatus(status);
    exit(1);
}
#define OK(call) ok((call), #call)

/* For calls that must fail: prints "<label> code=N message=..." and returns the code. */
static OrtErrorCode expect_error(OrtStatus *status, const char *label) {
    if (status == NULL) fail(label);
    OrtErrorCode code = api->GetErrorCode(status);
    const char *message = api->GetErrorMessage(status);
    if (code == ORT_OK || message == NULL || message[0] == '\0') fail(label);
    printf("%s code=%d message=", label, (int)code);
    for (const char *c = message; *c; c++) putchar(*c == '\n' ? ' ' : *c); /* keep one record per line */
    putchar('\n');
    api->ReleaseStatus(status);
    return code;
}

static void print_dims(const char *label, const int64_t *dims, size_t n) {
    printf("%s", label);
    for (size_t i = 0; i < n; i++) printf("%s%lld", i ? "," : "", (long long)dims[i]);
}

/* "input 0 x type=1 onnx=1 dims=-1,4 dim_names=batch,_" (a dynamic dim reads -1) */
static void describe(const OrtSession *session, OrtAllocator *alloc, int is_input, size_t index) {
    char *name = NULL;
    OrtTypeInfo *type_info = NULL;
    if (is_input) {
        OK(api->SessionGetInputName(session, index, alloc, &name));
        OK(api->SessionGetInputTypeInfo(session, index, &type_info));
    } else {
        OK(api->SessionGetOutputName(session, index, alloc, &name));
        OK(api->SessionGetOutputTypeInfo(session, index, &type_info));
    }
    ONNXType onnx_type;
    const OrtTensorTypeAndShapeInfo *tensor_info = NULL;
    ONNXTensorElementDataType element_type;
    size_t rank;
    int64_t dims[8];
    const char *dim_names[8];
    OK(api->GetOnnxTypeFromTypeInfo(type_info, &onnx_type));
    OK(api->CastTypeInfoToTensorInfo(type_info, &tensor_info)); /* owned by type_info */
    if (tensor_info == NULL) fail("CastTypeInfoToTensorInfo returned NULL");
    OK(api->GetTensorElementType(tensor_info, &element_type));
    OK(api->GetDimensionsCount(tensor_info, &rank));
    if (rank > 8) fail("rank > 8");
    OK(api->GetDimensions(tensor_info, dims, rank));
    OK(api->GetSymbolicDimensions(tensor_info, dim_names, rank));

    printf("%s %zu %s type=%d onnx=%d", is_input ? "input" : "output", index, name, (int)element_type,
           (int)onnx_type);
    print_dims(" dims=", dims, rank);
    printf(" dim_names=");
    for (size_t i = 0; i < rank; i++) printf("%s%s", i ? "," : "", dim_names[i][0] ? dim_names[i] : "_");
    printf("\n"); /* no GetTensorShapeElementCount here: it fails on dynamic dims (overflow) */
    api->ReleaseTypeInfo(type_info);
    OK(api->AllocatorFree(alloc, name));
}

static OrtSessionOptions *make_options(void) {
    OrtSessionOptions *options = NULL;
    OK(api->CreateSessionOptions(&options));
    OK(api->SetIntraOpNumThreads(options, 1));
    OK(api->SetInterOpNumThreads(options, 1));
    OK(api->SetSessionGraphOptimizationLevel(options, ORT_ENABLE_ALL));
    OK(api->AddSessionConfigEntry(options, "session.intra_op.allow_spinning", "0"));
    return options;
}

/* String tensors: CreateTensorAsOrtValue (runtime-owned), FillStringTensor, read back. */
static void check_strings(OrtAllocator *alloc) {
    const char *in[] = {"a", "bc", "def"};
    const int64_t shape[] = {3};
    OrtValue *value = NULL;
    size_t total, offsets[3];
    char buffer[16];
    OK(api->CreateTensorAsOrtValue(alloc, shape, 1, ONNX_TENSOR_ELEMENT_DATA_TYPE_STRING, &value));
    OK(api->FillStringTensor(value, in, 3));
    OK(api->GetStringTensorDataLength(value, &total));
    if (total != 6) fail("GetStringTensorDataLength != 6");
    OK(api->GetStringTensorContent(value, buffer, total, offsets, 3));
    printf("strings %.*s|%.*s|%.*s total=%zu\n", (int)(offsets[1] - offsets[0]), buffer + offsets[0],
           (int)(offsets[2] - offsets[1]), buffer + offsets[1], (int)(total - offsets[2]), buffer + offsets[2],
           total);
    api->ReleaseValue(value);
}

/* --device cuda path. The CPU wheel has no CUDA provider: then creating the options fails cleanly; the GPU
 * wheel without a CUDA runtime fails when the provider library is loaded. */
static void check_cuda(void) {
    OrtCUDAProviderOptionsV2 *cuda = NULL;
    OrtStatus *status = api->CreateCUDAProviderOptions(&cuda);
    if (status != NULL) {
        expect_error(status, "cuda unavailable");
        return;
    }
    const char *keys[] = {"device_id"}, *values[] = {"0"};
    /* The GPU build without the CUDA runtime (a machine without CUDA): loading the provider fails cleanly. */
    status = api->UpdateCUDAProviderOptions(cuda, keys, values, 1);
    if (status != NULL) {
        expect_error(status, "cuda runtime_missing");
        api->ReleaseCUDAProviderOptions(cuda);
        return;
    }
    OrtSessionOptions *options = make_options();
    status = api->SessionOptionsAppendExecutionProvider_CUDA_V2(options, cuda);
    if (status != NULL) expect_error(status, "cuda append_failed");
    else printf("cuda appended\n");
    api->ReleaseSessionOptions(options);
    api->ReleaseCUDAProviderOptions(cuda);
}

int main(int argc, char **argv) {
    if (argc != 2) {
        fprintf(stderr, "usage: %s MODEL.onnx\n", argv[0]);
        return 2;
    }
    const char *model_path = argv[1];
    api = ms_ort_api();
    if (api == NULL) fail("GetApi(ORT_API_VERSION) returned NULL: runtime older than the header");
    printf("version %s\napi_version %d\n", ms_ort_version(), ORT_API_VERSION);

    /* Status round trip: the first three slots. */
    OrtStatus *probe = api->CreateStatus(ORT_INVALID_ARGUMENT, "probe");
    if (api->GetErrorCode(probe) != ORT_INVALID_ARGUMENT || strcmp(api->GetErrorMessage(probe), "probe") != 0)
        fail("CreateStatus round trip");
    printf("status_roundtrip code=%d message=%s\n", (int)api->GetErrorCode(probe), api->GetErrorMessage(probe));
    api->ReleaseStatus(probe);

    char **providers = NULL;
    int provider_count = 0;
    OK(api->GetAvailableProviders(&providers, &provider_count));
    printf("providers");
    for (int i = 0; i < provider_count; i++) printf(" %s", providers[i]);
    printf("\n");
    OK(api->ReleaseAvailableProviders(providers, provider_count));

    OrtEnv *env = NULL;
    OK(api->CreateEnv(ORT_LOGGING_LEVEL_ERROR, "connxruntime-check", &env));
    OrtAllocator *alloc = NULL;
    OK(api->GetAllocatorWithDefaultOptions(&alloc));
    OrtSessionOptions *options = make_options();

    /* Errors surface as statuses with a code and a message. */
    OrtSession *missing = NULL;
    expect_error(api->CreateSession(env, "/nonexistent/model.onnx", options, &missing), "missing_model");
    if (missing != NULL) fail("CreateSession set a session despite failing");

    OrtSession *session = NULL;
    OK(api->CreateSession(env, model_path, options, &session));
    size_t n_inputs, n_outputs;
    OK(api->SessionGetInputCount(session, &n_inputs));
    OK(api->SessionGetOutputCount(session, &n_outputs));
    printf("inputs %zu\n", n_inputs);
    for (size_t i = 0; i < n_inputs; i++) describe(session, alloc, 1, i);
    printf("outputs %zu\n", n_outputs);
    for (size_t i = 0; i < n_outputs; i++) describe(session, alloc, 0, i);

    /* Input from a caller-owned buffer: batch 3, values exact in binary so both sides agree. */
    enum { BATCH = 3, IN = 4, OUT = 2 };
    float x[BATCH * IN];
    for (int i = 0; i < BATCH * IN; i++) x[i] = (float)((i * 5) % 11) / 4.0f - 1.25f;
    const int64_t x_shape[] = {BATCH, IN};
    OrtMemoryInfo *cpu = NULL;
    OK(api->CreateCpuMemoryInfo(OrtArenaAllocator, OrtMemTypeDefault, &cpu));
    OrtValue *input = NULL;
    OK(api->CreateTensorWithDataAsOrtValue(cpu, x, sizeof x, x_shape, 2, ONNX_TENSOR_ELEMENT_DATA_TYPE_FLOAT,
                                           &input));
    printf("x 3,4");
    for (int i = 0; i < BATCH * IN; i++) printf(" %.9g", x[i]);
    printf("\n");

    const char *input_names[] = {"x"}, *output_names[] = {"y"};
    OrtValue *output = NULL;
    OK(api->Run(session, NULL, input_names, (const OrtValue *const *)&input, 1, output_names, 1, &output));

    int is_tensor = 0;
    ONNXType value_type;
    OrtTensorTypeAndShapeInfo *y_info = NULL;
    ONNXTensorElementDataType y_type;
    size_t y_rank, y_count;
    int64_t y_dims[2];
    float *y = NULL;
    OK(api->IsTensor(output, &is_tensor));
    OK(api->GetValueType(output, &value_type));
    OK(api->GetTensorTypeAndShape(output, &y_info));
    OK(api->GetTensorElementType(y_info, &y_type));
    OK(api->GetDimensionsCount(y_info, &y_rank));
    if (y_rank != 2) fail("output rank != 2");
    OK(api->GetDimensions(y_info, y_dims, 2));
    OK(api->GetTensorShapeElementCount(y_info, &y_count));
    if (!is_tensor || value_type != ONNX_TYPE_TENSOR || y_type != ONNX_TENSOR_ELEMENT_DATA_TYPE_FLOAT ||
        y_dims[0] != BATCH || y_dims[1] != OUT || y_count != BATCH * OUT)
        fail("output type/shape");
    OK(api->GetTensorMutableData(output, (void **)&y));
    print_dims("y ", y_dims, 2);
    for (size_t i = 0; i < y_count; i++) printf(" %.9g", y[i]);
    printf("\n");
    api->ReleaseTensorTypeAndShapeInfo(y_info);
    api->ReleaseValue(output);

    /* Run errors: a [3,5] input does not fit [batch,4]. */
    const int64_t bad_shape[] = {3, 5};
    float bad[15] = {0};
    OrtValue *bad_input = NULL;
    output = NULL;
    OK(api->CreateTensorWithDataAsOrtValue(cpu, bad, sizeof bad, bad_shape, 2, ONNX_TENSOR_ELEMENT_DATA_TYPE_FLOAT,
                                           &bad_input));
    expect_error(api->Run(session, NULL, input_names, (const OrtValue *const *)&bad_input, 1, output_names, 1,
                          &output),
                 "bad_input");
    api->ReleaseValue(bad_input);

    /* The same model from memory (how a caller holding the bytes would load it). */
    FILE *f = fopen(model_path, "rb");
    if (f == NULL) fail("open model");
    static unsigned char bytes[1 << 16];
    size_t n_bytes = fread(bytes, 1, sizeof bytes, f);
    fclose(f);
    OrtSession *from_array = NULL;
    OK(api->CreateSessionFromArray(env, bytes, n_bytes, options, &from_array));
    size_t array_inputs, array_outputs;
    OK(api->SessionGetInputCount(from_array, &array_inputs));
    OK(api->SessionGetOutputCount(from_array, &array_outputs));
    printf("from_array inputs=%zu outputs=%zu\n", array_inputs, array_outputs);
    api->ReleaseSession(from_array);

    check_strings(alloc);
    check_cuda();

    api->ReleaseValue(input);
    api->ReleaseMemoryInfo(cpu);
    api->ReleaseSession(session);
    api->ReleaseSessionOptions(options);
    api->ReleaseEnv(env);
    printf("done\n");
    return 0;
}
