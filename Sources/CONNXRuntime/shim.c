/*
 * SwiftPM needs one C source per C target; this one also pins the OrtApi layout at compile time.
 * Each used member must sit at its upstream slot index (see the header comment): a missing or
 * extra placeholder above it shifts the offset and fails the build here instead of calling the
 * wrong function at run time.
 */
#include "CONNXRuntime.h"

#define MS_ORT_SLOT(member, index) \
    _Static_assert(offsetof(OrtApi, member) == (index) * sizeof(void *), \
                   "OrtApi." #member " must be slot " #index)

MS_ORT_SLOT(CreateStatus, 0);
MS_ORT_SLOT(GetErrorCode, 1);
MS_ORT_SLOT(GetErrorMessage, 2);
MS_ORT_SLOT(CreateEnv, 3);
MS_ORT_SLOT(CreateSession, 7);
MS_ORT_SLOT(CreateSessionFromArray, 8);
MS_ORT_SLOT(Run, 9);
MS_ORT_SLOT(CreateSessionOptions, 10);
MS_ORT_SLOT(SetSessionGraphOptimizationLevel, 23);
MS_ORT_SLOT(SetIntraOpNumThreads, 24);
MS_ORT_SLOT(SetInterOpNumThreads, 25);
MS_ORT_SLOT(SessionGetInputCount, 30);
MS_ORT_SLOT(SessionGetOutputCount, 31);
MS_ORT_SLOT(SessionGetInputTypeInfo, 33);
MS_ORT_SLOT(SessionGetOutputTypeInfo, 34);
MS_ORT_SLOT(SessionGetInputName, 36);
MS_ORT_SLOT(SessionGetOutputName, 37);
MS_ORT_SLOT(CreateTensorAsOrtValue, 48);
MS_ORT_SLOT(CreateTensorWithDataAsOrtValue, 49);
MS_ORT_SLOT(IsTensor, 50);
MS_ORT_SLOT(GetTensorMutableData, 51);
MS_ORT_SLOT(FillStringTensor, 52);
MS_ORT_SLOT(GetStringTensorDataLength, 53);
MS_ORT_SLOT(GetStringTensorContent, 54);
MS_ORT_SLOT(CastTypeInfoToTensorInfo, 55);
MS_ORT_SLOT(GetOnnxTypeFromTypeInfo, 56);
MS_ORT_SLOT(GetTensorElementType, 60);
MS_ORT_SLOT(GetDimensionsCount, 61);
MS_ORT_SLOT(GetDimensions, 62);
MS_ORT_SLOT(GetSymbolicDimensions, 63);
MS_ORT_SLOT(GetTensorShapeElementCount, 64);
MS_ORT_SLOT(GetTensorTypeAndShape, 65);
MS_ORT_SLOT(GetValueType, 67);
MS_ORT_SLOT(CreateCpuMemoryInfo, 69);
MS_ORT_SLOT(AllocatorFree, 76);
MS_ORT_SLOT(GetAllocatorWithDefaultOptions, 78);
MS_ORT_SLOT(ReleaseEnv, 92);
MS_ORT_SLOT(ReleaseStatus, 93);
MS_ORT_SLOT(ReleaseMemoryInfo, 94);
MS_ORT_SLOT(ReleaseSession, 95);
MS_ORT_SLOT(ReleaseValue, 96);
MS_ORT_SLOT(ReleaseTypeInfo, 98);
MS_ORT_SLOT(ReleaseTensorTypeAndShapeInfo, 99);
MS_ORT_SLOT(ReleaseSessionOptions, 100);
MS_ORT_SLOT(GetAvailableProviders, 125);
MS_ORT_SLOT(ReleaseAvailableProviders, 126);
MS_ORT_SLOT(AddSessionConfigEntry, 130);
MS_ORT_SLOT(SessionOptionsAppendExecutionProvider_CUDA_V2, 204);
MS_ORT_SLOT(CreateCUDAProviderOptions, 205);
MS_ORT_SLOT(UpdateCUDAProviderOptions, 206);
MS_ORT_SLOT(ReleaseCUDAProviderOptions, 208);
_Static_assert(sizeof(OrtApi) == 209 * sizeof(void *), "OrtApi declares slots 0..208 exactly");
