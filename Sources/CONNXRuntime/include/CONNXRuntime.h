/*
 * CONNXRuntime.h: the subset of the ONNX Runtime C API that Modelship uses.
 *
 * Why our own declarations: we link against the libonnxruntime.so.1 shipped inside the PyPI
 * `onnxruntime` wheel (see scripts/setup-onnxruntime.sh), and the wheel ships no headers.
 *
 * What must match upstream: the C API is a table of function pointers (OrtApi) fetched at run time
 * through the only exported symbol, OrtGetApiBase(). Its layout is an ABI: slots are append-only and
 * every slot up to the last one we call must be present, in order. The order below follows upstream
 * include/onnxruntime/core/session/onnxruntime_c_api.h (microsoft/onnxruntime; checked against the
 * ORT_API_VERSION 13 header and a current one, which agree on slots 0..208). Slots we do not call are
 * `void *_unusedN` placeholders (N = slot index); shim.c asserts the slot index of every used member.
 * Enum values follow the current upstream header; newer runtimes may add values, so treat unknown
 * values as "other", never as impossible.
 *
 * Non-Windows only: ORT_API_CALL is empty and ORTCHAR_T is char there, so both are left out.
 */
#ifndef MODELSHIP_CONNXRUNTIME_H
#define MODELSHIP_CONNXRUNTIME_H

#include <stddef.h>
#include <stdint.h>

