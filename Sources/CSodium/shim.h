#ifndef PIPELINE_CSODIUM_SHIM_H
#define PIPELINE_CSODIUM_SHIM_H
// Only SHA-256 is used (model and payload digests); libzmq links libsodium already for CURVE.
#include <sodium/crypto_hash_sha256.h>
#include <sodium/core.h>
#endif