#ifdef __cplusplus
extern "C" {
#endif

/* The API version we request. Every slot we use exists since 1.11, so any runtime >= 1.16 serves it;
 * the pinned wheel (scripts/requirements-test.txt) supports versions 1..its minor version. */
#define ORT_API_VERSION 16

typedef enum ONNXTensorElementDataType {
    ONNX_TENSOR_ELEMENT_DATA_TYPE_UNDEFINED = 0,
    ONNX_TENSOR_ELEMENT_DATA_TYPE_FLOAT = 1,   /* float */
    ONNX_TENSOR_ELEMENT_DATA_TYPE_UINT8 = 2,
    ONNX_TENSOR_ELEMENT_DATA_TYPE_INT8 = 3,
    ONNX_TENSOR_ELEMENT_DATA_TYPE_UINT16 = 4,
    ONNX_TENSOR_ELEMENT_DATA_TYPE_INT16 = 5,
    ONNX_TENSOR_ELEMENT_DATA_TYPE_INT32 = 6,
    ONNX_TENSOR_ELEMENT_DATA_TYPE_INT64 = 7,
    ONNX_TENSOR_ELEMENT_DATA_TYPE_STRING = 8,  /* use FillStringTensor / GetStringTensorContent */
    ONNX_TENSOR_ELEMENT_DATA_TYPE_BOOL = 9,
    ONNX_TENSOR_ELEMENT_DATA_TYPE_FLOAT16 = 10,
    ONNX_TENSOR_ELEMENT_DATA_TYPE_DOUBLE = 11,
    ONNX_TENSOR_ELEMENT_DATA_TYPE_UINT32 = 12,
    ONNX_TENSOR_ELEMENT_DATA_TYPE_UINT64 = 13,
    ONNX_TENSOR_ELEMENT_DATA_TYPE_COMPLEX64 = 14,
    ONNX_TENSOR_ELEMENT_DATA_TYPE_COMPLEX128 = 15,
    ONNX_TENSOR_ELEMENT_DATA_TYPE_BFLOAT16 = 16,
    ONNX_TENSOR_ELEMENT_DATA_TYPE_FLOAT8E4M3FN = 17,
    ONNX_TENSOR_ELEMENT_DATA_TYPE_FLOAT8E4M3FNUZ = 18,
    ONNX_TENSOR_ELEMENT_DATA_TYPE_FLOAT8E5M2 = 19,
    ONNX_TENSOR_ELEMENT_DATA_TYPE_FLOAT8E5M2FNUZ = 20,
    ONNX_TENSOR_ELEMENT_DATA_TYPE_UINT4 = 21,
    ONNX_TENSOR_ELEMENT_DATA_TYPE_INT4 = 22,
    ONNX_TENSOR_ELEMENT_DATA_TYPE_FLOAT4E2M1 = 23,
    ONNX_TENSOR_ELEMENT_DATA_TYPE_UINT2 = 24,
    ONNX_TENSOR_ELEMENT_DATA_TYPE_INT2 = 25,
    ONNX_TENSOR_ELEMENT_DATA_TYPE_FLOAT8E8M0 = 26,
} ONNXTensorElementDataType;

typedef enum ONNXType {
    ONNX_TYPE_UNKNOWN = 0,
    ONNX_TYPE_TENSOR = 1,
    ONNX_TYPE_SEQUENCE = 2,
    ONNX_TYPE_MAP = 3,
    ONNX_TYPE_OPAQUE = 4,
    ONNX_TYPE_SPARSETENSOR = 5,
    ONNX_TYPE_OPTIONAL = 6,
} ONNXType;

typedef enum OrtLoggingLevel {
    ORT_LOGGING_LEVEL_VERBOSE = 0,
    ORT_LOGGING_LEVEL_INFO = 1,
    ORT_LOGGING_LEVEL_WARNING = 2,
    ORT_LOGGING_LEVEL_ERROR = 3,
    ORT_LOGGING_LEVEL_FATAL = 4,
} OrtLoggingLevel;

typedef enum OrtErrorCode {
    ORT_OK = 0,
    ORT_FAIL = 1,
    ORT_INVALID_ARGUMENT = 2,
    ORT_NO_SUCHFILE = 3,
    ORT_NO_MODEL = 4,
    ORT_ENGINE_ERROR = 5,
    ORT_RUNTIME_EXCEPTION = 6,
    ORT_INVALID_PROTOBUF = 7,
    ORT_MODEL_LOADED = 8,
    ORT_NOT_IMPLEMENTED = 9,
    ORT_INVALID_GRAPH = 10,
    ORT_EP_FAIL = 11,
    ORT_MODEL_LOAD_CANCELED = 12,
    ORT_MODEL_REQUIRES_COMPILATION = 13,
    ORT_NOT_FOUND = 14,
    ORT_DEVICE_RESET = 15,
} OrtErrorCode;

typedef enum GraphOptimizationLevel {
    ORT_DISABLE_ALL = 0,
    ORT_ENABLE_BASIC = 1,
    ORT_ENABLE_EXTENDED = 2,
    ORT_ENABLE_LAYOUT = 3, /* recent runtimes only */
    ORT_ENABLE_ALL = 99,
} GraphOptimizationLevel;

typedef enum OrtAllocatorType {
    OrtInvalidAllocator = -1,
    OrtDeviceAllocator = 0,
    OrtArenaAllocator = 1,
    OrtReadOnlyAllocator = 2, /* recent runtimes only */
} OrtAllocatorType;

typedef enum OrtMemType {
    OrtMemTypeCPUInput = -2,  /* CPU memory used by a non-CPU execution provider */
    OrtMemTypeCPUOutput = -1, /* CPU-accessible memory output by a non-CPU execution provider */
    OrtMemTypeCPU = OrtMemTypeCPUOutput,
    OrtMemTypeDefault = 0,    /* the execution provider's default memory */
} OrtMemType;

/* Opaque handles: only ever used through pointers. OrtAllocator is a struct upstream, but we never
 * implement or call into one directly (only via AllocatorFree), so it stays opaque here. */
typedef struct OrtEnv OrtEnv;
typedef struct OrtStatus OrtStatus; /* NULL means success */
typedef struct OrtMemoryInfo OrtMemoryInfo;
typedef struct OrtSession OrtSession;
typedef struct OrtValue OrtValue;
typedef struct OrtRunOptions OrtRunOptions;
typedef struct OrtTypeInfo OrtTypeInfo;
typedef struct OrtTensorTypeAndShapeInfo OrtTensorTypeAndShapeInfo;
typedef struct OrtSessionOptions OrtSessionOptions;
typedef struct OrtAllocator OrtAllocator;
typedef struct OrtCUDAProviderOptionsV2 OrtCUDAProviderOptionsV2;
typedef OrtStatus *OrtStatusPtr;

typedef struct OrtApi OrtApi;

typedef struct OrtApiBase {
    /* Returns NULL when the runtime does not support `version` (e.g. it is older than the request). */
    const OrtApi *(*GetApi)(uint32_t version);
    const char *(*GetVersionString)(void); /* e.g. "1.32.0" */
} OrtApiBase;

/* The library's only C entry point. */
const OrtApiBase *OrtGetApiBase(void);

/* Every function returning OrtStatusPtr returns NULL on success; otherwise the caller owns the status
 * and must ReleaseStatus it. Names returned by SessionGet*Name are freed with AllocatorFree.
 * Dynamic dims read as -1 from GetDimensions; GetTensorShapeElementCount fails on such shapes
 * (1.32 reports an overflow), so only call it on concrete tensors. */
struct OrtApi {
    /*   0 */ OrtStatus *(*CreateStatus)(OrtErrorCode code, const char *msg);
    /*   1 */ OrtErrorCode (*GetErrorCode)(const OrtStatus *status);
    /*   2 */ const char *(*GetErrorMessage)(const OrtStatus *status);
    /*   3 */ OrtStatusPtr (*CreateEnv)(OrtLoggingLevel log_severity_level, const char *logid, OrtEnv **out);
    /*   4 */ void *_unused4; /* CreateEnvWithCustomLogger */
    /*   5 */ void *_unused5; /* EnableTelemetryEvents */
    /*   6 */ void *_unused6; /* DisableTelemetryEvents */
    /*   7 */ OrtStatusPtr (*CreateSession)(const OrtEnv *env, const char *model_path,
              const OrtSessionOptions *options, OrtSession **out);
    /*   8 */ OrtStatusPtr (*CreateSessionFromArray)(const OrtEnv *env, const void *model_data,
              size_t model_data_length, const OrtSessionOptions *options, OrtSession **out);
    /*   9 */ OrtStatusPtr (*Run)(OrtSession *session, const OrtRunOptions *run_options,
              const char *const *input_names, const OrtValue *const *inputs, size_t input_len,
              const char *const *output_names, size_t output_names_len, OrtValue **outputs);
    /*  10 */ OrtStatusPtr (*CreateSessionOptions)(OrtSessionOptions **options);
    /*  11 */ void *_unused11; /* SetOptimizedModelFilePath */
    /*  12 */ void *_unused12; /* CloneSessionOptions */
    /*  13 */ void *_unused13; /* SetSessionExecutionMode */
    /*  14 */ void *_unused14; /* EnableProfiling */
    /*  15 */ void *_unused15; /* DisableProfiling */
    /*  16 */ void *_unused16; /* EnableMemPattern */
    /*  17 */ void *_unused17; /* DisableMemPattern */
    /*  18 */ void *_unused18; /* EnableCpuMemArena */
    /*  19 */ void *_unused19; /* DisableCpuMemArena */
    /*  20 */ void *_unused20; /* SetSessionLogId */
    /*  21 */ void *_unused21; /* SetSessionLogVerbosityLevel */
    /*  22 */ void *_unused22; /* SetSessionLogSeverityLevel */
    /*  23 */ OrtStatusPtr (*SetSessionGraphOptimizationLevel)(OrtSessionOptions *options,
              GraphOptimizationLevel graph_optimization_level);
    /*  24 */ OrtStatusPtr (*SetIntraOpNumThreads)(OrtSessionOptions *options, int intra_op_num_threads);
    /*  25 */ OrtStatusPtr (*SetInterOpNumThreads)(OrtSessionOptions *options, int inter_op_num_threads);
    /*  26 */ void *_unused26; /* CreateCustomOpDomain */
    /*  27 */ void *_unused27; /* CustomOpDomain_Add */
    /*  28 */ void *_unused28; /* AddCustomOpDomain */
    /*  29 */ void *_unused29; /* RegisterCustomOpsLibrary */
    /*  30 */ OrtStatusPtr (*SessionGetInputCount)(const OrtSession *session, size_t *out);
    /*  31 */ OrtStatusPtr (*SessionGetOutputCount)(const OrtSession *session, size_t *out);
    /*  32 */ void *_unused32; /* SessionGetOverridableInitializerCount */
    /*  33 */ OrtStatusPtr (*SessionGetInputTypeInfo)(const OrtSession *session, size_t index,
              OrtTypeInfo **type_info);
    /*  34 */ OrtStatusPtr (*SessionGetOutputTypeInfo)(const OrtSession *session, size_t index,
              OrtTypeInfo **type_info);
    /*  35 */ void *_unused35; /* SessionGetOverridableInitializerTypeInfo */
    /*  36 */ OrtStatusPtr (*SessionGetInputName)(const OrtSession *session, size_t index,
              OrtAllocator *allocator, char **value);
    /*  37 */ OrtStatusPtr (*SessionGetOutputName)(const OrtSession *session, size_t index,
              OrtAllocator *allocator, char **value);
    /*  38 */ void *_unused38; /* SessionGetOverridableInitializerName */
    /*  39 */ void *_unused39; /* CreateRunOptions */
    /*  40 */ void *_unused40; /* RunOptionsSetRunLogVerbosityLevel */
    /*  41 */ void *_unused41; /* RunOptionsSetRunLogSeverityLevel */
    /*  42 */ void *_unused42; /* RunOptionsSetRunTag */
    /*  43 */ void *_unused43; /* RunOptionsGetRunLogVerbosityLevel */
    /*  44 */ void *_unused44; /* RunOptionsGetRunLogSeverityLevel */
    /*  45 */ void *_unused45; /* RunOptionsGetRunTag */
    /*  46 */ void *_unused46; /* RunOptionsSetTerminate */
    /*  47 */ void *_unused47; /* RunOptionsUnsetTerminate */
    /*  48 */ OrtStatusPtr (*CreateTensorAsOrtValue)(OrtAllocator *allocator, const int64_t *shape,
              size_t shape_len, ONNXTensorElementDataType type, OrtValue **out);
    /*  49 */ OrtStatusPtr (*CreateTensorWithDataAsOrtValue)(const OrtMemoryInfo *info, void *p_data,
              size_t p_data_len, const int64_t *shape, size_t shape_len, ONNXTensorElementDataType type,
              OrtValue **out);
    /*  50 */ OrtStatusPtr (*IsTensor)(const OrtValue *value, int *out);
    /*  51 */ OrtStatusPtr (*GetTensorMutableData)(OrtValue *value, void **out);
    /*  52 */ OrtStatusPtr (*FillStringTensor)(OrtValue *value, const char *const *s, size_t s_len);
    /*  53 */ OrtStatusPtr (*GetStringTensorDataLength)(const OrtValue *value, size_t *len);
    /*  54 */ OrtStatusPtr (*GetStringTensorContent)(const OrtValue *value, void *s, size_t s_len,
              size_t *offsets, size_t offsets_len);
    /*  55 */ OrtStatusPtr (*CastTypeInfoToTensorInfo)(const OrtTypeInfo *type_info,
              const OrtTensorTypeAndShapeInfo **out);
    /*  56 */ OrtStatusPtr (*GetOnnxTypeFromTypeInfo)(const OrtTypeInfo *type_info, ONNXType *out);
    /*  57 */ void *_unused57; /* CreateTensorTypeAndShapeInfo */
    /*  58 */ void *_unused58; /* SetTensorElementType */
    /*  59 */ void *_unused59; /* SetDimensions */
    /*  60 */ OrtStatusPtr (*GetTensorElementType)(const OrtTensorTypeAndShapeInfo *info,
              ONNXTensorElementDataType *out);
    /*  61 */ OrtStatusPtr (*GetDimensionsCount)(const OrtTensorTypeAndShapeInfo *info, size_t *out);
    /*  62 */ OrtStatusPtr (*GetDimensions)(const OrtTensorTypeAndShapeInfo *info, int64_t *dim_values,
              size_t dim_values_length);
    /*  63 */ OrtStatusPtr (*GetSymbolicDimensions)(const OrtTensorTypeAndShapeInfo *info,
              const char **dim_params, size_t dim_params_length);
    /*  64 */ OrtStatusPtr (*GetTensorShapeElementCount)(const OrtTensorTypeAndShapeInfo *info, size_t *out);
    /*  65 */ OrtStatusPtr (*GetTensorTypeAndShape)(const OrtValue *value, OrtTensorTypeAndShapeInfo **out);
    /*  66 */ void *_unused66; /* GetTypeInfo */
    /*  67 */ OrtStatusPtr (*GetValueType)(const OrtValue *value, ONNXType *out);
    /*  68 */ void *_unused68; /* CreateMemoryInfo */
    /*  69 */ OrtStatusPtr (*CreateCpuMemoryInfo)(OrtAllocatorType type, OrtMemType mem_type,
              OrtMemoryInfo **out);
    /*  70 */ void *_unused70; /* CompareMemoryInfo */
    /*  71 */ void *_unused71; /* MemoryInfoGetName */
    /*  72 */ void *_unused72; /* MemoryInfoGetId */
    /*  73 */ void *_unused73; /* MemoryInfoGetMemType */
    /*  74 */ void *_unused74; /* MemoryInfoGetType */
    /*  75 */ void *_unused75; /* AllocatorAlloc */
    /*  76 */ OrtStatusPtr (*AllocatorFree)(OrtAllocator *allocator, void *p);
    /*  77 */ void *_unused77; /* AllocatorGetInfo */
    /*  78 */ OrtStatusPtr (*GetAllocatorWithDefaultOptions)(OrtAllocator **out);
    /*  79 */ void *_unused79; /* AddFreeDimensionOverride */
    /*  80 */ void *_unused80; /* GetValue */
    /*  81 */ void *_unused81; /* GetValueCount */
    /*  82 */ void *_unused82; /* CreateValue */
    /*  83 */ void *_unused83; /* CreateOpaqueValue */
    /*  84 */ void *_unused84; /* GetOpaqueValue */
    /*  85 */ void *_unused85; /* KernelInfoGetAttribute_float */
    /*  86 */ void *_unused86; /* KernelInfoGetAttribute_int64 */
    /*  87 */ void *_unused87; /* KernelInfoGetAttribute_string */
    /*  88 */ void *_unused88; /* KernelContext_GetInputCount */
    /*  89 */ void *_unused89; /* KernelContext_GetOutputCount */
    /*  90 */ void *_unused90; /* KernelContext_GetInput */
    /*  91 */ void *_unused91; /* KernelContext_GetOutput */
    /*  92 */ void (*ReleaseEnv)(OrtEnv *input);
    /*  93 */ void (*ReleaseStatus)(OrtStatus *input);
    /*  94 */ void (*ReleaseMemoryInfo)(OrtMemoryInfo *input);
    /*  95 */ void (*ReleaseSession)(OrtSession *input);
    /*  96 */ void (*ReleaseValue)(OrtValue *input);
    /*  97 */ void *_unused97; /* ReleaseRunOptions */
    /*  98 */ void (*ReleaseTypeInfo)(OrtTypeInfo *input);
    /*  99 */ void (*ReleaseTensorTypeAndShapeInfo)(OrtTensorTypeAndShapeInfo *input);
    /* 100 */ void (*ReleaseSessionOptions)(OrtSessionOptions *input);
    /* 101 */ void *_unused101; /* ReleaseCustomOpDomain */
    /* 102 */ void *_unused102; /* GetDenotationFromTypeInfo */
    /* 103 */ void *_unused103; /* CastTypeInfoToMapTypeInfo */
    /* 104 */ void *_unused104; /* CastTypeInfoToSequenceTypeInfo */
    /* 105 */ void *_unused105; /* GetMapKeyType */
    /* 106 */ void *_unused106; /* GetMapValueType */
    /* 107 */ void *_unused107; /* GetSequenceElementType */
    /* 108 */ void *_unused108; /* ReleaseMapTypeInfo */
    /* 109 */ void *_unused109; /* ReleaseSequenceTypeInfo */
    /* 110 */ void *_unused110; /* SessionEndProfiling */
    /* 111 */ void *_unused111; /* SessionGetModelMetadata */
    /* 112 */ void *_unused112; /* ModelMetadataGetProducerName */
    /* 113 */ void *_unused113; /* ModelMetadataGetGraphName */
    /* 114 */ void *_unused114; /* ModelMetadataGetDomain */
    /* 115 */ void *_unused115; /* ModelMetadataGetDescription */
    /* 116 */ void *_unused116; /* ModelMetadataLookupCustomMetadataMap */
    /* 117 */ void *_unused117; /* ModelMetadataGetVersion */
    /* 118 */ void *_unused118; /* ReleaseModelMetadata */
    /* 119 */ void *_unused119; /* CreateEnvWithGlobalThreadPools */
    /* 120 */ void *_unused120; /* DisablePerSessionThreads */
    /* 121 */ void *_unused121; /* CreateThreadingOptions */
    /* 122 */ void *_unused122; /* ReleaseThreadingOptions */
    /* 123 */ void *_unused123; /* ModelMetadataGetCustomMetadataMapKeys */
    /* 124 */ void *_unused124; /* AddFreeDimensionOverrideByName */
    /* 125 */ OrtStatusPtr (*GetAvailableProviders)(char ***out_ptr, int *provider_length);
    /* 126 */ OrtStatusPtr (*ReleaseAvailableProviders)(char **ptr, int providers_length);
    /* 127 */ void *_unused127; /* GetStringTensorElementLength */
    /* 128 */ void *_unused128; /* GetStringTensorElement */
    /* 129 */ void *_unused129; /* FillStringTensorElement */
    /* 130 */ OrtStatusPtr (*AddSessionConfigEntry)(OrtSessionOptions *options, const char *config_key,
              const char *config_value);
    /* 131 */ void *_unused131; /* CreateAllocator */
    /* 132 */ void *_unused132; /* ReleaseAllocator */
    /* 133 */ void *_unused133; /* RunWithBinding */
    /* 134 */ void *_unused134; /* CreateIoBinding */
    /* 135 */ void *_unused135; /* ReleaseIoBinding */
    /* 136 */ void *_unused136; /* BindInput */
    /* 137 */ void *_unused137; /* BindOutput */
    /* 138 */ void *_unused138; /* BindOutputToDevice */
    /* 139 */ void *_unused139; /* GetBoundOutputNames */
    /* 140 */ void *_unused140; /* GetBoundOutputValues */
    /* 141 */ void *_unused141; /* ClearBoundInputs */
    /* 142 */ void *_unused142; /* ClearBoundOutputs */
    /* 143 */ void *_unused143; /* TensorAt */
    /* 144 */ void *_unused144; /* CreateAndRegisterAllocator */
    /* 145 */ void *_unused145; /* SetLanguageProjection */
    /* 146 */ void *_unused146; /* SessionGetProfilingStartTimeNs */
    /* 147 */ void *_unused147; /* SetGlobalIntraOpNumThreads */
    /* 148 */ void *_unused148; /* SetGlobalInterOpNumThreads */
    /* 149 */ void *_unused149; /* SetGlobalSpinControl */
    /* 150 */ void *_unused150; /* AddInitializer */
    /* 151 */ void *_unused151; /* CreateEnvWithCustomLoggerAndGlobalThreadPools */
    /* 152 */ void *_unused152; /* SessionOptionsAppendExecutionProvider_CUDA */
    /* 153 */ void *_unused153; /* SessionOptionsAppendExecutionProvider_ROCM */
    /* 154 */ void *_unused154; /* SessionOptionsAppendExecutionProvider_OpenVINO */
    /* 155 */ void *_unused155; /* SetGlobalDenormalAsZero */
    /* 156 */ void *_unused156; /* CreateArenaCfg */
    /* 157 */ void *_unused157; /* ReleaseArenaCfg */
    /* 158 */ void *_unused158; /* ModelMetadataGetGraphDescription */
    /* 159 */ void *_unused159; /* SessionOptionsAppendExecutionProvider_TensorRT */
    /* 160 */ void *_unused160; /* SetCurrentGpuDeviceId */
    /* 161 */ void *_unused161; /* GetCurrentGpuDeviceId */
    /* 162 */ void *_unused162; /* KernelInfoGetAttributeArray_float */
    /* 163 */ void *_unused163; /* KernelInfoGetAttributeArray_int64 */
    /* 164 */ void *_unused164; /* CreateArenaCfgV2 */
    /* 165 */ void *_unused165; /* AddRunConfigEntry */
    /* 166 */ void *_unused166; /* CreatePrepackedWeightsContainer */
    /* 167 */ void *_unused167; /* ReleasePrepackedWeightsContainer */
    /* 168 */ void *_unused168; /* CreateSessionWithPrepackedWeightsContainer */
    /* 169 */ void *_unused169; /* CreateSessionFromArrayWithPrepackedWeightsContainer */
    /* 170 */ void *_unused170; /* SessionOptionsAppendExecutionProvider_TensorRT_V2 */
    /* 171 */ void *_unused171; /* CreateTensorRTProviderOptions */
    /* 172 */ void *_unused172; /* UpdateTensorRTProviderOptions */
    /* 173 */ void *_unused173; /* GetTensorRTProviderOptionsAsString */
    /* 174 */ void *_unused174; /* ReleaseTensorRTProviderOptions */
    /* 175 */ void *_unused175; /* EnableOrtCustomOps */
    /* 176 */ void *_unused176; /* RegisterAllocator */
    /* 177 */ void *_unused177; /* UnregisterAllocator */
    /* 178 */ void *_unused178; /* IsSparseTensor */
    /* 179 */ void *_unused179; /* CreateSparseTensorAsOrtValue */
    /* 180 */ void *_unused180; /* FillSparseTensorCoo */
    /* 181 */ void *_unused181; /* FillSparseTensorCsr */
    /* 182 */ void *_unused182; /* FillSparseTensorBlockSparse */
    /* 183 */ void *_unused183; /* CreateSparseTensorWithValuesAsOrtValue */
    /* 184 */ void *_unused184; /* UseCooIndices */
    /* 185 */ void *_unused185; /* UseCsrIndices */
    /* 186 */ void *_unused186; /* UseBlockSparseIndices */
    /* 187 */ void *_unused187; /* GetSparseTensorFormat */
    /* 188 */ void *_unused188; /* GetSparseTensorValuesTypeAndShape */
    /* 189 */ void *_unused189; /* GetSparseTensorValues */
    /* 190 */ void *_unused190; /* GetSparseTensorIndicesTypeShape */
    /* 191 */ void *_unused191; /* GetSparseTensorIndices */
    /* 192 */ void *_unused192; /* HasValue */
    /* 193 */ void *_unused193; /* KernelContext_GetGPUComputeStream */
    /* 194 */ void *_unused194; /* GetTensorMemoryInfo */
    /* 195 */ void *_unused195; /* GetExecutionProviderApi */
    /* 196 */ void *_unused196; /* SessionOptionsSetCustomCreateThreadFn */
    /* 197 */ void *_unused197; /* SessionOptionsSetCustomThreadCreationOptions */
    /* 198 */ void *_unused198; /* SessionOptionsSetCustomJoinThreadFn */
    /* 199 */ void *_unused199; /* SetGlobalCustomCreateThreadFn */
    /* 200 */ void *_unused200; /* SetGlobalCustomThreadCreationOptions */
    /* 201 */ void *_unused201; /* SetGlobalCustomJoinThreadFn */
    /* 202 */ void *_unused202; /* SynchronizeBoundInputs */
    /* 203 */ void *_unused203; /* SynchronizeBoundOutputs */
    /* 204 */ OrtStatusPtr (*SessionOptionsAppendExecutionProvider_CUDA_V2)(OrtSessionOptions *options,
              const OrtCUDAProviderOptionsV2 *cuda_options);
    /* 205 */ OrtStatusPtr (*CreateCUDAProviderOptions)(OrtCUDAProviderOptionsV2 **out);
    /* 206 */ OrtStatusPtr (*UpdateCUDAProviderOptions)(OrtCUDAProviderOptionsV2 *cuda_options,
              const char *const *provider_options_keys, const char *const *provider_options_values,
              size_t num_keys);
    /* 207 */ void *_unused207; /* GetCUDAProviderOptionsAsString */
    /* 208 */ void (*ReleaseCUDAProviderOptions)(OrtCUDAProviderOptionsV2 *input);
    /* Later slots are not declared; nothing may be added here without first filling every slot in
     * between, in upstream order. */
};

/* The API table for ORT_API_VERSION, or NULL if the loaded runtime is too old for it. */
static inline const OrtApi *ms_ort_api(void) {
    return OrtGetApiBase()->GetApi(ORT_API_VERSION);
}

/* Version string of the loaded runtime (e.g. "1.32.0"); never NULL. */
static inline const char *ms_ort_version(void) {
    return OrtGetApiBase()->GetVersionString();
}

#ifdef __cplusplus
}
#endif

#endif /* MODELSHIP_CONNXRUNTIME_H */
